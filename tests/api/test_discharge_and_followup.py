"""Discharge and the six-month follow-up through the API: the same services and rules as
the pages, what follows a discharge (questionnaires, the follow-up due), and who may."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework.models import SignOff
from vocrehab.dates import add_months, human_date
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import reopen_episode
from vocrehab.measures.models import Administration

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _post(client, name, episode, body):
    return client.post(
        reverse(f"api:{name}", args=[episode.pk]), body, content_type="application/json"
    )


def _discharge_body(**changes):
    return {
        "discharge_date": TODAY.isoformat(),
        "work_status_at_discharge": "at_work",
        "discharge_reason": "Back at work full time",
        **changes,
    }


def _discharged(make_episode, service, days_ago):
    return make_episode(
        service,
        days_ago=days_ago + 40,
        discharge_date=TODAY - datetime.timedelta(days=days_ago),
        work_status_at_discharge="at_work",
    )


def test_a_discharge_schedules_what_follows(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = _post(client, "discharge", episode, _discharge_body(version=episode.version))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["discharge_date"], body["work_status_at_discharge"]) == (
        TODAY.isoformat(),
        "at_work",
    )
    assert body["followup_date"] == add_months(TODAY, 6).isoformat()
    timepoints = set(
        Administration.objects.filter(episode=episode).values_list("timepoint", flat=True)
    )
    assert {"discharge", "followup"} <= timepoints


def test_a_discharge_after_a_re_opening_schedules_afresh(signed_in, make_episode, service):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, days_ago=30)
    episode = Episode.objects.get(pk=episode.pk)
    _post(client, "discharge", episode, _discharge_body(version=episode.version))
    first = set(Administration.objects.filter(episode=episode).values_list("pk", flat=True))
    episode.refresh_from_db()
    reopen_episode(episode, by=user, reason="Discharged in error")
    assert set(Administration.objects.filter(pk__in=first).values_list("status", flat=True)) == {
        "cancelled"
    }
    response = client.get(reverse("api:episode", args=[episode.pk]))
    assert response.json()["discharge_date"] is None
    assert response.json()["followup_date"] is None

    episode.refresh_from_db()
    response = _post(client, "discharge", episode, _discharge_body(version=episode.version))
    assert response.status_code == 200, response.content
    fresh = Administration.objects.filter(episode=episode).exclude(pk__in=first)
    assert fresh.count() == len(first)
    assert set(fresh.values_list("status", flat=True)) == {"scheduled"}


def test_a_discharge_breaking_a_rule_names_the_field_and_writes_nothing(
    signed_in, make_episode, service
):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, days_ago=10)
    early = episode.referral_date - datetime.timedelta(days=1)
    response = _post(
        client, "discharge", episode, _discharge_body(discharge_date=early.isoformat())
    )
    assert response.status_code == 400
    assert response.json() == {
        "discharge_date": [
            f"The discharge ({human_date(early)}) cannot be before the referral "
            f"({human_date(episode.referral_date)})."
        ]
    }
    response = _post(client, "discharge", episode, _discharge_body(work_status_at_discharge=""))
    assert response.status_code == 400 and "work_status_at_discharge" in response.json()
    response = _post(client, "discharge", episode, _discharge_body(version=episode.version + 3))
    assert response.status_code == 409
    assert Episode.objects.get(pk=episode.pk).discharge_date is None
    assert not Administration.objects.exists()


def test_a_support_workers_discharge_waits_for_sign_off(
    signed_in, make_staff, make_episode, service
):
    supervisor = make_staff(Role.CASE_MANAGER, service)
    client, worker = signed_in(Role.SUPPORT_WORKER, supervisor=supervisor)
    episode = make_episode(service, tier="2", highest_tier="2", case_manager=worker)
    response = _post(client, "discharge", episode, _discharge_body())
    assert response.status_code == 202, response.content
    sign_off = SignOff.objects.get(pk=response.json()["sign_off"])
    assert (sign_off.action, sign_off.supervisor) == ("discharge", supervisor)
    assert Episode.objects.get(pk=episode.pk).discharge_date is None


def test_a_follow_up_before_the_window_says_when_it_opens(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = _discharged(make_episode, service, days_ago=30)
    body = {"followup_collected_on": TODAY.isoformat(), "work_status_at_followup": "at_work"}
    response = _post(client, "followup", episode, body)
    assert response.status_code == 400
    opens = episode.discharge_date + datetime.timedelta(days=150)
    (message,) = response.json()["followup_collected_on"]
    assert message.startswith(f"The follow-up window opens on {human_date(opens)}")
    assert Episode.objects.get(pk=episode.pk).work_status_at_followup == ""


def test_a_follow_up_inside_the_window_is_recorded_with_its_date(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = _discharged(make_episode, service, days_ago=190)
    body = {"followup_collected_on": TODAY.isoformat(), "work_status_at_followup": "off_sick"}
    response = _post(client, "followup", episode, body)
    assert response.status_code == 200, response.content
    assert response.json()["followup_collected_on"] == TODAY.isoformat()
    assert response.json()["work_status_at_followup"] == "off_sick"


def test_a_manager_records_one_outside_the_window_with_a_reason(signed_in, make_episode, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    episode = _discharged(make_episode, service, days_ago=300)
    body = {"followup_collected_on": TODAY.isoformat(), "work_status_at_followup": "at_work"}
    response = _post(client, "followup", episode, body)
    assert response.status_code == 400
    (message,) = response.json()["reason"]
    assert "closed on" in message and message.endswith("give the reason.")
    response = _post(client, "followup", episode, {**body, "reason": "Reached only now"})
    assert response.status_code == 200, response.content
    assert response.json()["followup_outside_window_reason"] == "Reached only now"


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMIN_ASSISTANT, Role.AUDITOR])
@pytest.mark.parametrize("name", ["discharge", "followup"])
def test_roles_that_may_not_record_are_refused(signed_in, make_episode, service, role, name):
    client, _user = signed_in(role)
    episode = make_episode(service)
    assert _post(client, name, episode, _discharge_body()).status_code == 403
    assert Episode.objects.get(pk=episode.pk).discharge_date is None


@pytest.mark.parametrize("name", ["discharge", "followup"])
def test_another_services_episode_is_404(signed_in, make_episode, other_service, name):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    episode = make_episode(other_service)
    assert _post(client, name, episode, _discharge_body()).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, make_episode, service):
    episode = make_episode(service)
    response = _post(client, "discharge", episode, _discharge_body())
    assert response.status_code == 302


def test_a_managers_follow_up_outside_the_window_is_left_out_of_the_report(
    signed_in, make_episode, service
):
    """Recorded on the discharge day with a reason, it is kept, and the report's follow-up
    table leaves it out and counts it as out of the window."""
    client, _user = signed_in(Role.SERVICE_MANAGER)
    episode = make_episode(service, days_ago=30)
    response = _post(client, "discharge", episode, _discharge_body(version=episode.version))
    assert response.status_code == 200, response.content
    body = {
        "followup_collected_on": TODAY.isoformat(),
        "work_status_at_followup": "at_work",
        "reason": "The client moves abroad tomorrow",
    }
    response = _post(client, "followup", episode, body)
    assert response.status_code == 200, response.content
    assert response.json()["followup_collected_on"] == TODAY.isoformat()
    report = client.get(reverse("api:evaluation"), {"service": service.code}).json()
    (cell,) = report["tables"]["followup"]["cells"]
    assert (cell["respondents"], cell["out_of_window"]) == (0, 1)
