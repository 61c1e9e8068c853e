"""Benchmark: real HTTP load on gunicorn with the production settings (issue 21).

    createdb -h 127.0.0.1 -U postgres vocrehab_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_load \\
        .venv/bin/python benchmarks/bench_load.py --episodes 1000000 --base 100000 --seconds 120

Needs PostgreSQL (a database of its own: the run adds referrals and contacts to it) and
Redis (``--redis-url``, default redis://127.0.0.1:6379/7); without DATABASE_URL it says
so and does nothing, so ``make bench`` passes over it.

1. Fills the database once (re-runs of the same size reuse it) as bench_report.py does:
   ``--base`` synthetic VRMDS episodes over seven services, imported, given synthetic
   names and dates of birth (the VRMDS has none; search needs them), then copied in SQL
   up to ``--episodes``.
2. Prepares the people: case managers spread over the services, each with a password,
   a TOTP authenticator (a new secret every run) and a caseload of open episodes; a
   triage queue of waiting referrals in every service, made through the referral
   service as the forms make them.
3. Runs ``vocrehab check --deploy --fail-level WARNING`` and starts gunicorn as
   docs/administration.md runs it: ``gunicorn --workers N vocrehab.wsgi`` on
   127.0.0.1, VOCREHAB_DEBUG off, Redis as the shared cache, static files collected
   and served by WhiteNoise, VOCREHAB_BEHIND_PROXY=1 (the client sends
   X-Forwarded-Proto: https as the TLS-terminating proxy would). N defaults to
   gunicorn's own advice, 2 × cores + 1.
4. Runs Locust headless (``benchmarks/load/locustfile.py``): the case managers sign in
   through the login and two-factor pages, then ``--users`` people (``--public`` of
   them members of the public sending referral forms) work for ``--seconds`` with a
   think time of one second on average. Sign-in is timed apart.

It prints throughput, the median, p95 and p99 of every kind of request and of all of
them, the errors (Locust's failures, and errors in the server's log), and how busy the
machine was. Target: no errors, p95 under 150 ms. Exits non-zero when missed.
"""

import argparse
import datetime
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))  # its sibling benchmarks, also when imported by the tests

import bench_report  # noqa: E402 - the synthetic national dataset, built the same way
from bench_triage import FIRST_NAMES, SURNAMES  # noqa: E402

LOCUSTFILE = HERE / "load" / "locustfile.py"
VAR = ROOT / "var" / "bench-load"
CASELOAD = 40  # open episodes per case manager
QUEUE = 50  # referrals waiting for triage per service
PASSWORD = "synthetic load benchmark password"  # noqa: S105 - benchmark accounts only
TARGET_P95_MS = 150.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")  # this process only builds the data
    # Here, not at the top: nothing of Django is loaded before its settings are chosen.
    import django

    django.setup()


def _name_clients() -> int:
    """Synthetic names and dates of birth for imported clients that have none."""
    # Here, not at the top: Django must be set up first (_setup).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clients_client SET "
            "first_name = (%s::text[])[1 + id %% %s], "
            "last_name = (%s::text[])[1 + (id / 7) %% %s] "
            "|| CASE WHEN id %% 3 = 0 THEN '' ELSE '-' || (id %% 997) END, "
            "date_of_birth = DATE '1950-01-01' + ((id * 7919) %% 18000)::int "
            "WHERE last_name = ''",
            [FIRST_NAMES, len(FIRST_NAMES), SURNAMES, len(SURNAMES)],
        )
        return cursor.rowcount


