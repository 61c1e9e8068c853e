"""Closing from the triage page is a discharge like any other: the episode's rules apply,
the six-month follow-up falls due, and the discharge questionnaires are scheduled."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.dates import add_months, human_date
from vocrehab.episodes.facts import EpisodeFactsError
from vocrehab.measures.models import Administration
from vocrehab.referrals.services import close_not_engaged, close_self_help, set_level

from .test_triage_queue import _date

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def discharge_questionnaires(episode):
    return Administration.objects.filter(episode=episode, timepoint="discharge").count()


def test_self_help_closure_schedules_what_a_discharge_does(make_referral):
    referral = make_referral()
    set_level(referral, tier="1", reason="Information only")
    episode = close_self_help(referral, material="Work and cancer booklet", on=TODAY)
    assert episode.followup_date == add_months(TODAY, 6)
    assert discharge_questionnaires(episode) > 0


def test_not_engaged_closure_schedules_what_a_discharge_does(make_referral):
    referral = make_referral()
    episode = close_not_engaged(referral.episode, kind="could_not_contact", on=TODAY)
    assert episode.followup_date == add_months(TODAY, 6)
    assert discharge_questionnaires(episode) > 0


def test_a_closure_before_the_assessment_is_refused(make_referral):
    referral = make_referral(received=TODAY - datetime.timedelta(days=20))
    episode = referral.episode
    episode.assessment_date = TODAY - datetime.timedelta(days=5)
    episode.save()
    with pytest.raises(EpisodeFactsError, match="cannot be before the initial assessment"):
        close_not_engaged(episode, kind="did_not_attend", on=TODAY - datetime.timedelta(days=6))
    episode.refresh_from_db()
    assert episode.discharge_date is None


def test_triage_first_contact_after_the_assessment_is_refused_with_the_dates(
    signed_in, make_referral
):
    referral = make_referral(received=TODAY - datetime.timedelta(days=10))
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = referral.episode
    assessed = TODAY - datetime.timedelta(days=4)
    response = client.post(
        reverse("referrals:assessment", args=[referral.pk]),
        {**_date("as-", assessed), "as-version": episode.version},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    response = client.post(
        reverse("referrals:first_contact", args=[referral.pk]),
        {**_date("fc-", TODAY), "fc-version": episode.version},
    )
    assert response.status_code == 400
    assert (
        f"The first contact ({human_date(TODAY)}) cannot be after the initial assessment "
        f"({human_date(assessed)})." in response.content.decode()
    )
    episode.refresh_from_db()
    assert episode.first_contact_date == assessed
