"""Benchmark: the caseload and the episode record at national scale.

    python benchmarks/bench_caseload.py                          # 20,000 episodes, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab_bench_caseload \\
        python benchmarks/bench_caseload.py --episodes 1000000   # the target scale

Fills its database (once; a re-run with the same size reuses it) with synthetic
clients and episodes over many services, mostly discharged, each with a few contacts,
and open caseloads for other workers of the benchmark service. One case manager holds
60 open episodes of 30 contacts each (with interventions, reminders, goals, notes, a
phased return plan with reviews and outstanding questionnaires, so that every caseload
flag and every timeline section has something to compute).

Then, through the real views (Django's test client, signed in), it times the case
manager's caseload (three sorts and a flag filter), the service manager's view of every
caseload, and an episode record of 30 contacts, and prints the median and 95th
percentile server time of ``--repeat`` requests, the 95th percentile CPU time of the
web process (what the request costs when the machine is not shared), the median time
spent in SQL (round trips included), and the SQL queries per request.
Targets (issue 5): p95 under 150 ms; the number of queries does not grow with the
caseload (checked against a worker holding 5 episodes, and an episode of 1 contact).
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

SERVICES = 20
BACKGROUND_CONTACTS = 3  # contacts per background episode
OPEN_SHARE = 0.04  # background episodes still open
CASELOAD = 60
CONTACTS_EACH = 30
OTHER_WORKERS = 12
TARGET_MS = 150.0
PREFIX = "BC"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    os.environ.setdefault("VOCREHAB_DEBUG", "1")
    os.environ.setdefault("VOCREHAB_DEMO", "1")  # no TOTP step for the benchmark users
    os.environ.setdefault("VOCREHAB_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()


def _clear(codes):
    from django.db import connection

    from vocrehab.accounts.models import Membership, Service
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode
    from vocrehab.measures.models import Administration

    old = Service.objects.filter(code__in=codes)
    episodes = Episode.objects.filter(service__in=old)
    Administration.objects.filter(episode__in=episodes).delete()
    # Contacts first, in SQL: millions of rows need no per-row signals.
    with connection.cursor() as cursor:
        for table, key in (
            ("casework_contactintervention", "contact_id IN (SELECT id FROM casework_contact "
             "WHERE episode_id IN (SELECT id FROM casework_episode WHERE service_id IN ({})))"),
            ("casework_contact", "episode_id IN (SELECT id FROM casework_episode "
             "WHERE service_id IN ({}))"),
        ):  # fmt: skip
            ids = ",".join(str(pk) for pk in old.values_list("pk", flat=True)) or "0"
            cursor.execute(f"DELETE FROM {table} WHERE {key.format(ids)}")
    for episode in episodes.filter(discharge_date__isnull=True).exclude(case_manager=None):
        episode.delete()  # the few open ones with their casework records, via the ORM
    episodes.update(previous_episode=None)
    episodes._raw_delete(episodes.db)
    clients = Client.objects.filter(service__in=old)
    clients._raw_delete(clients.db)
    Membership.objects.filter(service__in=old).delete()


def _fill(total: int) -> float:
    from django.core.management import call_command
    from django.db import connection, transaction

    from vocrehab.accounts.models import Membership, Organisation, Role, Service, User
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode

    call_command("migrate", interactive=False, verbosity=0)
    codes = [f"{PREFIX}-{i:02d}" for i in range(SERVICES)]
    if Episode.objects.filter(service__code__in=codes).count() == total + CASELOAD + 5:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(2014)  # noqa: S311 - synthetic data
    background = Episode.objects.filter(
        service__code__in=codes, reference__startswith=f"{PREFIX}E"
    ).count()
    if background == total and _has_contacts(codes):
        # The background is there (an earlier run stopped before the caseloads): reuse it.
        _caseloads_again(codes, rng)
        return time.perf_counter() - started
    _clear(codes)
    organisation, _ = Organisation.objects.get_or_create(
        code="bench-caseload", defaults={"name": "Bench caseload"}
    )
    services = []
    for i, code in enumerate(codes):
        service, _ = Service.objects.get_or_create(
            code=code,
            defaults={
                "organisation": organisation,
                "name": f"Caseload bench {i}",
                "nation": "scotland" if i % 2 else "england",
            },
        )
        services.append(service)

    def staff(local, role, service):
        user, _ = User.objects.get_or_create(
            email=f"{local}@bench.invalid", defaults={"first_name": local, "last_name": "Bench"}
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, service=service, role=role
        )
        return user

    staff("bench.manager", Role.SERVICE_MANAGER, services[0])
    staff("bench.cm", Role.CASE_MANAGER, services[0])
    staff("bench.small", Role.CASE_MANAGER, services[0])
    # Other workers: a full team in the benchmark service, two in each of the others.
    workers_of = {
        service.pk: [
            staff(f"bench.w{i}.{j}", Role.CASE_MANAGER, service)
            for j in range(OTHER_WORKERS if i == 0 else 2)
        ]
        for i, service in enumerate(services)
    }

    today = datetime.date.today()
    batch = 20000
    n = 0
    per_service = total // SERVICES
    for s_index, service in enumerate(services):
        count = per_service + (total % SERVICES if s_index == SERVICES - 1 else 0)
        workers = workers_of[service.pk]
        for start in range(0, count, batch):
            size = min(batch, count - start)
            with transaction.atomic():
                clients = Client.objects.bulk_create(
                    [
                        Client(
                            service=service,
                            reference=f"{PREFIX}C{n + k:08d}",
                            first_name="Synthetic",
                            last_name=f"Person{(n + k) % 9973}",
                        )
                        for k in range(size)
                    ],
                    batch_size=5000,
                )
                if not all(c.pk for c in clients):
                    by_ref = dict(
                        Client.objects.filter(
                            service=service, reference__in=[c.reference for c in clients]
                        ).values_list("reference", "pk")
                    )
                    for c in clients:
                        c.pk = by_ref[c.reference]
                eps = []
                for k, c in enumerate(clients):
                    received = today - datetime.timedelta(days=rng.randrange(1, 3650))
                    is_open = rng.random() < OPEN_SHARE
                    eps.append(
                        Episode(
                            service=service,
                            client_id=c.pk,
                            reference=f"{PREFIX}E{n + k:08d}",
                            referral_date=received,
                            referral_source="acute_nhs",
                            condition="cancer",
                            work_status_at_referral="off_sick",
                            main_reason="return_from_sickness",
                            tier=rng.choice("233"),
                            highest_tier="3",
                            first_contact_date=received,
                            assessment_date=received,
                            case_manager=rng.choice(workers) if is_open and workers else None,
                            discharge_date=None
                            if is_open
                            else received + datetime.timedelta(days=90),
                            work_status_at_discharge="" if is_open else "at_work",
                            followup_date=None
                            if is_open
                            else received + datetime.timedelta(days=270),
                            work_status_at_followup="" if is_open else "at_work",
                        )
                    )
                Episode.objects.bulk_create(eps, batch_size=5000)
            n += size
            print(f"  filled {n:,} / {total:,} episodes", flush=True)
    # Contacts of the background episodes, in one statement per service (portable SQL).
    with connection.cursor() as cursor:
        pick = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(BACKGROUND_CONTACTS))
        for service in services:
            cursor.execute(
                "INSERT INTO casework_contact (episode_id, contact_date, mode, contact_with, "
                "note, extensions, created_at, updated_at, version) "
                "SELECT e.id, e.referral_date, 'phone', 'client', '', '{}', e.created_at, "
                f"e.updated_at, 1 FROM casework_episode e CROSS JOIN ({pick}) AS copies "
                "WHERE e.service_id = %s",
                [service.pk],
            )
    _caseload(services[0], User.objects.get(email="bench.cm@bench.invalid"), CASELOAD, rng)
    _caseload(services[0], User.objects.get(email="bench.small@bench.invalid"), 5, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _has_contacts(codes) -> bool:
    from vocrehab.casework.models import Contact

    return Contact.objects.filter(episode__service__code=codes[-1]).exists()


def _caseloads_again(codes, rng):
    from django.db import connection

    from vocrehab.accounts.models import Service, User
    from vocrehab.clients.models import Client
    from vocrehab.episodes.models import Episode

    for episode in Episode.objects.filter(
        service__code__in=codes, reference__startswith=f"{PREFIX}-"
    ):
        episode.delete()
    Client.objects.filter(service__code__in=codes, reference__startswith=f"{PREFIX}-").delete()
    service = Service.objects.get(code=codes[0])
    _caseload(service, User.objects.get(email="bench.cm@bench.invalid"), CASELOAD, rng)
    _caseload(service, User.objects.get(email="bench.small@bench.invalid"), 5, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _caseload(service, worker, size, rng):
    """Open episodes for ``worker``, each with 30 contacts and records for every flag."""
    from django.db import transaction

    from vocrehab.casework import services as cw
    from vocrehab.casework.models import Contact, ContactIntervention
    from vocrehab.clients.models import Client
    from vocrehab.codes import Intervention
    from vocrehab.episodes.models import Episode
    from vocrehab.measures.models import Administration

    today = datetime.date.today()
    codes = list(Intervention.values)
    for i in range(size):
        with transaction.atomic():
            client = Client.objects.create(
                service=service,
                reference=f"{PREFIX}-{worker.pk}-{i}",
                first_name="Caseload",
                last_name=f"Client{i}",
            )
            received = today - datetime.timedelta(days=rng.randrange(3, 200))
            episode = Episode.objects.create(
                service=service,
                client=client,
                reference=f"{PREFIX}-{worker.pk}-E{i}",
                referral_date=received,
                referral_source="acute_nhs",
                condition="cancer",
                work_status_at_referral="off_sick",
                main_reason="return_from_sickness",
                tier="3" if i % 3 else "2",
                highest_tier="3",
                case_manager=worker,
                first_contact_date=None if i % 10 == 0 else received,
            )
            span = max(1, (today - received).days)
            contacts = Contact.objects.bulk_create(
                Contact(
                    episode=episode,
                    contact_date=received + datetime.timedelta(days=span * k // CONTACTS_EACH),
                    mode="phone",
                    minutes=30,
                    note="Synthetic contact note for the benchmark.",
                    recorded_by=worker,
                )
                for k in range(CONTACTS_EACH if size > 5 else 1)
            )
            if not all(c.pk for c in contacts):
                contacts = list(Contact.objects.filter(episode=episode))
            ContactIntervention.objects.bulk_create(
                ContactIntervention(contact=c, code=codes[k % len(codes)], position=0)
                for k, c in enumerate(contacts)
            )
            cw.add_reminder(
                episode,
                by=worker,
                text="Review",
                due_on=today + datetime.timedelta(days=i % 20 - 5),
            )
            cw.add_note(episode, by=worker, text="Benchmark note.")
            cw.add_goal(episode, by=worker, description="Phased return", term="short")
            if i % 4 == 0:
                cw.save_return_plan(
                    episode,
                    by=worker,
                    start_date=today,
                    phases=[{"week": w, "hours": 8 * w, "days": "Mon-Fri"} for w in (1, 2, 3)],
                    review_dates=[today + datetime.timedelta(days=i % 10)],
                )
            if i % 5 == 0:
                Administration.objects.create(
                    episode=episode,
                    instrument="eq5d5l",
                    timepoint="entry",
                    status="invited",
                    due_date=today - datetime.timedelta(days=2),
                )


def _time(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times, cpu_times, db_times, queries = [], [], [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(captured))
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    times.sort()
    cpu_times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    cpu_p95 = cpu_times[max(0, int(round(0.95 * len(cpu_times))) - 1)]
    return statistics.median(times), p95, cpu_p95, statistics.median(db_times), sorted(queries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        path = ROOT / "var" / f"bench-caseload-{args.episodes}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    _setup()
    from django.db import connection
    from django.test import Client as HttpClient

    from vocrehab.accounts.models import User
    from vocrehab.episodes.models import Episode

    fill_seconds = _fill(args.episodes)
    contacts = connection.cursor()
    contacts.execute("SELECT COUNT(*) FROM casework_contact")
    print(
        f"bench_caseload: {connection.vendor}, {args.episodes:,} background episodes, "
        f"{contacts.fetchone()[0]:,} contacts "
        f"(fill {fill_seconds:.0f} s{'' if fill_seconds else ', reused'})"
    )

    def signed_in(email):
        http = HttpClient()
        http.force_login(
            User.objects.get(email=email),
            backend="allauth.account.auth_backends.AuthenticationBackend",
        )
        return http

    cm, small, manager = (
        signed_in(f"bench.{who}@bench.invalid") for who in ("cm", "small", "manager")
    )
    worker = User.objects.get(email="bench.cm@bench.invalid")
    big = Episode.objects.filter(case_manager=worker).order_by("pk").first()  # has a plan
    tiny = (
        Episode.objects.filter(case_manager__email="bench.small@bench.invalid")
        .order_by("pk")
        .first()
    )
    cases = [
        ("caseload (60 episodes)", cm, "/casework/caseload/"),
        ("caseload, by last contact", cm, "/casework/caseload/?sort=last_contact"),
        ("caseload, by days open", cm, "/casework/caseload/?sort=-days_open"),
        ("caseload, standard at risk", cm, "/casework/caseload/?flag=standard_at_risk"),
        ("caseload (5 episodes)", small, "/casework/caseload/"),
        ("every caseload (manager)", manager, "/casework/caseload/?everyone=1"),
        ("my tasks", cm, "/casework/tasks/"),
        ("episode (30 contacts)", cm, f"/casework/episodes/{big.pk}/"),
        ("episode (1 contact)", small, f"/casework/episodes/{tiny.pk}/"),
    ]
    failed = False
    results = {}
    print(
        f"{'request':30} {'median ms':>10} {'p95 ms':>10} {'CPU p95':>8} {'SQL ms':>8} "
        f"{'queries':>8}"
    )
    for label, http, url in cases:
        median, p95, cpu_p95, db_ms, queries = _time(http, url, args.repeat)
        results[label] = queries
        ok = p95 < TARGET_MS and len(queries) == 1
        failed |= not ok
        print(
            f"{label:30} {median:10.1f} {p95:10.1f} {cpu_p95:8.1f} {db_ms:8.1f} "
            f"{','.join(map(str, queries)):>8}"
            f"{'' if ok else '  <- over target or varying'}",
            flush=True,
        )
    constant = (
        results["caseload (60 episodes)"] == results["caseload (5 episodes)"]
        and results["episode (30 contacts)"] == results["episode (1 contact)"]
    )
    print(f"queries constant as the caseload and the record grow: {'yes' if constant else 'NO'}")
    failed |= not constant
    return 1 if failed and connection.vendor == "postgresql" else 0


if __name__ == "__main__":
    sys.exit(main())
