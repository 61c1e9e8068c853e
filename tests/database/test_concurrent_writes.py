"""Writers at the same moment: no "database is locked", nothing lost.

Five processes share one database, as the web server, the background worker and an
import do in a real installation: two browsers' worth of clients answering and sending
questionnaires, a case manager recording contacts and opening records, ``vocrehab
worker`` (the task queue and the questionnaire sweep) and ``vocrehab dataset import``
importing and re-importing a dataset. They run with the settings ``make demo`` uses.
On SQLite the database is a file (not the test run's in-memory database); on
PostgreSQL it is the test database. Every request must get the answer a person would
expect, no task may fail, and every write must be there afterwards.

The SQLite case fails with Django's default deferred transactions: a transaction that
has read fails at once with "database is locked" when another process is writing.
"""

import datetime
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.task import ResultStatus

from tests.database.helpers import ROOT, database_url, environment, read_back
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.casework.models import Contact, Episode
from vocrehab.clients.models import Client
from vocrehab.codes import Timepoint
from vocrehab.interchange import synth
from vocrehab.measures import services as measures
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    Channel,
    DeliveryStatus,
    QuestionnaireLink,
)

CLIENT_PROCESSES = 2
QUESTIONNAIRES_EACH = 8
CONTACT_EPISODES = 4
CONTACTS_EACH = 5
DUE_FOR_THE_SWEEP = 20
IMPORTED_EPISODES = 200
RUN_TIMEOUT = 240


