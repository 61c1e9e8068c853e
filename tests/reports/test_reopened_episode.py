"""A re-opened episode counts as open everywhere: the evaluation report counts neither its
former discharge nor its former follow-up, questionnaire completion does not count it
owed a discharge questionnaire, and the data-quality page's lists leave it out."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.episodes.services import reopen_episode
from vocrehab.measures.models import Administration

from .helpers import make_episode

pytestmark = pytest.mark.django_db
HADS_FULL = {**{f"a{i}": 1 for i in range(1, 8)}, **{f"d{i}": 2 for i in range(1, 8)}}


def _summary(report, service, metric):
    cells = report([service])["tables"]["summary"]["cells"]
    return next(c["count"] for c in cells if c["metric"] == metric)


def test_the_report_counts_it_open_without_its_former_outcomes(service, report, make_staff):
    episode = make_episode(
        service,
        referral_date=dt.date(2023, 1, 2),
        assessment_date=dt.date(2023, 1, 10),
        discharge_date=dt.date(2023, 5, 1),
        work_status_at_discharge="at_work",
        followup_date=dt.date(2023, 11, 1),
        followup_collected_on=dt.date(2023, 11, 1),
        work_status_at_followup="at_work",
    )
    Administration.objects.create(
        episode=episode, instrument="hads", timepoint="discharge", status="invited"
    )
    assert (_summary(report, service, "discharged"), _summary(report, service, "open")) == (1, 0)
    assert report([service])["tables"]["followup"]["n"] == 1

    reopen_episode(episode, by=make_staff(Role.CASE_MANAGER, service), reason="In error")

    built = report([service])
    assert (_summary(report, service, "discharged"), _summary(report, service, "open")) == (0, 1)
    assert built["tables"]["followup"]["n"] == 0
    assert built["tables"]["followup"]["cells"][0]["out_of_window"] == 0
    at_discharge = [
        c for c in built["tables"]["work_status"]["cells"] if c["timepoint"] == "discharge"
    ]
    assert sum(c["count"] for c in at_discharge) == 0
    hads = next(
        c
        for c in built["tables"]["questionnaire_completion"]["cells"]
        if (c["instrument"], c["timepoint"]) == ("hads", "discharge")
    )
    assert (hads["eligible"], hads["sent"]) == (0, 0)


def _listed(web, service, check):
    url = reverse("reports:data_quality_episodes", args=[service.pk])
    response = web.get(url, {"check": check})
    assert response.status_code == 200
    return set(response.context["page"].object_list)


def test_the_data_quality_page_sees_it_open(signed_in, service):
    web, manager = signed_in(Role.SERVICE_MANAGER)
    today = timezone.localdate()
    episode = make_episode(
        service,
        referral_date=today - dt.timedelta(days=220),
        assessment_date=today - dt.timedelta(days=210),
        discharge_date=today - dt.timedelta(days=190),
        work_status_at_discharge="at_work",
        followup_date=today - dt.timedelta(days=8),
        case_manager=manager,
    )
    Administration.objects.create(
        episode=episode,
        instrument="followup_survey",
        timepoint="followup",
        status="invited",
        due_date=today - dt.timedelta(days=8),
    )
    assert _listed(web, service, "followup_overdue") == {episode}
    page = web.get(reverse("reports:data_quality")).content.decode()
    assert "Follow-up questionnaire overdue" in page

    r = web.post(reverse("casework:reopen", args=[episode.pk]), {"reason": "Came back"})
    assert r.status_code == 302

    assert _listed(web, service, "followup_overdue") == set()
    assert _listed(web, service, "no_discharge_outcome") == set()