def _fill(episodes: int, base: int) -> float:
    """The synthetic national dataset: imported (``base``), named, copied up to
    ``episodes``. Returns the seconds spent (0 when the database already held it)."""
    # Here, not at the top: Django must be set up first (_setup).
    from django.core.management import call_command
    from django.db import connection

    from vocrehab.episodes.models import Episode
    from vocrehab.interchange.synth import service_catalogue

    call_command("migrate", interactive=False, verbosity=0)
    codes = [s.code for s in service_catalogue(bench_report.SERVICES)]
    # Imported episodes only: the benchmark's own referrals have a referral record.
    imported = Episode.objects.filter(service__code__in=codes, referral__isnull=True).count()
    if imported == episodes:
        if _name_clients():  # a database bench_report.py filled
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE clients_client")
        return 0.0
    if imported not in (0, base) or episodes % base:
        raise SystemExit(
            "bench_load: the database holds a different number of synthetic episodes "
            f"({imported:,}); use a database of its own, and --episodes a multiple of --base"
        )
    started = time.perf_counter()
    if imported == 0:
        bench_report._fill(base)
    print(f"  named {_name_clients():,} clients", flush=True)
    if episodes != base:
        bench_report._fill(episodes, base)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _intake(rng: random.Random) -> dict:
    """A referral's answers as the public form's pages hand them to the referral service."""
    # Here, not at the top: Django must be set up first (_setup).
    from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus

    return {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(SURNAMES),
        "date_of_birth": datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(18000)),
        "nhs_number": "",
        "postcode": "",
        "phone": "0141 496 0000",
        "contact_by_phone": True,
        "contact_by_email": False,
        "contact_by_post": False,
        "safe_to_leave_message": True,
        "condition": Condition.CANCER,
        "condition_detail": "C50",
        "work_status_at_referral": WorkStatus.OFF_SICK,
        "weeks_absent_at_referral": rng.randrange(1, 30),
        "main_reason": MainReason.RETURN_FROM_SICKNESS,
        "referral_source": ReferralSource.ACUTE_NHS,
        "referrer_name": "Nurse Jones",
        "referrer_role": "Breast care nurse",
        "referrer_organisation": "Synthetic Health Board",
        "consent_to_contact": True,
        "consent_to_share": True,
    }


def _search_terms(episodes) -> list[str]:
    """What a case manager types into client search: surname, name, date of birth, NHS
    number and reference, taken from clients of their own service."""
    terms = []
    for episode in episodes:
        client = episode.client
        if client.last_name:
            terms.append(client.last_name[:4])
            if client.first_name:
                terms.append(f"{client.first_name} {client.last_name[:3]}")
        if client.date_of_birth:
            terms.append(client.date_of_birth.strftime("%d/%m/%Y"))
        if client.nhs_number:
            terms.append(client.nhs_number)
        terms.append(episode.reference)
    return terms


