"""In-work support pages arrive with nothing chosen: how a review went (and how it was
held) is the person's answer, never assumed."""

import datetime

import pytest
from django.urls import reverse

from tests.ui.dom import preselected_fields
from vocrehab.accounts.models import Role
from vocrehab.directory.services import start_in_work_support

pytestmark = pytest.mark.django_db


def test_starting_support_and_recording_a_review_choose_nothing(signed_in, service, make_episode):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=user)
    page = client.get(reverse("directory:in_work", args=[episode.pk]))
    assert page.status_code == 200
    assert not preselected_fields(page.text)

    review = start_in_work_support(
        episode=episode, return_date=datetime.date.today() - datetime.timedelta(weeks=3)
    ).reviews.first()
    page = client.get(reverse("directory:in_work_review", args=[review.pk]))
    assert page.status_code == 200
    assert 'name="mode"' in page.text
    assert not preselected_fields(page.text)
