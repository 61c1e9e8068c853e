"""Benchmark: import a large synthetic VRMDS dataset into PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench \\
        python benchmarks/bench_import.py [--episodes N] [--dataset PATH] [--reimport]

Writes a synthetic dataset in a child process (its memory is not counted), migrates
the database named by ``DATABASE_URL``, removes what an earlier run imported into the
synthetic services and vacuums (so every run writes into tables without dead rows),
then times validation alone and the full import (validation included, as ``vocrehab
dataset import`` runs it) and prints peak memory. Use a database of its own: the
synthetic services' records in it are deleted first. Without ``DATABASE_URL`` it says
so and exits (the targets are for PostgreSQL).
"""

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _interchange_common import folder_size_mib, peak_rss_mib

SERVICES = 7


def _generate(out: Path, episodes: int) -> None:
    from _interchange_common import setup_django

    setup_django()
    from vocrehab.interchange.synth import write_synthetic_dataset

    write_synthetic_dataset(out, episodes=episodes, seed=1, services=SERVICES)


def _prepare() -> None:
    """Migrate, and make the synthetic services exist with nothing in them."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from vocrehab.accounts.models import Organisation, Service
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode
    from vocrehab.interchange.bulk import raw_delete
    from vocrehab.interchange.synth import service_catalogue

    organisation, _ = Organisation.objects.get_or_create(
        code="bench", defaults={"name": "Benchmark"}
    )
    for spec in service_catalogue(SERVICES):
        service, _ = Service.objects.get_or_create(
            code=spec.code,
            defaults={"organisation": organisation, "name": spec.code, "nation": spec.nation},
        )
        episodes = Episode.objects.filter(service=service)
        episodes.update(previous_episode=None)
        raw_delete(episodes)
        raw_delete(Client.objects.filter(service=service))
    # Dead rows of an earlier run would slow this one's writes: every run starts from
    # tables as a first import finds them.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "VACUUM")


def _backend_cpu_seconds(connection) -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend, if it runs here.

    The machine may be shared: CPU seconds say what the import costs regardless of
    what else is running, where wall time does not.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--dataset", type=Path, help="import this dataset instead")
    parser.add_argument("--reimport", action="store_true", help="then time a re-import")
    args, _unknown = parser.parse_known_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench_import: set DATABASE_URL to a PostgreSQL database of its own; skipped")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")

    scratch = None
    path = args.dataset
    try:
        if path is None:
            scratch = tempfile.mkdtemp(prefix="vrmds-import-bench-")
            path = Path(scratch) / "dataset"
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

        import django

        django.setup()
        _prepare()
        from django.db import connection

        from vocrehab.interchange.importer import import_dataset
        from vocrehab.interchange.vrmds.reader import Limits
        from vocrehab.interchange.vrmds.validate import validate_dataset

        limits = Limits(max_total_bytes=2**40)
        before = peak_rss_mib()
        started = time.perf_counter()
        result = validate_dataset(path, max_errors=20, limits=limits)
        validation = time.perf_counter() - started
        print(f"database:        {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"dataset:         {path.name}, {folder_size_mib(path):,.0f} MiB")
        for name, count in result.rows.items():
            print(f"  {name:<14} {count:>12,} rows")
        print(f"validation:      {validation:.1f} s, {result.error_count} errors")

        cpu_before = time.process_time()
        backend_before = _backend_cpu_seconds(connection)
        started = time.perf_counter()
        summary = import_dataset(path, limits=limits, max_errors=20)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        backend_after = _backend_cpu_seconds(connection)
        for line in summary.lines():
            print(f"  {line}")
        rows = sum(summary.rows.values())
        print(f"import:          {seconds:.1f} s incl. validation "
              f"({rows / max(seconds, 1e-9):,.0f} rows/s)")  # fmt: skip
        backend = (
            f"{backend_after - backend_before:.1f} s"
            if backend_before is not None and backend_after is not None
            else "not measured (database on another machine)"
        )
        print(f"import CPU:      this process {cpu:.1f} s, PostgreSQL backend {backend}")
        load = os.getloadavg()[0]
        print(f"load average:    {load:.1f} on {os.cpu_count()} CPUs (other work slows wall time)")
        if args.reimport and summary.ok:
            started = time.perf_counter()
            again = import_dataset(path, limits=limits, max_errors=20)
            print(f"re-import:       {time.perf_counter() - started:.1f} s "
                  f"({again.counts['episodes.csv'].unchanged:,} episodes unchanged)")  # fmt: skip
        print(f"peak RSS:        {peak_rss_mib():,.0f} MiB (before: {before:,.0f})")
        return 0 if summary.ok else 1
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
