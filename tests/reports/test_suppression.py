"""Small-number suppression: primary, secondary, cumulative tables, statistics, n."""

import datetime as dt

import pytest

from vocrehab.reports.suppression import suppress, threshold

from .helpers import cell, make_episode


def _table(cells, n):
    return {"title": "t", "n": n, "cells": [{**c, "suppressed": False} for c in cells]}


def _report(**tables):
    return {"report": "evaluation", "vrmds_version": "1.1", "filters": {}, "tables": tables}


def test_threshold_defaults_to_five_and_is_configurable(settings):
    assert threshold() == 5
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 10
    assert threshold() == 10


def test_counts_from_one_to_four_are_hidden_with_their_percentages():
    counts = {"acute_nhs": 3, "self": 10, "macmillan": 0, "voluntary": 7}
    cells = [{"referral_source": k, "count": v, "percent": v * 5.0} for k, v in counts.items()]
    original = _report(referral_sources=_table(cells, 20))
    result = suppress(original)
    got = {c["referral_source"]: c for c in result["tables"]["referral_sources"]["cells"]}
    assert got["acute_nhs"] == {
        "referral_source": "acute_nhs",
        "count": None,
        "percent": None,
        "suppressed": True,
    }
    assert got["macmillan"]["count"] == 0 and not got["macmillan"]["suppressed"]
    # Secondary: with one hidden cell, the next smallest non-zero one (7) is hidden too,
    # so 20 - 10 - 0 cannot give back the 3.
    assert got["voluntary"]["suppressed"] and got["voluntary"]["count"] is None
    assert got["self"]["count"] == 10
    # The original report is left as it was.
    assert original["tables"]["referral_sources"]["cells"][0]["count"] == 3


def test_two_hidden_cells_need_no_secondary_suppression():
    cells = [
        {"sex": "female", "count": 2, "percent": 1.0},
        {"sex": "male", "count": 3, "percent": 1.0},
        {"sex": "other", "count": 9, "percent": 1.0},
    ]
    got = suppress(_report(sex=_table(cells, 14)))["tables"]["sex"]["cells"]
    assert [c["suppressed"] for c in got] == [True, True, False]


def test_secondary_suppression_works_within_each_group():
    cells = [
        {"tier": "2", "main_reason": "stay_in_work", "count": 2, "percent": 20.0},
        {"tier": "2", "main_reason": "find_work", "count": 8, "percent": 80.0},
        {"tier": "3", "main_reason": "stay_in_work", "count": 6, "percent": 50.0},
        {"tier": "3", "main_reason": "find_work", "count": 6, "percent": 50.0},
    ]
    got = suppress(_report(reasons_by_tier=_table(cells, 22)))["tables"]["reasons_by_tier"]
    assert [c["suppressed"] for c in got["cells"]] == [True, True, False, False]


def test_a_small_population_is_hidden_too():
    cells = [{"engagement": "engaged", "count": 3, "percent": 100.0}]
    got = suppress(_report(engagement=_table(cells, 3)))["tables"]["engagement"]
    assert got["n"] is None and got["cells"][0]["suppressed"]


def test_statistics_of_fewer_than_five_people_are_hidden():
    age = _table([{"mean": 40.0, "median": 40.0, "min": 30, "max": 50}], 4)
    vas = _table(
        [
            {"timepoint": "entry", "mean": 50.0, "n": 4},
            {"timepoint": "discharge", "mean": 60.0, "n": 4},
        ],
        4,
    )
    result = suppress(_report(age=age, eq_vas=vas))["tables"]
    assert result["age"]["cells"][0] == {
        "mean": None,
        "median": None,
        "min": None,
        "max": None,
        "suppressed": True,
    }
    assert all(c["suppressed"] and c["mean"] is None for c in result["eq_vas"]["cells"])


def test_cumulative_cells_cannot_be_differenced():
    # Same day 6, within 7 days 8 (+2), within 14 days 12 (+4), within 28 days 20 (+8),
    # n = 22. The +2 hides "7_days"; then 12 - 6 = 6 is safe; 20 - 12 = 8 safe; the
    # remainder 22 - 20 = 2 is small, so "28_days" is hidden as well.
    cells = [
        {"within": w, "count": c, "percent": None}
        for w, c in (("same_day", 6), ("7_days", 8), ("14_days", 12), ("28_days", 20))
    ]
    got = suppress(_report(time_to_assessment=_table(cells, 22)))
    shown = {c["within"]: c["count"] for c in got["tables"]["time_to_assessment"]["cells"]}
    assert shown == {"same_day": 6, "7_days": None, "14_days": 12, "28_days": None}


def test_length_of_stay_remainder_row():
    cells = [
        {"within": w, "count": c, "percent": None}
        for w, c in (("4_weeks", 5), ("12_weeks", 10), ("16_weeks", 17), ("over_16_weeks", 3))
    ]
    got = suppress(_report(length_of_stay=_table(cells, 20)))
    shown = {c["within"]: c["count"] for c in got["tables"]["length_of_stay"]["cells"]}
    assert shown == {"4_weeks": 5, "12_weeks": 10, "16_weeks": None, "over_16_weeks": None}


def test_summary_open_and_discharged_protect_each_other():
    cells = [
        {"metric": m, "count": c}
        for m, c in (("referred", 30), ("discharged", 27), ("open", 3), ("re_referrals", 8))
    ]
    got = suppress(_report(summary=_table(cells, 30)))["tables"]["summary"]["cells"]
    assert [c["count"] for c in got] == [30, None, None, 8]


@pytest.mark.django_db
def test_suppression_of_a_real_report(service, report):
    for _ in range(6):
        make_episode(service, referral_source="acute_nhs", sex="female")
    make_episode(
        service,
        referral_source="self",
        sex="male",
        discharge_date=dt.date(2024, 3, 1),
        work_status_at_discharge="at_work",
    )
    r = suppress(report([service]))
    assert cell(r, "referral_sources", referral_source="self")["suppressed"]
    assert cell(r, "referral_sources", referral_source="acute_nhs")["suppressed"]
    assert cell(r, "sex", sex="male")["count"] is None
    assert r["tables"]["summary"]["n"] == 7
    assert cell(r, "summary", metric="discharged")["count"] is None
    assert r["tables"]["engagement"]["n"] is None
    # The shape stays the VRMDS shape.
    assert set(r) == {"report", "vrmds_version", "filters", "tables"}


def test_a_hidden_standard_does_not_hide_another_standard():
    # Each standard is counted over its own population; none adds up to another.
    cells = [
        {"standard": "first_contact", "service": "", "met": 102, "eligible": 102,
         "percent": 100.0, "not_yet_due": 0},
        {"standard": "assessment", "service": "", "met": 90, "eligible": 100,
         "percent": 90.0, "not_yet_due": 2},
    ]  # fmt: skip
    got = suppress(_report(service_standards=_table(cells, 102)))
    first, assessment = got["tables"]["service_standards"]["cells"]
    assert assessment["suppressed"] and assessment["not_yet_due"] is None
    assert not first["suppressed"] and first["met"] == 102
