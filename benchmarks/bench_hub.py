"""Benchmark: a hub receives a 100,000-episode submission on PostgreSQL (target < 90 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_hub \\
        python benchmarks/bench_hub.py [--episodes N] [--again]

Writes a synthetic one-service VRMDS .zip in a child process (not counted), migrates the
database named by ``DATABASE_URL``, empties the synthetic service there and gives it a
``submissions:write`` token as a hub does, then times what ``POST /api/v1/submissions/``
does with the file (:func:`vocrehab.interchange.receiving.receive_submission`: checksum,
service check, the VRMDS validator, the import in one transaction, the replacement of
the period and the new version) and, with ``--again``, the same file sent twice (the
checksum answers) and a changed file (every episode compared again). The whole file is
sent as one period, so it is validated and loaded whole. Use a database of its own.
"""

import argparse
import datetime
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _interchange_common import peak_rss_mib

CODE = "GGC-VR"
PERIOD = "2025-Q4"


def _generate(out: Path, episodes: int) -> None:
    from _interchange_common import setup_django

    setup_django()
    from vocrehab.interchange.synth import write_synthetic_dataset

    write_synthetic_dataset(out, episodes=episodes, seed=3, services=1)


def _prepare():
    """Migrate; the submitting service, empty, and the token its hub gave it."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    from vocrehab.accounts.models import Membership, Organisation, Role, Scope, Service, User
    from vocrehab.accounts.tokens import issue_token
    from vocrehab.clients.models import Client
    from vocrehab.codes import Nation
    from vocrehab.episodes.models import Episode
    from vocrehab.interchange.bulk import raw_delete
    from vocrehab.interchange.models import ReceivedVersion

    organisation, _ = Organisation.objects.get_or_create(code="hub", defaults={"name": "Hub"})
    service, _ = Service.objects.get_or_create(
        code=CODE, defaults={"organisation": organisation, "name": CODE, "nation": Nation.SCOTLAND}
    )
    ReceivedVersion.objects.filter(service=service).delete()
    episodes = Episode.objects.filter(service=service)
    episodes.update(previous_episode=None)
    raw_delete(episodes)
    raw_delete(Client.objects.filter(service=service))
    user, created = User.objects.get_or_create(
        email="bench-submissions@hub.example.org",
        defaults={"first_name": "Bench", "last_name": "Account", "is_system_account": True},
    )
    if created:
        Membership.objects.create(
            user=user, organisation=organisation, service=service, role=Role.SERVICE_MANAGER
        )
    issued = issue_token(
        name="Benchmark monthly",
        owner=user,
        scopes=[Scope.SUBMISSIONS_WRITE],
        services=[service],
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
        by=user,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return user, issued.token


def _send(path: Path, user, token):
    from django.core.files import File
    from django.test import override_settings

    from vocrehab.interchange.receiving import receive_submission

    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open("rb") as fh, override_settings(VOCREHAB_IMPORT_MAX_BYTES=2**40):
        return receive_submission(
            user=user,
            token=token,
            service_code=CODE,
            period=PERIOD,
            checksum=checksum,
            upload=File(fh),
        )


def _changed_copy(path: Path, out: Path) -> None:
    """The same file with one more week off work on the first episode: a correction."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("episodes.csv"):
                lines = (
                    data.decode().split("\r\n") if b"\r\n" in data else data.decode().split("\n")
                )
                header = lines[0].split(",")
                cells = lines[1].split(",")
                at = header.index("weeks_absent_at_referral")
                cells[at] = str(int(cells[at] or 0) + 1)
                lines[1] = ",".join(cells)
                data = ("\r\n" if b"\r\n" in data else "\n").join(lines).encode()
            zf.writestr(name, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--again", action="store_true", help="then the same file, and a change")
    args, _unknown = parser.parse_known_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench_hub: set DATABASE_URL to a PostgreSQL database of its own; skipped")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")
    scratch = tempfile.mkdtemp(prefix="vrmds-hub-bench-")
    try:
        path = Path(scratch) / "submission.zip"
        started = time.perf_counter()
        child = multiprocessing.get_context("fork").Process(
            target=_generate, args=(path, args.episodes)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            print("generating the submission failed", file=sys.stderr)
            return 1
        size = path.stat().st_size / 2**20
        print(f"generated:       {args.episodes:,} episodes, {size:,.0f} MiB zip "
              f"in {time.perf_counter() - started:.1f} s (not counted)")  # fmt: skip

        import django

        django.setup()
        from django.db import connection

        user, token = _prepare()
        started = time.perf_counter()
        outcome = _send(path, user, token)
        seconds = time.perf_counter() - started
        print(f"database:        {connection.vendor} {connection.settings_dict['NAME']}")
        if outcome.version is None:
            print(f"refused:         {outcome.message} {outcome.errors[:5]}")
            return 1
        rows = outcome.version.rows
        for name, count in rows.items():
            print(f"  {name:<14} {count:>12,} rows")
        verdict = "within" if seconds < 90 else "OVER"
        print(f"received:        {seconds:.1f} s ({outcome.status}, version "
              f"{outcome.version.number}); target 90 s: {verdict}")  # fmt: skip
        if args.again:
            started = time.perf_counter()
            same = _send(path, user, token)
            print(f"same file again: {time.perf_counter() - started:.1f} s ({same.status})")
            changed = Path(scratch) / "corrected.zip"
            _changed_copy(path, changed)
            started = time.perf_counter()
            corrected = _send(changed, user, token)
            print(f"corrected file:  {time.perf_counter() - started:.1f} s ({corrected.status}, "
                  f"version {corrected.version.number if corrected.version else '-'})")  # fmt: skip
        load = os.getloadavg()[0]
        print(f"load average:    {load:.1f} on {os.cpu_count()} CPUs (other work slows wall time)")
        print(f"peak RSS:        {peak_rss_mib():,.0f} MiB")
        return 0 if outcome.status == "accepted" else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
