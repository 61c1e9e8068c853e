"""``vocrehab cba``: run the cost-benefit analysis from the command line.

Reads outcomes from the database (episodes discharged in the period, in the named
services, or every active service) or, with ``--example-outcomes``, the preset's own
example outcomes (the 2014 evaluation's, for glasgow-2014). Writes JSON, XLSX or PDF.
An operator's tool: it runs with the server's rights, and is logged as an export.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from vocrehab.accounts.models import Service
from vocrehab.audit.services import record_export
from vocrehab.economics import files, queries
from vocrehab.economics.analysis import run_analysis
from vocrehab.economics.cost_benefit import ModelInputError
from vocrehab.economics.report import report_context


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    group = "economics"  # where `vocrehab --help` lists it
    help = "Run the cost-benefit analysis and write it as JSON, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--preset", required=True, help="preset name, e.g. glasgow-2014")
        parser.add_argument("--preset-version", type=int, help="stored version (default latest)")
        parser.add_argument(
            "--service", action="append", default=[], metavar="CODE", help="service code"
        )
        parser.add_argument("--from", dest="date_from", type=_date, help="discharged on or after")
        parser.add_argument("--to", dest="date_to", type=_date, help="discharged on or before")
        parser.add_argument("--costs", type=Path, help="costs file (.json or .csv)")
        parser.add_argument(
            "--example-outcomes",
            action="store_true",
            help="use the preset's example outcomes instead of the database",
        )
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--out", type=Path, required=True, help="file to write ('-' = stdout)")
        parser.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws")
        parser.add_argument("--seed", type=int, default=2014, help="Monte Carlo seed")
        parser.add_argument(
            "--no-sensitivity", action="store_true", help="skip the sensitivity analyses"
        )

    def handle(self, *args, **opts):
        try:
            preset = queries.get_preset(opts["preset"], opts["preset_version"])
            services = self._services(opts["service"])
            if opts["example_outcomes"]:
                if preset.example_outcomes is None:
                    raise CommandError(f"The preset '{preset.name}' has no example outcomes.")
                outcomes = preset.example_outcomes
            else:
                outcomes = queries.outcomes_for(
                    services=services, date_from=opts["date_from"], date_to=opts["date_to"]
                )
            costs = None
            if opts["costs"]:
                try:
                    content = opts["costs"].read_bytes()
                except OSError as exc:
                    raise CommandError(f"Cannot read {opts['costs']}: {exc.strerror}.") from None
                costs = files.parse_costs(content, opts["costs"].name)
            elif not opts["example_outcomes"]:
                # As on the web page: the costs entered on screen, else the preset's.
                costs = queries.stored_costs(services)
            result = run_analysis(
                preset,
                outcomes,
                costs,
                with_sensitivity=not opts["no_sensitivity"],
                draws=opts["draws"],
                seed=opts["seed"],
            )
        except ModelInputError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        body = self._render(opts["format"], result, preset, services, opts)
        if str(opts["out"]) == "-":
            if isinstance(body, bytes):
                raise CommandError("Write XLSX and PDF to a file, not to the terminal.")
            self.stdout.write(body)
        else:
            mode = "wb" if isinstance(body, bytes) else "w"
            with open(opts["out"], mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
                f.write(body)
            self.stderr.write(f"Wrote {opts['out']} (ratio {result.ratio}).")
        record_export(
            detail=f"cost-benefit analysis {opts['format']} via command ({preset.name}; "
            + ",".join(s.code for s in services)
            + ")"
        )

    def _services(self, codes):
        if not codes:
            return Service.objects.filter(active=True)
        found = Service.objects.filter(code__in=codes)
        missing = sorted(set(codes) - set(found.values_list("code", flat=True)))
        if missing:
            raise CommandError(f"Unknown service code(s): {', '.join(missing)}.")
        return found

    def _render(self, fmt, result, preset, services, opts):
        if fmt == "json":
            return files.to_json(result)
        if fmt == "xlsx":
            return files.to_xlsx(result, preset)
        context = report_context(result, preset, suppress_small=False)
        context["services"] = [] if opts["example_outcomes"] else list(services)
        context["period"] = (opts["date_from"], opts["date_to"])
        return files.to_pdf(render_to_string("economics/report_print.html", context))
