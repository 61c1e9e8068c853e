"""The whole journey over HTTP: a nurse refers through the public form, the service
manager triages and allocates, and the case manager works the episode to follow-up."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.models import (
    Assessment,
    Contact,
    Employer,
    Goal,
    OnwardReferral,
    ReasonableAdjustment,
    ReturnPlan,
)
from vocrehab.clients.deprivation_import import load_samples
from vocrehab.codes import WorkStatus
from vocrehab.dates import add_months
from vocrehab.measures.models import Administration
from vocrehab.referrals.models import Referral

from ..referrals.helpers import fill_steps
from .helpers import pdf_text, plan_post


@pytest.mark.django_db
def test_referral_to_follow_up(case_manager, make_staff, service):
    web, user = case_manager
    today = timezone.localdate()
    service.covered_areas = ["S12000049"]
    service.save()
    load_samples()
    sixty_days_ago = timezone.now() - datetime.timedelta(days=60)
    with time_machine.travel(sixty_days_ago, tick=False):
        # A nurse refers through the public form (no account).
        nurse = Client()
        fill_steps(nurse, "professional")
        sent = nurse.post("/referrals/refer/professional/check/", {"website": ""})
        assert sent["Location"] == "/referrals/refer/done/"
        referral = Referral.objects.get()
        episode = referral.episode
        assert episode.service == service and episode.case_manager is None
        # The service manager triages: tier 2 to start with, allocated to the case manager.
        manager = Client()
        manager.force_login(make_staff(Role.SERVICE_MANAGER, service))
        r = manager.post(
            f"/referrals/{referral.pk}/tier/",
            {"tier-level": "tier-2", "tier-reason": "Off sick, employer engaged"},
        )
        assert r.status_code == 302
        r = manager.post(f"/referrals/{referral.pk}/allocate/", {"alloc-worker": str(user.pk)})
        assert r.status_code == 302
    episode.refresh_from_db()
    assert (episode.case_manager, episode.tier) == (user, "2")
    url = lambda name, pk=episode.pk: reverse(f"casework:{name}", args=[pk])  # noqa: E731

    # Stepped up to tier 3 as needs become clear.
    r = web.post(url("tier_change"), {"to_tier": "3", "reason": "Complex return, employer unsure"})
    assert r.status_code == 302
    episode.refresh_from_db()
    assert (episode.tier, episode.highest_tier) == ("3", "3")

    # The first contact, quick-recorded from the caseload (htmx).
    r = web.post(
        url("quick_contact"),
        {
            f"qc{episode.pk}-contact_date": (today - datetime.timedelta(days=58)).isoformat(),
            f"qc{episode.pk}-mode": "phone",
            f"qc{episode.pk}-contact_with": "client",
            f"qc{episode.pk}-minutes": "20",
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "Contact recorded" in r.text
    episode.refresh_from_db()
    assert episode.first_contact_date == today - datetime.timedelta(days=58)

    # Assessment on the biopsychosocial areas, with key issues in priority order.
    r = web.post(
        url("assessment_add"),
        {
            "assessed_on": (today - datetime.timedelta(days=55)).isoformat(),
            "fatigue": "Tired by mid-afternoon",
            "sick_pay_end_date": (today + datetime.timedelta(days=30)).isoformat(),
            "job_demands": "12-hour shifts on the warehouse floor",
            "barriers": "Fatigue; worried about telling the team",
            "key_issues": (
                "Fatigue on long shifts\nTalking to the manager\nMoney when sick pay ends"
            ),
        },
    )
    assert r.status_code == 302, r.content
    assessment = Assessment.objects.get(episode=episode)
    assert [k.text for k in assessment.key_issues.all()] == [
        "Fatigue on long shifts",
        "Talking to the manager",
        "Money when sick pay ends",
    ]
    episode.refresh_from_db()
    assert episode.assessment_date == today - datetime.timedelta(days=55)

    # Holistic needs concerns and the distress thermometer, stored as a measures record.
    r = web.post(
        reverse("measures:hna", args=[episode.pk]),
        {
            "date": today.isoformat(),
            "timepoint": "ad_hoc",
            "distress": "6",
            "concern_work": "on",
            "concern_financial": "on",
        },
    )
    assert r.status_code == 302
    hna = Administration.objects.get(episode=episode, instrument="hna")
    values = {v.item: v.value for v in hna.values.all()}
    assert values["distress"] == 6 and values["work"] == 1 and values["physical"] == 0

    # Goals, and a review.
    r = web.post(
        url("goal_add"),
        {
            "description": "Back to work on reduced hours",
            "term": "short",
            "target_date": (today + datetime.timedelta(days=28)).isoformat(),
        },
    )
    assert r.status_code == 302
    goal = Goal.objects.get(episode=episode)
    r = web.post(url("goal_review", goal.pk), {"status": "partly", "note": "Two days a week"})
    assert r.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "partly" and goal.reviews.count() == 1

    # A contact with interventions.
    r = web.post(
        url("contact_add"),
        {
            "contact_date": (today - datetime.timedelta(days=40)).isoformat(),
            "mode": "face_to_face",
            "contact_with": "client",
            "minutes": "60",
            "interventions": ["phased_return", "condition_management"],
            "note": "Planned the return",
        },
    )
    assert r.status_code == 302
    contact = Contact.objects.filter(episode=episode).order_by("-pk").first()
    assert contact.intervention_codes == ["phased_return", "condition_management"]

    # An onward referral (free text until the directory exists), then its outcome.
    r = web.post(
        url("onward_add"),
        {
            "date": today.isoformat(),
            "kind": "referral",
            "category": "welfare",
            "service_name": "Welfare rights",
        },
    )
    assert r.status_code == 302
    onward = OnwardReferral.objects.get(episode=episode)
    web.post(url("onward_outcome", onward.pk), {"outcome": "attended"})
    onward.refresh_from_db()
    assert onward.outcome == "attended"

    # Employer liaison: the employer with consent, a line manager, a meeting, an adjustment.
    r = web.post(url("employer_add"), {"name": "Clyde Logistics", "consent_to_contact": "on"})
    assert r.status_code == 302
    employer = Employer.objects.get(episode=episode)
    assert employer.consent_to_contact and employer.consent_recorded_on == today
    web.post(
        url("employer_person_add", employer.pk),
        {"role": "line_manager", "name": "Iain Doyle", "phone": "0141 000 0000"},
    )
    r = web.post(
        url("meeting_add", employer.pk),
        {
            "date": today.isoformat(),
            "attendees": "Client, Iain Doyle, OH nurse",
            "summary": "Agreed a four-week phased return",
        },
    )
    assert r.status_code == 302 and employer.meetings.count() == 1
    web.post(
        url("adjustment_add", employer.pk),
        {"description": "No night shifts for three months", "status": "agreed"},
    )
    adjustment = ReasonableAdjustment.objects.get(employer=employer)
    web.post(url("adjustment_status", adjustment.pk), {"status": "in_place"})
    adjustment.refresh_from_db()
    assert adjustment.status == "in_place"

    # The phased return plan, its PDF, and progress against it.
    start = today - datetime.timedelta(days=21)
    r = web.post(
        url("plan_edit"),
        plan_post(
            start,
            [
                (1, 12, "Mon, Wed, Fri", "Stock checks only"),
                (2, 18, "Mon-Wed", "Stock checks, rota"),
                (3, 24, "Mon-Thu", "Supervising days"),
                (4, 37.5, "Mon-Fri", "Full duties, no nights"),
            ],
            employer=str(employer.pk),
            adjustments="Rest break every two hours",
            review_dates=(today + datetime.timedelta(days=3)).isoformat(),
            agreed_by_client="on",
            agreed_by_employer="Iain Doyle, line manager",
        ),
    )
    assert r.status_code == 302, r.content
    plan = ReturnPlan.objects.get(episode=episode)
    r = web.get(url("plan_pdf", plan.pk))
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "Stock checks only" in text and "Rest break every two hours" in text
    web.post(url("plan_progress", plan.pk), {"week": "1", "hours_worked": "12"})
    r = web.get(url("plan", plan.pk))
    assert "on plan" in r.text

    # The caseload shows the plan review as due; the episode page shows it all.
    r = web.get(reverse("casework:caseload"))
    assert "Plan review due" in r.text
    r = web.get(url("episode"))
    for expected in (
        "Referral received",
        "Fatigue on long shifts",
        "Welfare rights",
        "Clyde Logistics",
        "No night shifts",
        "Version 1",
    ):
        assert expected in r.text, expected
    assert AccessEvent.objects.filter(object_id=str(episode.pk), action="read").exists()

    # Discharge: the six-month follow-up is scheduled.
    episode.refresh_from_db()
    r = web.post(
        url("discharge"),
        {
            "version": episode.version,
            "discharge_date": today.isoformat(),
            "work_status": "at_work",
            "reason": "Back at work full time",
        },
    )
    assert r.status_code == 302, r.content
    episode.refresh_from_db()
    assert episode.discharge_date == today
    assert episode.work_status_at_discharge == WorkStatus.AT_WORK
    assert episode.followup_date == add_months(today, 6)

    # Not on the day of discharge: the six-month window opens 150 days later.
    r = web.post(url("followup"), {"collected_on": today.isoformat(), "work_status": "at_work"})
    assert r.status_code == 200
    opens = today + datetime.timedelta(days=150)
    assert f"The follow-up window opens on {opens:%-d %b %Y}" in r.text
    episode.refresh_from_db()
    assert episode.work_status_at_followup == ""

    # Six months on, the follow-up work status and the day it was collected.
    six_months_on = today + datetime.timedelta(days=183)
    with time_machine.travel(six_months_on, tick=False):
        web.force_login(user)
        r = web.post(
            url("followup"), {"collected_on": six_months_on.isoformat(), "work_status": "at_work"}
        )
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.work_status_at_followup == WorkStatus.AT_WORK
    assert episode.followup_collected_on == six_months_on
