"""Re-opening a discharged episode is the episode core's: one function clears the
discharge and the follow-up, refuses what it cannot do, and announces what it cleared."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.episodes import facts
from vocrehab.episodes.facts import EpisodeFactsError
from vocrehab.episodes.services import (
    Reopening,
    record_discharge,
    record_followup,
    reopen_episode,
)
from vocrehab.episodes.signals import episode_reopened
from vocrehab.versioning import StaleEditError

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DISCHARGED = TODAY - dt.timedelta(days=200)


@pytest.fixture
def heard():
    """What ``episode_reopened`` announced, as (episode pk, reopening)."""
    got = []

    def listener(sender, *, episode, reopening, **kwargs):
        got.append((episode.pk, reopening))

    episode_reopened.connect(listener)
    yield got
    episode_reopened.disconnect(listener)


@pytest.fixture
def followed_up(episode_factory):
    episode = episode_factory(
        referral_date=DISCHARGED - dt.timedelta(days=60),
        assessment_date=DISCHARGED - dt.timedelta(days=50),
    )
    record_discharge(episode, on=DISCHARGED, work_status="at_work", reason="Back at work")
    record_followup(episode, on=TODAY - dt.timedelta(days=10), work_status="self_employed")
    episode.refresh_from_db()
    return episode


def test_it_clears_the_discharge_and_follow_up_and_announces_what_it_cleared(
    followed_up, make_staff, service, heard
):
    user = make_staff(Role.CASE_MANAGER, service)
    followup_date = followed_up.followup_date
    version = followed_up.version
    reopen_episode(followed_up, by=user, reason="  Discharged in error ")
    followed_up.refresh_from_db()
    assert followed_up.is_open and followed_up.version == version + 1
    assert (
        followed_up.work_status_at_discharge,
        followed_up.discharge_reason,
        followed_up.followup_date,
        followed_up.work_status_at_followup,
        followed_up.followup_collected_on,
    ) == ("", "", None, "", None)
    assert followed_up.engagement == "engaged"  # left as recorded
    assert heard == [
        (
            followed_up.pk,
            Reopening(
                on=TODAY,
                by=user,
                reason="Discharged in error",
                discharge_date=DISCHARGED,
                work_status_at_discharge="at_work",
                discharge_reason="Back at work",
                followup_date=followup_date,
                work_status_at_followup="self_employed",
                followup_collected_on=TODAY - dt.timedelta(days=10),
                followup_outside_window_reason="",
            ),
        )
    ]


def test_an_open_episode_or_no_reason_is_refused_naming_the_field(
    episode_factory, followed_up, make_staff, service, heard
):
    user = make_staff(Role.CASE_MANAGER, service)
    with pytest.raises(EpisodeFactsError) as refused:
        reopen_episode(episode_factory(), by=user, reason="Why not")
    assert refused.value.message_dict == {"discharge_date": ["This episode is open."]}
    with pytest.raises(EpisodeFactsError) as refused:
        reopen_episode(followed_up, by=user, reason="   ")
    assert refused.value.message_dict == {"reason": ["Say why the episode is re-opened."]}
    followed_up.refresh_from_db()
    assert followed_up.discharge_date == DISCHARGED and heard == []


def test_a_stale_version_is_refused_and_someone_must_do_it(followed_up, make_staff, service):
    user = make_staff(Role.CASE_MANAGER, service)
    with pytest.raises(StaleEditError):
        reopen_episode(followed_up, by=user, reason="x", expected_version=followed_up.version - 1)
    with pytest.raises(ValueError):
        reopen_episode(followed_up, by=None, reason="x")
    followed_up.refresh_from_db()
    assert followed_up.discharge_date == DISCHARGED


def test_the_rule_alone():
    assert facts.check_reopen(SimpleNamespace(discharge_date=DISCHARGED), reason="x") == []
    assert [
        b.field for b in facts.check_reopen(SimpleNamespace(discharge_date=None), reason="x")
    ] == ["discharge_date"]


def test_a_later_discharge_starts_afresh(followed_up, make_staff, service):
    user = make_staff(Role.CASE_MANAGER, service)
    reopen_episode(followed_up, by=user, reason="More work needed")
    record_discharge(followed_up, on=TODAY, work_status="off_sick")
    followed_up.refresh_from_db()
    assert followed_up.discharge_date == TODAY
    assert followed_up.followup_date is not None and followed_up.followup_date > TODAY
    assert followed_up.work_status_at_followup == ""
