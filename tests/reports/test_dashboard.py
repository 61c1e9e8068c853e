"""The manager's dashboard: referrals by month, caseloads, standards, outcomes, questionnaires."""

import datetime as dt

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Membership, Role
from vocrehab.reports.queries import dashboard

from .helpers import give_measure, make_episode

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 14)


def test_dashboard_figures(service, other_service, make_staff):
    manager = make_staff(Role.CASE_MANAGER, service)
    make_episode(
        service,
        referral_date=dt.date(2024, 6, 3),
        tier="2",
        case_manager=manager,
        first_contact_date=dt.date(2024, 6, 4),
    )
    make_episode(service, referral_date=dt.date(2024, 6, 10), tier="3", case_manager=manager)
    make_episode(service, referral_date=dt.date(2024, 4, 2))
    done = make_episode(
        service,
        referral_date=dt.date(2024, 1, 8),
        tier="3",
        discharge_date=dt.date(2024, 4, 1),
        work_status_at_referral="off_sick",
        work_status_at_discharge="at_work",
        first_contact_date=dt.date(2024, 1, 22),
        assessment_date=dt.date(2024, 1, 9),
    )
    make_episode(service, referral_date=dt.date(2022, 1, 8))  # older than the 12 months
    make_episode(other_service, referral_date=dt.date(2024, 6, 3))  # another service
    give_measure(done, "hads", "followup", {}, status="invited")
    a = give_measure(done, "eq5d5l", "followup", {}, status="scheduled")
    a.due_date = dt.date(2024, 6, 1)
    a.save()
    figures = dashboard([service], today=TODAY)
    months = {m["month"]: m["referrals"] for m in figures["months"]}
    assert len(months) == 12
    assert months[dt.date(2024, 6, 1)] == 2
    assert months[dt.date(2024, 4, 1)] == 1
    assert months[dt.date(2024, 1, 1)] == 1
    assert dt.date(2023, 6, 1) not in months
    assert figures["open_total"] == 4
    assert {t["tier"]: t["n"] for t in figures["open_by_tier"]} == {"": 2, "1": 0, "2": 1, "3": 1}
    by_manager = {
        r["case_manager_id"]: (r["n"], r["tier2"], r["tier3"])
        for r in figures["open_by_case_manager"]
    }
    assert by_manager == {manager.pk: (2, 1, 1), None: (2, 0, 0)}
    # Referrals in the last 12 months: 3 June contacted next day (met); 10 June not yet due;
    # 2 April overdue; 8 January contacted after 10 working days (missed).
    assert figures["standards"]["contact_met"] == 1
    assert figures["standards"]["contact_eligible"] == 3
    assert figures["standards"]["assess_met"] == 1
    assert figures["standards"]["assess_eligible"] == 2
    assert figures["outcomes"]["discharged"] == 1
    assert figures["outcomes"]["off_sick_returned"] == 1
    assert figures["outstanding"] == {"total": 2, "overdue": 1}


def test_the_dashboard_page_for_a_manager(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    make_episode(service, referral_date=dt.date.today())
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert response.context["service"] == service
    assert response.context["figures"]["open_total"] == 1
    assert "Open caseload by case manager" in response.content.decode()
    # The service select names the service shown, not an empty choice.
    assert response.context["form"]["service"].value() == service.pk


def test_a_manager_chooses_only_among_their_services(signed_in, service, other_service):
    client, user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("reports:dashboard"), {"service": other_service.pk})
    assert response.context["service"] == service  # not theirs: ignored
    Membership.objects.create(
        user=user,
        organisation=service.organisation,
        service=other_service,
        role=Role.SERVICE_MANAGER,
    )
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get(reverse("reports:dashboard"), {"service": other_service.pk})
    assert response.context["service"] == other_service
    page = response.content.decode()
    assert "---------" not in page and "Choose a service" in page


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER])
def test_others_may_not_see_the_dashboard(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_referrals_per_month_are_an_spc_chart_that_flags_a_surge(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    today = dt.date.today()
    month = dt.date(today.year, today.month, 1)
    # One or three referrals a month, by turns, for two years; then fifteen this month.
    for back in range(1, 24):
        first = month
        for _ in range(back):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        for day in (3, 12, 20) if back % 2 else (3,):
            make_episode(service, referral_date=first.replace(day=day))
    for _n in range(15):
        make_episode(service, referral_date=month)
    page = client.get(reverse("reports:dashboard"))
    panel = page.context["referrals_chart"]
    assert len(page.context["figures"]["months"]) == 24
    assert panel["variation_label"] == "Special cause variation: higher"
    assert [point["label"] for point in panel["special"]] == [month.strftime("%b %Y")]
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert "1 point shows special cause" in html
    assert "Outside the process limits" in html


def test_a_steady_service_shows_common_cause_variation(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    page = client.get(reverse("reports:dashboard"))
    panel = page.context["referrals_chart"]
    assert panel["variation_label"] == "Common cause variation: no significant change"
    assert "No point shows special cause." in page.content.decode()
