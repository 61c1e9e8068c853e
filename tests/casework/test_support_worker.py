"""Support workers: what they may not do alone, and their supervisor's sign-off."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework import services
from vocrehab.casework.models import SignOff
from vocrehab.dates import human_date
from vocrehab.episodes.models import TierChange
from vocrehab.measures.models import Administration


@pytest.fixture
def team(signed_in, make_staff, service, client):
    supervisor = make_staff(Role.CASE_MANAGER, service)
    web, worker = signed_in(Role.SUPPORT_WORKER, supervisor=supervisor)
    return web, worker, supervisor


@pytest.mark.django_db
def test_support_worker_discharge_waits_for_sign_off(team, make_episode, service, client):
    web, worker, supervisor = team
    episode = make_episode(service, worker=worker, tier="2")
    r = web.post(
        reverse("casework:discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharge_date": timezone.localdate().isoformat(),
            "work_status": "at_work",
            "reason": "Back at work",
        },
    )
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.discharge_date is None  # not yet
    request = SignOff.objects.get(episode=episode)
    assert (request.action, request.status, request.supervisor) == (
        "discharge",
        "pending",
        supervisor,
    )

    # The support worker cannot decide it (no SIGN_OFF permission).
    assert web.get(reverse("casework:sign_off", args=[request.pk])).status_code == 403

    # The supervisor sees it in their tasks and signs it off; the discharge happens.
    client.force_login(supervisor, backend="allauth.account.auth_backends.AuthenticationBackend")
    r = client.get(reverse("casework:tasks"))
    assert "Waiting for your sign-off" in r.text and str(episode.client.last_name) in r.text
    # The request reads as a person would write it: the date in words, not ISO.
    today = timezone.localdate()
    assert request.summary.startswith(f"Discharge on {human_date(today)}, At work")
    assert today.isoformat() not in request.summary
    r = client.post(
        reverse("casework:sign_off", args=[request.pk]), {"decision": "approve", "comment": "OK"}
    )
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.discharge_date == timezone.localdate()
    assert episode.followup_date is not None
    # Signed off, it is a discharge like any other: its questionnaires are scheduled.
    assert {"discharge", "followup"} <= set(
        Administration.objects.filter(episode=episode).values_list("timepoint", flat=True)
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", supervisor)


@pytest.mark.django_db
def test_tier_change_declined_is_not_applied(team, make_episode, service, client):
    web, worker, supervisor = team
    episode = make_episode(service, worker=worker, tier="2")
    web.post(reverse("casework:tier_change", args=[episode.pk]), {"to_tier": "3", "reason": "x"})
    episode.refresh_from_db()
    assert episode.tier == "2"
    request = SignOff.objects.get(episode=episode, action="tier_change")
    services.decide_sign_off(request, by=supervisor, approve=False, comment="Stay at 2")
    episode.refresh_from_db()
    assert episode.tier == "2" and not TierChange.objects.filter(episode=episode).exists()


@pytest.mark.django_db
def test_support_worker_employer_contact_is_countersigned(team, make_episode, service):
    web, worker, supervisor = team
    episode = make_episode(service, worker=worker, tier="2")
    services.save_employer(episode, name="Clyde Logistics", consent_to_contact=True)
    r = web.post(
        reverse("casework:contact_add", args=[episode.pk]),
        {
            "contact_date": timezone.localdate().isoformat(),
            "mode": "phone",
            "contact_with": "employer",
        },
    )
    assert r.status_code == 302
    assert episode.contacts.count() == 1  # recorded at once
    request = SignOff.objects.get(episode=episode)
    assert (request.action, request.held, request.supervisor) == (
        "employer_contact",
        False,
        supervisor,
    )
    today = timezone.localdate()
    assert request.summary == f"Contact with the employer on {human_date(today)} (Phone)"


@pytest.mark.django_db
def test_support_worker_may_not_record_on_a_colleagues_episode(team, make_episode, service):
    web, worker, supervisor = team
    episode = make_episode(service, worker=supervisor)
    # They may read it (covering a query), but not record on it.
    assert web.get(reverse("casework:episode", args=[episode.pk])).status_code == 200
    assert web.get(reverse("casework:contact_add", args=[episode.pk])).status_code == 403
    assert (
        web.post(reverse("casework:note_add", args=[episode.pk]), {"text": "x"}).status_code == 403
    )
    assert not episode.notes.exists()


@pytest.mark.django_db
def test_support_worker_sees_only_their_own_caseload(team, make_episode, service):
    web, worker, supervisor = team
    mine = make_episode(service, worker=worker, tier="2")
    theirs = make_episode(service, worker=supervisor)
    r = web.get(reverse("casework:caseload"), {"everyone": "1", "worker": supervisor.pk})
    assert mine.reference in r.text and theirs.reference not in r.text
    assert "tier-counts" not in r.text


@pytest.mark.django_db
def test_case_manager_actions_need_no_sign_off(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, tier="2")
    web.post(reverse("casework:tier_change", args=[episode.pk]), {"to_tier": "3", "reason": "x"})
    episode.refresh_from_db()
    assert episode.tier == "3" and not SignOff.objects.exists()


@pytest.mark.django_db
@override_settings(VOCREHAB_SIGN_OFF_ACTIONS=["discharge"])
def test_the_sign_off_list_is_configurable(team, make_episode, service):
    web, worker, supervisor = team
    episode = make_episode(service, worker=worker, tier="2")
    web.post(reverse("casework:tier_change", args=[episode.pk]), {"to_tier": "3", "reason": "x"})
    episode.refresh_from_db()
    assert episode.tier == "3"  # tier change not on the list: done at once


@pytest.mark.django_db
def test_support_worker_without_a_supervisor_is_told(signed_in, make_episode, service):
    web, worker = signed_in(Role.SUPPORT_WORKER)
    episode = make_episode(service, worker=worker, tier="2")
    r = web.post(
        reverse("casework:tier_change", args=[episode.pk]), {"to_tier": "3", "reason": "x"}
    )
    assert r.status_code == 200
    assert "no supervising practitioner" in r.text


@pytest.mark.django_db
def test_support_worker_records_questionnaires_only_on_their_own_caseload(
    team, make_episode, service
):
    """The one rule (episodes.access.may_record) holds on the questionnaire pages too."""
    web, worker, supervisor = team
    theirs = make_episode(service, worker=supervisor, tier="2")
    mine = make_episode(service, worker=worker, tier="2")
    hna = {"date": timezone.localdate().isoformat(), "timepoint": "ad_hoc", "distress": "3"}
    for name, args in [("hna", []), ("choose", []), ("enter", ["work_ability", "entry"])]:
        assert web.get(reverse(f"measures:{name}", args=[theirs.pk, *args])).status_code == 403
    assert web.post(reverse("measures:hna", args=[theirs.pk]), hna).status_code == 403
    assert not theirs.administrations.exists()
    # Viewing stays open to them; the page offers no recording action.
    page = web.get(reverse("measures:episode", args=[theirs.pk]))
    assert page.status_code == 200
    assert reverse("measures:choose", args=[theirs.pk]) not in page.text

    assert web.post(reverse("measures:hna", args=[mine.pk]), hna).status_code == 302
    assert mine.administrations.filter(instrument="hna").count() == 1


@pytest.mark.django_db
def test_support_worker_edits_details_only_of_their_own_clients(team, make_episode, service):
    web, worker, supervisor = team
    theirs = make_episode(service, worker=supervisor)
    mine = make_episode(service, worker=worker)
    assert web.get(reverse("clients:edit", args=[theirs.client.pk])).status_code == 403
    assert web.get(reverse("clients:edit", args=[mine.client.pk])).status_code == 200
