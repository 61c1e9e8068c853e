"""``vocrehab demo``: a demonstration organisation, staff of every role, synthetic clients.

Safe to run again: it updates what is there rather than duplicating it.
"""

import datetime
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vocrehab.accounts.models import (
    Area,
    AreaLevel,
    Membership,
    Organisation,
    Role,
    Service,
    Team,
    User,
)
from vocrehab.clients.models import Client
from vocrehab.codes import Nation
from vocrehab.interchange import synth
from vocrehab.interchange.importer import import_dataset
from vocrehab.management.demo_caseloads import assign_demo_caseloads
from vocrehab.management.demo_costs import seed_costs
from vocrehab.management.demo_directory import seed_directory

DEMO_PASSWORD = "demo-vocrehab-2026"  # noqa: S105 - printed on purpose; demo mode only

# Ofcom's numbers reserved for drama: they never ring anyone.
DEMO_PHONES = {"GGC-VR": "0141 496 0000", "LEEDS-VR": "0113 496 0000", "SUSSEX-VR": "01632 960000"}

SERVICES = [
    # code, name, nation, areas covered (GSS codes)
    (
        "GGC-VR",
        "Glasgow Vocational Rehabilitation Service",
        Nation.SCOTLAND,
        ["S12000049", "S12000038", "S12000018", "S08000031"],
    ),
    ("LEEDS-VR", "Leeds Work and Health Service", Nation.ENGLAND, ["E08000035"]),
    (
        "SUSSEX-VR",
        "Sussex Cancer Work Support",
        Nation.ENGLAND,
        ["E10000032", "E06000043", "E10000011"],
    ),
]

# The commissioning hierarchy, top down: code, name, level, kind, parent code, services.
# GSS codes where the node has one (nations, NHS England regions, health boards, ICBs).
AREAS = [
    ("S92000003", "Scotland", AreaLevel.NATION, "", None, []),
    ("SCOT-WEST", "West of Scotland", AreaLevel.REGION, "", "S92000003", []),
    (
        "S08000031",
        "NHS Greater Glasgow and Clyde",
        AreaLevel.AREA,
        "health board",
        "SCOT-WEST",
        ["GGC-VR"],
    ),
    ("E92000001", "England", AreaLevel.NATION, "", None, []),
    ("E40000012", "North East and Yorkshire", AreaLevel.REGION, "", "E92000001", []),
    (
        "E54000054",
        "NHS West Yorkshire ICB",
        AreaLevel.AREA,
        "integrated care board",
        "E40000012",
        ["LEEDS-VR"],
    ),
    ("E40000005", "South East", AreaLevel.REGION, "", "E92000001", []),
    (
        "E54000064",
        "NHS Sussex ICB",
        AreaLevel.AREA,
        "integrated care board",
        "E40000005",
        ["SUSSEX-VR"],
    ),
]

# email local part, first name, last name, role, service code (None: organisation-wide;
# "@code": a node of the commissioning hierarchy)
STAFF = [
    ("admin", "Alex", "Admin", Role.ADMINISTRATOR, None),
    ("manager", "Morag", "Manager", Role.SERVICE_MANAGER, "GGC-VR"),
    ("casemanager", "Catriona", "Casey", Role.CASE_MANAGER, "GGC-VR"),
    ("casemanager2", "Hamish", "Reid", Role.CASE_MANAGER, "GGC-VR"),
    ("supportworker", "Sam", "Support", Role.SUPPORT_WORKER, "GGC-VR"),
    ("assistant", "Ailsa", "Assistant", Role.ADMIN_ASSISTANT, "GGC-VR"),
    ("leeds.manager", "Priya", "Shah", Role.SERVICE_MANAGER, "LEEDS-VR"),
    ("leeds.casemanager", "Tom", "Atkinson", Role.CASE_MANAGER, "LEEDS-VR"),
    ("sussex.manager", "Grace", "Okafor", Role.SERVICE_MANAGER, "SUSSEX-VR"),
    ("sussex.casemanager", "Ben", "Hughes", Role.CASE_MANAGER, "SUSSEX-VR"),
    ("commissioner", "Chris", "Commissioner", Role.COMMISSIONER, "@E92000001"),
    ("auditor", "Audrey", "Auditor", Role.AUDITOR, None),
]
EMAIL_DOMAIN = "demo.vocrehab.invalid"

# Invented names for synthetic demo clients (VRMDS itself carries no names).
FEMALE_NAMES = [
    "Aileen",
    "Fiona",
    "Mairi",
    "Sarah",
    "Priya",
    "Joanne",
    "Lesley",
    "Amina",
    "Claire",
    "Helen",
    "Siobhan",
    "Karen",
    "Zainab",
    "Emma",
    "Morven",
    "Gillian",
]
MALE_NAMES = [
    "Iain",
    "Graham",
    "Kenneth",
    "Darren",
    "Imran",
    "Stuart",
    "Michael",
    "Ewan",
    "Paul",
    "Craig",
    "Tariq",
    "Alan",
    "Neil",
    "Ross",
    "Gordon",
    "David",
]
SURNAMES = [
    "MacLeod",
    "Campbell",
    "Stewart",
    "Robertson",
    "Khan",
    "Murray",
    "Wilson",
    "Fraser",
    "Thomson",
    "Patel",
    "Henderson",
    "Docherty",
    "Morrison",
    "Brown",
    "Kerr",
    "Ali",
    "Gallagher",
    "Watson",
    "Shaw",
    "Hughes",
    "Okafor",
    "Walker",
]


