"""After the VRMDS follow-up window closes (270 days after discharge) a follow-up is no
longer due: the caseload says in words that the window closed, and when, instead of
"Follow-up due"; it is no next action and no task; and the data-quality page's overdue
follow-ups stop counting it on the same day (one rule, ``episodes.facts``)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.dates import human_date
from vocrehab.measures.models import Administration

from .test_caseload import _rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def waiting(signed_in, make_episode, service):
    """A service manager's two episodes awaiting their follow-up, each with a follow-up
    questionnaire past due: one on the window's last day, one the day after it closed."""
    web, manager = signed_in(Role.SERVICE_MANAGER)
    episodes = {}
    for name, days in (("last_day", 270), ("closed", 271)):
        discharged = TODAY - datetime.timedelta(days=days)
        episodes[name] = episode = make_episode(
            service,
            worker=manager,
            days_ago=days + 60,
            discharge_date=discharged,
            work_status_at_discharge="at_work",
            followup_date=discharged + datetime.timedelta(days=182),
        )
        Administration.objects.create(
            episode=episode,
            instrument="followup_survey",
            timepoint="followup",
            status="invited",
            due_date=episode.followup_date,
        )
    return web, manager, episodes


def _row(page, episode):
    start = page.index(f'id="row-{episode.pk}"')
    return page[start : page.index("</tr>", start)]


def test_the_caseload_says_the_window_closed_and_when(waiting):
    web, manager, episodes = waiting
    last_day, closed = episodes["last_day"], episodes["closed"]
    rows = _rows(manager)
    assert rows[last_day.reference].followup_due
    assert not rows[last_day.reference].followup_window_closed
    assert rows[last_day.reference].next_action_due == last_day.followup_date
    assert not rows[closed.reference].followup_due
    assert rows[closed.reference].followup_window_closed
    assert rows[closed.reference].followup_window_closed_on == YESTERDAY
    assert rows[closed.reference].next_action_due is None
    assert "Follow-up due" not in rows[closed.reference].flag_labels
    assert set(_rows(manager, flag="followup_due")) == {last_day.reference}
    assert set(_rows(manager, flag="followup_window_closed")) == {closed.reference}

    page = web.get(reverse("casework:caseload")).text
    row = _row(page, closed)
    assert f"Follow-up window closed on {human_date(YESTERDAY)}" in row
    assert "Follow-up due" not in row and "Record follow-up" not in row
    row = _row(page, last_day)
    assert "Follow-up due" in row and "Record follow-up" in row
    assert "Follow-up window closed" not in row
    filtered = web.get(reverse("casework:caseload"), {"flag": "followup_window_closed"}).text
    assert closed.reference in filtered and last_day.reference not in filtered


def test_the_record_says_it_too(waiting):
    web, _manager, episodes = waiting
    closed = web.get(reverse("casework:episode", args=[episodes["closed"].pk])).text
    assert f"Not recorded: the follow-up window closed on {human_date(YESTERDAY)}" in closed
    last_day = web.get(reverse("casework:episode", args=[episodes["last_day"].pk])).text
    assert f"Due {human_date(episodes['last_day'].followup_date)}" in last_day
    assert "follow-up window closed" not in last_day


def test_a_closed_window_is_no_task(waiting):
    web, _manager, episodes = waiting
    page = web.get(reverse("casework:tasks")).text
    followups = page[page.index('id="followups"') :]
    followups = followups[: followups.index("</ul>") if "</ul>" in followups else None]
    assert episodes["last_day"].client.full_name in followups
    assert episodes["closed"].client.full_name not in followups
    due = episodes["last_day"].followup_date
    assert f"due {human_date(due)}" in followups


def test_the_data_quality_page_counts_the_same_follow_ups_overdue(waiting, service):
    web, manager, episodes = waiting
    url = reverse("reports:data_quality_episodes", args=[service.pk])
    listed = set(web.get(url, {"check": "followup_overdue"}).context["page"].object_list)
    assert listed == {episodes["last_day"]}
    due_on_caseload = {reference for reference, row in _rows(manager).items() if row.followup_due}
    assert due_on_caseload == {e.reference for e in listed}
    assert not Administration.objects.overdue(TODAY).filter(episode=episodes["closed"])


def test_a_manager_may_still_record_one_after_the_window_with_the_reason(waiting):
    web, _manager, episodes = waiting
    closed = episodes["closed"]
    r = web.post(
        reverse("casework:followup", args=[closed.pk]),
        {
            "collected_on": TODAY.isoformat(),
            "work_status": "at_work",
            "reason": "Client abroad until now",
        },
    )
    assert r.status_code == 302
    closed.refresh_from_db()
    assert closed.followup_outside_window_reason == "Client abroad until now"
    page = web.get(reverse("casework:caseload")).text
    assert closed.reference not in page  # recorded: nothing left to show
