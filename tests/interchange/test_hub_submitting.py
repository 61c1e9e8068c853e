"""A service sending its submission to a hub: the pseudonymised extract really POSTed
over HTTP (to a stand-in hub), every outcome recorded, failures tried again and then
given up, the monthly schedule run by the worker."""

import csv
import datetime
import hashlib
import io
import logging
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.interchange.hubfiles import example_zip
from tests.interchange.stubhub import StubHub
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.models import Hub, Submission, SubmissionStatus
from vocrehab.interchange.periods import parse_period
from vocrehab.interchange.submitting import RETRY_DAYS, run_schedule, submit

pytestmark = pytest.mark.django_db

TOKEN = "vrt_0a1b2c3d4e_SyntheticSecretForTheTestsOnly000000000000000000"[:58]


@pytest.fixture
def stub():
    hub = StubHub()
    hub.answer((201, {"status": "accepted", "version": 1}))
    yield hub
    hub.close()


@pytest.fixture
def records(service, tmp_path):
    """The VRMDS example imported into ``service``: EX-4 (Feb 2025) re-refers EX-1."""
    path = tmp_path / "example.zip"
    path.write_bytes(example_zip(service.code, keep=["EX-4"]))
    summary = import_dataset(path, service_code=service.code)
    assert summary.ok, summary.errors
    return summary


@pytest.fixture
def hub(service, stub):
    return Hub.objects.create(service=service, name="region", url=stub.url, token=TOKEN)


def _files(received) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(received.fields["file"])) as zf:
        return {
            name: list(csv.DictReader(io.StringIO(zf.read(name).decode())))
            for name in zf.namelist()
        }


def test_the_command_posts_a_pseudonymised_extract_of_the_period(
    records, hub, stub, service, capsys
):
    call_command("submit", hub="region", period="2025-02")
    (received,) = stub.received
    assert received.path == "/api/v1/submissions/"
    assert received.headers["Authorization"] == f"Bearer {TOKEN}"
    data = received.fields["file"]
    assert received.fields["service"] == b"GGC-VR"
    assert received.fields["period"] == b"2025-02"
    assert received.fields["checksum"].decode() == hashlib.sha256(data).hexdigest()
    files = _files(received)
    episodes = files["episodes.csv"]
    # EX-4, referred in Feb 2025, and EX-1, the episode it re-refers.
    assert sorted(e["referral_date"] for e in episodes) == ["2024-01-08", "2025-02-03"]
    assert "nhs_number" not in episodes[0]
    assert not any(k.startswith("x_") for k in episodes[0])
    text = data.decode("latin-1")
    assert "9434765919" not in text
    later = next(e for e in episodes if e["referral_date"] == "2025-02-03")
    earlier = next(e for e in episodes if e["referral_date"] == "2024-01-08")
    assert later["previous_episode_id"] == earlier["episode_id"]
    assert later["client_id"] == earlier["client_id"] != "P-1"
    assert len(later["episode_id"]) == 32 and "EX-" not in str(files)
    # The figures the standard computes need exact dates and age.
    assert earlier["age_at_referral"] == "52" and earlier["first_contact_date"] == "2024-01-09"
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.ACCEPTED and submission.hub_version == 1
    assert submission.rows["episodes.csv"] == 2 and submission.attempts == 1
    assert "Accepted by the hub" in capsys.readouterr().out


def test_the_same_data_gives_the_same_file_and_another_hub_other_pseudonyms(
    records, hub, stub, service
):
    other = Hub.objects.create(service=service, name="nation", url=stub.url, token=TOKEN)
    period = parse_period("2024-Q1")
    first = submit(hub, period)
    again = submit(hub, period)
    elsewhere = submit(other, period)
    assert first.checksum == again.checksum != elsewhere.checksum
    ids = [{e["episode_id"] for e in _files(r)["episodes.csv"]} for r in stub.received]
    assert ids[0] == ids[1] and not ids[0] & ids[2]


def test_a_refusal_is_recorded_with_the_hubs_reasons(records, hub, stub, capsys):
    stub.answer(
        (
            422,
            {
                "detail": "The file does not meet the VRMDS standard. Nothing was written.",
                "error_count": 1,
                "errors": [
                    {"file": "episodes.csv", "row": 3, "column": "tier", "message": "not a tier"}
                ],
            },
        )
    )
    with pytest.raises(CommandError, match="Not every submission was accepted"):
        call_command("submit", hub="region", period="2024-Q1")
    out = capsys.readouterr().out
    assert "Refused by the hub" in out and "episodes.csv:3:tier: not a tier" in out
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.REFUSED
    assert submission.errors[0]["column"] == "tier" and submission.error_count == 1
    # A refusal needs the data corrected: the schedule does not send it again.
    run_schedule(timezone.localdate() + datetime.timedelta(days=3))
    assert Submission.objects.filter(period="2024-Q1").count() == 1


