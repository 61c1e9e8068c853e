"""The phased return-to-work plan: versions, progress and a PDF that holds the plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.audit.models import AccessEvent
from vocrehab.casework import documents, services

from .helpers import pdf_text


@pytest.fixture
def plan(make_episode, service, make_staff):
    from vocrehab.accounts.models import Role

    user = make_staff(Role.CASE_MANAGER, service)
    episode = make_episode(service, worker=user, first_name="Morven", last_name="Blair")
    employer = services.save_employer(episode, name="Clyde Logistics", consent_to_contact=True)
    return services.save_return_plan(
        episode,
        by=user,
        employer=employer,
        start_date=datetime.date(2026, 12, 7),
        usual_hours=37.5,
        phases=[
            {"week": 1, "hours": 12, "days": "Mon, Wed, Fri", "duties": "Stock checks only"},
            {"week": 2, "hours": 20, "days": "Mon to Thu", "duties": "Stock checks and rota"},
            {"week": 3, "hours": 30, "days": "Mon to Fri", "duties": "Supervising day shift"},
        ],
        adjustments="A rest break every two hours; no night shifts",
        review_dates=[datetime.date(2026, 12, 18)],
        agreed_by_client=True,
        agreed_by_employer="Iain Doyle, line manager",
        agreed_on=datetime.date(2026, 12, 1),
    )


@pytest.mark.django_db
def test_the_pdf_holds_the_plan(plan):
    text = pdf_text(documents.plan_pdf_bytes(plan))
    for expected in [
        "Phased return-to-work plan",
        "Morven Blair",
        "Clyde Logistics",
        "7 December 2026",
        "Stock checks only",
        "Mon, Wed, Fri",
        "Supervising day shift",
        "A rest break every two hours; no night shifts",
        "18 December 2026",
        "Iain Doyle, line manager",
    ]:
        assert expected in text, expected
    # Weeks begin a week apart from the start date.
    assert "14 Dec 2026" in text and "21 Dec 2026" in text


@pytest.mark.django_db
def test_the_pdf_leaves_out_the_clinical_record(plan):
    episode = plan.episode
    services.add_note(episode, by=plan.created_by, text="Confidential: chemotherapy cycle 4")
    text = pdf_text(documents.plan_pdf_bytes(plan))
    assert "chemotherapy" not in text
    assert episode.client.date_of_birth.isoformat() not in text


@pytest.mark.django_db
def test_pdf_download_is_an_audited_attachment(plan, client):
    client.force_login(
        plan.created_by, backend="allauth.account.auth_backends.AuthenticationBackend"
    )
    r = client.get(reverse("casework:plan_pdf", args=[plan.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;")
    assert r.content.startswith(b"%PDF")
    assert AccessEvent.objects.filter(action="export", user=plan.created_by).exists()


@pytest.mark.django_db
def test_versions_are_kept(plan):
    second = services.save_return_plan(
        plan.episode,
        by=plan.created_by,
        start_date=plan.start_date,
        phases=[{"week": 1, "hours": 8, "days": "Mon, Tue"}],
        based_on=plan,
    )
    plan.refresh_from_db()
    assert (plan.number, plan.is_current) == (1, False)
    assert (second.number, second.is_current) == (2, True)
    assert "Stock checks only" in pdf_text(documents.plan_pdf_bytes(plan))
    assert "Stock checks only" not in pdf_text(documents.plan_pdf_bytes(second))


@pytest.mark.django_db
def test_progress_against_the_plan(plan):
    services.record_plan_progress(plan, by=plan.created_by, week=1, hours_worked=12)
    services.record_plan_progress(plan, by=plan.created_by, week=2, hours_worked=14, note="Tired")
    from vocrehab.casework.queries import plan_progress

    rows = {r["phase"].week: r for r in plan_progress(plan)}
    assert rows[1]["on_plan"] is True
    assert rows[2]["on_plan"] is False and rows[2]["note"] == "Tired"
    assert rows[3]["worked"] is None
    with pytest.raises(services.CaseworkError):
        services.record_plan_progress(plan, by=plan.created_by, week=9, hours_worked=1)


@pytest.mark.django_db
def test_plan_form_refuses_bad_weeks(make_episode, service, signed_in):
    from vocrehab.accounts.models import Role

    from .helpers import plan_post

    web, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, worker=user)
    start = timezone.localdate()
    r = web.post(
        reverse("casework:plan_edit", args=[episode.pk]),
        plan_post(start, [(1, 10, "Mon", ""), (1, 12, "Tue", "")]),
    )
    assert r.status_code == 200 and "Each week may appear only once" in r.text
    r = web.post(
        reverse("casework:plan_edit", args=[episode.pk]),
        plan_post(start, [(1, 10, "Mon", "")], review_dates="next tuesday"),
    )
    assert r.status_code == 200 and "is not a date" in r.text
    assert not episode.return_plans.exists()


@pytest.mark.django_db
def test_plan_rows_without_hours_are_left_out(make_episode, service, signed_in):
    from vocrehab.accounts.models import Role

    from .helpers import plan_post

    web, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, worker=user)
    data = plan_post(
        timezone.localdate(), [(1, 10, "Mon", "Light"), (2, 16, "Mon, Tue", ""), (3, "", "", "")]
    )
    r = web.post(reverse("casework:plan_edit", args=[episode.pk]), data)
    assert r.status_code == 302, r.content
    plan = episode.return_plans.get()
    assert [(p.week, float(p.hours)) for p in plan.phases.all()] == [(1, 10.0), (2, 16.0)]
    # A row with hours but no week is refused.
    data = plan_post(timezone.localdate(), [("", 10, "Mon", "")], based_on=str(plan.pk))
    r = web.post(reverse("casework:plan_edit", args=[episode.pk]), data)
    assert r.status_code == 200 and "Enter the week number" in r.text
    # Nothing at all is refused too.
    data = plan_post(timezone.localdate(), [(1, "", "", "")], based_on=str(plan.pk))
    r = web.post(reverse("casework:plan_edit", args=[episode.pk]), data)
    assert r.status_code == 200 and "Add at least one week" in r.text
