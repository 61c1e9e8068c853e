"""The questionnaires page of an episode leads back to the episode."""

import pytest
from django.urls import reverse

from tests.ui.dom import parse
from vocrehab.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SERVICE_MANAGER])
def test_the_questionnaires_page_has_a_back_link_to_the_episode(signed_in, episode, role):
    client, _ = signed_in(role)
    response = client.get(reverse("measures:episode", args=[episode.pk]))
    assert response.status_code == 200
    back = parse(response.content.decode()).find("a", cls="nhsuk-back-link")
    assert back.attrs["href"] == reverse("casework:episode", args=[episode.pk])
    assert back.text() == "Back"
    # It is above the page's content, where the NHS.UK back link goes.
    assert not any(node.tag == "main" for node in back.ancestors())
    assert client.get(back.attrs["href"]).status_code == 200
