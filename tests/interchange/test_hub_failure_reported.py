"""A submission given up after its tries, or refused by the hub, is emailed once to the
people who manage the service's submissions, and to nobody else: the hub, the period
and the reason, never a client. The Submissions page says they were told."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.interchange.stubhub import StubHub
from tests.interchange.test_hub_submitting import TOKEN, records  # noqa: F401 - a fixture
from vocrehab.accounts.models import Membership, Role
from vocrehab.dates import human_date
from vocrehab.interchange.models import Hub, Submission, SubmissionStatus
from vocrehab.interchange.periods import parse_period
from vocrehab.interchange.submitting import RETRY_DAYS, run_schedule, submit, tell_managers

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def stub():
    hub = StubHub()
    yield hub
    hub.close()


@pytest.fixture
def hub(service, stub):
    return Hub.objects.create(
        service=service, name="region", url=stub.url, token=TOKEN, monthly=False
    )


@pytest.fixture
def people(make_staff, service, other_service):
    """Who manages the service's submissions, and others who do not."""
    first = make_staff(Role.SERVICE_MANAGER, service, email="manager.one@example.org")
    second = make_staff(Role.SERVICE_MANAGER, service, email="manager.two@example.org")
    make_staff(Role.CASE_MANAGER, service, email="case.manager@example.org")
    make_staff(Role.ADMIN_ASSISTANT, service, email="assistant@example.org")
    make_staff(Role.ADMINISTRATOR, email="administrator@example.org")
    make_staff(Role.SERVICE_MANAGER, other_service, email="elsewhere@example.org")
    gone = make_staff(Role.SERVICE_MANAGER, service, email="left@example.org")
    gone.is_active = False
    gone.save()
    stopped = make_staff(Role.SERVICE_MANAGER, service, email="stopped@example.org")
    Membership.objects.filter(user=stopped).update(active=False)
    system = make_staff(Role.SERVICE_MANAGER, service, email="system@example.org")
    system.is_system_account = True
    system.save()
    commissioner = make_staff(Role.COMMISSIONER, service, email="commissioner@example.org")
    assert commissioner
    return {first.email, second.email}


def _give_up(hub, stub, capture, period="2024-Q1"):
    stub.answer((503, {"detail": "busy"}))
    with capture(execute=True):  # staff emails are queued when the transaction commits
        submission = submit(hub, parse_period(period), today=TODAY)
        day = TODAY
        for wait in RETRY_DAYS:
            day += datetime.timedelta(days=wait)
            run_schedule(day)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    return submission, day


def test_a_submission_given_up_is_emailed_once_to_the_services_managers_only(
    records,  # noqa: F811
    hub,
    stub,
    people,
    django_capture_on_commit_callbacks,
):
    submission, day = _give_up(hub, stub, django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == people
    assert len(mail.outbox) == len(people)  # one each, each to one person
    message = mail.outbox[0]
    assert message.subject == "Not delivered to hub region: Jan to Mar 2024"
    assert "Glasgow VR Service's submission for Jan to Mar 2024 to the hub region" in message.body
    assert "The hub answered 503: busy. Gave up after 6 tries." in message.body
    assert "/data/submissions/" in message.body
    # No person in it: no reference, name or pseudonym of the submitted episodes.
    from vocrehab.episodes.models import Episode

    for episode in Episode.objects.select_related("client"):
        found = [episode.reference, episode.client.reference, episode.client.last_name]
        assert not [text for text in found if text and text in message.body]
    assert TOKEN not in message.body
    assert submission.managers_told_at is not None
    # Once: later days, and being asked again, tell nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        run_schedule(day + datetime.timedelta(days=30))
        assert tell_managers(submission) == 0
    assert len(mail.outbox) == len(people)


def test_a_refusal_is_emailed_once_without_the_hubs_row_by_row_reasons(
    records,  # noqa: F811
    hub,
    stub,
    people,
    django_capture_on_commit_callbacks,
):
    stub.answer(
        (
            422,
            {
                "detail": "The file does not meet the VRMDS standard. Nothing was written.",
                "error_count": 1,
                "errors": [
                    {"file": "episodes.csv", "row": 3, "column": "tier", "message": "not 'X9'"}
                ],
            },
        )
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CommandError, match="Not every submission was accepted"),
    ):
        call_command("submit", hub="region", period="2024-Q1")
    assert {m.to[0] for m in mail.outbox} == people and len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == "Refused by hub region: Jan to Mar 2024"
    assert "The file does not meet the VRMDS standard." in message.body
    assert "X9" not in message.body and "row" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        run_schedule(TODAY + datetime.timedelta(days=3))
    assert len(mail.outbox) == 2


def test_what_is_delivered_or_still_being_tried_is_emailed_to_nobody(
    records,  # noqa: F811
    hub,
    stub,
    people,
    django_capture_on_commit_callbacks,
):
    stub.answer((503, {}), (201, {"version": 1}))
    with django_capture_on_commit_callbacks(execute=True):
        submit(hub, parse_period("2024-Q1"), today=TODAY)
        assert Submission.objects.get().status == SubmissionStatus.RETRYING
        run_schedule(TODAY + datetime.timedelta(days=1))
    assert Submission.objects.get().status == SubmissionStatus.ACCEPTED
    assert not mail.outbox


def test_a_manager_across_the_organisation_is_told_too(make_staff, service):
    from vocrehab.accounts.access import Perm, people_with

    across = make_staff(Role.SERVICE_MANAGER)  # an organisation-wide membership
    Membership.objects.filter(user=across).update(service=None)
    local = make_staff(Role.SERVICE_MANAGER, service)
    assert set(people_with(Perm.EXPORT_DATA, service)) == {across, local}


def test_the_page_shows_the_submission_given_up_and_that_managers_were_told(
    records,  # noqa: F811
    hub,
    stub,
    people,
    signed_in,
    django_capture_on_commit_callbacks,
):
    _give_up(hub, stub, django_capture_on_commit_callbacks)
    web, _user = signed_in(Role.SERVICE_MANAGER)
    page = web.get("/data/submissions/").content.decode()
    assert "Not delivered: gave up after several tries" in page
    assert "Gave up after 6 tries." in page
    told_on = human_date(timezone.localdate())
    assert f"managers were emailed on {told_on}." in page


def test_with_nobody_to_tell_the_failure_is_logged_as_an_error(
    records,  # noqa: F811
    hub,
    stub,
    caplog,
    django_capture_on_commit_callbacks,
):
    _give_up(hub, stub, django_capture_on_commit_callbacks)
    assert not mail.outbox
    assert any("nobody manages the service's submissions" in r.getMessage() for r in caplog.records)
