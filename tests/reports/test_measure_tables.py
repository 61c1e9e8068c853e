"""Questionnaire tables: paired EQ-5D, EQ VAS, the EQ-5D index in SQL, HADS bands with
proration, COPM, work confidence, health service use and satisfaction."""

import datetime as dt

import pytest

from vocrehab.measures.valuesets import eq5d_index
from vocrehab.reports.evaluation import ReportError

from .helpers import cell, give_measure, make_episode

pytestmark = pytest.mark.django_db
DIMS = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")


def profile(digits, vas=None, drop=()):
    values = {d: int(x) for d, x in zip(DIMS, digits, strict=True) if d not in drop}
    if vas is not None:
        values["vas"] = vas
    return values


@pytest.fixture
def eq5d(service):
    a = make_episode(service)
    give_measure(a, "eq5d5l", "entry", profile("11111", 50))
    give_measure(a, "eq5d5l", "discharge", profile("21111", 70))
    b = make_episode(service)
    give_measure(b, "eq5d5l", "entry", profile("12345", 30))
    give_measure(b, "eq5d5l", "discharge", profile("11111", 60))
    c = make_episode(service)  # entry only: never paired
    give_measure(c, "eq5d5l", "entry", profile("11111", 40))
    give_measure(c, "eq5d5l", "discharge", profile("55555", 10), status="invited")
    d = make_episode(service)  # anxiety/depression missing at discharge
    give_measure(d, "eq5d5l", "entry", profile("11111"))
    give_measure(d, "eq5d5l", "discharge", profile("11111", drop=("anxiety_depression",)))
    return service


def test_eq5d_no_problems_pairs_each_dimension(eq5d, report):
    table = report([eq5d])["tables"]["eq5d_no_problems"]
    mobility_entry = cell(table, dimension="mobility", timepoint="entry")
    assert (mobility_entry["count"], mobility_entry["n"]) == (3, 3)
    assert cell(table, dimension="mobility", timepoint="discharge")["count"] == 2
    anx = cell(table, dimension="anxiety_depression", timepoint="entry")
    assert (anx["count"], anx["n"]) == (1, 2)
    assert cell(table, dimension="anxiety_depression", timepoint="discharge")["count"] == 2


def test_eq_vas_paired_mean(eq5d, report):
    table = report([eq5d])["tables"]["eq_vas"]
    assert cell(table, timepoint="entry") == {
        "timepoint": "entry",
        "mean": 40.0,
        "n": 2,
        "suppressed": False,
    }
    assert cell(table, timepoint="discharge")["mean"] == 65.0


def test_eq5d_index_in_sql_matches_the_measures_engine(eq5d, report):
    table = report([eq5d])["tables"]["eq5d_index"]
    assert table["value_set"] == "england-5l-2018"
    assert table["n"] == 2
    # England 5L: 12345 = 1 - 0.050 - 0.063 - 0.276 - 0.289 = 0.322; 21111 = 0.942.
    assert eq5d_index("12345", "england-5l-2018") == 0.322
    assert cell(table, timepoint="entry")["mean"] == pytest.approx((1 + 0.322) / 2)
    assert cell(table, timepoint="discharge")["mean"] == pytest.approx((0.942 + 1) / 2)
    other = report([eq5d], value_set="uk-5l-2026")["tables"]["eq5d_index"]
    expected = (eq5d_index("12345", "uk-5l-2026") + 1) / 2
    assert other["value_set"] == "uk-5l-2026"
    assert cell(other, timepoint="entry")["mean"] == pytest.approx(expected)


def test_eq5d_3l_uses_its_value_set_with_constant_and_n3(service, report):
    e = make_episode(service)
    give_measure(e, "eq5d3l", "entry", profile("33333"))
    give_measure(e, "eq5d3l", "discharge", profile("11211"))
    table = report([service])["tables"]["eq5d_index"]
    # Only 3L responses: the UK 1997 set by default. 33333 = -0.594, 11211 = 0.883.
    assert table["value_set"] == "uk-3l-1997"
    assert cell(table, timepoint="entry")["mean"] == pytest.approx(-0.594)
    assert cell(table, timepoint="discharge")["mean"] == pytest.approx(0.883)


def test_an_unusable_value_set_is_refused(service, report):
    with pytest.raises(ReportError, match="lookup table"):
        report([service], value_set="dsu-5l-to-3l")
    with pytest.raises(ReportError, match="unknown EQ-5D value set"):
        report([service], value_set="nope")


def items(prefix, values):
    return {f"{prefix}{i}": v for i, v in enumerate(values, start=1) if v is not None}


def test_hads_bands_with_proration_and_totals(service, report):
    p = make_episode(service)
    give_measure(p, "hads", "entry", {**items("a", [3, 3, 2, 2, 1, 1, 0]), "depression": 9})
    # Six anxiety items summing to 7: prorated to floor(7 × 7/6 + 0.5) = 8, mild.
    give_measure(p, "hads", "discharge", {**items("a", [1, 1, 1, 1, 1, 2]), "depression": 15})
    q = make_episode(service)
    give_measure(q, "hads", "entry", {**items("a", [1] * 7), "depression": 11})
    # Two anxiety items missing and no total: not scored, so anxiety is not paired.
    give_measure(q, "hads", "discharge", {**items("a", [1] * 5), "depression": 14})
    table = report([service])["tables"]["hads_bands"]
    assert table["n"] == 2
    counts = {(c["subscale"], c["timepoint"], c["band"]): c["count"] for c in table["cells"]}
    assert {k: v for k, v in counts.items() if v} == {
        ("anxiety", "entry", "moderate"): 1,
        ("anxiety", "discharge", "mild"): 1,
        ("depression", "entry", "mild"): 1,
        ("depression", "entry", "moderate"): 1,
        ("depression", "discharge", "severe"): 1,
        ("depression", "discharge", "moderate"): 1,
    }
    assert len(counts) == 16


