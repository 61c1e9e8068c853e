"""Caseload flags that mean something: "no recent contact" after the service's number of
days (28 by default), and "questionnaire overdue" only while it can still be collected."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role, Service
from vocrehab.casework import queries, services
from vocrehab.casework.models import Contact
from vocrehab.measures.models import Administration

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


def rows(user):
    found = queries.caseload(user, queries.CaseloadFilter(status="all"))
    return {e.reference: e for e in queries.finish_rows(list(found))}


def test_no_contact_for_longer_than_the_services_days_is_flagged(
    case_manager, make_episode, service
):
    _web, user = case_manager
    quiet = make_episode(service, worker=user, days_ago=90, first_contact_date=ago(85))
    Contact.objects.create(episode=quiet, contact_date=ago(40), mode="phone")
    recent = make_episode(service, worker=user, days_ago=90, first_contact_date=ago(85))
    Contact.objects.create(episode=recent, contact_date=ago(5), mode="phone")
    forgotten = make_episode(service, worker=user, days_ago=377)  # never contacted at all
    new = make_episode(service, worker=user, days_ago=3)
    found = rows(user)
    assert found[quiet.reference].no_recent_contact
    assert found[forgotten.reference].no_recent_contact
    assert not found[recent.reference].no_recent_contact
    assert not found[new.reference].no_recent_contact
    service.no_contact_flag_days = 60
    service.save()
    assert not rows(user)[quiet.reference].no_recent_contact


def questionnaire(episode, timepoint, due, status="invited"):
    return Administration.objects.create(
        episode=episode, instrument="work_ability", timepoint=timepoint, status=status, due_date=due
    )


def test_a_questionnaire_is_overdue_only_while_it_can_still_be_collected(
    case_manager, make_episode, service
):
    _web, user = case_manager
    entry_open = make_episode(service, worker=user, days_ago=60, first_contact_date=ago(55))
    questionnaire(entry_open, "entry", ago(10))
    entry_stale = make_episode(service, worker=user, days_ago=90, first_contact_date=ago(85))
    questionnaire(entry_stale, "entry", ago(50))  # no longer a baseline
    done_recently = make_episode(service, worker=user, days_ago=60, first_contact_date=ago(55))
    services.discharge(done_recently, by=user, on=ago(10), work_status="at_work", reason="ok")
    Administration.objects.filter(episode=done_recently).delete()
    questionnaire(done_recently, "entry", ago(50))  # no longer a baseline after discharge
    questionnaire(done_recently, "discharge", ago(40))  # more than four weeks late
    followup_open = make_episode(service, worker=user, days_ago=400, first_contact_date=ago(395))
    services.discharge(followup_open, by=user, on=ago(200), work_status="at_work", reason="ok")
    Administration.objects.filter(episode=followup_open).delete()
    questionnaire(followup_open, "followup", ago(20))  # the window is open until day 270
    found = rows(user)
    assert found[entry_open.reference].questionnaire_overdue
    assert not found[entry_stale.reference].questionnaire_overdue
    assert not found[done_recently.reference].questionnaire_overdue
    assert found[followup_open.reference].questionnaire_overdue
    # Once the follow-up window has closed it is no longer chased.
    late = make_episode(service, worker=user, days_ago=500, first_contact_date=ago(495))
    services.discharge(late, by=user, on=ago(300), work_status="at_work", reason="ok")
    Administration.objects.filter(episode=late).delete()
    questionnaire(late, "followup", ago(120))
    assert not rows(user)[late.reference].questionnaire_overdue


def test_the_caseload_filters_and_the_dashboard_counts_both(
    signed_in, make_episode, service, make_staff
):
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    worker = make_staff(Role.CASE_MANAGER, service)
    forgotten = make_episode(service, worker=worker, days_ago=377)
    questionnaire(forgotten, "entry", ago(3))
    page = web.get(reverse("casework:caseload"), {"everyone": "1", "flag": "no_recent_contact"})
    assert forgotten.reference in page.text
    assert "No recent contact" in page.text and "Questionnaire overdue" in page.text
    figures = web.get(reverse("reports:dashboard")).context["figures"]
    assert figures["no_recent_contact"] == 1
    assert figures["outstanding"]["overdue"] == 1


def test_a_new_service_flags_after_28_days_without_contact(case_manager, make_episode, service):
    _web, user = case_manager
    assert Service().no_contact_flag_days == 28
    on_the_day = make_episode(service, worker=user, days_ago=90, first_contact_date=ago(85))
    Contact.objects.create(episode=on_the_day, contact_date=ago(28), mode="phone")
    one_more = make_episode(service, worker=user, days_ago=90, first_contact_date=ago(85))
    Contact.objects.create(episode=one_more, contact_date=ago(29), mode="phone")
    found = rows(user)
    assert not found[on_the_day.reference].no_recent_contact
    assert found[one_more.reference].no_recent_contact


def test_the_days_are_set_on_the_services_administration_page(client, service, make_staff):
    admin = make_staff(Role.ADMINISTRATOR, service)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("admin:accounts_service_change", args=[service.pk]))
    assert page.status_code == 200
    assert 'name="no_contact_flag_days"' in page.text
