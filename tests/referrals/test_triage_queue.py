"""The triage queue: per service, working-day age against the standards, constant queries."""

import datetime

import pytest
import time_machine

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.referrals.models import ClockPause
from vocrehab.referrals.services import close_not_engaged

pytestmark = pytest.mark.django_db

# Tuesday 6 May 2025: the day after the early May bank holiday (UK-wide).
TODAY = datetime.date(2025, 5, 6)


def test_queue_marks_on_track_at_risk_and_breached(signed_in, make_referral):
    fresh = make_referral(received=datetime.date(2025, 5, 2), first_name="Fresh", nhs_number="")
    # Received Tue 29 Apr: Wed, Thu, Fri, (Mon holiday), Tue = 4 working days: 1 left.
    risky = make_referral(received=datetime.date(2025, 4, 29), first_name="Risky", nhs_number="")
    late = make_referral(received=datetime.date(2025, 4, 22), first_name="Late", nhs_number="")
    client, _user = signed_in(Role.CASE_MANAGER)
    with time_machine.travel(datetime.datetime(2025, 5, 6, 12, tzinfo=datetime.UTC)):
        page = client.get("/referrals/")
    assert page.status_code == 200
    rows = {row.referral.pk: row for row in page.context["rows"]}
    assert rows[fresh.pk].first_contact.state == "on_track"
    assert rows[risky.pk].first_contact.state == "at_risk"
    assert rows[risky.pk].first_contact.elapsed == 4
    assert rows[late.pk].first_contact.state == "breached"
    html = page.content.decode()
    assert "Breached" in html and "At risk" in html and "On track" in html
    # Oldest first.
    assert [r.referral.pk for r in page.context["rows"]] == [late.pk, risky.pk, fresh.pk]


def test_scotland_and_england_age_differently(signed_in, make_referral, service, other_service):
    # Received Fri 18 Apr 2025 (Good Friday); counted on Tue 22 Apr.
    scottish = make_referral(received=datetime.date(2025, 4, 17))
    english = make_referral(other_service, received=datetime.date(2025, 4, 17))
    with time_machine.travel(datetime.datetime(2025, 4, 22, 12, tzinfo=datetime.UTC)):
        client, _user = signed_in(Role.CASE_MANAGER)
        scot_rows = client.get("/referrals/").context["rows"]
        client.logout()
        signed_in(Role.CASE_MANAGER, other_service)
        eng_rows = client.get("/referrals/").context["rows"]
    assert [r.referral.pk for r in scot_rows] == [scottish.pk]
    assert [r.referral.pk for r in eng_rows] == [english.pk]
    assert scot_rows[0].first_contact.elapsed == 2  # Easter Monday is worked in Scotland
    assert eng_rows[0].first_contact.elapsed == 1


def test_queue_query_count_does_not_grow(signed_in, make_referral, django_assert_max_num_queries):
    client, _user = signed_in(Role.CASE_MANAGER)
    make_referral(nhs_number="", first_name="A1")
    client.get("/referrals/")  # warm the session and memberships
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/referrals/")
    for n in range(12):
        referral = make_referral(nhs_number="", first_name=f"P{n}")
        ClockPause.objects.create(
            referral=referral, start=datetime.date.today(), reason="treatment"
        )
    with django_assert_max_num_queries(len(few)):
        page = client.get("/referrals/")
    assert len(page.context["rows"]) == 13


def test_closed_and_allocated_referrals_leave_the_queue(signed_in, make_referral):
    closed = make_referral(nhs_number="", first_name="Closed")
    close_not_engaged(closed.episode, kind="could_not_contact")
    waiting = make_referral(nhs_number="", first_name="Waiting")
    client, _user = signed_in(Role.CASE_MANAGER)
    pks = [r.referral.pk for r in client.get("/referrals/").context["rows"]]
    assert pks == [waiting.pk]


def test_a_case_manager_cannot_see_another_services_queue(signed_in, make_referral, other_service):
    theirs = make_referral(other_service)
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get("/referrals/")
    assert theirs.reference.encode() not in page.content
    assert client.get(f"/referrals/{theirs.pk}/").status_code == 404
    assert client.post(f"/referrals/{theirs.pk}/pause/", {}).status_code == 404


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.AUDITOR, Role.SUPPORT_WORKER])
def test_roles_without_triage_are_refused(signed_in, make_referral, role):
    referral = make_referral()
    client, _user = signed_in(role)
    assert client.get("/referrals/").status_code == 403
    assert client.get(f"/referrals/{referral.pk}/").status_code == 403
    assert client.get("/referrals/phone/").status_code == 403


