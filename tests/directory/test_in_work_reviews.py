"""In-work support: reviews scheduled after a return, recorded as contacts, due as tasks."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact
from vocrehab.directory.models import ReviewStatus
from vocrehab.directory.queries import due_in_work_reviews
from vocrehab.directory.services import (
    record_in_work_review,
    set_schedule,
    start_in_work_support,
)

RETURNED = datetime.date(2025, 5, 5)


@pytest.mark.django_db
def test_default_reviews_at_2_6_and_12_weeks_with_a_three_way_at_6(make_episode, service):
    support = start_in_work_support(episode=make_episode(service), return_date=RETURNED)
    reviews = list(support.reviews.values_list("week", "due_date", "three_way"))
    assert reviews == [
        (2, datetime.date(2025, 5, 19), False),
        (6, datetime.date(2025, 6, 16), True),
        (12, datetime.date(2025, 7, 28), False),
    ]
    with pytest.raises(ValidationError):
        start_in_work_support(episode=support.episode, return_date=RETURNED)


@pytest.mark.django_db
def test_each_service_can_set_its_own_schedule(make_episode, service):
    set_schedule(service=service, weeks=[4, 1, 8], three_way_weeks=[8])
    support = start_in_work_support(episode=make_episode(service), return_date=RETURNED)
    assert list(support.reviews.values_list("week", "three_way")) == [
        (1, False), (4, False), (8, True),
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        set_schedule(service=service, weeks=[2], three_way_weeks=[6])


@pytest.mark.django_db
def test_a_review_is_recorded_as_a_contact_with_interventions(make_episode, service, make_staff):
    worker = make_staff(Role.CASE_MANAGER, service)
    support = start_in_work_support(episode=make_episode(service), return_date=RETURNED)
    three_way = support.reviews.get(week=6)
    contact = record_in_work_review(
        review=three_way, on=datetime.date(2025, 6, 17), mode="face_to_face", minutes=45, by=worker
    )
    assert contact.episode == support.episode
    assert contact.contact_with == "employer"
    assert contact.intervention_codes == ["condition_management", "employer_liaison"]
    three_way.refresh_from_db()
    assert three_way.status == ReviewStatus.DONE
    assert three_way.contact == contact
    with pytest.raises(ValidationError):
        record_in_work_review(review=three_way, on=RETURNED, mode="phone")
    with pytest.raises(ValidationError):
        record_in_work_review(
            review=support.reviews.get(week=2), on=RETURNED, mode="phone", interventions=["nope"]
        )
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_due_reviews_for_tasks(make_episode, service, other_service, make_staff):
    worker = make_staff(Role.CASE_MANAGER, service)
    colleague = make_staff(Role.CASE_MANAGER, service)
    mine = start_in_work_support(
        episode=make_episode(service, case_manager=worker), return_date=RETURNED
    )
    theirs = start_in_work_support(
        episode=make_episode(service, case_manager=colleague), return_date=RETURNED
    )
    start_in_work_support(episode=make_episode(other_service), return_date=RETURNED)

    day = datetime.date(2025, 5, 14)  # the 2-week reviews fall due on 19 May
    assert list(due_in_work_reviews(worker, today=day, within_days=0)) == []
    due = list(due_in_work_reviews(worker, today=day))
    assert {r.support_id for r in due} == {mine.pk, theirs.pk}
    assert [r.week for r in due] == [2, 2]
    assert [r.support_id for r in due_in_work_reviews(worker, today=day, case_manager=worker)] == [
        mine.pk
    ]
    # Once done, a review is no longer due; overdue ones stay until done.
    record_in_work_review(review=due[0], on=day, mode="phone")
    later = datetime.date(2025, 6, 30)
    assert [r.week for r in due_in_work_reviews(services=[service], today=later)] == [2, 6, 6]
    with pytest.raises(ValueError):
        due_in_work_reviews()
