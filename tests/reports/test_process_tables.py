"""Pathway tables: time to assessment, service standards, engagement, contacts, stay,
onward referrals. Small hand-built data, answers worked out by hand."""

import datetime as dt

import pytest

from vocrehab.casework.models import Contact, OnwardReferral

from .helpers import cell, make_episode

pytestmark = pytest.mark.django_db
D = dt.date


def test_time_to_assessment_is_cumulative(service, report):
    ref = D(2024, 1, 8)
    for days in (0, 0, 3, 7, 8, 14, 20, 40):
        make_episode(service, referral_date=ref, assessment_date=ref + dt.timedelta(days=days))
    make_episode(service, referral_date=ref)  # not assessed: outside the table
    table = report([service])["tables"]["time_to_assessment"]
    assert table["n"] == 8
    got = {c["within"]: (c["count"], c["percent"]) for c in table["cells"]}
    assert got == {
        "same_day": (2, 25.0),
        "7_days": (4, 50.0),
        "14_days": (6, 75.0),
        "28_days": (7, 87.5),
    }


def test_service_standards_count_working_days_less_the_nations_holidays(
    service, other_service, report
):
    # Scotland: 1 and 2 January 2024 are public holidays; England: only 1 January.
    # Referral Friday 29 December 2023. Working days after it in Scotland: 3 Jan (1),
    # 4 (2), 5 (3), 8 (4), 9 (5), 10 (6). In England: 2 Jan (1) ... 8 Jan (5), 9 Jan (6).
    ref = D(2023, 12, 29)
    make_episode(service, referral_date=ref, first_contact_date=D(2024, 1, 9))  # 5: met
    make_episode(service, referral_date=ref, first_contact_date=D(2024, 1, 10))  # 6: missed
    make_episode(other_service, referral_date=ref, first_contact_date=D(2024, 1, 9))  # 6: missed
    make_episode(other_service, referral_date=ref, first_contact_date=D(2024, 1, 8))  # 5: met
    r = report([service, other_service])
    c = cell(r, "service_standards", standard="first_contact_5_working_days")
    assert (c["met"], c["eligible"], c["percent"]) == (2, 4, 50.0)


def test_service_standards_eligibility_of_missing_dates(service, report):
    # Report date 3 June 2024 (conftest). Referral 3 June: nothing due yet; referral
    # 1 May: both standards overdue.
    make_episode(service, referral_date=D(2024, 6, 3))
    make_episode(service, referral_date=D(2024, 5, 1))
    # Assessed on the same day: met (0 working days).
    make_episode(
        service,
        referral_date=D(2024, 5, 1),
        first_contact_date=D(2024, 5, 1),
        assessment_date=D(2024, 5, 1),
    )
    # Discharged without assessment (never engaged): not eligible for the assessment one.
    make_episode(
        service,
        referral_date=D(2024, 5, 1),
        first_contact_date=D(2024, 5, 20),
        discharge_date=D(2024, 5, 30),
        engagement="did_not_engage",
        work_status_at_discharge="not_known",
    )
    r = report([service])
    contact = cell(r, "service_standards", standard="first_contact_5_working_days")
    assess = cell(r, "service_standards", standard="assessment_10_working_days")
    assert (contact["met"], contact["eligible"], contact["not_yet_due"]) == (1, 3, 1)
    assert (assess["met"], assess["eligible"], assess["not_yet_due"]) == (1, 2, 1)
    assert r["tables"]["service_standards"]["n"] == 4


def test_service_standards_are_judged_at_the_end_of_the_period(service, report):
    # A period ending Friday 31 May 2024, reported later: its report date is 31 May.
    # Referral Thursday 30 May, first contact Monday 3 June (2 working days): not yet
    # due on 31 May, and not met either, since the contact came after the report date.
    make_episode(service, referral_date=D(2024, 5, 30), first_contact_date=D(2024, 6, 3))
    # Referral Wednesday 1 May, first contact Friday 31 May (22 working days): missed.
    make_episode(service, referral_date=D(2024, 5, 1), first_contact_date=D(2024, 5, 31))
    r = report([service], date_to=D(2024, 5, 31), as_of=None)
    contact = cell(r, "service_standards", standard="first_contact_5_working_days")
    assert (contact["met"], contact["eligible"], contact["not_yet_due"]) == (0, 1, 1)
    # Judged today instead, the first is met.
    r = report([service], date_to=D(2024, 5, 31))
    contact = cell(r, "service_standards", standard="first_contact_5_working_days")
    assert (contact["met"], contact["eligible"], contact["not_yet_due"]) == (1, 2, 0)