def test_commissioner_sees_no_person(signed_in, make_referral):
    referral = make_referral()
    client, _user = signed_in(Role.COMMISSIONER)
    for url in (
        "/referrals/",
        f"/referrals/{referral.pk}/",
        "/clients/?q=Smith",
        f"/clients/{referral.episode.client_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Smith" not in response.content


def test_reading_a_referral_is_audited(signed_in, make_referral):
    referral = make_referral()
    client, user = signed_in(Role.ADMIN_ASSISTANT)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    event = AccessEvent.objects.get(user=user, action="read")
    assert event.client_id == referral.episode.client_id


def _date(prefix, day):
    return {
        f"{prefix}on_day": day.day,
        f"{prefix}on_month": day.month,
        f"{prefix}on_year": day.year,
    }


def test_record_first_contact_and_assessment(signed_in, make_referral):
    today = datetime.date.today()
    referral = make_referral(received=today - datetime.timedelta(days=7))
    client, _user = signed_in(Role.CASE_MANAGER)
    version = referral.episode.version
    response = client.post(
        f"/referrals/{referral.pk}/first-contact/", {**_date("fc-", today), "fc-version": version}
    )
    assert response.status_code == 302
    referral.episode.refresh_from_db()
    assert referral.episode.first_contact_date == today
    response = client.post(
        f"/referrals/{referral.pk}/assessment/",
        {**_date("as-", today), "as-version": referral.episode.version},
    )
    assert response.status_code == 302
    referral.episode.refresh_from_db()
    assert referral.episode.assessment_date == today


def test_stale_version_is_refused(signed_in, make_referral):
    today = datetime.date.today()
    referral = make_referral(received=today)
    client, _user = signed_in(Role.CASE_MANAGER)
    stale = referral.episode.version - 1
    response = client.post(
        f"/referrals/{referral.pk}/first-contact/", {**_date("fc-", today), "fc-version": stale}
    )
    assert response.status_code == 302
    referral.episode.refresh_from_db()
    assert referral.episode.first_contact_date is None


def test_first_contact_before_referral_is_refused(signed_in, make_referral):
    today = datetime.date.today()
    referral = make_referral(received=today)
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post(
        f"/referrals/{referral.pk}/first-contact/",
        {
            **_date("fc-", today - datetime.timedelta(days=3)),
            "fc-version": referral.episode.version,
        },
    )
    assert response.status_code == 400
    assert b"cannot be before the referral" in response.content


def test_admin_assistant_may_not_record_assessment(signed_in, make_referral):
    referral = make_referral()
    client, _user = signed_in(Role.ADMIN_ASSISTANT)
    assert client.post(f"/referrals/{referral.pk}/assessment/", {}).status_code == 403


def test_pause_and_resume_with_a_reason(signed_in, make_referral):
    today = datetime.date.today()
    referral = make_referral(received=today - datetime.timedelta(days=2))
    client, _user = signed_in(Role.CASE_MANAGER)
    missing = client.post(
        f"/referrals/{referral.pk}/pause/",
        {
            "pause-start_day": today.day,
            "pause-start_month": today.month,
            "pause-start_year": today.year,
            "pause-reason": "",
        },
    )
    assert missing.status_code == 400
    response = client.post(
        f"/referrals/{referral.pk}/pause/",
        {
            "pause-start_day": today.day,
            "pause-start_month": today.month,
            "pause-start_year": today.year,
            "pause-reason": "Wants to wait until chemotherapy ends",
        },
    )
    assert response.status_code == 302
    pause = ClockPause.objects.get(referral=referral)
    assert pause.end is None and "chemotherapy" in pause.reason
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.context["assessment"].state == "paused"
    later = today + datetime.timedelta(days=1)
    response = client.post(
        f"/referrals/{referral.pk}/resume/",
        {
            "resume-end_day": later.day,
            "resume-end_month": later.month,
            "resume-end_year": later.year,
        },
    )
    assert response.status_code == 302
    pause.refresh_from_db()
    assert pause.end == later


def test_get_on_an_action_is_not_allowed(signed_in, make_referral):
    referral = make_referral()
    client, _user = signed_in(Role.CASE_MANAGER)
    assert client.get(f"/referrals/{referral.pk}/pause/").status_code == 405
