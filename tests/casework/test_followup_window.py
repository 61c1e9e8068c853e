"""The six-month follow-up on the page: recorded with the date it was collected, only
inside the VRMDS window, or outside it by a service manager with the reason."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.dates import human_date

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def discharged(make_episode, service):
    """Discharged 40 days ago: the window opens in 110 days."""

    def make(worker=None, days_ago=40):
        return make_episode(
            service,
            worker=worker,
            days_ago=days_ago + 30,
            assessment_date=TODAY - datetime.timedelta(days=days_ago + 20),
            discharge_date=TODAY - datetime.timedelta(days=days_ago),
            work_status_at_discharge="at_work",
            followup_date=TODAY + datetime.timedelta(days=140),
        )

    return make


def _post(web, episode, **data):
    return web.post(reverse("casework:followup", args=[episode.pk]), data)


def test_before_the_window_it_is_refused_saying_when_it_opens(case_manager, discharged):
    web, user = case_manager
    episode = discharged(worker=user)
    page = web.get(reverse("casework:followup", args=[episode.pk]))
    opens = episode.discharge_date + datetime.timedelta(days=150)
    assert f"counts when it is collected from {human_date(opens)}" in page.text
    assert 'name="reason"' not in page.text  # a case manager cannot override

    r = _post(web, episode, collected_on=TODAY.isoformat(), work_status="at_work")
    assert r.status_code == 200
    assert f"The follow-up window opens on {human_date(opens)}, 150 days after discharge" in r.text
    assert "Only a service manager may record one outside the window." in r.text
    episode.refresh_from_db()
    assert (episode.work_status_at_followup, episode.followup_collected_on) == ("", None)


def test_a_reason_does_not_let_a_case_manager_through(case_manager, discharged):
    web, user = case_manager
    episode = discharged(worker=user)
    _post(web, episode, collected_on=TODAY.isoformat(), work_status="at_work", reason="Asked")
    episode.refresh_from_db()
    assert episode.work_status_at_followup == ""


def test_inside_the_window_it_is_recorded_with_its_date_and_shown(case_manager, discharged):
    web, user = case_manager
    episode = discharged(worker=user, days_ago=183)
    r = _post(web, episode, collected_on=TODAY.isoformat(), work_status="off_sick")
    assert r.status_code == 302
    episode.refresh_from_db()
    assert (episode.work_status_at_followup, episode.followup_collected_on) == (
        "off_sick",
        TODAY,
    )
    assert episode.followup_outside_window_reason == ""
    page = web.get(reverse("casework:episode", args=[episode.pk]))
    assert f"Employed, off sick, collected on {human_date(TODAY)}" in page.text
    assert "left out of the evaluation" not in page.text


def test_a_manager_records_one_outside_the_window_with_the_reason(signed_in, discharged):
    web, manager = signed_in(Role.SERVICE_MANAGER)
    episode = discharged(days_ago=100)
    page = web.get(reverse("casework:followup", args=[episode.pk]))
    assert 'name="reason"' in page.text

    r = _post(web, episode, collected_on=TODAY.isoformat(), work_status="at_work")
    assert r.status_code == 200
    assert "To record it all the same, give the reason." in r.text
    episode.refresh_from_db()
    assert episode.work_status_at_followup == ""

    reason = "Client emigrating before the window opens"
    r = _post(web, episode, collected_on=TODAY.isoformat(), work_status="at_work", reason=reason)
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.followup_outside_window_reason == reason
    assert episode.followup_collected_on == TODAY
    page = web.get(reverse("casework:episode", args=[episode.pk]))
    assert "Recorded outside the six-month window, left out of the evaluation" in page.text
    assert reason in page.text
    change = LogEntry.objects.get_for_object(episode).latest("timestamp")
    assert change.actor == manager
    assert change.changes_dict["followup_outside_window_reason"] == ["", reason]


def test_one_recorded_elsewhere_outside_the_window_says_it_is_left_out(
    case_manager, make_episode, service
):
    """A follow-up imported with the discharge day as its date (no reason, no manager)
    reads as it is: collected then, and not counted."""
    web, user = case_manager
    episode = make_episode(
        service,
        worker=user,
        days_ago=60,
        discharge_date=TODAY - datetime.timedelta(days=20),
        work_status_at_discharge="at_work",
        followup_date=TODAY + datetime.timedelta(days=160),
        work_status_at_followup="at_work",
        followup_collected_on=TODAY - datetime.timedelta(days=20),
    )
    page = web.get(reverse("casework:episode", args=[episode.pk])).text
    collected = human_date(episode.discharge_date)
    assert f"At work (including phased return), collected on {collected}" in page
    assert "Not collected inside the six-month window, so left out of the evaluation." in page
    assert f"Due {human_date(episode.followup_date)}" not in page


def test_never_before_the_discharge_nor_in_the_future(signed_in, discharged):
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    episode = discharged(days_ago=100)
    before = episode.discharge_date - datetime.timedelta(days=1)
    r = _post(web, episode, collected_on=before.isoformat(), work_status="at_work", reason="x")
    assert "cannot be before the discharge" in r.text
    ahead = TODAY + datetime.timedelta(days=60)
    r = _post(web, episode, collected_on=ahead.isoformat(), work_status="at_work", reason="x")
    assert "cannot be in the future" in r.text
    episode.refresh_from_db()
    assert episode.work_status_at_followup == ""


def test_an_open_episode_has_no_follow_up(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = _post(web, episode, collected_on=TODAY.isoformat(), work_status="at_work")
    assert "Record the discharge before the follow-up." in r.text


def test_the_episode_page_shows_when_it_is_due_until_recorded(case_manager, discharged):
    web, user = case_manager
    episode = discharged(worker=user)
    page = web.get(reverse("casework:episode", args=[episode.pk]))
    assert f"Due {human_date(episode.followup_date)}" in page.text
