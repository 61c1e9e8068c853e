"""Changing an episode's key facts through the API: the web's paths, all or nothing."""

import datetime

import pytest
from django.test import Client as Program
from django.urls import reverse

from tests.accounts.conftest import bearer
from vocrehab.accounts.models import Role, Scope
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.models import SignOff
from vocrehab.episodes.models import Episode, TierChange
from vocrehab.referrals.models import Allocation, Channel, Referral

pytestmark = pytest.mark.django_db


def _patch(client, episode, body, **extra):
    return client.patch(
        reverse("api:episode", args=[episode.pk]), body, content_type="application/json", **extra
    )


def _with_referral(episode):
    Referral.objects.create(
        episode=episode,
        service=episode.service,
        reference=f"R{episode.pk:06d}",
        channel=Channel.ELECTRONIC,
    )
    return episode


def test_key_facts_change_and_the_version_moves_on(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = _patch(
        client,
        episode,
        {"version": episode.version, "job_title": "Joiner", "work_status_at_referral": "at_work"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["job_title"], body["work_status_at_referral"]) == ("Joiner", "at_work")
    assert body["version"] == episode.version + 1
    assert body["sign_off_requested"] == []
    assert AccessEvent.objects.filter(user=_user, client_id=episode.client_id).exists()
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.job_title, stored.condition) == ("Joiner", episode.condition)


def test_a_stale_version_is_a_conflict_with_the_current_record(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, job_title="Baker")
    response = _patch(client, episode, {"version": episode.version + 5, "job_title": "Joiner"})
    assert response.status_code == 409
    assert response.json()["job_title"] == "Baker"
    assert response.json()["version"] == episode.version
    assert Episode.objects.get(pk=episode.pk).job_title == "Baker"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"job_title": "Joiner"}, "version"),
        ({"version": 1, "work_status_at_referral": "astronaut"}, "work_status_at_referral"),
        ({"version": 1, "weeks_absent_at_referral": "many"}, "weeks_absent_at_referral"),
        ({"version": 1, "tier": "9", "tier_reason": "x"}, "tier"),
        ({"version": 1, "tier": "2"}, "tier_reason"),
        ({"version": 1, "discharge_date": "2026-01-01"}, "discharge_date"),
        ({"version": 1, "first_contact_date": "yesterday"}, "first_contact_date"),
        ({"version": 1, "case_manager": 999999}, "case_manager"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    signed_in, make_episode, service, body, field
):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    episode = _with_referral(make_episode(service))
    response = _patch(client, episode, {"job_title": "Changed", **body})
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.version, stored.job_title) == (episode.version, "")


def test_dates_go_through_triage_and_its_rules(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = _with_referral(make_episode(service, days_ago=10))
    before = episode.referral_date - datetime.timedelta(days=1)
    refused = _patch(
        client,
        episode,
        {"version": episode.version, "job_title": "Joiner", "first_contact_date": str(before)},
    )
    assert refused.status_code == 400
    assert "cannot be before the referral" in refused.json()["first_contact_date"][0]
    # The key fact sent with it was not kept: all or nothing.
    assert Episode.objects.get(pk=episode.pk).job_title == ""
    first = episode.referral_date + datetime.timedelta(days=1)
    assessed = episode.referral_date + datetime.timedelta(days=3)
    done = _patch(
        client,
        episode,
        {
            "version": episode.version,
            "first_contact_date": str(first),
            "assessment_date": str(assessed),
        },
    )
    assert done.status_code == 200, done.content
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.first_contact_date, stored.assessment_date) == (first, assessed)
    # The first assessment schedules the entry questionnaires, as on the web.
    assert stored.administrations.exists()


