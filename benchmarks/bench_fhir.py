"""Benchmark: FHIR bulk export of a large synthetic dataset, and FHIR read times, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench \\
        python benchmarks/bench_fhir.py [--episodes N] [--reads N] [--skip-import]

Writes and imports a synthetic dataset as ``bench_import.py`` does (its own database:
the synthetic services' records in it are replaced), then times ``write_ndjson`` for
every resource type of every service (the work ``$export`` and ``vocrehab fhir export``
do), printing the resident memory after each type so that growth shows, and then the
server time of FHIR reads (a Patient, an EpisodeOfCare, a patient's Observations)
through the full request stack, with their median and 95th percentile. Targets:
100,000 episodes exported in under 2 minutes with flat memory; reads p95 under 100 ms.
"""

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _interchange_common import peak_rss_mib
from bench_import import SERVICES, _generate, _prepare

EXPORT_TARGET_SECONDS_PER_100K = 120
READ_TARGET_P95_MS = 100


def current_rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _import(episodes: int) -> None:
    scratch = tempfile.mkdtemp(prefix="fhir-bench-")
    try:
        path = Path(scratch) / "dataset"
        child = multiprocessing.get_context("fork").Process(target=_generate, args=(path, episodes))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generating the dataset failed")
        _prepare()
        from vocrehab.interchange.importer import import_dataset
        from vocrehab.interchange.vrmds.reader import Limits

        started = time.perf_counter()
        summary = import_dataset(path, limits=Limits(max_total_bytes=2**40), max_errors=20)
        if not summary.ok:
            raise SystemExit("the import failed")
        # As autovacuum would after a load: the planner needs the new tables' statistics.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"imported:        {episodes:,} episodes in {time.perf_counter() - started:.1f} s "
              "(not counted below)")  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _export(services) -> float:
    from vocrehab.fhir.export import write_ndjson

    out = Path(tempfile.mkdtemp(prefix="fhir-export-bench-"))
    marks = []

    def progress(type_name, written):
        marks.append((type_name, written, time.perf_counter(), current_rss_mib()))

    try:
        started = time.perf_counter()
        write_ndjson(out, services, progress=progress)
        seconds = time.perf_counter() - started
        previous = started
        for type_name, written, at, rss in marks:
            size = (out / f"{type_name}.ndjson").stat().st_size / 2**20
            print(f"  {type_name:<22} {written:>10,} resources {at - previous:7.1f} s "
                  f"{size:8,.0f} MiB   RSS {rss:6,.0f} MiB")  # fmt: skip
            previous = at
        total = sum(w for _t, w, _a, _r in marks)
        print(f"export:          {total:,} resources in {seconds:.1f} s "
              f"({total / max(seconds, 1e-9):,.0f} a second)")  # fmt: skip
        return seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _reads(services, count: int) -> float:
    from django.test import Client

    from vocrehab.accounts.models import Membership, Organisation, Role, User
    from vocrehab.episodes.models import Episode

    service = services[0]
    user, _ = User.objects.get_or_create(email="fhir-bench@example.org")
    Membership.objects.get_or_create(
        user=user,
        organisation=Organisation.objects.get(code="bench"),
        service=service,
        role=Role.CASE_MANAGER,
    )
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    episodes = list(Episode.objects.filter(service=service).values_list("pk", "client_id"))
    picked = random.Random(1).sample(episodes, min(count, len(episodes)))
    timings: dict[str, list[float]] = {
        "Patient": [],
        "EpisodeOfCare": [],
        "Observation?patient": [],
    }
    for episode_id, client_id in picked:
        for name, url in (
            ("Patient", f"/fhir/r4/Patient/{client_id}"),
            ("EpisodeOfCare", f"/fhir/r4/EpisodeOfCare/{episode_id}"),
            ("Observation?patient", f"/fhir/r4/Observation?patient={client_id}"),
        ):
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    worst = 0.0
    for name, found in timings.items():
        p95 = statistics.quantiles(found, n=20)[-1]
        worst = max(worst, p95)
        print(f"  {name:<22} median {statistics.median(found):6.1f} ms   p95 {p95:6.1f} ms "
              f"({len(found)} reads)")  # fmt: skip
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--skip-import", action="store_true", help="use what is imported")
    args, _unknown = parser.parse_known_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench_fhir: set DATABASE_URL to a PostgreSQL database of its own; skipped")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")
    os.environ.setdefault("VOCREHAB_DEMO", "1")  # no second factor for the benchmark's user
    os.environ.setdefault("VOCREHAB_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    if not args.skip_import:
        _import(args.episodes)
    from vocrehab.accounts.models import Service
    from vocrehab.episodes.models import Episode
    from vocrehab.interchange.synth import service_catalogue

    services = list(Service.objects.filter(code__in=[s.code for s in service_catalogue(SERVICES)]))
    episodes = Episode.objects.filter(service__in=services).count()
    print(f"episodes:        {episodes:,} in {len(services)} services")
    before = current_rss_mib()
    print(f"RSS before:      {before:,.0f} MiB")
    seconds = _export(services)
    allowed = EXPORT_TARGET_SECONDS_PER_100K * episodes / 100_000
    print(f"export target:   {allowed:.0f} s for this size (2 min per 100,000): "
          f"{'met' if seconds <= allowed else 'MISSED'}")  # fmt: skip
    worst = _reads(services, args.reads)
    print(f"read target:     p95 under {READ_TARGET_P95_MS} ms: "
          f"{'met' if worst <= READ_TARGET_P95_MS else 'MISSED'}")  # fmt: skip
    print(f"peak RSS:        {peak_rss_mib():,.0f} MiB")
    return 0 if seconds <= allowed and worst <= READ_TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
