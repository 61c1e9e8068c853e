"""Benchmark: the full VRMDS evaluation report as JSON over N synthetic episodes.

    python benchmarks/bench_report.py --episodes 100000              # SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_report \\
        python benchmarks/bench_report.py --episodes 1000000         # PostgreSQL

Fills the database (once; re-runs reuse it when it already holds the same number of
synthetic episodes) with a synthetic VRMDS dataset (``interchange.synth``: episodes,
contacts, onward referrals and measures) imported with the VRMDS importer, then, in the
same run and on the same data:

1. times the report end to end: every table computed, then serialised as JSON;
2. captures every SQL statement the report ran and times running them alone;

and prints both, and their ratio (target: report ≤ 10 s and ≤ 3 × its SQL alone).
Each timing is the median of ``--repeat`` runs after one warm-up run. Use a database
of its own: on PostgreSQL the bench services' records are replaced when the size
changes. Without DATABASE_URL it uses ``var/bench-report-N.sqlite3``.
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
TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0


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


def _fill(episodes: int) -> float:
    """Make the database hold ``episodes`` synthetic episodes; returns seconds spent."""
    from django.core.management import call_command

    from vocrehab.casework.models import Episode
    from vocrehab.interchange.importer import import_dataset
    from vocrehab.interchange.synth import service_catalogue, write_synthetic_dataset

    call_command("migrate", interactive=False, verbosity=0)
    codes = [spec.code for spec in service_catalogue(SERVICES)]
    if Episode.objects.filter(service__code__in=codes).count() == episodes:
        return 0.0
    if Episode.objects.filter(service__code__in=codes).exists():
        raise SystemExit(
            "bench_report: the database holds a different number of synthetic episodes; "
            "use another database (or delete var/bench-report-*.sqlite3)"
        )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        folder = Path(scratch) / "dataset"
        write_synthetic_dataset(folder, episodes=episodes, seed=1, services=SERVICES)
        summary = import_dataset(folder, create_services=True)
        if summary.errors:
            raise SystemExit(f"bench_report: import failed: {summary.errors[:3]}")
    return time.perf_counter() - started


def _report_json(services) -> tuple[bytes, list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vocrehab.reports.evaluation import build_evaluation
    from vocrehab.reports.exports import to_json

    with CaptureQueriesContext(connection) as ctx:
        body = to_json(build_evaluation(services))
    return body, list(ctx.captured_queries)


def _time_sql(queries: list[dict]) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query["sql"])
            if cursor.description is not None:
                cursor.fetchall()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args, _unknown = parser.parse_known_args()
    _setup(args.episodes)

    from django.db import connection

    from vocrehab.accounts.models import Service
    from vocrehab.casework.models import Contact
    from vocrehab.interchange.synth import service_catalogue
    from vocrehab.measures.models import ItemValue

    fill_seconds = _fill(args.episodes)
    services = list(Service.objects.filter(code__in=[s.code for s in service_catalogue(SERVICES)]))
    print(f"database:        {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"episodes:        {args.episodes:,} in {len(services)} services")
    print(f"contacts:        {Contact.objects.count():,}")
    print(f"item values:     {ItemValue.objects.count():,}")
    if fill_seconds:
        print(f"data generated and imported in {fill_seconds:.0f} s")

    _report_json(services)  # warm-up: fills the working-day calendar, warms caches
    report_times, sql_times = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        body, queries = _report_json(services)
        report_times.append(time.perf_counter() - started)
        sql_times.append(_time_sql(queries))
    report_s = statistics.median(report_times)
    sql_s = statistics.median(sql_times)
    ratio = report_s / sql_s if sql_s else float("inf")
    print(f"queries:         {len(queries)}")
    print(
        f"report (JSON):   {report_s:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in report_times)})"
    )
    print(f"its SQL alone:   {sql_s:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in sql_times)})")
    print(f"ratio:           {ratio:.2f}")
    print(f"JSON size:       {len(body) / 1024:.0f} KiB")
    ok = report_s <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print(
        f"targets:         ≤ {TARGET_SECONDS:.0f} s and ratio ≤ {TARGET_RATIO:.0f}: "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