def prepare(
    services,
    case_managers: int,
    *,
    proxy: bool = True,
    caseload: int = CASELOAD,
    queue: int = QUEUE,
) -> dict:
    """Accounts, caseloads and triage queues for a run; returns the plan the Locust
    users read. Safe to repeat: it tops up what an earlier run left."""
    # Here, not at the top: Django must be set up first (_setup).
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from vocrehab.accounts.models import Membership, Role, User
    from vocrehab.episodes.models import Episode
    from vocrehab.referrals.models import Channel, Referral, TriageStatus
    from vocrehab.referrals.services import create_referral

    if not 0 < case_managers <= 250:
        raise SystemExit("bench_load: between 1 and 250 case managers")
    rng = random.Random(21)  # noqa: S311 - synthetic data
    for service in services:
        waiting = Referral.objects.filter(
            service=service, triage_status__in=[TriageStatus.NEW, TriageStatus.TRIAGED]
        ).count()
        for _ in range(queue - waiting):
            create_referral(service=service, channel=Channel.PROFESSIONAL_FORM, data=_intake(rng))
    people = []
    for i in range(case_managers):
        service = services[i % len(services)]
        user, _ = User.objects.get_or_create(
            email=f"bench.load.{i:03d}@bench.invalid",
            defaults={"first_name": "Load", "last_name": f"Case manager {i}"},
        )
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        Membership.objects.get_or_create(
            user=user, organisation=service.organisation, service=service, role=Role.CASE_MANAGER
        )
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        mine = Episode.objects.filter(service=service, case_manager=user, discharge_date=None)
        missing = caseload - mine.count()
        if missing > 0:
            free = Episode.objects.filter(
                service=service, case_manager=None, discharge_date=None
            ).order_by("pk")
            Episode.objects.filter(pk__in=list(free.values_list("pk", flat=True)[:missing])).update(
                case_manager=user
            )
        episodes = list(mine.select_related("client").order_by("pk")[:caseload])
        if not episodes:
            raise SystemExit(f"bench_load: no open episode left for a caseload in {service}")
        people.append(
            {
                "email": user.email,
                "password": PASSWORD,
                "totp_secret": secret,
                "address": f"127.0.0.{2 + i}",
                "episodes": [e.pk for e in episodes],
                "search": _search_terms(episodes[:5]),
            }
        )
    return {
        "proxy": proxy,
        "public_service": services[0].pk,
        # Where this run's public addresses start, so that a re-run within the hour does
        # not meet the counts of the one before in the forms' hourly limit.
        "public_address_offset": secrets.randbelow(10_000_000),
        "case_managers": people,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_environment(args, port: int) -> dict:
    """The production settings (docs/administration.md), for 127.0.0.1."""
    # Here, not at the top: Django must be set up first (_setup).
    from vocrehab.fieldkeys import new_key

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VOCREHAB_", "DJANGO_")) and k not in ("WEB_CONCURRENCY",)
    }
    origin = f"https://127.0.0.1:{port}"
    env.update(
        DJANGO_SETTINGS_MODULE="vocrehab.settings",
        DATABASE_URL=os.environ["DATABASE_URL"],
        VOCREHAB_DEBUG="0",
        VOCREHAB_SECRET_KEY=secrets.token_urlsafe(50),
        VOCREHAB_ALLOWED_HOSTS="127.0.0.1",
        VOCREHAB_CSRF_TRUSTED_ORIGINS=origin,
        VOCREHAB_BEHIND_PROXY="1",
        VOCREHAB_REDIS_URL=args.redis_url,
        VOCREHAB_PUBLIC_URL=origin,
        VOCREHAB_PSEUDONYMISATION_KEY=secrets.token_urlsafe(32),
        VOCREHAB_FIELD_KEYS=new_key(),  # nothing sealed in this database needs an old one
        VOCREHAB_VAR_DIR=str(VAR),
        # No mail server here; nothing on these pages sends mail while the request
        # runs (acknowledgements are queued for the worker, which is not started).
        VOCREHAB_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        WEB_CONCURRENCY=str(args.workers),
    )
    return env


def _vocrehab(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("vocrehab")), *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench_load: gunicorn stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit("bench_load: gunicorn did not answer /healthz in time")


class Machine:
    """CPU used during the measured window, in cores: the whole machine, gunicorn, the
    load driver, the PostgreSQL processes serving this database, and the rest (other
    work on the machine); and the load average."""

    def __init__(self, server: subprocess.Popen, driver: subprocess.Popen):
        self.server = psutil.Process(server.pid)
        self.driver = psutil.Process(driver.pid)
        self.loads: list[float] = []
        self._stop = threading.Event()

    @staticmethod
    def _cpu(processes) -> dict[int, float]:
        seconds = {}
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            seconds[process.pid] = times.user + times.system
        return seconds

    @staticmethod
    def _backends() -> list[psutil.Process]:
        """The PostgreSQL processes connected to this database, this one's own apart."""
        # Here, not at the top: Django must be set up first (_setup).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [pid for (pid,) in cursor.fetchall()]
        return [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]

    def _snapshot(self) -> dict:
        machine = psutil.cpu_times()
        return {
            "at": time.monotonic(),
            "busy": {0: sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)},
            "gunicorn": self._cpu([self.server, *self.server.children(recursive=True)]),
            "driver": self._cpu([self.driver]),
            "postgres": self._cpu(self._backends()),
        }

    def _sample(self) -> None:
        while not self._stop.wait(2.0):
            self.loads.append(os.getloadavg()[0])

    def start(self) -> None:
        self.loads = [os.getloadavg()[0]]
        self.first = self._snapshot()
        threading.Thread(target=self._sample, daemon=True).start()

    def stop(self) -> dict:
        last = self._snapshot()
        self._stop.set()
        self.loads.append(os.getloadavg()[0])
        seconds = last["at"] - self.first["at"]
        # Per process: one that started in the window counts from zero.
        share = {
            kind: sum(
                max(0.0, cpu - self.first[kind].get(pid, 0.0)) for pid, cpu in last[kind].items()
            )
            / seconds
            for kind in ("busy", "gunicorn", "driver", "postgres")
        }
        ours = share["gunicorn"] + share["driver"] + share["postgres"]
        share["other"] = max(0.0, share["busy"] - ours)
        return {
            "cores": psutil.cpu_count(),
            "cores_busy": share,
            "load_average": {"start": self.loads[0], "max": max(self.loads), "end": self.loads[-1]},
        }


