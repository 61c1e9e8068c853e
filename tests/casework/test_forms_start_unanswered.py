"""Every casework form page, opened as a case manager, shows no fact already chosen.

The walk over the form classes (tests/ui/test_no_preselected_answers.py) cannot see a
starting value a view passes in; this walk opens each page and reads what it shows.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.ui.dom import preselected_fields
from vocrehab.casework import services
from vocrehab.casework import urls as casework_urls
from vocrehab.casework.models import Goal, ReasonableAdjustment

# Pages that edit facts already recorded show them: that is the record, not a new answer.
EDITS_OF_RECORDED_FACTS = {"episode_edit", "assessment_edit", "employer_edit"}


def episode_form_url_names():
    names = {
        pattern.name
        for pattern in casework_urls.urlpatterns
        if str(pattern.pattern).startswith("episodes/<int:pk>/")
        and str(pattern.pattern) != "episodes/<int:pk>/"
    }
    return sorted(names - EDITS_OF_RECORDED_FACTS)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", episode_form_url_names())
def test_episode_form_pages_start_unanswered(case_manager, make_episode, service, url_name):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=30)
    if url_name in ("followup", "re_refer"):
        services.discharge(
            episode, by=user, on=timezone.localdate(), work_status="at_work", reason="Goals met"
        )
    page = web.get(reverse(f"casework:{url_name}", args=[episode.pk]))
    assert page.status_code == 200, url_name
    assert not preselected_fields(page.text), url_name


@pytest.mark.django_db
def test_review_pages_start_unanswered_and_say_what_was_recorded(
    case_manager, make_episode, service
):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    goal = services.add_goal(episode, by=user, description="Back to driving", term="short")
    page = web.get(reverse("casework:goal_review", args=[goal.pk])).text
    assert not preselected_fields(page)
    assert "Recorded so far: " + Goal.objects.get(pk=goal.pk).get_status_display() in page

    employer = services.save_employer(episode, name="Clyde Logistics")
    adjustment = services.add_adjustment(employer, description="Later start", status="agreed")
    page = web.get(reverse("casework:adjustment_status", args=[adjustment.pk])).text
    assert not preselected_fields(page)
    status = ReasonableAdjustment.objects.get(pk=adjustment.pk).get_status_display()
    assert "Recorded so far: " + status in page


@pytest.mark.django_db
def test_the_tier_page_says_where_the_episode_is_and_chooses_no_new_tier(
    case_manager, make_episode, service
):
    web, user = case_manager
    episode = make_episode(service, worker=user, tier="3")
    page = web.get(reverse("casework:tier_change", args=[episode.pk])).text
    assert "Now in Tier 3: intensive case management." in page
    assert not preselected_fields(page)