def test_hads_six_items_summing_to_six_prorate_to_normal(service, report):
    e = make_episode(service)
    give_measure(e, "hads", "entry", items("a", [1, 1, 1, 1, 1, 1]))  # 7.5 rounds to... 7
    give_measure(e, "hads", "discharge", items("a", [2, 1, 1, 1, 1, 1, 1]))  # 8
    counts = {
        (c["timepoint"], c["band"]): c["count"]
        for c in report([service])["tables"]["hads_bands"]["cells"]
        if c["subscale"] == "anxiety" and c["count"]
    }
    # floor(6 × 7/6 + 0.5) = floor(7.5) = 7: normal; the discharge sum 8 is mild.
    assert counts == {("entry", "normal"): 1, ("discharge", "mild"): 1}


def problems(score, values):
    return {f"p{i}_{score}": v for i, v in enumerate(values, start=1)}


def test_copm_means_and_clinically_important_change(service, report):
    r = make_episode(service)
    give_measure(r, "copm", "entry", {**problems("performance", [3, 4]), "satisfaction": 4})
    give_measure(r, "copm", "discharge", {**problems("performance", [6, 5]), "satisfaction": 5})
    s = make_episode(service)
    give_measure(s, "copm", "entry", {"performance": 5.0, "satisfaction": 2})
    give_measure(s, "copm", "discharge", {"performance": 6.9, "satisfaction": 8})
    u = make_episode(service)
    # 2.333 rounds to 2.3 and 4.25 to 4.3 (half up): a change of exactly 2.0.
    give_measure(u, "copm", "entry", problems("performance", [2, 2, 3]))
    give_measure(u, "copm", "discharge", problems("performance", [4, 4, 4, 5]))
    table = report([service])["tables"]["copm"]
    entry = cell(table, score="performance", timepoint="entry")
    discharge = cell(table, score="performance", timepoint="discharge")
    assert entry["n"] == 3
    assert entry["mean"] == pytest.approx((3.5 + 5.0 + 2.3) / 3)
    assert entry["improved_2_or_more"] is None
    assert discharge["mean"] == pytest.approx((5.5 + 6.9 + 4.3) / 3)
    assert discharge["improved_2_or_more"] == 2
    sat = cell(table, score="satisfaction", timepoint="discharge")
    assert (sat["mean"], sat["n"], sat["improved_2_or_more"]) == (6.5, 2, 1)


def test_work_confidence_and_health_use_pair_each_item(service, report):
    v = make_episode(service)
    give_measure(
        v, "work_confidence", "entry", {"working": 3, "managing_condition": 4, "work_impact": 5}
    )
    give_measure(v, "work_confidence", "discharge", {"working": 7, "managing_condition": 6})
    w = make_episode(service)
    give_measure(w, "work_confidence", "entry", {"working": 5})
    give_measure(w, "work_confidence", "discharge", {"working": 9})
    give_measure(
        v, "health_use", "entry", {"gp_visits": 2, "outpatient_visits": 1, "hospital_stays": 0}
    )
    give_measure(
        v, "health_use", "discharge", {"gp_visits": 1, "outpatient_visits": 0, "hospital_stays": 0}
    )
    give_measure(w, "health_use", "entry", {"gp_visits": 4})  # unpaired
    r = report([service])
    wc = r["tables"]["work_confidence"]
    assert cell(wc, item="working", timepoint="entry")["mean"] == 4.0
    assert cell(wc, item="working", timepoint="discharge")["mean"] == 8.0
    assert cell(wc, item="managing_condition", timepoint="discharge")["n"] == 1
    assert cell(wc, item="work_impact", timepoint="entry") == {
        "item": "work_impact",
        "timepoint": "entry",
        "mean": None,
        "n": 0,
        "suppressed": False,
    }
    hu = r["tables"]["health_use"]
    assert cell(hu, item="gp_visits", timepoint="entry")["total"] == 2
    assert cell(hu, item="gp_visits", timepoint="discharge")["total"] == 1
    assert cell(hu, item="gp_visits", timepoint="entry")["n"] == 1


def test_satisfaction_of_discharged_clients(service, report):
    done = {"discharge_date": dt.date(2024, 5, 1), "work_status_at_discharge": "at_work"}
    x = make_episode(service, **done)
    give_measure(x, "satisfaction", "discharge", {"overall": 4, "recommend": 1})
    y = make_episode(service, **done)
    give_measure(y, "satisfaction", "discharge", {"overall": 3, "recommend": 1, "use_again": 0})
    z = make_episode(service)  # still open
    give_measure(z, "satisfaction", "discharge", {"overall": 1})
    table = report([service])["tables"]["satisfaction"]
    assert table["n"] == 2
    assert cell(table, question="overall", answer="4")["percent"] == 50.0
    assert cell(table, question="overall", answer="1")["count"] == 0
    assert cell(table, question="recommend", answer="1")["percent"] == 100.0
    assert cell(table, question="use_again", answer="0")["count"] == 1
    assert cell(table, question="positive_impact", answer="5")["percent"] is None
