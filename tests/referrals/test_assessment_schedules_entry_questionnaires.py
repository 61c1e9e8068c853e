"""Entry questionnaires are scheduled when an episode is first assessed, whichever page
records the assessment: the triage page or the casework assessment (a later one adds
none). An assessment is also a contact, so an empty first-contact date takes its day."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.measures.models import Administration

from .test_triage_queue import _date

pytestmark = pytest.mark.django_db


def entry_questionnaires(episode):
    return sorted(
        Administration.objects.filter(episode=episode, timepoint="entry").values_list(
            "instrument", flat=True
        )
    )


def test_assessment_recorded_on_the_triage_page_schedules_them(signed_in, make_referral):
    today = datetime.date.today()
    referral = make_referral(received=today - datetime.timedelta(days=7))
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = referral.episode
    assert entry_questionnaires(episode) == []
    response = client.post(
        reverse("referrals:assessment", args=[referral.pk]),
        {**_date("as-", today), "as-version": episode.version},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.assessment_date == today
    assert episode.first_contact_date == today  # the assessment was a contact too
    scheduled = entry_questionnaires(episode)
    assert scheduled, "no entry questionnaire was scheduled"
    assert set(
        Administration.objects.filter(episode=episode).values_list("due_date", flat=True)
    ) == {today}

    # The full assessment in casework afterwards schedules nothing more.
    response = client.post(
        reverse("casework:assessment_add", args=[episode.pk]),
        {"assessed_on": today.isoformat(), "key_issues": "Fatigue"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert entry_questionnaires(episode) == scheduled


def test_the_first_casework_assessment_schedules_them_and_sets_the_first_contact(
    signed_in, make_referral
):
    today = datetime.date.today()
    referral = make_referral(received=today - datetime.timedelta(days=3))
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = referral.episode
    response = client.post(
        reverse("casework:assessment_add", args=[episode.pk]),
        {"assessed_on": today.isoformat(), "key_issues": "Fatigue"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode.refresh_from_db()
    assert (episode.assessment_date, episode.first_contact_date) == (today, today)
    assert entry_questionnaires(episode)


def test_a_stale_triage_form_records_nothing_and_schedules_nothing(signed_in, make_referral):
    today = datetime.date.today()
    referral = make_referral(received=today - datetime.timedelta(days=2))
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = referral.episode
    client.post(
        reverse("referrals:assessment", args=[referral.pk]),
        {**_date("as-", today), "as-version": episode.version - 1},
    )
    episode.refresh_from_db()
    assert episode.assessment_date is None
    assert entry_questionnaires(episode) == []
