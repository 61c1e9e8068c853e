"""Summary and referral profile tables on small hand-built data, answers worked by hand."""

import datetime as dt

import pytest

from vocrehab.reports.tables import TABLES

from .helpers import cell, make_episode

pytestmark = pytest.mark.django_db
D = dt.date


def test_no_data_gives_every_table_with_zero_population_and_no_percentages(service, report):
    r = report([service])
    assert list(r["tables"]) == list(TABLES)
    assert r["report"] == "evaluation" and r["vrmds_version"] == "1.1"
    assert r["filters"] == {"services": ["GGC-VR"], "from": None, "to": None}
    for table_id, table in r["tables"].items():
        assert table["n"] == 0, table_id
        for c in table["cells"]:
            assert c["suppressed"] is False
            assert c.get("percent") is None, table_id
            assert c.get("mean") is None, table_id
    assert cell(r, "summary", metric="referred")["count"] == 0
    assert r["tables"]["age"]["cells"] == [
        {"mean": None, "median": None, "min": None, "max": None, "suppressed": False}
    ]


def test_summary_counts_open_discharged_and_re_referrals(service, report):
    first = make_episode(service, discharge_date=D(2024, 3, 1), work_status_at_discharge="at_work")
    make_episode(service, client=first.client, previous_episode=first, referral_date=D(2024, 4, 1))
    make_episode(service, discharge_date=D(2024, 2, 1), work_status_at_discharge="off_sick")
    r = report([service])
    summary = {c["metric"]: c["count"] for c in r["tables"]["summary"]["cells"]}
    assert summary == {"referred": 3, "discharged": 2, "open": 1, "re_referrals": 1}
    assert r["tables"]["summary"]["n"] == 3


def test_period_and_service_filters(service, other_service, report):
    make_episode(service, referral_date=D(2023, 12, 31))
    make_episode(service, referral_date=D(2024, 1, 1))
    make_episode(service, referral_date=D(2024, 6, 30))
    make_episode(service, referral_date=D(2024, 7, 1))
    make_episode(other_service, referral_date=D(2024, 3, 1))
    r = report([service], D(2024, 1, 1), D(2024, 6, 30))
    assert r["tables"]["summary"]["n"] == 2  # both ends inclusive
    assert r["filters"] == {"services": ["GGC-VR"], "from": "2024-01-01", "to": "2024-06-30"}
    both = report([service, other_service], D(2024, 1, 1), D(2024, 6, 30))
    assert both["tables"]["summary"]["n"] == 3


def test_referral_sources_sex_ethnicity_occupation_with_missing_values(service, report):
    make_episode(service, referral_source="self", sex="female", ethnicity="A", occupation="2")
    make_episode(service, referral_source="self", sex="male", ethnicity="", occupation="")
    make_episode(service, referral_source="macmillan", sex="", ethnicity="A", occupation="2")
    make_episode(
        service, referral_source="acute_nhs", sex="female", ethnicity="Z", occupation="retired"
    )
    r = report([service])
    assert cell(r, "referral_sources", referral_source="self") == {
        "referral_source": "self",
        "count": 2,
        "percent": 50.0,
        "suppressed": False,
    }
    assert cell(r, "referral_sources", referral_source="employer")["count"] == 0
    assert cell(r, "referral_sources", referral_source="employer")["percent"] == 0.0
    assert cell(r, "sex", sex="female")["percent"] == 50.0
    assert cell(r, "sex", sex="not_recorded")["count"] == 1
    assert cell(r, "ethnicity", ethnicity="A")["count"] == 2
    assert cell(r, "ethnicity", ethnicity="not_recorded")["percent"] == 25.0
    assert cell(r, "occupations", occupation="2")["count"] == 2
    assert cell(r, "occupations", occupation="retired")["count"] == 1
    assert cell(r, "occupations", occupation="not_recorded")["count"] == 1
    # Percentages of each table add up to 100 with the not_recorded cell.
    for table_id in ("referral_sources", "sex", "ethnicity", "occupations"):
        assert sum(c["percent"] for c in r["tables"][table_id]["cells"]) == pytest.approx(100)


