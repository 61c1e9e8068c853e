"""Every casework page renders for a case manager with a full episode."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_caseload_and_episode_render(case_manager, make_episode):
    client, user = case_manager
    episode = make_episode(user.memberships.first().service, worker=user)
    response = client.get(reverse("casework:caseload"))
    assert response.status_code == 200
    assert episode.reference in response.text
    response = client.get(reverse("casework:episode", args=[episode.pk]))
    assert response.status_code == 200
    for name in [
        "episode_edit",
        "tier_change",
        "quick_contact",
        "contact_add",
        "assessment_add",
        "goal_add",
        "onward_add",
        "employer_add",
        "plan_edit",
        "discharge",
        "note_add",
        "document_add",
        "reminder_add",
    ]:
        response = client.get(reverse(f"casework:{name}", args=[episode.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("measures:hna", args=[episode.pk])).status_code == 200
    assert client.get(reverse("casework:tasks")).status_code == 200
