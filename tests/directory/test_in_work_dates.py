"""In-work support keeps the episode's rules: a return to work not before the referral, a
review (a contact) within the episode. A refusal is said on the page, never a 500."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact
from vocrehab.directory.models import InWorkSupport
from vocrehab.directory.services import start_in_work_support

pytestmark = pytest.mark.django_db


def test_a_return_before_the_referral_is_refused_with_the_dates(signed_in, service, make_episode):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=user)  # referred 6 Jan 2025
    response = client.post(
        reverse("directory:in_work", args=[episode.pk]),
        {"return_date_day": 3, "return_date_month": 1, "return_date_year": 2025},
    )
    assert response.status_code == 200
    assert (
        "The return to work (3 Jan 2025) cannot be before the referral (6 Jan 2025)."
        in response.content.decode()
    )
    assert not InWorkSupport.objects.exists()


def test_a_review_after_the_discharge_is_refused(signed_in, service, make_episode):
    client, user = signed_in(Role.CASE_MANAGER)
    today = datetime.date.today()
    episode = make_episode(
        service,
        case_manager=user,
        discharge_date=today - datetime.timedelta(days=1),
        work_status_at_discharge="at_work",
    )
    review = start_in_work_support(
        episode=episode, return_date=today - datetime.timedelta(weeks=3)
    ).reviews.first()
    response = client.post(
        reverse("directory:in_work_review", args=[review.pk]),
        {"action": "record", "date_day": today.day, "date_month": today.month,
         "date_year": today.year, "mode": "phone", "minutes": 20,
         "interventions": ["condition_management"]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "cannot be after the discharge" in response.content.decode()
    assert not Contact.objects.exists()
