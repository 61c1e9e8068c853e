"""The service-standard clock is one rule: the SQL count for many episodes and the
caseload's at-risk filter agree with the Python clock and judgement of each episode."""

import datetime as dt
import random

import pytest

from vocrehab.episodes.models import Episode
from vocrehab.episodes.standards import (
    STANDARDS,
    ClockState,
    Judgement,
    count_standards,
    episode_clocks,
    judge,
    standard_at_risk,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 1, 12)  # a Friday, after Scotland's 1 and 2 January holidays


def _episodes(episode_factory, service, other_service, *, later_dates=False):
    """Sixty episodes referred in the month before AS_OF; with ``later_dates``, some
    first contacts and assessments fall after AS_OF (a report on an earlier period)."""
    rng = random.Random(14)
    service.first_contact_standard_days, service.assessment_standard_days = 3, 15
    service.save()
    made = []
    for n in range(60):
        owner = service if n % 2 else other_service
        referred = AS_OF - dt.timedelta(days=rng.randint(0, 30))
        contact = referred + dt.timedelta(days=rng.randint(0, 12)) if rng.random() < 0.6 else None
        assessed = contact + dt.timedelta(days=rng.randint(0, 10)) if contact and n % 3 else None
        dates = [d for d in (contact, assessed) if d and d <= AS_OF]
        discharged = max([referred, *dates]) if rng.random() < 0.2 else None
        made.append(
            episode_factory(
                in_service=owner,
                referral_date=referred,
                first_contact_date=contact
                if contact and (later_dates or contact <= AS_OF)
                else None,
                assessment_date=assessed
                if assessed and (later_dates or assessed <= AS_OF)
                else None,
                discharge_date=discharged,
            )
        )
    return made


@pytest.mark.parametrize("later_dates", [False, True])
def test_sql_counts_agree_with_each_episodes_judgement(
    episode_factory, service, other_service, later_dates
):
    episodes = _episodes(episode_factory, service, other_service, later_dates=later_dates)
    counts = count_standards(
        Episode.objects.all(),
        services=[service, other_service],
        as_of=AS_OF,
        span=(AS_OF - dt.timedelta(days=40), AS_OF + dt.timedelta(days=30)),
    )
    expected = {}
    for episode in episodes:
        for standard in STANDARDS:
            verdict = judge(standard, episode, service=episode.service, as_of=AS_OF)
            met, eligible, not_yet_due = expected.get(
                (episode.service_id, standard.code), (0, 0, 0)
            )
            expected[(episode.service_id, standard.code)] = (
                met + (verdict == Judgement.MET),
                eligible + (verdict in (Judgement.MET, Judgement.MISSED)),
                not_yet_due + (verdict == Judgement.NOT_YET_DUE),
            )
    got = {
        (c.service_id, c.standard.code): (c.met, c.eligible, c.not_yet_due)
        for c in counts
        if not c.national
    }
    assert got == expected
    assert any(met for met, _e, _n in got.values()) and any(e > m for m, e, _n in got.values())
    assert any(n for _m, _e, n in got.values())


def test_the_judgement_follows_each_episodes_clock(episode_factory, service, other_service):
    """Met and late clocks are judged met and missed; a breached one missed unless no
    longer owed; one still running is not yet due."""
    for episode in _episodes(episode_factory, service, other_service):
        clocks = episode_clocks(episode, service=episode.service, today=AS_OF)
        for standard, clock in zip(STANDARDS, clocks, strict=True):
            verdict = judge(standard, episode, service=episode.service, as_of=AS_OF)
            not_owed = standard.judged_while_open_only and episode.discharge_date is not None
            expected = {
                ClockState.MET: Judgement.MET,
                ClockState.LATE: Judgement.MISSED,
                ClockState.BREACHED: Judgement.NOT_OWED if not_owed else Judgement.MISSED,
            }.get(clock.state, Judgement.NOT_OWED if not_owed else Judgement.NOT_YET_DUE)
            assert verdict == expected, (episode.pk, standard.code, clock)


def test_the_caseload_flags_the_episodes_whose_clock_is_at_risk_or_breached(
    episode_factory, service, other_service
):
    episodes = _episodes(episode_factory, service, other_service)
    flagged = set(
        Episode.objects.filter(standard_at_risk([service, other_service], AS_OF)).values_list(
            "pk", flat=True
        )
    )
    expected = {
        e.pk
        for e in episodes
        if e.discharge_date is None
        and any(
            c.state in (ClockState.AT_RISK, ClockState.BREACHED)
            for c in episode_clocks(e, service=e.service, today=AS_OF)
        )
    }
    assert flagged == expected
    assert flagged
