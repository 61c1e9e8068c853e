"""The triage page's forms arrive with nothing chosen: a tier, a worker, how the episode
closed and the client's work status are answered by the person, never assumed."""

import pytest
from django.urls import reverse

from tests.ui.dom import preselected_fields
from vocrehab.accounts.models import Role
from vocrehab.referrals.services import set_level

pytestmark = pytest.mark.django_db


def test_a_new_referrals_page_chooses_nothing(signed_in, make_referral):
    referral = make_referral()
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    # The closing forms are on the page, with the work status still to choose.
    assert 'name="ne-work_status"' in page.text and 'name="tier-level"' in page.text
    assert not preselected_fields(page.text)


def test_a_tiered_referrals_page_chooses_nothing_either(
    signed_in, make_staff, make_referral, service
):
    make_staff(Role.CASE_MANAGER, service)
    referral = make_referral()
    set_level(referral, tier="1", reason="Information only")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    # Allocation and self-help closure are offered once a tier is set.
    assert 'name="sh-work_status"' in page.text and 'name="alloc-worker"' in page.text
    assert not preselected_fields(page.text)
