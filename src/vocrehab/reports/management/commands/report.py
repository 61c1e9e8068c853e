"""``vocrehab report evaluation``: the standard VRMDS evaluation report from the command line.

An operator's tool: it runs with the server's rights over the named services (or every
active service), so it is logged as an export. ``--publication`` applies small-number
suppression, as for anything leaving the service.
"""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vocrehab.accounts.models import Service
from vocrehab.audit.services import record_export
from vocrehab.casework.contact_counts import contact_counts_differing, rebuild_all_contact_counts
from vocrehab.measures.models import Administration
from vocrehab.measures.scores import (
    mark_scorable,
    pairs_differing,
    rebuild_all_pairs,
    rebuild_all_scores,
    scorable_differing,
)
from vocrehab.reports import exports, presentation
from vocrehab.reports.evaluation import ReportError, build_evaluation
from vocrehab.reports.suppression import suppress


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    group = "reports"  # where `vocrehab --help` lists it
    help = "Produce a standard report. Reports: evaluation. Also: rebuild-scores, run-scheduled."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
        evaluation = sub.add_parser(
            "evaluation",
            help="the VRMDS standard evaluation report",
            description="The VRMDS standard evaluation tables for services and a period.",
        )
        evaluation.add_argument(
            "--service",
            action="append",
            default=[],
            metavar="CODE",
            help="service code (repeat for several; default every active service)",
        )
        evaluation.add_argument(
            "--from", dest="date_from", type=_date, help="referred on or after (YYYY-MM-DD)"
        )
        evaluation.add_argument(
            "--to", dest="date_to", type=_date, help="referred on or before (YYYY-MM-DD)"
        )
        evaluation.add_argument("--format", choices=exports.FORMATS, required=True)
        evaluation.add_argument(
            "--out",
            required=True,
            help="file to write; for csv a folder, or a zip when it ends in .zip; '-' = stdout "
            "(json only)",
        )
        evaluation.add_argument(
            "--publication",
            action="store_true",
            help="suppress small numbers (counts below VOCREHAB_SUPPRESSION_THRESHOLD)",
        )
        evaluation.add_argument(
            "--value-set", help="EQ-5D value set code (default england-5l-2018 / uk-3l-1997)"
        )
        sub.add_parser(
            "rebuild-scores",
            help="recompute the stored questionnaire scores from the item values",
            description="Recompute every stored questionnaire score the reports read from "
            "the item values (after values were changed outside vocrehab, for instance), "
            "and the entry/discharge pairs made from them.",
        )
        summaries = sub.add_parser(
            "summaries",
            help="check or rebuild the per-episode summaries the reports read",
            description="The evaluation report reads per-episode summaries kept as "
            "records change: each episode's contact counts by mode and intervention, "
            "whether each questionnaire gives a score, and its entry and discharge scores "
            "side by side. --verify "
            "compares every stored row with a fresh computation and exits with status 1 "
            "if any differs; --rebuild recomputes them all (after records were changed "
            "outside vocrehab, for instance).",
        )
        action = summaries.add_mutually_exclusive_group(required=True)
        action.add_argument("--verify", action="store_true", help="compare, change nothing")
        action.add_argument("--rebuild", action="store_true", help="recompute every summary")

        scheduled = sub.add_parser(
            "run-scheduled",
            help="make the scheduled reports that are due now (the worker does it daily)",
            description="Make every active scheduled report's report for its last complete "
            "month or quarter, if not made already, and email its subscriber. Running it "
            "again, or alongside the worker, makes nothing twice.",
        )
        scheduled.add_argument(
            "--today",
            type=_date,
            help="the day to act as if it were (YYYY-MM-DD; default today)",
        )

    def handle(self, *args, **opts):
        if opts["report"] == "run-scheduled":
            self._run_scheduled(opts["today"])
            return
        if opts["report"] == "rebuild-scores":
            with transaction.atomic():
                rows = rebuild_all_scores()
                rebuild_all_pairs()
            self.stdout.write(f"Stored scores recomputed for {rows:,} questionnaires.")
            return
        if opts["report"] == "summaries":
            self._summaries(rebuild=opts["rebuild"])
            return
        services = self._services(opts["service"])
        if opts["date_from"] and opts["date_to"] and opts["date_from"] > opts["date_to"]:
            raise CommandError("--from is after --to.")
        try:
            report = build_evaluation(
                services, opts["date_from"], opts["date_to"], value_set=opts["value_set"]
            )
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        if opts["publication"]:
            report = suppress(report)
        fmt, out = opts["format"], opts["out"]
        if out == "-" and fmt != "json":
            raise CommandError("Only --format json can be written to stdout.")
        if fmt == "json":
            data = exports.to_json(report)
            if out == "-":
                sys.stdout.buffer.write(data + b"\n")
            else:
                Path(out).write_bytes(data)
        elif fmt == "csv":
            exports.write_csv(report, Path(out))
        elif fmt == "xlsx":
            Path(out).write_bytes(exports.to_xlsx(report))
        else:
            panels = presentation.change_over_time(
                services, opts["date_from"], opts["date_to"], suppressed=opts["publication"]
            )
            pdf = exports.to_pdf(
                report,
                suppressed=opts["publication"],
                change_over_time=panels,
                summary=presentation.summary(report),
            )
            Path(out).write_bytes(pdf)
        record_export(
            detail=(
                f"evaluation report {fmt} services={','.join(s.code for s in services)} "
                f"from={opts['date_from'] or ''} to={opts['date_to'] or ''}"
                f"{' publication' if opts['publication'] else ''}"
            )
        )
        if out != "-":
            self.stderr.write(f"Wrote the evaluation report ({fmt}) to {out}")

    def _services(self, codes):
        if not codes:
            services = list(Service.objects.filter(active=True).order_by("code"))
            if not services:
                raise CommandError("There are no active services to report on.")
            return services
        found = {s.code: s for s in Service.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise CommandError(f"Unknown service code(s): {', '.join(unknown)}.")
        return [found[c] for c in dict.fromkeys(codes)]

    def _summaries(self, *, rebuild: bool) -> None:
        if rebuild:
            with transaction.atomic():
                counts = rebuild_all_contact_counts()
                mark_scorable(Administration.objects.all())
                pairs = rebuild_all_pairs()
            self.stdout.write(
                f"Contact counts recomputed for {counts:,} episodes; questionnaire pairs "
                f"for {pairs:,} episodes and instruments."
            )
            return
        # One snapshot for both comparisons, and nothing written.
        with transaction.atomic():
            checks = (
                ("contact counts", contact_counts_differing()),
                ("questionnaire scoring verdicts", scorable_differing()),
                ("questionnaire pairs", pairs_differing()),
            )
        wrong = 0
        for name, (count, examples) in checks:
            wrong += count
            if count:
                self.stdout.write(f"{name}: {count:,} differ from a fresh computation, e.g.")
                for example in examples:
                    self.stdout.write(f"  {example}")
            else:
                self.stdout.write(f"{name}: every row agrees with a fresh computation.")
        if wrong:
            raise CommandError(
                "Some summaries are out of date: run `vocrehab report summaries --rebuild`."
            )

    def _run_scheduled(self, today):
        # Here, not at the top: only this subcommand needs the schedule.
        from vocrehab.reports.models import ScheduledRun
        from vocrehab.reports.scheduled import run_due

        outcome = run_due(today)
        self.stdout.write(
            f"Scheduled reports: {len(outcome.produced)} made, {len(outcome.failed)} not "
            f"made, {outcome.already} already made for their period."
        )
        for run in ScheduledRun.objects.filter(pk__in=outcome.failed).select_related(
            "subscription"
        ):
            self.stdout.write(f"  not made: subscription {run.subscription_id}: {run.error}")
