"""The caseload: columns, flags, filters and sorting, and the manager's view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework import queries, services
from vocrehab.casework.models import Contact
from vocrehab.episodes.standards import at_risk_cutoff
from vocrehab.measures.models import Administration


def _rows(user, **filters):
    rows = list(queries.caseload(user, queries.CaseloadFilter(**filters)))
    return {e.reference: e for e in queries.finish_rows(rows)}


@pytest.mark.django_db
def test_columns_are_computed(case_manager, make_episode, service):
    web, user = case_manager
    today = timezone.localdate()
    episode = make_episode(service, worker=user, days_ago=30)
    for days in (10, 3):
        Contact.objects.create(
            episode=episode, contact_date=today - datetime.timedelta(days=days), mode="phone"
        )
    services.add_reminder(episode, by=user, text="Ring", due_on=today + datetime.timedelta(days=4))
    services.add_reminder(episode, by=user, text="Ring", due_on=today + datetime.timedelta(days=2))
    row = _rows(user)[episode.reference]
    assert row.last_contact == today - datetime.timedelta(days=3)
    assert row.next_action_due == today + datetime.timedelta(days=2)
    assert row.days_open == 30
    r = web.get(reverse("casework:caseload"))
    assert episode.reference in r.text and "30" in r.text


@pytest.mark.django_db
def test_flags(case_manager, make_episode, service):
    web, user = case_manager
    today = timezone.localdate()
    late = make_episode(service, worker=user, days_ago=30)  # no first contact: at risk
    fresh = make_episode(service, worker=user, days_ago=0)
    fresh.first_contact_date = today
    fresh.save()
    questionnaire = make_episode(service, worker=user, days_ago=1, first_contact_date=today)
    Administration.objects.create(
        episode=questionnaire,
        instrument="eq5d5l",
        timepoint="entry",
        status="invited",
        due_date=today - datetime.timedelta(days=1),
    )
    reviewed = make_episode(service, worker=user, days_ago=1, first_contact_date=today)
    services.save_return_plan(
        reviewed,
        by=user,
        start_date=today,
        phases=[{"week": 1, "hours": 8, "days": "Mon"}],
        review_dates=[today + datetime.timedelta(days=2)],
    )
    discharged = make_episode(service, worker=user, days_ago=300)
    services.discharge(
        discharged,
        by=user,
        on=today - datetime.timedelta(days=200),
        work_status="at_work",
        reason="done",
    )
    rows = _rows(user)
    assert rows[late.reference].standard_at_risk
    assert not rows[fresh.reference].standard_at_risk
    assert rows[questionnaire.reference].questionnaire_overdue
    assert rows[reviewed.reference].plan_review_due
    assert rows[discharged.reference].followup_due
    assert not rows[late.reference].followup_due
    assert set(_rows(user, flag="plan_review_due")) == {reviewed.reference}
    assert set(_rows(user, status="followup")) == {discharged.reference}
    assert discharged.reference not in _rows(user, status="open")
    r = web.get(reverse("casework:caseload"), {"flag": "standard_at_risk"})
    assert late.reference in r.text and fresh.reference not in r.text


@pytest.mark.django_db
def test_at_risk_counts_working_days(service):
    # Friday 2026-11-27: Scotland's St Andrew's Day holiday falls on Monday 30 November.
    today = datetime.date(2026, 12, 1)  # Tuesday
    cutoff = at_risk_cutoff(today, 5, "scotland")
    # 4 working days (standard 5, at risk with 1 left) back from Tue 1 Dec, skipping the
    # weekend and Monday's holiday: Tue 24, Wed 25, Thu 26, Fri 27 -> referral on Tue 24 Nov.
    assert cutoff == datetime.date(2026, 11, 24)
    assert at_risk_cutoff(today, 5, "england") == datetime.date(2026, 11, 25)


@pytest.mark.django_db
def test_filter_and_sort(case_manager, make_episode, service):
    web, user = case_manager
    a = make_episode(service, worker=user, tier="2", days_ago=5, last_name="Aitken")
    b = make_episode(service, worker=user, tier="3", days_ago=50, last_name="Bell")
    assert list(_rows(user, tier="2")) == [a.reference]
    assert list(_rows(user, sort="-days_open")) == [b.reference, a.reference]
    assert list(_rows(user, sort="name")) == [a.reference, b.reference]
    assert list(_rows(user, search="bell")) == [b.reference]
    r = web.get(reverse("casework:caseload"), {"tier": "3"})
    assert b.reference in r.text and a.reference not in r.text


@pytest.mark.django_db
def test_manager_sees_every_caseload_with_counts_by_tier(
    signed_in, make_staff, make_episode, service, other_service
):
    web, manager = signed_in(Role.SERVICE_MANAGER)
    one = make_staff(Role.CASE_MANAGER, service)
    two = make_staff(Role.SUPPORT_WORKER, service)
    make_episode(service, worker=one, tier="3")
    make_episode(service, worker=one, tier="3")
    make_episode(service, worker=two, tier="2")
    elsewhere = make_episode(other_service, worker=make_staff(Role.CASE_MANAGER, other_service))
    counts = {c["case_manager"]: c for c in queries.caseload_counts(manager)}
    assert (counts[one.pk]["tier_3"], counts[one.pk]["total"]) == (2, 2)
    assert (counts[two.pk]["tier_2"], counts[two.pk]["total"]) == (1, 1)
    r = web.get(reverse("casework:caseload"), {"everyone": "1"})
    assert r.status_code == 200 and "tier-counts" in r.text
    assert elsewhere.reference not in r.text
    assert len(_rows(manager, everyone=True)) == 3
    assert len(_rows(manager, everyone=True, worker_id=two.pk)) == 1


@pytest.mark.django_db
def test_quick_contact_htmx_form_and_errors(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    url = reverse("casework:quick_contact", args=[episode.pk])
    r = web.get(url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert f'id="row-{episode.pk}"' in r.text
    # How and with whom start unanswered (the report counts contacts by both).
    assert 'value="phone" selected' not in r.text and 'value="" selected' in r.text
    assert timezone.localdate().isoformat() in r.text  # defaults to today
    r = web.post(
        url, {f"qc{episode.pk}-contact_date": timezone.localdate()}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and "Choose how" in r.text and "Choose with" in r.text
    assert not episode.contacts.exists()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    r = web.post(
        url,
        {
            f"qc{episode.pk}-contact_date": future,
            f"qc{episode.pk}-mode": "phone",
            f"qc{episode.pk}-contact_with": "client",
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "in the future" in r.text
    assert not episode.contacts.exists()
    r = web.get(reverse("casework:caseload_row", args=[episode.pk]), HTTP_HX_REQUEST="true")
    assert r.text.strip().startswith("<tr")


def test_every_sort_offered_is_known():
    from vocrehab.casework.forms import CaseloadFilterForm

    offered = {value for value, _label in CaseloadFilterForm().fields["sort"].choices}
    assert offered <= set(queries.SORTS)