def test_conditions_total_then_details(service, report):
    make_episode(service, condition="cancer", condition_detail="C50")
    make_episode(service, condition="cancer", condition_detail="C50")
    make_episode(service, condition="cancer", condition_detail="C18")
    make_episode(service, condition="cancer", condition_detail="")
    make_episode(service, condition="ms")
    r = report([service])
    cancer = [c for c in r["tables"]["conditions"]["cells"] if c["condition"] == "cancer"]
    assert [(c["condition_detail"], c["count"]) for c in cancer] == [
        ("", 4),
        ("C50", 2),
        ("C18", 1),
    ]
    assert cancer[0]["percent"] == 80.0
    assert cell(r, "conditions", condition="ms", condition_detail="")["percent"] == 20.0
    assert cell(r, "conditions", condition="copd", condition_detail="")["count"] == 0


@pytest.mark.parametrize(
    "ages,expected",
    [
        ([52], {"mean": 52.0, "median": 52.0, "min": 52, "max": 52}),
        ([38, 52, 61], {"mean": 50.333333333, "median": 52.0, "min": 38, "max": 61}),
        ([61, 38, 53, 52], {"mean": 51.0, "median": 52.5, "min": 38, "max": 61}),
    ],
)
def test_age_mean_median_min_max(service, report, ages, expected):
    for age in ages:
        make_episode(service, age_at_referral=age)
    make_episode(service, age_at_referral=None)  # left out: no age
    r = report([service])
    assert r["tables"]["age"]["n"] == len(ages)
    got = r["tables"]["age"]["cells"][0]
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key


def test_deprivation_splits_and_quintiles(service, report):
    # SIMD 2020 has 6,976 zones: most deprived 15% is rank <= 1046.
    make_episode(service, deprivation_index="simd2020", deprivation_rank=1046)  # yes, decile 2
    make_episode(service, deprivation_index="simd2020", deprivation_rank=1047)  # no, decile 2
    make_episode(service, deprivation_index="simd2020", deprivation_rank=6976)  # no, decile 10
    make_episode(service, deprivation_decile=5)  # decile only: quintile 3, not in 15% split
    make_episode(service)  # nothing: outside the table
    r = report([service])
    table = r["tables"]["deprivation"]
    assert table["n"] == 4
    assert cell(table, most_deprived_15pct="yes")["count"] == 1
    assert cell(table, most_deprived_15pct="no")["count"] == 2
    assert cell(table, most_deprived_15pct="no")["percent"] == pytest.approx(200 / 3)
    assert cell(table, deprivation_quintile=1)["count"] == 2  # deciles 2 and 2
    assert cell(table, deprivation_quintile=3)["count"] == 1
    assert cell(table, deprivation_quintile=5)["count"] == 1
    assert cell(table, deprivation_quintile=1)["percent"] == 50.0


def test_diagnosis_to_referral_intervals_by_condition(service, report):
    ref = D(2024, 1, 1)
    for days in (0, 182, 183, 364, 365, 729, 730, 1825, 1826):
        make_episode(service, referral_date=ref, diagnosis_date=ref - dt.timedelta(days=days))
    make_episode(service, diagnosis_date=None)
    make_episode(service, condition="ms", referral_date=ref, diagnosis_date=D(2010, 1, 1))
    r = report([service])
    got = {
        c["interval"]: c["count"]
        for c in r["tables"]["diagnosis_to_referral"]["cells"]
        if c["condition"] == "cancer"
    }
    assert got == {"lt_6m": 2, "6_12m": 2, "1_2y": 2, "2_5y": 2, "gt_5y": 1, "not_known": 1}
    assert cell(r, "diagnosis_to_referral", condition="cancer", interval="lt_6m")["percent"] == 20.0
    assert cell(r, "diagnosis_to_referral", condition="ms", interval="gt_5y")["percent"] == 100.0


def test_reasons_by_tier(service, report):
    make_episode(service, tier="2", main_reason="stay_in_work")
    make_episode(service, tier="2", main_reason="return_from_sickness")
    make_episode(service, tier="3", main_reason="return_from_sickness")
    make_episode(service, tier="1", main_reason="find_work")
    make_episode(service, main_reason="third_party")  # never allocated
    # Stepped down from 3 to 2: the highest tier reached counts.
    make_episode(service, tier="2", highest_tier="3", main_reason="stay_in_work")
    r = report([service])
    t = "reasons_by_tier"
    assert cell(r, t, tier="2", main_reason="stay_in_work")["percent"] == 50.0
    assert cell(r, t, tier="3", main_reason="return_from_sickness")["count"] == 1
    assert cell(r, t, tier="3", main_reason="stay_in_work")["count"] == 1
    assert cell(r, t, tier="all", main_reason="find_work")["count"] == 1
    assert cell(r, t, tier="all", main_reason="third_party")["percent"] == pytest.approx(100 / 6)
    assert r["tables"][t]["n"] == 6