class Command(BaseCommand):
    group = "operations"  # where `vocrehab --help` lists it
    help = "Set up (or refresh) the demonstration system, then serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Set up, do not serve.")
        parser.add_argument("--reset", action="store_true", help="Delete all data first.")
        parser.add_argument(
            "--episodes", type=int, default=600, help="Synthetic episodes to load (default 600)."
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demonstration data is only loaded with VOCREHAB_DEMO=1 (and debug on). "
                "Use `make demo`."
            )
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            services = self._organisation()
            users = self._staff(services)
            seed_directory(services)
            seed_costs(services)
        # Invented postcodes with deprivation ranks, so postcode look-ups work in the demo.
        call_command("import_deprivation", "--sample", verbosity=0)
        self._clients(services, users, options["episodes"])
        self._print_logins()
        if not options["no_serve"]:
            self._serve(options["addrport"])

    def _organisation(self):
        organisation, _ = Organisation.objects.update_or_create(
            code="demo", defaults={"name": "Demonstration Health Partnership"}
        )
        services = {}
        for code, name, nation, areas in SERVICES:
            service, _ = Service.objects.update_or_create(
                code=code,
                defaults={
                    "organisation": organisation,
                    "name": name,
                    "nation": nation,
                    "covered_areas": areas,
                    "email": f"{code.lower()}@{EMAIL_DOMAIN}",
                    "phone": DEMO_PHONES[code],
                    "opening_hours": "Monday to Friday, 9am to 5pm",
                },
            )
            Team.objects.get_or_create(service=service, name="Case management")
            services[code] = service
        self._areas(services)
        return services

    def _areas(self, services):
        """The commissioning hierarchy, and each service's place in it."""
        made = {}
        for code, name, level, kind, parent, service_codes in AREAS:
            area, _ = Area.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": level, "kind": kind, "parent": made.get(parent)},
            )
            area.full_clean()
            made[code] = area
            for service_code in service_codes:
                service = services[service_code]
                service.area = area
                service.save(update_fields=["area"])

    def _staff(self, services):
        organisation = Organisation.objects.get(code="demo")
        users = {}
        for local, first, last, role, service_code in STAFF:
            user, _ = User.objects.update_or_create(
                email=f"{local}@{EMAIL_DOMAIN}",
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_active": True,
                    "is_staff": role == Role.ADMINISTRATOR,
                    "is_superuser": role == Role.ADMINISTRATOR,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[local] = user
            if service_code and service_code.startswith("@"):
                area = Area.objects.get(code=service_code[1:])
                user.memberships.exclude(area=area).delete()
                Membership.objects.update_or_create(
                    user=user, area=area, role=role, defaults={"active": True}
                )
                continue
            targets = (
                list(services.values())
                if service_code == "*"
                else [None]
                if service_code is None
                else [services[service_code]]
            )
            for service in targets:
                Membership.objects.update_or_create(
                    user=user,
                    service=service,
                    role=role,
                    defaults={"organisation": organisation, "active": True},
                )
        # Support workers are supervised by a registered practitioner.
        Membership.objects.filter(user=users["supportworker"]).update(
            supervisor=users["casemanager"]
        )
        return users

    def _clients(self, services, users, episodes):
        """Synthetic clients, loaded through the same VRMDS import that services use."""
        if episodes <= 0:
            self.stdout.write("Synthetic clients: none asked for; skipped.")
            return
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "demo"
            synth.write_synthetic_dataset(out, episodes=episodes, seed=2014, services=len(services))
            summary = import_dataset(out, create_services=False)
        self.stdout.write(f"Synthetic clients: {summary}")
        self._name_clients()
        assign_demo_caseloads(services=services, users=users)

    def _name_clients(self):
        """VRMDS carries no names; give demo clients invented ones so pages read naturally."""
        unnamed = Client.objects.filter(first_name="").prefetch_related("episodes")
        updates = []
        for client in unnamed.iterator(chunk_size=500):
            digest = int(hashlib.sha256(client.reference.encode()).hexdigest(), 16)
            episode = min(client.episodes.all(), key=lambda e: e.referral_date, default=None)
            female = episode is None or episode.sex != "male"
            firsts = FEMALE_NAMES if female else MALE_NAMES
            client.first_name = firsts[digest % len(firsts)]
            client.last_name = SURNAMES[(digest // 97) % len(SURNAMES)]
            if episode is not None and episode.age_at_referral:
                born = episode.referral_date.year - episode.age_at_referral
                client.date_of_birth = datetime.date(born, 1 + digest % 12, 1 + digest % 28)
            updates.append(client)
        Client.objects.bulk_update(
            updates, ["first_name", "last_name", "date_of_birth"], batch_size=500
        )

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS("\nvocrehab demo is ready: http://127.0.0.1:8000/"))
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        self.stdout.write("Demo users may skip two-factor enrolment (demo mode only).")
        for local, _first, _last, role, service_code in STAFF:
            if service_code and service_code.startswith("@"):
                name = next(a[1] for a in AREAS if a[0] == service_code[1:])
                where = f"every service in {name}"
            else:
                where = "all services" if service_code in (None, "*") else service_code
            email = f"{local}@{EMAIL_DOMAIN}"
            self.stdout.write(f"  {role.label:<18} {email:<42} {where}")

    def _serve(self, addrport):
        worker = None

        commands = get_commands()
        if "worker" in commands or "db_worker" in commands:
            # Background tasks and the questionnaire sweep (invitations, retries,
            # reminders) run beside the server; `worker` wraps django-tasks' db_worker.
            name = "worker" if "worker" in commands else "db_worker"
            worker = subprocess.Popen([sys.executable, "-m", "vocrehab.cli", name])  # noqa: S603
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
