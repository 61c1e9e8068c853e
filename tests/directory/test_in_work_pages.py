"""In-work support through HTTP: schedule after a return, record reviews, see what is due."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact
from vocrehab.directory.models import InWorkReview, InWorkSchedule
from vocrehab.directory.services import start_in_work_support


@pytest.mark.django_db
def test_schedule_record_and_due(signed_in, service, make_episode):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=user)
    returned = datetime.date.today() - datetime.timedelta(weeks=2)
    client.post(
        reverse("directory:in_work", args=[episode.pk]),
        {"return_date_day": returned.day, "return_date_month": returned.month,
         "return_date_year": returned.year},
    )  # fmt: skip
    assert list(InWorkReview.objects.values_list("week", flat=True)) == [2, 6, 12]

    due = client.get(reverse("directory:in_work_due"), {"mine": "1"}).content.decode()
    assert episode.reference in due and "Week 2" in due

    review = InWorkReview.objects.get(week=2)
    today = datetime.date.today()
    response = client.post(
        reverse("directory:in_work_review", args=[review.pk]),
        {"action": "record", "date_day": today.day, "date_month": today.month,
         "date_year": today.year, "mode": "phone", "minutes": 20,
         "interventions": ["condition_management"]},
    )  # fmt: skip
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.episode == episode
    assert contact.intervention_codes == ["condition_management"]
    assert contact.recorded_by == user
    assert episode.reference not in client.get(reverse("directory:in_work_due")).content.decode()


@pytest.mark.django_db
def test_reviews_can_be_cancelled(signed_in, service, make_episode):
    support = start_in_work_support(
        episode=make_episode(service), return_date=datetime.date.today()
    )
    review = support.reviews.first()
    client, _user = signed_in(Role.SUPPORT_WORKER)
    client.post(reverse("directory:in_work_review", args=[review.pk]), {"action": "cancel"})
    review.refresh_from_db()
    assert review.status == "cancelled"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_manager_sets_the_services_schedule(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    client.post(
        reverse("directory:in_work_schedule"), {"weeks": "1, 4, 8, 26", "three_way_weeks": "4"}
    )
    schedule = InWorkSchedule.objects.get(service=service)
    assert (schedule.weeks, schedule.three_way_weeks) == ([1, 4, 8, 26], [4])
    page = client.post(
        reverse("directory:in_work_schedule"), {"weeks": "2", "three_way_weeks": "6"}
    ).content.decode()
    assert "must fall in review weeks" in page


@pytest.mark.django_db
def test_another_services_reviews_are_not_found(signed_in, other_service, make_episode):
    support = start_in_work_support(
        episode=make_episode(other_service), return_date=datetime.date.today()
    )
    client, _user = signed_in(Role.CASE_MANAGER)
    review = support.reviews.first()
    assert client.get(reverse("directory:in_work_review", args=[review.pk])).status_code == 404
    assert client.get(reverse("directory:in_work", args=[support.episode_id])).status_code == 404
    assert (
        support.episode.reference
        not in client.get(reverse("directory:in_work_due")).content.decode()
    )