def test_a_hub_that_fails_is_tried_again_and_then_given_up(records, hub, stub, caplog):
    stub.answer((503, {"detail": "busy"}))
    today = datetime.date(2026, 12, 1)
    hub.monthly = False
    hub.save()
    submission = submit(hub, parse_period("2024-Q1"), today=today)
    assert submission.status == SubmissionStatus.RETRYING
    assert submission.next_attempt_on == today + datetime.timedelta(days=RETRY_DAYS[0])
    assert "503" in submission.message
    run_schedule(today)  # not due yet
    assert len(stub.received) == 1
    day = today
    for wait in RETRY_DAYS:
        day += datetime.timedelta(days=wait)
        run_schedule(day)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert submission.attempts == len(RETRY_DAYS) + 1 == len(stub.received)
    assert "Gave up" in submission.message
    run_schedule(day + datetime.timedelta(days=30))
    assert len(stub.received) == len(RETRY_DAYS) + 1
    assert any(r.levelno == logging.ERROR and "failed" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text


def test_a_retry_that_succeeds_is_recorded(records, hub, stub):
    stub.answer((503, {}), (201, {"version": 4}))
    today = datetime.date(2026, 12, 1)
    hub.monthly = False
    hub.save()
    submit(hub, parse_period("2024-Q1"), today=today)
    run_schedule(today + datetime.timedelta(days=1))
    submission = Submission.objects.get()
    assert (submission.status, submission.attempts, submission.hub_version) == (
        SubmissionStatus.ACCEPTED,
        2,
        4,
    )
    assert submission.next_attempt_on is None


def test_an_unreachable_hub_is_tried_again(records, service):
    closed = StubHub()
    url = closed.url
    closed.close()
    hub = Hub.objects.create(service=service, name="gone", url=url, token=TOKEN)
    submission = submit(hub, parse_period("2024-Q1"))
    assert submission.status == SubmissionStatus.RETRYING
    assert "could not be reached" in submission.message


def test_the_worker_sends_last_months_submission_once(
    monkeypatch, records, hub, stub, service, django_capture_on_commit_callbacks
):
    from vocrehab.measures.management.commands import worker

    today = datetime.date(2025, 3, 1)
    monkeypatch.setattr(worker.timezone, "localdate", lambda: today)
    paused = Hub.objects.create(
        service=service, name="quarterly", url=stub.url, token=TOKEN, monthly=False
    )
    with django_capture_on_commit_callbacks(execute=True):  # tasks are queued on commit
        worker.announce_new_day(today - datetime.timedelta(days=1))
    (submission,) = Submission.objects.all()
    assert (submission.hub, submission.period) == (hub, "2025-02")
    assert submission.status == SubmissionStatus.ACCEPTED
    assert not paused.submissions.exists()
    # The next day: already sent, nothing more.
    run_schedule(today + datetime.timedelta(days=1))
    assert len(stub.received) == 1


def test_the_hub_command_takes_the_token_from_input_and_never_shows_it(
    service, monkeypatch, capsys
):
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    call_command("hub", "add", service=service.code, name="region", url="https://hub.example.org")
    hub = Hub.objects.get()
    assert hub.token == TOKEN and hub.monthly
    call_command("hub", "list")
    out = capsys.readouterr().out
    assert TOKEN not in out and "vrt_0a1b2c3d4e_…" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("not a token\n"))
    with pytest.raises(CommandError, match="not a token"):
        call_command("hub", "add", service=service.code, name="x", url="https://h.example.org")
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    with pytest.raises(CommandError, match="https://"):
        call_command("hub", "add", service=service.code, name="x", url="http://h.example.org")


def test_the_command_sends_a_quarter_and_names_a_period_it_cannot_read(records, hub, stub):
    call_command("submit", hub="region", period="2024-q1")
    (received,) = stub.received
    assert received.fields["period"] == b"2024-Q1"
    assert sorted(e["referral_date"] for e in _files(received)["episodes.csv"]) == [
        "2024-01-08",
        "2024-02-14",
        "2024-03-01",
    ]
    assert Submission.objects.get().status == SubmissionStatus.ACCEPTED
    with pytest.raises(CommandError, match=r'"2024-13" is not a period: give a month'):
        call_command("submit", hub="region", period="2024-13")
    assert Submission.objects.count() == 1 and len(stub.received) == 1


def test_submit_to_an_unknown_hub_says_so(service):
    with pytest.raises(CommandError, match='No service here sends to a hub named "nowhere"'):
        call_command("submit", hub="nowhere")


def test_each_month_earlier_months_that_changed_are_sent_again(records, hub, stub, service):
    from vocrehab.episodes.models import Episode

    # January 2024 (EX-1) and February 2024 (EX-2) were sent and accepted.
    submit(hub, parse_period("2024-01"), today=datetime.date(2024, 2, 1))
    submit(hub, parse_period("2024-02"), today=datetime.date(2024, 3, 1))
    assert len(stub.received) == 2
    # EX-1 is corrected; February is unchanged.
    Episode.objects.filter(reference="EX-1").update(weeks_absent_at_referral=30)
    run_schedule(datetime.date(2024, 4, 1))
    sent = list(Submission.objects.order_by("pk").values_list("period", "status"))
    assert sent[2:] == [("2024-03", "accepted"), ("2024-01", "accepted")]
    assert len(stub.received) == 4
    assert _files(stub.received[3])["episodes.csv"][0]["weeks_absent_at_referral"] == "30"


def test_a_submission_that_cannot_be_made_is_recorded_and_tried_again(
    records, hub, stub, monkeypatch, caplog
):
    from vocrehab.interchange import submitting

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(submitting, "write_submission", broken)
    submission = submit(hub, parse_period("2024-Q1"), today=datetime.date(2026, 12, 1))
    assert submission.status == SubmissionStatus.RETRYING
    assert "could not be made here (OSError)" in submission.message
    assert submission.next_attempt_on == datetime.date(2026, 12, 2)
    assert not stub.received
    assert any("could not be made" in r.getMessage() for r in caplog.records)
