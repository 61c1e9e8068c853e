"""The directory's in-work reviews and episode tools reach case managers where they work."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.directory.services import start_in_work_support


@pytest.mark.django_db
def test_my_tasks_lists_in_work_reviews_of_my_own_clients(
    signed_in, make_episode, service, make_staff
):
    client, worker = signed_in(Role.CASE_MANAGER)
    colleague = make_staff(Role.CASE_MANAGER, service)
    mine = make_episode(service, case_manager=worker)
    theirs = make_episode(service, case_manager=colleague)
    returned = datetime.date(2025, 5, 5)
    start_in_work_support(episode=mine, return_date=returned)
    start_in_work_support(episode=theirs, return_date=returned)
    with time_machine.travel(datetime.datetime(2025, 5, 16, 12, tzinfo=datetime.UTC)):
        response = client.get(reverse("casework:tasks"))
    assert response.status_code == 200
    reviews = response.context["in_work_reviews"]
    assert [r.support.episode_id for r in reviews] == [mine.pk]
    page = response.content.decode()
    assert reverse("directory:in_work_review", args=[reviews[0].pk]) in page
    assert "week 2 review" in page


@pytest.mark.django_db
def test_the_episode_page_links_to_material_courses_and_in_work_support(
    signed_in, make_episode, service
):
    client, worker = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=worker)
    page = client.get(reverse("casework:episode", args=[episode.pk])).content.decode()
    for name in ("directory:give_material", "directory:pre_course", "directory:in_work"):
        assert reverse(name, args=[episode.pk]) in page


@pytest.mark.django_db
def test_the_episode_page_links_to_its_questionnaires(signed_in, make_episode, service):
    client, worker = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=worker)
    page = client.get(reverse("casework:episode", args=[episode.pk])).content.decode()
    assert reverse("measures:episode", args=[episode.pk]) in page
