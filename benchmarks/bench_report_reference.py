"""Benchmark: the evaluation report against a DuckDB reference over the same VRMDS data.

    python benchmarks/bench_report_reference.py --episodes 20000         # SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_report \\
        python benchmarks/bench_report_reference.py --episodes 1000000   # PostgreSQL

Fills the database as ``bench_report.py`` does (its ``_fill``: synthetic episodes
imported with the VRMDS importer, reused when the database already holds them), exports
the VRMDS dataset of those services to a temporary folder (not timed), then in the same
run and on the same data times:

1. the report as JSON (``build_evaluation`` then ``to_json``), as ``bench_report.py``;
2. the reference (``reference_duckdb.py``): DuckDB reading the exported CSV files and
   computing the same tables, load included.

Each is the median of ``--repeat`` runs after one warm-up run. It prints both, their
ratio (target: the report within 2× of the reference) and the comparison, cell for
cell: tables and cells compared, every difference, and the report's tables the
reference does not compute (the local casework tables outside VRMDS). It exits non-zero
when any cell differs or the ratio target is missed.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_report  # noqa: E402 - the benchmark next to this one: its set-up and fill
import reference_duckdb  # noqa: E402

TARGET_RATIO = 2.0
DEFAULT_EPISODES = 20_000


def _timed(function, repeat: int) -> tuple[float, list[float], object]:
    """Median seconds of ``repeat`` runs after a warm-up run, the runs, the last result."""
    result = function()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--services",
        type=int,
        default=bench_report.SERVICES,
        help="spread the episodes over this many",
    )
    args, _unknown = parser.parse_known_args()
    bench_report._setup(args.episodes)

    # Django's modules are imported once _setup has configured it.
    from django.db import connection

    from vocrehab.accounts.models import Service
    from vocrehab.interchange.exporter import export_dataset
    from vocrehab.interchange.synth import service_catalogue
    from vocrehab.reports.evaluation import build_evaluation
    from vocrehab.reports.exports import to_json

    fill_seconds = bench_report._fill(args.episodes, None, args.services)
    codes = [s.code for s in service_catalogue(args.services)]
    services = list(Service.objects.filter(code__in=codes).order_by("code"))
    # One report date for both, so the standards and completion are judged alike.
    as_of = dt.date.today()
    load = os.getloadavg()
    print(f"database:        {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"episodes:        {args.episodes:,} in {len(services)} services")
    print(f"load average:    {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if fill_seconds:
        print(f"data generated and imported in {fill_seconds:.0f} s")

    settings, schedules = reference_duckdb.services_from_database(services)
    with tempfile.TemporaryDirectory(prefix="bench-reference-") as scratch:
        folder = Path(scratch) / "vrmds"
        started = time.perf_counter()
        export_dataset(folder, services=[s.code for s in services])
        print(f"exported in:     {time.perf_counter() - started:.1f} s (not timed below)")

        def report():
            return to_json(build_evaluation(services, as_of=as_of))

        def reference():
            return reference_duckdb.reference_report(
                folder,
                services=[s.code for s in services],
                as_of=as_of,
                service_settings=settings,
                schedules=schedules,
            )

        report_s, report_runs, body = _timed(report, args.repeat)
        reference_s, reference_runs, tables = _timed(reference, args.repeat)

    differences = reference_duckdb.compare(json.loads(body), tables)
    compared, missing, cells = reference_duckdb.coverage(json.loads(body), tables)
    differing = [d for d in differences if not d.endswith(reference_duckdb.NOT_COVERED)]
    ratio = report_s / reference_s if reference_s else float("inf")

    def runs(times):
        return ", ".join(f"{t:.2f}" for t in times)

    print(f"report (JSON):   {report_s:.2f} s  (runs: {runs(report_runs)})")
    print(
        f"reference:       {reference_s:.2f} s  (runs: {runs(reference_runs)}; DuckDB over the "
        "CSV files, load included)"
    )
    print(
        f"ratio:           {ratio:.2f}  (target ≤ {TARGET_RATIO:.0f}: "
        f"{'met' if ratio <= TARGET_RATIO else 'MISSED'})"
    )
    print(f"tables compared: {len(compared)} ({cells:,} cells)")
    print(f"not covered:     {', '.join(missing) or 'none'}")
    print(f"differences:     {len(differing)}")
    for line in differing[:50]:
        print(f"  {line}")
    if len(differing) > 50:
        print(f"  … and {len(differing) - 50} more")
    return 0 if not differing and ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
