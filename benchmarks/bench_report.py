"""Benchmark: the full VRMDS evaluation report as JSON over N synthetic episodes.

    python benchmarks/bench_report.py --episodes 100000              # SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_report \\
        python benchmarks/bench_report.py --episodes 1000000         # PostgreSQL

Fills the database (once; re-runs reuse it when it already holds the same number of
synthetic episodes) with a synthetic VRMDS dataset (``interchange.synth``: episodes,
contacts, onward referrals and measures) imported with the VRMDS importer, then, in the
same run and on the same data:

1. times the report end to end: every table computed, then serialised as JSON, with
   its queries side by side on ``VOCREHAB_REPORT_WORKERS`` connections (default: one
   per core, at most four) sharing one snapshot;
2. times it again on one connection (it must be the same report), capturing every SQL
   statement, and times running those statements alone, one after another;

and prints both, their ratio and the slowest statements. Targets: the report over
1,000,000 episodes on PostgreSQL in under 2 s and over 100,000 on SQLite in under 2 s
(issue 21), over 50 services in under 10 s (issue 20), and at most 3 × its SQL alone.
Then it times the dashboard's figures (24 months of charts) for all the services and
for the largest one, ``--dashboard-repeat`` times each: target p95 under 300 ms.
Each timing is the median of ``--repeat`` runs after one warm-up run. Use a database
of its own. Without DATABASE_URL it uses ``var/bench-report-N.sqlite3``.

``--base B`` imports B synthetic episodes and copies them in SQL (ids shifted,
references suffixed) up to N: a million episodes in minutes rather than the hour an
import of that size takes on a busy machine. A database already holding B episodes
is grown to N.

``--services 50`` spreads the episodes over 50 services: with ``--episodes 1000000
--base 100000`` that is the hub's report over 50 services of 20,000 episodes each
(issue 20's target, 10 s).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SERVICES = 7
TARGET_RATIO = 3.0
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
DASHBOARD_TARGET_MS = 300.0


def _setup(episodes: int) -> None:
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = (
            f"sqlite:///{ROOT / 'var' / f'bench-report-{episodes}.sqlite3'}"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")
    import django

    django.setup()


def _replicate(copies: int) -> None:
    """Copy every synthetic client, episode, contact, onward row, questionnaire and item
    value, intervention and per-episode summary ``copies - 1`` more times, in SQL (ids
    shifted, references suffixed)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max

    from vocrehab.casework.models import (
        Contact,
        ContactIntervention,
        EpisodeContactCounts,
        OnwardReferral,
    )
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode
    from vocrehab.measures.models import (
        Administration,
        ItemValue,
        QuestionnairePair,
        QuestionnaireScores,
    )

    models = [Client, Episode, Contact, ContactIntervention, OnwardReferral, Administration]
    models += [ItemValue, QuestionnaireScores, EpisodeContactCounts, QuestionnairePair]
    top = {m: m.objects.aggregate(top=Max("pk"))["top"] or 0 for m in models}
    # Foreign keys that point into the copied tables, and the table they point to.
    remap = {
        (QuestionnaireScores, "administration_id"): Administration,
        (Episode, "client_id"): Client,
        (Episode, "previous_episode_id"): Episode,
        (Contact, "episode_id"): Episode,
        (ContactIntervention, "contact_id"): Contact,
        (EpisodeContactCounts, "episode_id"): Episode,
        (QuestionnairePair, "episode_id"): Episode,
        (OnwardReferral, "episode_id"): Episode,
        (Administration, "episode_id"): Episode,
        (ItemValue, "administration_id"): Administration,
    }
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for copy in range(1, copies):
            for model in models:
                columns, expressions = [], []
                for field in model._meta.concrete_fields:
                    column = quote(field.column)
                    columns.append(column)
                    if (model, field.column) in remap:  # the scores' key is a reference too
                        target = remap[(model, field.column)]
                        expressions.append(f"{column} + {copy * top[target]}")
                    elif field.primary_key:
                        expressions.append(f"{column} + {copy * top[model]}")
                    elif field.name == "reference":
                        expressions.append(f"{column} || '~{copy}'")
                    else:
                        expressions.append(column)
                table = quote(model._meta.db_table)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"SELECT {', '.join(expressions)} FROM {table} "
                    f"WHERE {quote(model._meta.pk.column)} <= {top[model]}"
                )
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _analyze() -> None:
    """Planner statistics, as autovacuum would gather them on a live system: without
    them PostgreSQL plans joins for one-row tables just after a bulk import."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _fill(episodes: int, base: int | None = None, services: int = SERVICES) -> float:
    """Make the database hold ``episodes`` synthetic episodes; returns seconds spent.

    With ``base``, ``base`` episodes are generated and imported, then copied in SQL
    until there are ``episodes`` (much faster at a million than importing them all).
    """
    from django.core.management import call_command

    from vocrehab.episodes.models import Episode
    from vocrehab.interchange.importer import import_dataset
    from vocrehab.interchange.synth import service_catalogue, write_synthetic_dataset

    call_command("migrate", interactive=False, verbosity=0)
    codes = [spec.code for spec in service_catalogue(services)]
    have = Episode.objects.filter(service__code__in=codes).count()
    if have == episodes:
        _analyze()
        return 0.0
    if base and have == base and episodes % base == 0:
        started = time.perf_counter()
        _replicate(episodes // base)
        _analyze()
        return time.perf_counter() - started
    if have:
        raise SystemExit(
            "bench_report: the database holds a different number of synthetic episodes; "
            "use another database (or delete var/bench-report-*.sqlite3)"
        )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        folder = Path(scratch) / "dataset"
        write_synthetic_dataset(folder, episodes=base or episodes, seed=1, services=services)
        summary = import_dataset(folder, create_services=True)
        if summary.errors:
            raise SystemExit(f"bench_report: import failed: {summary.errors[:3]}")
    if base and episodes != base:
        _replicate(episodes // base)
    _analyze()
    return time.perf_counter() - started


def _report_json(services) -> tuple[bytes, list[dict]]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from vocrehab.reports.evaluation import build_evaluation
    from vocrehab.reports.exports import to_json

    # The log keeps at most 9,000 queries (the import fills it): start from empty, or
    # the capture below would see none.
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        body = to_json(build_evaluation(services))
    return body, list(ctx.captured_queries)


def _time_sql(queries: list[dict], each: list | None = None) -> float:
    """Run the statements again on their own; ``each`` collects (seconds, sql)."""
    from django.db import connection, transaction

    started = time.perf_counter()
    # In one transaction, as the report runs them (its session settings are local to it).
    with transaction.atomic(), connection.cursor() as cursor:
        for query in queries:
            if query["sql"].split(" ", 1)[0].upper() in TRANSACTION_CONTROL:
                continue  # the report's own transaction: this one stands in for it
            began = time.perf_counter()
            cursor.execute(query["sql"])
            if cursor.description is not None:
                cursor.fetchall()
            if each is not None:
                each.append((time.perf_counter() - began, query["sql"]))
    return time.perf_counter() - started


def _dashboard_times(services, repeat: int) -> list[float]:
    """Seconds to compute the dashboard's figures (24 months of charts) ``repeat`` times."""
    from vocrehab.reports.queries import dashboard

    dashboard(services, months=24)  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        dashboard(services, months=24)
        times.append(time.perf_counter() - started)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _target(vendor: str, episodes: int, services: int) -> tuple[float, str]:
    """The report's target for this database and size, and the issue that sets it."""
    if vendor == "sqlite":
        return 2.0, "issue 21: SQLite, 100,000 episodes"
    if services >= 50:
        return 10.0, "issue 20: the hub, 50 services"
    return 2.0, "issue 21: PostgreSQL, 1,000,000 episodes"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--base",
        type=int,
        help="generate and import this many episodes, then copy them in SQL up to --episodes",
    )
    parser.add_argument(
        "--services", type=int, default=SERVICES, help="spread the episodes over this many"
    )
    parser.add_argument(
        "--slowest", type=int, default=8, help="print this many of the slowest statements"
    )
    parser.add_argument(
        "--dashboard-repeat",
        type=int,
        default=20,
        help="time the dashboard's figures this many times (0: not at all)",
    )
    args, _unknown = parser.parse_known_args()
    _setup(args.episodes)

    from django.db import connection

    from vocrehab.accounts.models import Service
    from vocrehab.casework.models import Contact
    from vocrehab.interchange.synth import service_catalogue
    from vocrehab.measures.models import ItemValue

    if args.base and args.episodes % args.base:
        raise SystemExit("bench_report: --episodes must be a multiple of --base")
    fill_seconds = _fill(args.episodes, args.base, args.services)
    codes = [s.code for s in service_catalogue(args.services)]
    services = list(Service.objects.filter(code__in=codes))
    print(f"database:        {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"episodes:        {args.episodes:,} in {len(services)} services")
    print(f"contacts:        {Contact.objects.count():,}")
    print(f"item values:     {ItemValue.objects.count():,}")
    if fill_seconds:
        print(f"data generated and imported in {fill_seconds:.0f} s")

    from django.conf import settings

    workers = settings.REPORT_WORKERS
    _report_json(services)  # warm-up: fills the working-day calendar, warms caches
    report_times, one_times, sql_times, each = [], [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        body, _shared_queries = _report_json(services)
        report_times.append(time.perf_counter() - started)
        # Again on one connection, one query after another: the same report, and every
        # statement captured (the other connections' are not) to be timed alone.
        settings.REPORT_WORKERS = 1
        started = time.perf_counter()
        body_one, queries = _report_json(services)
        one_times.append(time.perf_counter() - started)
        settings.REPORT_WORKERS = workers
        if body_one != body:
            raise SystemExit("bench_report: the report differs on one connection")
        each.clear()
        sql_times.append(_time_sql(queries, each))
    report_s = statistics.median(report_times)
    sql_s = statistics.median(sql_times)
    ratio = report_s / sql_s if sql_s else float("inf")
    print(f"queries:         {len(queries)}")
    print(
        f"report (JSON):   {report_s:.2f} s  on {workers} connection(s) "
        f"(VOCREHAB_REPORT_WORKERS; runs: {', '.join(f'{t:.2f}' for t in report_times)})"
    )
    print(
        f"on one:          {statistics.median(one_times):.2f} s  "
        f"(runs: {', '.join(f'{t:.2f}' for t in one_times)}; the same report)"
    )
    print(
        f"its SQL alone:   {sql_s:.2f} s  one after another "
        f"(runs: {', '.join(f'{t:.2f}' for t in sql_times)})"
    )
    print(f"ratio:           {ratio:.2f}")
    print(f"JSON size:       {len(body) / 1024:.0f} KiB")
    print("slowest statements (last run):")
    for seconds, sql in sorted(each, reverse=True)[: args.slowest]:
        print(f"  {seconds:6.2f} s  {sql[:110]}")
    target, why = _target(connection.vendor, args.episodes, len(services))
    ok = report_s <= target and ratio <= TARGET_RATIO
    print(
        f"target:          report ≤ {target:.0f} s ({why}) and ratio ≤ {TARGET_RATIO:.0f}: "
        f"{report_s / target:.2f} of the target, {'met' if ok else 'MISSED'}"
    )
    if args.dashboard_repeat:
        largest = max(services, key=lambda s: s.episodes.count())
        for label, chosen in (("all services", services), (f"one ({largest.code})", [largest])):
            times = _dashboard_times(chosen, args.dashboard_repeat)
            p50, p95 = statistics.median(times) * 1000, _p95(times) * 1000
            met = p95 <= DASHBOARD_TARGET_MS
            ok = ok and met
            print(
                f"dashboard, {label}: median {p50:.0f} ms, p95 {p95:.0f} ms over "
                f"{len(times)} runs (target p95 ≤ {DASHBOARD_TARGET_MS:.0f} ms: "
                f"{p95 / DASHBOARD_TARGET_MS:.2f} of it, {'met' if met else 'MISSED'})"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
