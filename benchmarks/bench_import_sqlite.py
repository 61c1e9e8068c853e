"""Benchmark: the same VRMDS import into SQLite and into PostgreSQL, and the report on SQLite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_sqlite \\
        python benchmarks/bench_import_sqlite.py [--episodes N] [--rounds R] [--dataset PATH]

Writes one synthetic dataset (7 services, not counted), then, in each round, imports it
into PostgreSQL (the database named by ``DATABASE_URL``, migrated, the synthetic
services emptied and vacuumed first, as ``bench_import.py`` does) and into a new,
migrated SQLite file in a temporary folder, each in a process of its own, and prints
both times, the CPU seconds of each importing process and their ratio against the
target (SQLite within 1.5 times PostgreSQL). Then it times the evaluation report as
JSON over the SQLite import, as the import left it (``bench_report.py``'s timing:
median of ``--repeat`` runs after a warm-up; target under 2 s). Without a PostgreSQL
``DATABASE_URL`` it times SQLite and the report only. Use a database of its own: the
synthetic services' records in it are deleted first.
"""

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 1.5
TARGET_REPORT_SECONDS = 2.0


def _generate(out: Path, episodes: int) -> None:
    from _interchange_common import setup_django
    from bench_import import SERVICES

    setup_django()
    from vocrehab.interchange.synth import write_synthetic_dataset

    write_synthetic_dataset(out, episodes=episodes, seed=1, services=SERVICES)


def _child(database_url: str, dataset: Path, report_repeat: int) -> dict:
    """Run in a process of its own: migrate, import ``dataset``, and (on SQLite) time
    the report. Returns what was measured."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")
    import django

    import _interchange_common  # noqa: F401  (puts src/ on the path)

    django.setup()
    from django.db import connection

    from bench_import import SERVICES, _backend_cpu_seconds, _prepare

    _prepare()
    from vocrehab.interchange.importer import import_dataset
    from vocrehab.interchange.vrmds.reader import Limits

    postgres = connection.vendor == "postgresql"
    backend = _backend_cpu_seconds(connection) if postgres else None
    cpu = time.process_time()
    started = time.perf_counter()
    summary = import_dataset(dataset, limits=Limits(max_total_bytes=2**40), max_errors=20)
    after = _backend_cpu_seconds(connection) if postgres else None
    result = {
        "vendor": connection.vendor,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        # PostgreSQL works in a process of its own (on SQLite it is in "cpu" already).
        "backend_cpu": after - backend if backend is not None and after is not None else None,
        "ok": summary.ok,
        "errors": [str(e) for e in summary.errors[:5]],
        "rows": sum(summary.rows.values()),
        "load": os.getloadavg()[0],
    }
    if summary.ok and report_repeat and connection.vendor == "sqlite":
        from bench_report import _report_json
        from vocrehab.accounts.models import Service
        from vocrehab.interchange.synth import service_catalogue

        # No ANALYZE here: the import leaves the planner's statistics, as a user gets them.
        codes = [spec.code for spec in service_catalogue(SERVICES)]
        services = list(Service.objects.filter(code__in=codes))
        _report_json(services)  # warm-up: fills the working-day calendar
        times, cpu_times = [], []
        for _ in range(report_repeat):
            cpu = time.process_time()
            started = time.perf_counter()
            _report_json(services)
            times.append(time.perf_counter() - started)
            # SQLite runs in this process: its CPU time is the report's whole cost,
            # whatever else the machine is doing.
            cpu_times.append(time.process_time() - cpu)
        result["report"] = times
        result["report_cpu"] = cpu_times
    return result


def _run_child(database_url: str, dataset: Path, report_repeat: int) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", database_url, str(dataset), str(report_repeat)],
        check=False,
        capture_output=True,
        text=True,
    )
    if output.returncode != 0:
        print(output.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench_import_sqlite: the {database_url.split(':')[0]} run failed")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--dataset", type=Path, help="import this dataset instead")
    parser.add_argument("--rounds", type=int, default=1, help="import into each this many times")
    parser.add_argument("--repeat", type=int, default=3, help="report runs after the warm-up")
    args, _unknown = parser.parse_known_args()
    postgres = os.environ.get("DATABASE_URL", "")
    if not postgres.startswith("postgres"):
        print("bench_import_sqlite: no PostgreSQL DATABASE_URL; timing SQLite only")
        postgres = ""

    scratch = Path(tempfile.mkdtemp(prefix="vrmds-sqlite-bench-"))
    try:
        path = args.dataset
        if path is None:
            path = scratch / "dataset"
            started = time.perf_counter()
            child = multiprocessing.get_context("fork").Process(
                target=_generate, args=(path, args.episodes)
            )
            child.start()
            child.join()
            if child.exitcode != 0:
                print("generating the dataset failed", file=sys.stderr)
                return 1
            print(f"generated:       {args.episodes:,} episodes in "
                  f"{time.perf_counter() - started:.1f} s (not counted below)")  # fmt: skip
        ratios, report_times, ok = [], [], True
        for round_number in range(1, args.rounds + 1):
            pg = _run_child(postgres, path, 0) if postgres else None
            database = scratch / f"round-{round_number}.sqlite3"
            lite = _run_child(f"sqlite:///{database}", path, args.repeat)
            size = database.stat().st_size / 2**20
            database.unlink()
            for name in ("-wal", "-shm"):
                Path(f"{database}{name}").unlink(missing_ok=True)
            for run in (pg, lite):
                if run is None:
                    continue
                ok = ok and run["ok"]
                backend = (
                    f" + database {run['backend_cpu']:.1f} s" if run.get("backend_cpu") else ""
                )
                print(f"round {round_number} {run['vendor']:<10} {run['seconds']:7.1f} s  "
                      f"(importer CPU {run['cpu']:.1f} s{backend}, {run['rows']:,} rows, "
                      f"load {run['load']:.1f})"
                      + ("" if run["ok"] else f"  FAILED: {run['errors']}"))  # fmt: skip
            print(f"round {round_number} SQLite file: {size:,.0f} MiB")
            if pg:
                ratios.append(lite["seconds"] / pg["seconds"])
                print(f"round {round_number} ratio      {ratios[-1]:.2f} (SQLite / PostgreSQL)")
            if "report" in lite:
                report_times += lite["report"]
                runs = ", ".join(f"{t:.2f}" for t in lite["report"])
                cpu = ", ".join(f"{t:.2f}" for t in lite["report_cpu"])
                print(f"round {round_number} report     {statistics.median(lite['report']):.2f} s "
                      f"on SQLite (runs: {runs}; CPU: {cpu})")  # fmt: skip
        met = ok
        if ratios:
            worst = max(ratios)
            verdict = "met" if worst <= TARGET_RATIO else "MISSED"
            print(f"import ratio:    {', '.join(f'{r:.2f}' for r in ratios)} "
                  f"(target ≤ {TARGET_RATIO}): {verdict}")  # fmt: skip
            met = met and worst <= TARGET_RATIO
        if report_times:
            median = statistics.median(report_times)
            verdict = "met" if median < TARGET_REPORT_SECONDS else "MISSED"
            print(f"report (JSON):   {median:.2f} s median on SQLite "
                  f"(target < {TARGET_REPORT_SECONDS:.0f} s): {verdict}")  # fmt: skip
            met = met and median < TARGET_REPORT_SECONDS
        return 0 if met else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
