"""Records relating to a diagnosis of cancer are kept as the Records Management Code of
Practice says: 30 years from the diagnosis, or 8 years after the person's death, and
never less than the adult health record's period (docs/administration.md)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from vocrehab.codes import Condition, WorkStatus
from vocrehab.episodes.models import Episode
from vocrehab.retention import services
from vocrehab.retention.management.commands import dispose as command
from vocrehab.retention.models import Disposal, RetentionSchedule
from vocrehab.retention.queries import due_clients

from .conftest import DIAGNOSED, TODAY, closed_episode

pytestmark = pytest.mark.django_db

THIRTY_YEARS_ON = datetime.date(2053, 12, 1)  # DIAGNOSED + 30 years


@pytest.fixture
def with_cancer(service, worker):
    return closed_episode(service, worker, condition=Condition.CANCER)


def _due(service, day):
    return {d.client_id: d.due_on for d in due_clients(service, day)}


def test_kept_30_years_from_diagnosis_not_8_after_discharge(service, worker, with_cancer):
    adult = closed_episode(service, worker, last_name="Jones", nhs_number="")
    assert _due(service, TODAY) == {adult.client_id: datetime.date(2033, 5, 21)}
    day_before = THIRTY_YEARS_ON - datetime.timedelta(days=1)
    assert with_cancer.client_id not in _due(service, day_before)
    assert _due(service, THIRTY_YEARS_ON)[with_cancer.client_id] == THIRTY_YEARS_ON


def test_the_nightly_check_and_the_dry_run_leave_it_alone(service, with_cancer, monkeypatch):
    assert services.find_due(service, today=TODAY).added == 0
    assert not Disposal.objects.exists()
    monkeypatch.setattr(command.timezone, "localdate", lambda: TODAY)
    out = StringIO()
    call_command("dispose", "--dry-run", stdout=out)
    assert f"{service.code}: 0 people, 0 episodes would be anonymised" in out.getvalue()


def test_without_a_diagnosis_date_from_the_referral(service, with_cancer):
    Episode.objects.filter(pk=with_cancer.pk).update(diagnosis_date=None)
    referred = Episode.objects.get(pk=with_cancer.pk).referral_date
    expected = referred.replace(year=referred.year + 30)
    assert _due(service, expected)[with_cancer.client_id] == expected
    assert with_cancer.client_id not in _due(service, expected - datetime.timedelta(days=1))


def test_a_referral_closed_without_an_assessment_is_kept_as_long(service, with_cancer):
    Episode.objects.filter(pk=with_cancer.pk).update(assessment_date=None, followup_date=None)
    assert with_cancer.client_id not in _due(service, TODAY)
    assert _due(service, THIRTY_YEARS_ON)[with_cancer.client_id] == THIRTY_YEARS_ON


def test_after_a_recorded_death_8_years_from_that_record(service, with_cancer):
    """Recorded at discharge: the death was on or before that day."""
    discharged = with_cancer.discharge_date
    Episode.objects.filter(pk=with_cancer.pk).update(
        work_status_at_discharge=WorkStatus.DECEASED, followup_date=None
    )
    assert _due(service, TODAY)[with_cancer.client_id] == discharged.replace(year=2032)
    # The service's own period after death; never less than the adult record's.
    RetentionSchedule.objects.create(service=service, cancer_after_death_years=10)
    assert with_cancer.client_id not in _due(service, TODAY)
    assert _due(service, datetime.date(2035, 1, 1))[with_cancer.client_id] == datetime.date(
        2034, 11, 20
    )


def test_a_death_recorded_at_follow_up_counts_for_every_episode(service, worker, with_cancer):
    Episode.objects.filter(pk=with_cancer.pk).update(work_status_at_followup=WorkStatus.DECEASED)
    followed_up = Episode.objects.get(pk=with_cancer.pk).followup_date
    assert _due(service, TODAY)[with_cancer.client_id] == followed_up.replace(year=2033)


def test_the_period_is_the_services_own(service, with_cancer):
    schedule = RetentionSchedule.objects.create(service=service, cancer_years=10)
    # 10 years from the diagnosis (1 Dec 2033) is later than 8 after follow-up (21 May 2033).
    assert _due(service, TODAY)[with_cancer.client_id] == DIAGNOSED.replace(year=2033)
    schedule.cancer_years = 1
    schedule.save()
    assert _due(service, TODAY)[with_cancer.client_id] == datetime.date(2033, 5, 21)
