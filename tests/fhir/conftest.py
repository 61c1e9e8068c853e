"""FHIR fixtures: one synthetic episode with every kind of record the interface maps."""

import datetime

import pytest

from vocrehab.casework.models import (
    Contact,
    ContactIntervention,
    Goal,
    OnwardReferral,
    PlanPhase,
    PlanProgress,
    ReturnPlan,
)
from vocrehab.clients.models import Client, IdentifierType
from vocrehab.codes import (
    Condition,
    ContactMode,
    Intervention,
    MainReason,
    OnwardCategory,
    OnwardKind,
    ReferralSource,
    Timepoint,
    WorkStatus,
)
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue

DAY = datetime.date(2025, 3, 3)
# A made-up number with a valid check digit (the NHS's own test range starts with 9).
NHS_NUMBER = "9434765919"

ANSWERS = {
    "eq5d5l": {
        "mobility": 1,
        "self_care": 1,
        "usual_activities": 2,
        "pain_discomfort": 2,
        "anxiety_depression": 3,
        "vas": 70,
    },
    "hads": {**{f"a{n}": 1 for n in range(1, 8)}, **{f"d{n}": 2 for n in range(1, 8)}},
    "copm": {"p1_performance": 4, "p1_satisfaction": 3, "p1_problem": "Getting to work"},
    "followup_survey": {"work_status": WorkStatus.AT_WORK},
    "satisfaction": {"overall": 4, "recommend": 1, "comment": "Helpful"},
}


def _answer(administration, item, value):
    if isinstance(value, str):
        ItemValue.objects.create(administration=administration, item=item, text_value=value)
    else:
        ItemValue.objects.create(administration=administration, item=item, value=value)


@pytest.fixture
def make_record(db, make_staff):
    """A discharged episode of a new client in ``service`` with contacts, an onward
    referral, questionnaires, a goal and a two-version return-to-work plan."""

    def make(service, *, reference="FC001", nhs_number=NHS_NUMBER):
        client = Client.objects.create(
            service=service,
            reference=reference,
            nhs_number=nhs_number,
            identifier_type=IdentifierType.NHS,
            first_name="Alex",
            last_name="Synthetic",
            date_of_birth=datetime.date(1978, 4, 1),
            sex="female",
            phone="01234 567890",
            email="alex@example.org",
            address="1 Example Street\nExampletown",
            postcode="G1 1AA",
        )
        episode = Episode.objects.create(
            service=service,
            client=client,
            reference=f"E-{reference}",
            referral_date=DAY,
            referral_source=ReferralSource.ACUTE_NHS,
            referrer_name="Dr Example",
            referrer_organisation="Example Hospital",
            condition=Condition.CANCER,
            work_status_at_referral=WorkStatus.OFF_SICK,
            main_reason=MainReason.RETURN_FROM_SICKNESS,
            tier="3",
            highest_tier="3",
            case_manager=make_staff("case_manager", service),
            assessment_date=DAY + datetime.timedelta(days=3),
            discharge_date=DAY + datetime.timedelta(days=90),
            work_status_at_discharge=WorkStatus.AT_WORK,
            age_at_referral=46,
            sex="female",
        )
        contact = Contact.objects.create(
            episode=episode,
            contact_date=DAY + datetime.timedelta(days=3),
            mode=ContactMode.FACE_TO_FACE,
            minutes=60,
            note="Private note: never exported.",
        )
        for position, code in enumerate((Intervention.ASSESSMENT, Intervention.GOAL_SETTING)):
            ContactIntervention.objects.create(contact=contact, code=code, position=position)
        Contact.objects.create(
            episode=episode, contact_date=DAY + datetime.timedelta(days=20), mode=ContactMode.PHONE
        )
        OnwardReferral.objects.create(
            episode=episode,
            date=DAY + datetime.timedelta(days=10),
            kind=OnwardKind.REFERRAL,
            category=OnwardCategory.WELFARE,
            service_name="Welfare rights advice",
            outcome="attended",
        )
        timepoints = {"followup_survey": Timepoint.FOLLOWUP, "satisfaction": Timepoint.DISCHARGE}
        for instrument, values in ANSWERS.items():
            administration = Administration.objects.create(
                episode=episode,
                instrument=instrument,
                timepoint=timepoints.get(instrument, Timepoint.ENTRY),
                date=DAY + datetime.timedelta(days=3),
                status=AdministrationStatus.COMPLETED,
            )
            for item, value in values.items():
                _answer(administration, item, value)
        Administration.objects.create(
            episode=episode,
            instrument="hads",
            timepoint=Timepoint.DISCHARGE,
            due_date=DAY + datetime.timedelta(days=90),
            status=AdministrationStatus.INVITED,
        )
        Goal.objects.create(
            episode=episode,
            description="Back at work three days a week",
            term="short",
            set_on=DAY + datetime.timedelta(days=3),
            target_date=DAY + datetime.timedelta(days=60),
            status="achieved",
        )
        first = ReturnPlan.objects.create(
            episode=episode, number=1, is_current=False, start_date=DAY + datetime.timedelta(30)
        )
        plan = ReturnPlan.objects.create(
            episode=episode,
            number=2,
            start_date=DAY + datetime.timedelta(days=37),
            adjustments="Later start",
        )
        for version in (first, plan):
            for week in (1, 2):
                PlanPhase.objects.create(plan=version, week=week, hours=8 * week, days="Mon, Wed")
        PlanProgress.objects.create(plan=plan, week=1, hours_worked=8, recorded_on=DAY)
        return episode

    return make
