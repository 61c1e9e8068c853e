"""Tier 1 self-help closes with its outcome; non-engagement and withdrawal close the episode."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from vocrehab.codes import Engagement, WorkStatus
from vocrehab.dates import add_months
from vocrehab.measures.models import Administration
from vocrehab.referrals.models import TriageStatus
from vocrehab.referrals.services import close_not_engaged, close_self_help, set_level

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_self_help_closes_a_tier_1_episode(make_referral):
    referral = make_referral()
    set_level(referral, tier="1", reason="Information only")
    episode = close_self_help(referral, material="Macmillan Work and cancer booklet", on=TODAY)
    assert episode.discharge_date == TODAY
    assert episode.engagement == Engagement.ENGAGED
    assert episode.work_status_at_discharge == WorkStatus.NOT_KNOWN
    referral.refresh_from_db()
    assert referral.self_help_material.startswith("Macmillan")
    assert referral.triage_status == TriageStatus.CLOSED


def test_self_help_only_for_tier_1(make_referral):
    referral = make_referral()
    set_level(referral, tier="2", reason="r")
    with pytest.raises(ValidationError, match="tier 1"):
        close_self_help(referral, material="booklet")


def test_could_not_be_contacted(make_referral):
    referral = make_referral()
    episode = close_not_engaged(referral.episode, kind="could_not_contact")
    assert episode.engagement == Engagement.DID_NOT_ENGAGE
    assert episode.discharge_reason == "Could not be contacted"
    assert episode.work_status_at_discharge == WorkStatus.NOT_KNOWN
    referral.refresh_from_db()
    assert referral.triage_status == TriageStatus.CLOSED


def test_withdrew_after_assessment_with_reason(make_referral):
    referral = make_referral(received=TODAY - datetime.timedelta(days=20))
    episode = referral.episode
    episode.assessment_date = TODAY - datetime.timedelta(days=10)
    episode.save()
    closed = close_not_engaged(
        episode, kind="withdrew", reason="health_deteriorated", work_status=WorkStatus.OFF_SICK
    )
    assert closed.engagement == Engagement.WITHDREW
    assert closed.discharge_reason == "Withdrew: Health deteriorated"
    assert closed.work_status_at_discharge == WorkStatus.OFF_SICK


def test_withdrawal_needs_a_reason_and_closed_episodes_stay_closed(make_referral):
    referral = make_referral()
    with pytest.raises(ValidationError):
        close_not_engaged(referral.episode, kind="withdrew")
    close_not_engaged(referral.episode, kind="did_not_attend")
    with pytest.raises(ValidationError, match="closed"):
        close_not_engaged(referral.episode, kind="did_not_attend")


def test_close_through_the_page(signed_in, make_referral):
    referral = make_referral()
    client, _user = signed_in("case_manager")
    response = client.post(
        f"/referrals/{referral.pk}/not-engaged/",
        {
            "ne-kind": "withdrew",
            "ne-reason": "declined",
            "ne-work_status": "",
            "ne-on_day": str(TODAY.day),
            "ne-on_month": str(TODAY.month),
            "ne-on_year": str(TODAY.year),
        },
    )
    assert response.status_code == 302
    referral.episode.refresh_from_db()
    assert referral.episode.discharge_reason == "Withdrew: Declined the service"
    # A discharge like any other: the follow-up falls due and the questionnaires go out.
    assert referral.episode.followup_date == add_months(TODAY, 6)
    assert {"discharge", "followup"} <= _timepoints(referral.episode)


def test_self_help_through_the_page(signed_in, make_referral):
    referral = make_referral()
    set_level(referral, tier="1", reason="r")
    client, _user = signed_in("case_manager")
    response = client.post(
        f"/referrals/{referral.pk}/self-help/",
        {
            "sh-material": "Work and cancer booklet",
            "sh-work_status": "at_work",
            "sh-on_day": str(TODAY.day),
            "sh-on_month": str(TODAY.month),
            "sh-on_year": str(TODAY.year),
        },
    )
    assert response.status_code == 302
    referral.episode.refresh_from_db()
    assert referral.episode.work_status_at_discharge == "at_work"
    assert referral.episode.followup_date == add_months(TODAY, 6)
    assert {"discharge", "followup"} <= _timepoints(referral.episode)


def _timepoints(episode):
    return set(Administration.objects.filter(episode=episode).values_list("timepoint", flat=True))


def test_self_help_counts_material_given_from_the_library(make_referral):
    from vocrehab.directory.models import Audience, GivenChannel, SelfHelpMaterial
    from vocrehab.directory.services import give_material

    referral = make_referral()
    set_level(referral, tier="1", reason="Information only")
    episode = referral.episode
    leaflet = SelfHelpMaterial.objects.create(
        organisation=episode.service.organisation,
        title="Working after cancer: a guide",
        audience=Audience.CLIENT,
        link="https://example.org/guide",
    )
    give_material(episode=episode, material=leaflet, channel=GivenChannel.PRINTED, on=TODAY)
    close_self_help(referral, material="", on=TODAY)
    referral.refresh_from_db()
    assert referral.self_help_material == "Working after cancer: a guide"


def test_self_help_needs_some_material(make_referral):
    referral = make_referral()
    set_level(referral, tier="1", reason="Information only")
    with pytest.raises(ValidationError, match="self-help library"):
        close_self_help(referral, material="  ")
