"""Fixtures for the cost-benefit model: the 2014 Glasgow inputs and a simple model."""

import pytest

from vocrehab.economics.cost_benefit import Outcomes
from vocrehab.economics.presets import load_preset


@pytest.fixture
def glasgow():
    return load_preset("glasgow-2014")


@pytest.fixture
def glasgow_outcomes():
    """Table 6 and Table 11 of the 2014 evaluation, typed in here, not read from the preset."""
    return Outcomes(
        in_work_at_entry=66,
        stayed_in_work=50,
        off_sick_at_entry=139,
        returned_to_work=53,
        not_in_work_at_entry=52,
        moved_into_work=4,
        gp_visits_before=45,
        gp_visits_after=22,
        outpatient_visits_before=50,
        outpatient_visits_after=28,
        respondents=25,
        cohort_size=58,
    )


@pytest.fixture
def make_episode(db):
    """Create a discharged episode (and its client) with given work statuses."""
    import datetime
    import itertools

    from vocrehab.clients.models import Client
    from vocrehab.codes import Condition, MainReason, ReferralSource
    from vocrehab.episodes.models import Episode

    counter = itertools.count(1)

    def make(service, at_referral, at_discharge="", *, discharged=None, reason=None):
        n = next(counter)
        client = Client.objects.create(service=service, reference=f"C{service.pk}-{n}")
        return Episode.objects.create(
            service=service,
            client=client,
            reference=f"E{service.pk}-{n}",
            referral_date=datetime.date(2025, 1, 6),
            referral_source=ReferralSource.SELF,
            condition=Condition.CANCER,
            work_status_at_referral=at_referral,
            main_reason=reason or MainReason.RETURN_FROM_SICKNESS,
            discharge_date=discharged,
            work_status_at_discharge=at_discharge,
        )

    return make


@pytest.fixture
def health_use(db):
    """Record a health service use questionnaire for an episode."""
    from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue
    from vocrehab.measures.scores import refresh_scores

    def record(episode, timepoint, gp=None, outpatient=None, status="completed"):
        admin = Administration.objects.create(
            episode=episode,
            instrument="health_use",
            timepoint=timepoint,
            status=getattr(AdministrationStatus, status.upper()),
        )
        for item, value in (("gp_visits", gp), ("outpatient_visits", outpatient)):
            if value is not None:
                ItemValue.objects.create(administration=admin, item=item, value=value)
        refresh_scores([admin.pk])
        return admin

    return record