def _server_errors(log: Path) -> list[str]:
    """Lines of the server's log that report an error (a 500, a traceback, a crash)."""
    wanted = ("Traceback", "Internal Server Error", "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT")
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if any(w in line for w in wanted)
    ]


def _drive(args, host: str, plan_path: Path, server: subprocess.Popen) -> tuple[dict, dict]:
    """Run the Locust users in their own process (Locust patches the standard library
    for gevent); returns its results and the machine's load while it measured."""
    out = VAR / "results.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(LOCUSTFILE),
        "--host", host,
        "--plan", str(plan_path),
        "--users", str(args.users),
        "--public", str(args.public),
        "--seconds", str(args.seconds),
        "--warmup", str(args.warmup),
        "--out", str(out),
    ]  # fmt: skip
    if args.think is not None:
        command += ["--think", str(args.think)]
    driver = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    machine, load = Machine(server, driver), {}
    for line in driver.stdout:
        if line.startswith("measuring"):
            print(f"  {line.strip()}", flush=True)
            machine.start()
        elif line.startswith("measured"):
            load = machine.stop()
        else:
            print(f"  locust: {line.rstrip()}", flush=True)
    if driver.wait() != 0 or not out.exists():
        raise SystemExit(f"bench_load: the load driver failed (exit {driver.returncode})")
    return json.loads(out.read_text()), load


