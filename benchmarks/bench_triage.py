"""Benchmark: the triage queue and client search over many synthetic episodes.

    python benchmarks/bench_triage.py                         # 20,000 episodes, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_triage \\
        python benchmarks/bench_triage.py --episodes 1000000  # the target scale

Fills the database (once; a re-run with the same size reuses it) with synthetic clients,
episodes and referrals spread over ten services, made with ``bulk_create``, most of them
long since triaged and a few hundred per service waiting in the queue. Then, through the
real views (Django's test client, signed in as a case manager), it times:

- the triage queue (first page), and
- client search by surname prefix, NHS number, date of birth and reference,

and prints the median and 95th percentile server time of ``--repeat`` requests each and
the number of SQL queries per request (target: p95 under 150 ms, queries constant).
Use a database of its own: the bench services' rows are replaced when the size changes.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SERVICES = 10
QUEUE_PER_SERVICE = 200
TARGET_MS = 150.0
SURNAMES = [
    "Smith", "Brown", "Wilson", "Campbell", "Stewart", "Thomson", "Robertson", "Anderson",
    "Macdonald", "Scott", "Reid", "Murray", "Taylor", "Clark", "Mitchell", "Ross", "Walker",
    "Paterson", "Young", "Watson", "Morrison", "Miller", "Fraser", "Davidson", "Gray",
    "Patel", "Khan", "Jones", "Williams", "Evans", "Hughes", "Okafor", "Nowak", "Kowalski",
]  # fmt: skip
FIRST_NAMES = ["Ann", "James", "Mary", "John", "Fiona", "David", "Aisha", "Tom", "Grace", "Ravi"]
ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")
    os.environ.setdefault("VOCREHAB_DEMO", "1")  # no TOTP step for the benchmark user
    os.environ.setdefault("VOCREHAB_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()


def reference(n: int, prefix="VR") -> str:
    code = []
    for _ in range(6):
        n, digit = divmod(n, len(ALPHABET))
        code.append(ALPHABET[digit])
    return f"{prefix}-{''.join(reversed(code))}"


def nhs_number(n: int) -> str:
    """A valid Modulus 11 number from a counter (skipping stems whose check is 10)."""
    while True:
        stem = f"{400000000 + n:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return stem + str(0 if check == 11 else check)
        n += 7919  # some other stem; collisions are harmless for a benchmark


def _fill(episodes: int) -> float:
    from django.core.management import call_command
    from django.db import transaction

    from vocrehab.accounts.models import Membership, Organisation, Role, Service, User
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode
    from vocrehab.referrals.models import Channel, ClockPause, Referral, TriageStatus

    call_command("migrate", interactive=False, verbosity=0)
    codes = [f"BT-{i:02d}" for i in range(SERVICES)]
    if Episode.objects.filter(service__code__in=codes).count() == episodes:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(2026)  # noqa: S311 - synthetic data
    with transaction.atomic():
        # Raw deletes: the bench rows have nothing else hanging off them, and Django's
        # cascade collector would load every row first.
        old = list(Service.objects.filter(code__in=codes).values_list("pk", flat=True))
        for queryset in (
            ClockPause.objects.filter(referral__service__in=old),
            Referral.objects.filter(service__in=old),
            Episode.objects.filter(service__in=old),
            Client.objects.filter(service__in=old),
        ):
            queryset._raw_delete(queryset.db)
        Membership.objects.filter(service__in=old).delete()
        organisation, _ = Organisation.objects.get_or_create(
            code="bench-triage", defaults={"name": "Bench"}
        )
        services = []
        for i, code in enumerate(codes):
            service, _ = Service.objects.get_or_create(
                code=code,
                defaults={
                    "organisation": organisation,
                    "name": f"Bench service {i}",
                    "nation": "scotland" if i % 2 else "england",
                },
            )
            services.append(service)
        user, _ = User.objects.get_or_create(
            email="bench.triage@example.invalid",
            defaults={"first_name": "Bench", "last_name": "User"},
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, service=services[0], role=Role.CASE_MANAGER
        )
    today = datetime.date.today()
    batch = 20000
    per_service = episodes // SERVICES
    n = 0
    for s_index, service in enumerate(services):
        count = per_service + (episodes % SERVICES if s_index == SERVICES - 1 else 0)
        for start in range(0, count, batch):
            size = min(batch, count - start)
            clients, eps = [], []
            for k in range(size):
                i = n + k
                born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(18000))
                clients.append(
                    Client(
                        service=service,
                        reference=reference(i, "C"),
                        nhs_number=nhs_number(i),
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(SURNAMES) + ("" if i % 3 else f"-{i % 997}"),
                        date_of_birth=born,
                    )
                )
            Client.objects.bulk_create(clients, batch_size=5000)
            if not all(c.pk for c in clients):  # SQLite < 3.35 cannot return ids
                by_ref = dict(
                    Client.objects.filter(
                        service=service, reference__in=[c.reference for c in clients]
                    ).values_list("reference", "pk")
                )
                for c in clients:
                    c.pk = by_ref[c.reference]
            waiting_from = count - QUEUE_PER_SERVICE
            for k, c in enumerate(clients):
                i = n + k
                in_queue = start + k >= waiting_from
                received = today - datetime.timedelta(
                    days=rng.randrange(1, 25) if in_queue else rng.randrange(30, 3650)
                )
                eps.append(
                    Episode(
                        service=service,
                        client_id=c.pk,
                        reference=reference(i),
                        referral_date=received,
                        referral_source="acute_nhs",
                        condition="cancer",
                        work_status_at_referral="off_sick",
                        main_reason="return_from_sickness",
                        tier="" if in_queue else "2",
                        discharge_date=None if in_queue else received + datetime.timedelta(days=90),
                        work_status_at_discharge="" if in_queue else "at_work",
                    )
                )
            Episode.objects.bulk_create(eps, batch_size=5000)
            if not all(e.pk for e in eps):
                by_ref = dict(
                    Episode.objects.filter(
                        service=service, reference__in=[e.reference for e in eps]
                    ).values_list("reference", "pk")
                )
                for e in eps:
                    e.pk = by_ref[e.reference]
            referrals = [
                Referral(
                    episode_id=e.pk,
                    service=service,
                    reference=e.reference,
                    channel=Channel.PROFESSIONAL_FORM,
                    triage_status=TriageStatus.NEW
                    if e.discharge_date is None
                    else TriageStatus.CLOSED,
                    email_sent_at=None
                    if e.discharge_date is None
                    else datetime.datetime.now(datetime.UTC),
                )
                for e in eps
            ]
            Referral.objects.bulk_create(referrals, batch_size=5000)
            n += size
            print(f"  filled {n:,} / {episodes:,} episodes", flush=True)
    queued = Referral.objects.filter(service=services[0], triage_status=TriageStatus.NEW)
    ClockPause.objects.bulk_create(
        ClockPause(referral=r, start=today - datetime.timedelta(days=3), reason="treatment")
        for r in queued[:20]
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _time(client, url, params, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm-up
    times, queries = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(captured))
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, sorted(queries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        path = ROOT / "var" / f"bench-triage-{args.episodes}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    _setup()
    from django.db import connection
    from django.test import Client as HttpClient

    from vocrehab.accounts.models import User
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode

    fill_seconds = _fill(args.episodes)
    print(
        f"bench_triage: {connection.vendor}, {args.episodes:,} episodes "
        f"(fill {fill_seconds:.0f} s{'' if fill_seconds else ', reused'})"
    )
    http = HttpClient()
    http.force_login(
        User.objects.get(email="bench.triage@example.invalid"),
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    sample = Client.objects.filter(service__code="BT-00").order_by("pk")[37]
    episode = Episode.objects.filter(client=sample).first()
    cases = [
        ("triage queue", "/referrals/", {}),
        ("search: surname prefix", "/clients/", {"q": "Camp"}),
        ("search: first name and surname", "/clients/", {"q": "Ann Smi"}),
        ("search: NHS number", "/clients/", {"q": sample.nhs_number}),
        ("search: date of birth", "/clients/", {"q": sample.date_of_birth.strftime("%d/%m/%Y")}),
        ("search: reference", "/clients/", {"q": episode.reference}),
    ]
    failed = False
    print(f"{'request':34} {'median ms':>10} {'p95 ms':>10} {'queries':>10}")
    for label, url, params in cases:
        median, p95, queries = _time(http, url, params, args.repeat)
        ok = p95 < TARGET_MS and len(queries) == 1
        failed |= not ok
        print(
            f"{label:34} {median:10.1f} {p95:10.1f} {','.join(map(str, queries)):>10}"
            f"{'' if ok else '  <- over target or varying'}"
        )
    return 1 if failed and connection.vendor == "postgresql" else 0


if __name__ == "__main__":
    sys.exit(main())
