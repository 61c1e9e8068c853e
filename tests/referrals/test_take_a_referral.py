"""A case manager may allocate a referral to themselves where the service allows it."""

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.episodes.services import change_tier
from vocrehab.referrals.models import Allocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiered_referral(make_referral, service):
    referral = make_referral()
    change_tier(referral.episode, to_tier="3", reason="Complex")
    return referral


def allow(service, allowed=True):
    service.case_managers_take_referrals = allowed
    service.save(update_fields=["case_managers_take_referrals"])


def test_a_case_manager_takes_a_referral_where_the_service_allows_it(
    signed_in, service, tiered_referral
):
    allow(service)
    client, user = signed_in(Role.CASE_MANAGER)
    page = client.get(reverse("referrals:detail", args=[tiered_referral.pk]))
    assert "Allocate to me" in page.text
    response = client.post(reverse("referrals:take", args=[tiered_referral.pk]))
    assert response.status_code == 302
    tiered_referral.episode.refresh_from_db()
    assert tiered_referral.episode.case_manager == user
    allocation = Allocation.objects.get(episode=tiered_referral.episode)
    assert (allocation.worker, allocation.allocated_by) == (user, user)
    # Once allocated, nobody is offered it again.
    page = client.get(reverse("referrals:detail", args=[tiered_referral.pk]))
    assert "Allocate to me" not in page.text
    assert client.post(reverse("referrals:take", args=[tiered_referral.pk])).status_code == 403


def test_not_where_the_service_does_not_allow_it(signed_in, service, tiered_referral):
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(reverse("referrals:detail", args=[tiered_referral.pk]))
    assert "Allocate to me" not in page.text
    assert client.post(reverse("referrals:take", args=[tiered_referral.pk])).status_code == 403
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPPORT_WORKER, Role.SERVICE_MANAGER])
def test_only_case_managers_take_referrals(signed_in, service, tiered_referral, role):
    allow(service)
    client, _user = signed_in(role)
    response = client.post(reverse("referrals:take", args=[tiered_referral.pk]))
    assert response.status_code in (403, 404)  # a support worker does not see the queue
    assert not Allocation.objects.exists()


def test_a_referral_without_a_tier_cannot_be_taken(signed_in, service, make_referral):
    allow(service)
    referral = make_referral()
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post(reverse("referrals:take", args=[referral.pk]), follow=True)
    assert "Choose a tier before allocating." in response.text
    assert not Allocation.objects.exists()


def test_another_services_case_manager_cannot_take_it(
    signed_in, service, other_service, tiered_referral
):
    allow(service)
    client, _user = signed_in(Role.CASE_MANAGER, other_service)
    response = client.post(reverse("referrals:take", args=[tiered_referral.pk]))
    assert response.status_code in (403, 404)
    assert not Allocation.objects.exists()