def test_service_standards_give_the_national_ones_and_a_services_own_where_it_differs(
    service, other_service, report
):
    # Glasgow promises an assessment within 15 working days; Leeds keeps the national 10.
    service.assessment_standard_days = 15
    service.save()
    # Referral Monday 8 January 2024; 12 working days later (Scotland and England alike)
    # is Wednesday 24 January: late by the national standard, met by Glasgow's own.
    for owner in (service, other_service):
        make_episode(owner, referral_date=D(2024, 1, 8), assessment_date=D(2024, 1, 24))
    r = report([service, other_service])
    cells = r["tables"]["service_standards"]["cells"]
    assert [(c["standard"], c.get("service")) for c in cells] == [
        ("first_contact_5_working_days", None),
        ("assessment_10_working_days", None),
        ("assessment_15_working_days", "GGC-VR"),
    ]
    national = cell(r, "service_standards", standard="assessment_10_working_days")
    own = cell(r, "service_standards", standard="assessment_15_working_days")
    assert (national["met"], national["eligible"]) == (0, 2)
    assert (own["met"], own["eligible"], own["percent"]) == (1, 1, 100.0)


def test_engagement_counts_discharged_only(service, report):
    for engagement in ("engaged", "engaged", "did_not_engage", ""):
        make_episode(
            service,
            engagement=engagement,
            discharge_date=D(2024, 3, 1),
            work_status_at_discharge="at_work",
        )
    make_episode(service, engagement="engaged")  # open: not counted
    r = report([service])
    assert r["tables"]["engagement"]["n"] == 4
    assert cell(r, "engagement", engagement="engaged")["percent"] == 50.0
    assert cell(r, "engagement", engagement="withdrew")["count"] == 0
    assert cell(r, "engagement", engagement="not_recorded")["count"] == 1


def _contacts(episode, *modes):
    for mode in modes:
        Contact.objects.create(episode=episode, contact_date=episode.referral_date, mode=mode)


def test_contacts_by_tier_keeps_third_party_apart(service, report):
    done = {"discharge_date": D(2024, 4, 1), "work_status_at_discharge": "at_work"}
    a = make_episode(service, tier="2", **done)
    b = make_episode(service, tier="2", **done)
    c = make_episode(service, tier="3", **done)
    d = make_episode(service, tier="3", main_reason="third_party", **done)
    e = make_episode(service, tier="1", **done)
    open_ = make_episode(service, tier="3")
    _contacts(a, "phone", "phone")
    _contacts(b, "face_to_face")
    _contacts(c, "phone", "video", "home_visit", "face_to_face", "email")
    _contacts(d, "phone", "phone")
    _contacts(e, "letter")
    _contacts(open_, "phone")
    r = report([service])
    table = r["tables"]["contacts_by_tier"]
    assert table["n"] == 5
    # 11 contacts of discharged episodes: tier 2 has 3, tier 3 has 5, third party 2.
    assert cell(table, tier="2") == {
        "tier": "2",
        "clients": 2,
        "contacts": 3,
        "mean_per_client": 1.5,
        "percent_of_contacts": pytest.approx(300 / 11),
        "suppressed": False,
    }
    assert cell(table, tier="3")["clients"] == 1
    assert cell(table, tier="3")["contacts"] == 5
    assert cell(table, tier="third_party")["contacts"] == 2
    # Contact modes: every contact of the episodes, open ones included (12).
    modes = r["tables"]["contact_modes"]
    assert modes["n"] == 12
    assert cell(modes, mode="phone")["count"] == 6
    assert cell(modes, mode="phone")["percent"] == 50.0


def test_length_of_stay_cumulative_then_the_rest(service, report):
    ref = D(2024, 1, 1)
    for days in (10, 28, 29, 84, 100, 112, 113, 200):
        make_episode(
            service,
            referral_date=ref,
            discharge_date=ref + dt.timedelta(days=days),
            work_status_at_discharge="at_work",
        )
    make_episode(service, referral_date=ref)  # open
    table = report([service])["tables"]["length_of_stay"]
    got = {c["within"]: (c["count"], c["percent"]) for c in table["cells"]}
    assert got == {
        "4_weeks": (2, 25.0),
        "12_weeks": (4, 50.0),
        "16_weeks": (6, 75.0),
        "over_16_weeks": (2, 25.0),
    }


def test_onward_counts_rows_and_distinct_people(service, report):
    first = make_episode(service)
    again = make_episode(service, client=first.client, previous_episode=first)
    other = make_episode(service)
    for episode, kind, category in (
        (first, "referral", "welfare"),
        (again, "referral", "welfare"),
        (other, "referral", "welfare"),
        (other, "signpost", "employment"),
    ):
        OnwardReferral.objects.create(
            episode=episode, date=episode.referral_date, kind=kind, category=category
        )
    table = report([service])["tables"]["onward"]
    assert table["n"] == 4
    assert cell(table, kind="referral", category="welfare") == {
        "kind": "referral",
        "category": "welfare",
        "count": 3,
        "clients": 2,
        "suppressed": False,
    }
    assert cell(table, kind="signpost", category="employment")["clients"] == 1
    assert cell(table, kind="signpost", category="legal")["count"] == 0