def _report(results: dict, load: dict, server_errors: list[str]) -> bool:
    total, sign_in, warm_up = results["total"], results["sign_in"], results["warm_up"]
    print(
        f"signed in:       {results['signed_in']} of {results['case_managers']} case managers "
        f"({sign_in['requests']} requests to the sign-in pages, median "
        f"{sign_in['median_ms']:.0f} ms, p95 {sign_in['p95_ms']:.0f} ms; not counted below)"
    )
    print(
        f"warm-up:         {results['warmup_seconds']:g} s, {warm_up['requests']} requests "
        "(not counted below)"
    )
    print(
        f"measured:        {results['seconds']:.0f} s, {results['users']} users "
        f"({results['case_managers']} case managers, {results['public']} public)"
    )
    heads = ("count", "fail", "median", "p95", "p99", "max")
    print(f"{'request (ms)':28} {heads[0]:>7} {heads[1]:>5}", *(f"{h:>7}" for h in heads[2:]))
    for name, row in [*results["by_name"].items(), ("all", total)]:
        print(
            f"{name:28} {row['requests']:7d} {row['failures']:5d} {row['median_ms']:7.1f} "
            f"{row['p95_ms']:7.1f} {row['p99_ms']:7.1f} {row['max_ms']:7.1f}"
        )
    print(f"throughput:      {total['per_second']:.1f} requests/s")
    for message, count in results["errors"].items():
        print(f"  error ×{count}: {message}")
    print(f"server log:      {len(server_errors)} error lines")
    for line in server_errors[:10]:
        print(f"  {line}")
    if load:
        busy, requests = load["cores_busy"], max(1, total["requests"])
        print(
            f"machine:         {load['cores']} cores, busy {busy['busy']:.2f} cores on average: "
            f"gunicorn {busy['gunicorn']:.2f}, PostgreSQL (this database) {busy['postgres']:.2f}, "
            f"load driver {busy['driver']:.2f}, other work {busy['other']:.2f}"
        )
        seconds = results["seconds"]
        print(
            f"CPU per request: gunicorn {busy['gunicorn'] * seconds / requests * 1000:.0f} ms, "
            f"PostgreSQL {busy['postgres'] * seconds / requests * 1000:.0f} ms"
        )
        average = load["load_average"]
        print(
            f"load average:    {average['start']:.1f} at the start, {average['max']:.1f} at most, "
            f"{average['end']:.1f} at the end"
        )
    not_signed_in = results["case_managers"] - results["signed_in"]
    errors = sum(results["errors"].values()) + len(server_errors) + not_signed_in
    p95 = total["p95_ms"]
    ok = errors == 0 and p95 < TARGET_P95_MS and total["requests"] > 0
    print(
        f"target:          no errors ({errors}) and p95 under {TARGET_P95_MS:.0f} ms "
        f"({p95:.1f} ms, ratio {p95 / TARGET_P95_MS:.2f}): {'met' if ok else 'MISSED'}"
    )
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=20_000)
    parser.add_argument("--base", type=int, help="import this many, then copy (default: all)")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--public", type=int, help="of the users, the public (default 1 in 8)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10, help="seconds run, not measured")
    parser.add_argument("--think", type=float, help="mean think time, s (default 1)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args, _unknown = parser.parse_known_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_load: skipped; set DATABASE_URL to a PostgreSQL database of its own")
        return 0
    args.base = args.base or args.episodes
    if args.public is None:
        args.public = max(1, args.users // 8) if args.users > 1 else 0
    _setup()
    # Here, not at the top: Django must be set up first (_setup).
    from django.db import connection

    from vocrehab.accounts.models import Service
    from vocrehab.interchange.synth import service_catalogue

    fill_seconds = _fill(args.episodes, args.base)
    codes = [s.code for s in service_catalogue(bench_report.SERVICES)]
    services = list(Service.objects.filter(code__in=codes).select_related("organisation"))
    services.sort(key=lambda s: codes.index(s.code))
    port = _free_port()
    env = _server_environment(args, port)
    started = time.perf_counter()
    plan = prepare(services, args.users - args.public)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM casework_episode")
        episodes = cursor.fetchone()[0]
    connection.close()
    print(
        f"bench_load: {episodes:,} episodes in PostgreSQL "
        f"({'reused' if not fill_seconds else f'filled in {fill_seconds:.0f} s'}), "
        f"people prepared in {time.perf_counter() - started:.0f} s"
    )
    VAR.mkdir(parents=True, exist_ok=True)
    plan_path = VAR / "plan.json"
    plan_path.write_text(json.dumps(plan, indent=2))

    collected = _vocrehab(env, "collectstatic", "--noinput")
    if collected.returncode:
        raise SystemExit(f"bench_load: collectstatic failed:\n{collected.stderr}")
    checked = _vocrehab(env, "check", "--deploy", "--fail-level", "WARNING")
    print(f"deploy checks:   {(checked.stdout + checked.stderr).strip().splitlines()[-1]}")
    if checked.returncode:
        print(checked.stdout + checked.stderr)
        return 1

    log = VAR / "gunicorn.log"
    host = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(args.workers),
        "--bind", f"127.0.0.1:{port}",
        "vocrehab.wsgi",
    ]  # fmt: skip
    print(f"server:          {' '.join(command[1:])} (VOCREHAB_DEBUG=0, Redis {args.redis_url})")
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(f"{host}/healthz", server)
        results, load = _drive(args, host, plan_path, server)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0 if _report(results, load, _server_errors(log)) else 1


if __name__ == "__main__":
    sys.exit(main())
