"""Another service's records are not found (404), whatever the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework import services


@pytest.mark.django_db
def test_every_episode_page_of_another_service_is_404(
    case_manager, make_episode, other_service, make_staff
):
    web, user = case_manager
    their_worker = make_staff(Role.CASE_MANAGER, other_service)
    episode = make_episode(other_service, worker=their_worker)
    for name in [
        "episode",
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
        "followup",
        "reopen",
        "re_refer",
        "note_add",
        "reminder_add",
    ]:
        url = reverse(f"casework:{name}", args=[episode.pk])
        assert web.get(url).status_code == 404, name
        assert web.post(url, {}).status_code == 404, name
    # The HNA is a questionnaire, entered on the measures pages.
    url = reverse("measures:hna", args=[episode.pk])
    assert web.get(url).status_code == 404
    assert web.post(url, {}).status_code == 404


@pytest.mark.django_db
def test_child_records_of_another_service_are_404(
    case_manager, make_episode, other_service, make_staff
):
    web, user = case_manager
    them = make_staff(Role.CASE_MANAGER, other_service)
    episode = make_episode(other_service, worker=them)
    today = timezone.localdate()
    plan = services.save_return_plan(
        episode,
        by=them,
        start_date=today,
        phases=[{"week": 1, "hours": 8, "days": "Mon"}],
        review_dates=[today],
    )
    note = services.add_note(episode, by=them, text="Private")
    goal = services.add_goal(episode, by=them, description="Goal", term="short")
    employer = services.save_employer(episode, name="Acme", consent_to_contact=True)
    urls = [
        reverse("casework:plan", args=[plan.pk]),
        reverse("casework:plan_pdf", args=[plan.pk]),
        reverse("casework:plan_progress", args=[plan.pk]),
        reverse("casework:plan_review_done", args=[plan.reviews.get().pk]),
        reverse("casework:note_correct", args=[note.pk]),
        reverse("casework:goal_review", args=[goal.pk]),
        reverse("casework:employer_edit", args=[employer.pk]),
        reverse("casework:meeting_add", args=[employer.pk]),
        reverse("casework:caseload_row", args=[episode.pk]),
    ]
    for url in urls:
        assert web.get(url).status_code == 404, url
    assert "Private" not in web.get(reverse("casework:caseload")).text


@pytest.mark.django_db
def test_commissioner_and_assistant_may_not_use_casework(signed_in, make_episode, service):
    episode = make_episode(service)
    for role in (Role.COMMISSIONER, Role.ADMIN_ASSISTANT):
        web, _user = signed_in(role)
        assert web.get(reverse("casework:caseload")).status_code == 403
        assert web.get(reverse("casework:discharge", args=[episode.pk])).status_code == 403
        web.logout()