def test_an_episode_without_a_referral_cannot_take_triage_dates(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = _patch(
        client, episode, {"version": 1, "first_contact_date": str(episode.referral_date)}
    )
    assert response.status_code == 400
    assert "first_contact_date" in response.json()


def test_a_tier_change_is_kept_with_its_reason(signed_in, make_episode, service):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = _patch(client, episode, {"version": 1, "tier": "2", "tier_reason": "Doing well"})
    assert response.status_code == 200, response.content
    # Stepping down keeps the highest tier reached (the tiers' own rule).
    assert (response.json()["tier"], response.json()["highest_tier"]) == ("2", "3")
    change = TierChange.objects.get(episode=episode)
    assert (change.from_tier, change.to_tier, change.reason, change.changed_by) == (
        "3",
        "2",
        "Doing well",
        user,
    )


def test_a_support_workers_tier_change_goes_for_sign_off(make_staff, client, make_episode, service):
    supervisor = make_staff(Role.CASE_MANAGER, service)
    worker = make_staff(Role.SUPPORT_WORKER, service, supervisor=supervisor)
    client.force_login(worker, backend="allauth.account.auth_backends.AuthenticationBackend")
    episode = make_episode(service, tier="2", highest_tier="2", case_manager=worker)
    response = _patch(client, episode, {"version": 1, "tier": "3", "tier_reason": "More help"})
    assert response.status_code == 200, response.content
    assert response.json()["sign_off_requested"] == ["tier"]
    assert Episode.objects.get(pk=episode.pk).tier == "2"
    assert SignOff.objects.get(episode=episode).supervisor == supervisor


def test_a_support_worker_changes_only_their_own_caseload(
    make_staff, client, make_episode, service
):
    worker = make_staff(Role.SUPPORT_WORKER, service)
    client.force_login(worker, backend="allauth.account.auth_backends.AuthenticationBackend")
    episode = make_episode(service, tier="2", highest_tier="2")
    response = _patch(client, episode, {"version": 1, "job_title": "Joiner"})
    assert response.status_code == 403
    assert Episode.objects.get(pk=episode.pk).job_title == ""


def test_allocation_needs_the_allocate_permission_and_an_eligible_worker(
    signed_in, make_staff, make_episode, service
):
    episode = make_episode(service)
    holder = make_staff(Role.CASE_MANAGER, service)
    support = make_staff(Role.SUPPORT_WORKER, service)
    case_manager, _user = signed_in(Role.CASE_MANAGER)
    assert (
        _patch(case_manager, episode, {"version": 1, "case_manager": holder.pk}).status_code == 403
    )
    manager, _user = signed_in(Role.SERVICE_MANAGER)
    refused = _patch(manager, episode, {"version": 1, "case_manager": support.pk})
    assert refused.status_code == 400
    assert "tier 2" in refused.json()["case_manager"][0]
    done = _patch(manager, episode, {"version": 1, "case_manager": holder.pk})
    assert done.status_code == 200, done.content
    assert Episode.objects.get(pk=episode.pk).case_manager == holder
    assert Allocation.objects.get(episode=episode).worker == holder


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMIN_ASSISTANT, Role.AUDITOR])
def test_roles_without_the_record_may_not_change_it(signed_in, make_episode, service, role):
    client, _user = signed_in(role)
    episode = make_episode(service)
    assert _patch(client, episode, {"version": 1, "job_title": "X"}).status_code in (403, 404)
    assert Episode.objects.get(pk=episode.pk).job_title == ""


def test_another_services_episode_is_not_found(signed_in, make_episode, other_service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    episode = make_episode(other_service)
    assert _patch(client, episode, {"version": 1, "job_title": "X"}).status_code == 404


def test_a_token_needs_episodes_write_and_its_service(
    make_staff, make_token, make_episode, service, other_service
):
    owner = make_staff(Role.CASE_MANAGER, service)
    make_staff_other = make_staff(Role.CASE_MANAGER, other_service)
    episode = make_episode(service)
    _t, reader = make_token(owner, [service], scopes=[Scope.EPISODES_READ])
    _t, writer = make_token(owner, [service], scopes=[Scope.EPISODES_WRITE], name="EPR feed")
    body = {"version": 1, "job_title": "Joiner"}
    assert _patch(Program(), episode, body, **bearer(reader)).status_code == 403
    _t, elsewhere = make_token(make_staff_other, [other_service], scopes=[Scope.EPISODES_WRITE])
    assert _patch(Program(), episode, body, **bearer(elsewhere)).status_code == 404
    assert _patch(Program(), episode, body, **bearer(writer)).status_code == 200
    assert Episode.objects.get(pk=episode.pk).job_title == "Joiner"
