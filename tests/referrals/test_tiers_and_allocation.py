"""Tier allocation with reasons, stepped care, service levels, allocation and transfers."""

import pytest
from django.core.exceptions import ValidationError

from vocrehab.accounts.models import Role
from vocrehab.episodes.models import TierChange
from vocrehab.referrals.models import Allocation, ServiceLevel, TriageStatus
from vocrehab.referrals.services import allocate_worker, levels_for, set_level

pytestmark = pytest.mark.django_db


def test_every_move_is_kept_with_who_and_why(make_referral, make_staff, service):
    referral = make_referral()
    manager = make_staff(Role.CASE_MANAGER, service)
    set_level(referral, tier="2", reason="Moderate needs", by=manager)
    set_level(referral, tier="3", reason="Employer dispute", by=manager)
    set_level(referral, tier="2", reason="Settled", by=manager)
    changes = list(TierChange.objects.filter(episode=referral.episode))
    assert [(c.from_tier, c.to_tier) for c in changes] == [("", "2"), ("2", "3"), ("3", "2")]
    assert [c.reason for c in changes] == ["Moderate needs", "Employer dispute", "Settled"]
    assert all(c.changed_by == manager for c in changes)
    referral.episode.refresh_from_db()
    assert referral.episode.tier == "2" and referral.episode.highest_tier == "3"
    referral.refresh_from_db()
    assert referral.triage_status == TriageStatus.TRIAGED


def test_a_reason_is_required(make_referral):
    with pytest.raises(ValidationError):
        set_level(make_referral(), tier="2", reason=" ")


def test_default_levels_are_the_three_tiers(service):
    assert [lvl.vrmds_tier for lvl in levels_for(service)] == ["1", "2", "3"]


def test_service_levels_map_to_vrmds_tiers(make_referral, service):
    names = ["Information", "Guided self-management", "Case management", "Specialist"]
    for position, (name, tier) in enumerate(zip(names, "1233", strict=True)):
        ServiceLevel.objects.create(service=service, name=name, vrmds_tier=tier, position=position)
    assert [lvl.name for lvl in levels_for(service)] == names
    referral = make_referral()
    specialist = ServiceLevel.objects.get(name="Specialist")
    set_level(referral, tier="", level=specialist, reason="Complex")
    referral.episode.refresh_from_db()
    assert referral.episode.tier == "3"
    assert referral.service_level == specialist
    assert TierChange.objects.get().reason == "Specialist: Complex"


def test_another_services_level_is_refused(make_referral, other_service):
    level = ServiceLevel.objects.create(service=other_service, name="X", vrmds_tier="2")
    with pytest.raises(ValidationError):
        set_level(make_referral(), tier="", level=level, reason="r")


def test_support_worker_only_for_tier_2(make_referral, make_staff, service):
    worker = make_staff(Role.SUPPORT_WORKER, service)
    referral = make_referral()
    set_level(referral, tier="3", reason="intensive")
    with pytest.raises(ValidationError, match="tier 2"):
        allocate_worker(referral.episode, worker=worker)
    set_level(referral, tier="2", reason="lighter")
    allocate_worker(referral.episode, worker=worker)
    referral.episode.refresh_from_db()
    assert referral.episode.case_manager == worker


def test_staff_of_another_service_cannot_hold_the_case(make_referral, make_staff, other_service):
    stranger = make_staff(Role.CASE_MANAGER, other_service)
    referral = make_referral()
    set_level(referral, tier="2", reason="r")
    with pytest.raises(ValidationError):
        allocate_worker(referral.episode, worker=stranger)


def test_allocation_needs_a_tier(make_referral, make_staff, service):
    with pytest.raises(ValidationError, match="tier"):
        allocate_worker(make_referral().episode, worker=make_staff(Role.CASE_MANAGER, service))


def test_transfers_keep_history(make_referral, make_staff, service):
    first = make_staff(Role.CASE_MANAGER, service)
    second = make_staff(Role.CASE_MANAGER, service)
    referral = make_referral()
    set_level(referral, tier="3", reason="r")
    allocate_worker(referral.episode, worker=first)
    allocate_worker(referral.episode, worker=second, reason="Leave cover")
    history = list(Allocation.objects.filter(episode=referral.episode))
    assert [a.worker for a in history] == [first, second]
    assert history[0].end is not None and history[1].end is None
    assert history[1].reason == "Leave cover"


def test_triage_page_allocates_and_shows_caseloads(signed_in, make_staff, make_referral, service):
    worker = make_staff(Role.CASE_MANAGER, service)
    busy = make_referral(first_name="Other", nhs_number="", date_of_birth=None)
    set_level(busy, tier="3", reason="r")
    allocate_worker(busy.episode, worker=worker)
    referral = make_referral()
    client, manager = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        f"/referrals/{referral.pk}/tier/", {"tier-level": "tier-3", "tier-reason": "Complex"}
    )
    assert response.status_code == 302
    page = client.get(f"/referrals/{referral.pk}/")
    assert b"(1 open cases)" in page.content
    response = client.post(f"/referrals/{referral.pk}/allocate/", {"alloc-worker": str(worker.pk)})
    assert response.status_code == 302
    referral.episode.refresh_from_db()
    assert referral.episode.case_manager == worker
    assert Allocation.objects.get(episode=referral.episode).allocated_by == manager
    assert b"Tier 3" in client.get(f"/referrals/{referral.pk}/").content


def test_case_manager_may_set_tier_but_not_allocate(signed_in, make_staff, make_referral, service):
    referral = make_referral()
    client, _user = signed_in(Role.CASE_MANAGER)
    assert (
        client.post(
            f"/referrals/{referral.pk}/tier/", {"tier-level": "tier-2", "tier-reason": "r"}
        ).status_code
        == 302
    )
    worker = make_staff(Role.CASE_MANAGER, service)
    assert (
        client.post(
            f"/referrals/{referral.pk}/allocate/", {"alloc-worker": str(worker.pk)}
        ).status_code
        == 403
    )


def test_tier_form_errors_are_shown(signed_in, make_referral):
    referral = make_referral()
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post(
        f"/referrals/{referral.pk}/tier/", {"tier-level": "tier-9", "tier-reason": ""}
    )
    assert response.status_code == 400
    assert b"There is a problem" in response.content


def test_service_manager_names_levels(signed_in, service, make_referral):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert b"three VRMDS tiers" in client.get("/referrals/levels/").content
    response = client.post(
        "/referrals/levels/",
        {"name": "Guided self-management", "description": "", "vrmds_tier": "1", "position": 1},
    )
    assert response.status_code == 302
    level = ServiceLevel.objects.get(service=service)
    assert level.vrmds_tier == "1"
    again = client.post(
        "/referrals/levels/",
        {"name": "guided self-management", "vrmds_tier": "2", "position": 2},
    )
    assert b"already has a level" in again.content
    referral = make_referral()
    form_page = client.get(f"/referrals/{referral.pk}/")
    assert b"Guided self-management (VRMDS tier 1)" in form_page.content
    set_level(referral, tier="", level=level, reason="r")
    client.post(f"/referrals/levels/{level.pk}/remove/")
    assert ServiceLevel.objects.filter(pk=level.pk).exists()  # in use


def test_levels_of_another_service_cannot_be_removed(signed_in, other_service):
    level = ServiceLevel.objects.create(service=other_service, name="X", vrmds_tier="2")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert client.post(f"/referrals/levels/{level.pk}/remove/").status_code == 404
    assert ServiceLevel.objects.filter(pk=level.pk).exists()


def test_case_manager_may_not_manage_levels(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    assert client.get("/referrals/levels/").status_code == 403
