"""`vocrehab repair_questionnaires`: the questionnaires episodes missed, scheduled once, and
only where they can still be collected."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from vocrehab.measures.models import Administration
from vocrehab.measures.services import schedule_entry_questionnaires

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def affected(make_episode, service):
    """Episodes recorded by paths that scheduled nothing, and some that need nothing."""
    return {
        "assessed": make_episode(service, referral_date=ago(30), assessment_date=ago(20)),
        "just_discharged": make_episode(
            service,
            referral_date=ago(90),
            assessment_date=ago(80),
            discharge_date=ago(5),
            work_status_at_discharge="at_work",
        ),
        "awaiting_followup": make_episode(
            service,
            referral_date=ago(200),
            discharge_date=ago(100),
            work_status_at_discharge="off_sick",
        ),
        # Nothing to do: the window has closed, the client died, a follow-up is recorded,
        # never assessed, or scheduled already.
        "window_closed": make_episode(
            service,
            referral_date=ago(500),
            discharge_date=ago(300),
            work_status_at_discharge="at_work",
        ),
        "deceased": make_episode(
            service,
            referral_date=ago(60),
            discharge_date=ago(3),
            work_status_at_discharge="deceased",
        ),
        "followed_up": make_episode(
            service,
            referral_date=ago(400),
            discharge_date=ago(200),
            work_status_at_discharge="at_work",
            work_status_at_followup="at_work",
            followup_collected_on=ago(10),
        ),
        "not_assessed": make_episode(service, referral_date=ago(3)),
        "scheduled": make_episode(service, referral_date=ago(30), assessment_date=ago(20)),
    }


def timepoints(episode):
    return set(Administration.objects.filter(episode=episode).values_list("timepoint", flat=True))


def run(*args):
    out = io.StringIO()
    call_command("repair_questionnaires", *args, stdout=out)
    return out.getvalue()


def test_it_schedules_what_is_missing_and_says_how_many(affected):
    schedule_entry_questionnaires(affected["scheduled"])
    already = Administration.objects.count()
    out = run()
    assert timepoints(affected["assessed"]) == {"entry"}
    assert timepoints(affected["just_discharged"]) == {"discharge", "followup"}
    assert timepoints(affected["awaiting_followup"]) == {"followup"}
    for name in ("window_closed", "deceased", "followed_up", "not_assessed"):
        assert timepoints(affected[name]) == set(), name
    entry = Administration.objects.filter(episode=affected["assessed"]).count()
    discharge = Administration.objects.filter(timepoint="discharge").count()
    followup = Administration.objects.filter(timepoint="followup").count()
    assert Administration.objects.count() == already + entry + discharge + followup
    assert f"Scheduled {entry} entry questionnaire(s) for 1 episode(s)." in out
    assert f"Scheduled {discharge} discharge questionnaire(s) for 1 episode(s)." in out
    assert f"Scheduled {followup} follow-up questionnaire(s) for 2 episode(s)." in out


def test_a_second_run_schedules_nothing(affected):
    run()
    count = Administration.objects.count()
    out = run()
    assert Administration.objects.count() == count
    assert "Scheduled 0 entry questionnaire(s) for 0 episode(s)." in out
    assert "Nothing was missing." in out


def test_a_dry_run_counts_and_writes_nothing(affected):
    out = run("--dry-run")
    assert not Administration.objects.exists()
    assert "Would schedule" in out and "for 2 episode(s)" in out
