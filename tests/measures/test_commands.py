"""Commands: load_wording (licensed wording from CSV/JSON) and worker (sweep + db_worker)."""

import json
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from vocrehab.measures import services
from vocrehab.measures.models import ItemWording


def test_load_wording_from_csv(tmp_path, db):
    path = tmp_path / "wording.csv"
    path.write_text(
        "instrument,item,language,text,option_0,option_3\n"
        "hads,a1,en-gb,Synthetic wording one,Not at all,Most of the time\n"
        "hads,a1,cy,Geiriad synthetig,,\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load_wording", str(path), "--licence", "Licence 123", stdout=out)
    assert "2 items" in out.getvalue()
    english = ItemWording.objects.get(language="en-gb")
    assert english.options == {"0": "Not at all", "3": "Most of the time"}
    assert english.licence == "Licence 123"


def test_load_wording_from_json(tmp_path, db):
    path = tmp_path / "wording.json"
    path.write_text(json.dumps([{"instrument": "eq5d5l", "item": "vas", "text": "Synthetic"}]))
    call_command("load_wording", str(path), stdout=StringIO())
    assert ItemWording.objects.get().item == "vas"


def test_load_wording_names_the_bad_row(tmp_path, db):
    path = tmp_path / "wording.csv"
    path.write_text("instrument,item,text\nhads,a1,ok\nhads,nope,bad\n")
    with pytest.raises(CommandError, match="row 2.*no item 'nope'"):
        call_command("load_wording", str(path))
    assert not ItemWording.objects.exists()


def test_worker_once_runs_the_sweep(episode, mailoutbox):
    services.schedule_entry_questionnaires(episode, due=date(2020, 1, 1))
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "'invited': 1" in out.getvalue()
    assert len(mailoutbox) == 1


def test_worker_runs_db_worker_and_enqueues_the_sweep(db):
    with (
        mock.patch("vocrehab.measures.management.commands.worker.call_command") as run,
        mock.patch("vocrehab.measures.tasks.send_due_invitations_task") as sweep,
    ):
        enqueue = sweep.enqueue
        # db_worker returns at once here; the sweep thread has enqueued at least once.
        run.side_effect = lambda *a, **k: enqueue_wait(enqueue)
        call_command("worker", "--sweep-minutes", "0.01")
    assert run.call_args.args == ("db_worker",)
    assert run.call_args.kwargs["reload"] is False
    assert enqueue.called


def enqueue_wait(enqueue, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while not enqueue.called and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("sweep_minutes", ["0", "0.01"])
def test_every_worker_announces_the_new_day_sweeping_or_not(db, sweep_minutes):
    """Nightly work (retention, scheduled reports, hub submissions) is queued by each
    worker's announcement of the day, so a deployment whose workers all run with
    ``--sweep-minutes 0`` still gets it."""
    import threading

    from vocrehab import scheduling

    announced = threading.Event()

    def heard(sender, *, today, **kwargs):
        announced.set()

    scheduling.daily.connect(heard, dispatch_uid="test-new-day")
    try:
        with (
            mock.patch("vocrehab.measures.management.commands.worker.call_command") as run,
            mock.patch("vocrehab.measures.tasks.send_due_invitations_task") as sweep,
        ):
            run.side_effect = lambda *a, **k: announced.wait(5)
            call_command("worker", "--sweep-minutes", sweep_minutes)
    finally:
        scheduling.daily.disconnect(dispatch_uid="test-new-day")
    assert announced.is_set()
    # Only a sweeping worker sweeps.
    assert sweep.enqueue.called is (sweep_minutes != "0")
