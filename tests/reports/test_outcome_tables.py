"""Work outcome tables over the outcome cohort (discharged, not third party)."""

import datetime as dt

import pytest

from .helpers import cell, make_episode

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def cohort(service):
    def discharged(entry, at_discharge, **fields):
        fields.setdefault("discharge_date", D(2024, 5, 1))
        if fields.get("work_status_at_followup"):
            # Collected six months on, inside the VRMDS window.
            fields.setdefault("followup_collected_on", D(2024, 11, 1))
        return make_episode(
            service,
            work_status_at_referral=entry,
            work_status_at_discharge=at_discharge,
            **fields,
        )

    discharged(
        "off_sick",
        "at_work",
        tier="3",
        condition="cancer",
        deprivation_index="simd2020",
        deprivation_rank=100,
        work_status_at_followup="at_work",
    )
    discharged(
        "off_sick",
        "off_sick",
        tier="3",
        condition="cancer",
        deprivation_index="simd2020",
        deprivation_rank=5000,
        work_status_at_followup="off_sick",
    )
    discharged("at_work", "at_work", tier="2", condition="ms", work_status_at_followup="unemployed")
    discharged("self_employed", "self_employed", tier="2", condition="cancer", deprivation_decile=1)
    discharged(
        "unemployed", "education", tier="", condition="ibd", work_status_at_followup="at_work"
    )
    discharged("off_sick", "retired", tier="3", condition="cancer", engagement="withdrew")
    # Outside the cohort: third party, and still open.
    discharged("at_work", "at_work", tier="3", main_reason="third_party")
    make_episode(service, work_status_at_referral="off_sick", tier="3")
    return service


def test_work_status_at_entry_and_discharge(cohort, report):
    table = report([cohort])["tables"]["work_status"]
    assert table["n"] == 6
    assert cell(table, timepoint="entry", work_status="off_sick")["count"] == 3
    assert cell(table, timepoint="entry", work_status="off_sick")["percent"] == 50.0
    assert cell(table, timepoint="discharge", work_status="at_work")["count"] == 2
    assert cell(table, timepoint="discharge", work_status="deceased")["count"] == 0
    for tp in ("entry", "discharge"):
        total = sum(c["count"] for c in table["cells"] if c["timepoint"] == tp)
        assert total == 6


def test_transitions_group_the_entry_status(cohort, report):
    table = report([cohort])["tables"]["work_status_transitions"]
    assert cell(table, entry_group="off_sick", discharge_status="at_work")["count"] == 1
    assert cell(table, entry_group="off_sick", discharge_status="off_sick")["count"] == 1
    assert cell(table, entry_group="off_sick", discharge_status="retired")["count"] == 1
    assert cell(table, entry_group="in_work", discharge_status="at_work")["count"] == 1
    assert cell(table, entry_group="in_work", discharge_status="self_employed")["count"] == 1
    assert cell(table, entry_group="not_in_work", discharge_status="education")["count"] == 1
    assert sum(c["count"] for c in table["cells"]) == 6


def test_work_status_by_tier(cohort, report):
    table = report([cohort])["tables"]["work_status_by_tier"]
    c = cell(table, tier="3", timepoint="discharge", work_status="at_work")
    assert (c["count"], c["percent"]) == (1, pytest.approx(100 / 3))
    assert cell(table, tier="2", timepoint="entry", work_status="at_work")["percent"] == 50.0
    assert (
        cell(table, tier="not_allocated", timepoint="discharge", work_status="education")["count"]
        == 1
    )


def test_work_status_by_deprivation_needs_the_rank(cohort, report):
    table = report([cohort])["tables"]["work_status_by_deprivation"]
    assert table["n"] == 2  # the decile-only episode is left out
    assert (
        cell(table, most_deprived_15pct="yes", timepoint="discharge", work_status="at_work")[
            "percent"
        ]
        == 100.0
    )
    assert (
        cell(table, most_deprived_15pct="no", timepoint="entry", work_status="off_sick")["count"]
        == 1
    )


def test_work_status_by_condition(cohort, report):
    table = report([cohort])["tables"]["work_status_by_condition"]
    assert cell(table, condition="cancer", work_status="at_work")["percent"] == 25.0
    assert cell(table, condition="ms", work_status="at_work")["count"] == 1
    assert cell(table, condition="ibd", work_status="education")["percent"] == 100.0


def test_followup_sustained_work(cohort, report):
    table = report([cohort])["tables"]["followup"]
    # Respondents: 4 (third party excluded). In work at discharge: the first and the
    # ms episode (2); still in work: the first only; in work at follow-up: first and ibd.
    assert table["n"] == 4
    assert table["cells"][0] == {
        "respondents": 4,
        "in_work_at_discharge": 2,
        "still_in_work": 1,
        "percent_sustained": 50.0,
        "percent_in_work_at_discharge": 50.0,
        "percent_in_work_at_followup": 50.0,
        "out_of_window": 0,
        "suppressed": False,
    }


def test_discharge_without_status_is_not_recorded(service, report):
    make_episode(service, discharge_date=D(2024, 5, 1), work_status_at_discharge="")
    table = report([service])["tables"]["work_status"]
    assert cell(table, timepoint="discharge", work_status="not_recorded")["count"] == 1