class Actors:
    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path = tmp_path
        self.env = env
        self.ready_dir = tmp_path / "ready"
        self.ready_dir.mkdir()
        self.start_file = tmp_path / "start"
        self.running: list[tuple[str, subprocess.Popen, Path]] = []

    def plan(self, name: str, **plan) -> Path:
        path = self.tmp_path / f"{name}.json"
        plan.update(ready_dir=str(self.ready_dir), start_file=str(self.start_file))
        path.write_text(json.dumps(plan))
        return path

    def start(self, name: str, role: str, plan: Path) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.database.actors", role, str(plan)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.running.append((name, process, log))
        return process

    def go(self) -> None:
        """Start everyone at once, when every actor is set up and waiting."""
        deadline = time.monotonic() + RUN_TIMEOUT
        while len(list(self.ready_dir.iterdir())) < len(self.running):
            failed = [name for name, p, _log in self.running if p.poll() not in (None, 0)]
            assert not failed, self.logs(failed)
            assert time.monotonic() < deadline, "actors did not get ready"
            time.sleep(0.05)
        self.start_file.touch()

    def wait(self, process: subprocess.Popen) -> int:
        return process.wait(timeout=RUN_TIMEOUT)

    def logs(self, names=None) -> str:
        return "\n".join(
            f"--- {name}:\n{log.read_text()}"
            for name, _p, log in self.running
            if names is None or name in names
        )

    def stop_all(self) -> None:
        for _name, process, _log in self.running:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def scenario(service, make_staff):
    """The records the actors work on, and what each of them will write."""
    manager = make_staff(Role.CASE_MANAGER, service)
    today = timezone.localdate()
    n = 0

    def episode(**client_fields):
        nonlocal n
        n += 1
        client = Client.objects.create(
            service=service,
            reference=f"CONC{n:04d}",
            first_name="Synthetic",
            last_name=f"Person{n}",
            email=f"person{n}@example.invalid",
            contact_by_email=True,
            **client_fields,
        )
        return Episode.objects.create(
            service=service,
            client=client,
            reference=f"CONC-E{n:04d}",
            referral_date=today - datetime.timedelta(days=30),
            referral_source="acute_nhs",
            condition="cancer",
            work_status_at_referral="off_sick",
            main_reason="return_from_sickness",
            tier="3",
            highest_tier="3",
            case_manager=manager,
        )

    questionnaires = []
    for i in range(CLIENT_PROCESSES * QUESTIONNAIRES_EACH):
        administration = Administration.objects.create(
            episode=episode(),
            instrument="work_confidence",
            timepoint=Timepoint.ENTRY,
            status=AdministrationStatus.SCHEDULED,
        )
        link = measures.issue_link(administration, channel=Channel.EMAIL)
        answers = {"working": str(i % 11), "managing_condition": str((i + 3) % 11)}
        answers["work_impact"] = str((i + 7) % 11)
        questionnaires.append((link.pk, answers))
    contacts = [
        (episode().pk, f"Concurrency contact {e}.{c}")
        for e in range(CONTACT_EPISODES)
        for c in range(CONTACTS_EACH)
    ]
    contacts.sort(key=lambda pair: pair[1][-1])  # alternate between the episodes
    due = [
        Administration.objects.create(
            episode=episode(),
            instrument="work_confidence",
            timepoint=Timepoint.ENTRY,
            status=AdministrationStatus.SCHEDULED,
            due_date=today,
        ).pk
        for _ in range(DUE_FOR_THE_SWEEP)
    ]
    return {
        "manager": manager,
        "questionnaires": questionnaires,
        "contacts": contacts,
        "due": due,
        "episodes_before": Episode.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_web_worker_and_import_write_at_once_without_errors(scenario, service, tmp_path):
    dataset = tmp_path / "dataset"
    synth.write_synthetic_dataset(dataset, episodes=IMPORTED_EPISODES, seed=22, services=1)
    url = database_url(tmp_path)
    actors = Actors(tmp_path, environment(url, tmp_path))
    try:
        workers = []
        for i in range(CLIENT_PROCESSES):
            mine = scenario["questionnaires"][i::CLIENT_PROCESSES]
            plan = actors.plan(f"client{i}", questionnaires=dict(mine))
            workers.append(actors.start(f"client{i}", "client", plan))
        plan = actors.plan("staff", staff_id=scenario["manager"].pk, contacts=scenario["contacts"])
        workers.append(actors.start("staff", "staff", plan))
        plan = actors.plan("import", dataset=str(dataset), service_code=service.code)
        workers.append(actors.start("import", "import", plan))
        worker = actors.start("worker", "worker", actors.plan("worker", sweep_minutes=0.01))
        actors.go()
        codes = [actors.wait(process) for process in workers]
        assert codes == [0] * len(workers), actors.logs()
        worker.send_signal(signal.SIGTERM)
        assert actors.wait(worker) == 0, actors.logs(["worker"])
        drain = actors.start("drain", "drain", actors.plan("drain"))
        assert actors.wait(drain) == 0, actors.logs(["drain"])
    finally:
        actors.stop_all()
    read_back(url)

    # Every questionnaire was sent with exactly the answers given.
    for link_id, answers in scenario["questionnaires"]:
        link = QuestionnaireLink.objects.get(pk=link_id)
        assert link.used_at is not None
        assert link.administrations.get().status == AdministrationStatus.COMPLETED
        stored = dict(link.administrations.get().values.values_list("item", "value"))
        assert stored == {item: float(value) for item, value in answers.items()}

    # Every contact was recorded once, and every opening of a record logged.
    notes = list(Contact.objects.filter(note__startswith="Concurrency").values_list("note"))
    assert sorted(note for (note,) in notes) == sorted(note for _e, note in scenario["contacts"])
    reads = AccessEvent.objects.filter(action=Action.READ, user=scenario["manager"])
    assert reads.filter(object_type="episodes.episode").count() == len(scenario["contacts"])

    # The worker invited every client who was due, and the invitation went.
    for administration in Administration.objects.filter(pk__in=scenario["due"]):
        assert administration.status == AdministrationStatus.INVITED
        assert [link.delivery_status for link in administration.links.all()] == [
            DeliveryStatus.SENT
        ]

    # No background task failed; the case manager was told of each questionnaire.
    results = DBTaskResult.objects.all()
    assert not results.exclude(status=ResultStatus.SUCCEEDED).exists(), list(
        results.exclude(status=ResultStatus.SUCCEEDED).values("task_path", "traceback")
    )
    told = results.filter(task_path__endswith="tell_case_manager").count()
    assert told == len(scenario["questionnaires"])

    # The dataset was imported (then re-imported without duplicating anything).
    imported = Episode.objects.count() - scenario["episodes_before"]
    assert imported == IMPORTED_EPISODES
    assert AccessEvent.objects.filter(action=Action.IMPORT).count() == 2
