"""The report agrees, cell for cell, with the DuckDB reference over its VRMDS export.

``benchmarks/reference_duckdb.py`` computes the standard report's tables in DuckDB SQL
from the exported CSV files, written from ``dataset/VRMDS.md`` rather than from the
report's queries. Two datasets go in through the VRMDS importer and come back out
through the exporter: a synthetic one over three services, and a small one made to
reach the rules' edges (prorated questionnaires, follow-ups either side of the window,
3L-only EQ-5D, deprivation from a rank or a decile, a service with its own standards).
"""

import csv
import datetime as dt
import json
import random

import pytest
from benchmarks import reference_duckdb

from vocrehab.accounts.models import Service
from vocrehab.codes import Nation
from vocrehab.interchange.exporter import export_dataset
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.synth import service_catalogue, write_synthetic_dataset
from vocrehab.reports.casework_tables import LOCAL_TABLES
from vocrehab.reports.evaluation import build_evaluation
from vocrehab.reports.exports import to_json
from vocrehab.reports.tables import TABLES

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 3, 3)
# Within the edge dataset's referrals: some standards not yet due, some done after it.
EDGE_AS_OF = dt.date(2024, 1, 8)

# Every VRMDS table of the report, which the reference must compute: a table dropped
# from the reference (or added to the report without it) fails here. The report's local
# casework tables are outside VRMDS, so not in an export.
EXPECTED_TABLES = set(TABLES) - set(LOCAL_TABLES)


def _report_and_reference(services, folder, as_of=AS_OF, *, export=True):
    codes = [s.code for s in services]
    if export:
        export_dataset(folder, services=codes)
    report = json.loads(to_json(build_evaluation(services, as_of=as_of)))
    settings, schedules = reference_duckdb.services_from_database(services)
    reference = reference_duckdb.reference_report(
        folder, services=codes, as_of=as_of, service_settings=settings, schedules=schedules
    )
    return report, reference


def _import(folder):
    summary = import_dataset(folder, create_services=True, today=dt.date(2026, 1, 1))
    assert not summary.errors, summary.errors[:30]


def _assert_agree(report, reference):
    compared, missing, cells = reference_duckdb.coverage(report, reference)
    assert set(compared) == EXPECTED_TABLES
    assert set(missing) == set(LOCAL_TABLES)
    differences = [
        d
        for d in reference_duckdb.compare(report, reference)
        if not d.endswith(reference_duckdb.NOT_COVERED)
    ]
    assert differences == []
    return cells


def test_a_synthetic_dataset_over_three_services_agrees(organisation, tmp_path):
    write_synthetic_dataset(tmp_path / "synth", episodes=300, seed=3, services=3)
    _import(tmp_path / "synth")
    codes = [s.code for s in service_catalogue(3)]
    services = list(Service.objects.filter(code__in=codes).order_by("code"))
    report, reference = _report_and_reference(services, tmp_path / "exported")
    assert report["tables"]["summary"]["n"] == 300
    assert report["tables"]["hads_bands"]["n"] > 0
    assert _assert_agree(report, reference) > 400

    # Two of the three services, read from the same export of all three.
    two = services[:2]
    report, reference = _report_and_reference(two, tmp_path / "exported", export=False)
    assert 0 < report["tables"]["summary"]["n"] < 300
    _assert_agree(report, reference)


def test_a_dataset_at_the_rules_edges_agrees(organisation, tmp_path):
    Service.objects.create(
        organisation=organisation, code="EDGE-S", name="Edge S", nation=Nation.SCOTLAND
    )
    Service.objects.create(
        organisation=organisation,
        code="EDGE-E",
        name="Edge E",
        nation=Nation.ENGLAND,
        first_contact_standard_days=3,
        assessment_standard_days=15,
    )
    write_edge_dataset(tmp_path / "edge")
    _import(tmp_path / "edge")
    services = list(Service.objects.filter(code__startswith="EDGE-").order_by("code"))
    report, reference = _report_and_reference(services, tmp_path / "exported", EDGE_AS_OF)
    # The edges are reached: prorated and 3L questionnaires, both sides of the window.
    tables = report["tables"]
    assert tables["followup"]["cells"][0]["out_of_window"] > 0
    assert tables["phq9_bands"]["n"] > 0 and tables["who5"]["n"] > 0
    assert any(c.get("service") == "EDGE-E" for c in tables["service_standards"]["cells"])
    _assert_agree(report, reference)


def test_the_comparison_finds_a_changed_cell(organisation, tmp_path):
    """The comparison can fail: one count changed, one cell dropped, one table missing."""
    write_edge_dataset(tmp_path / "edge", size=20)
    Service.objects.create(
        organisation=organisation, code="EDGE-S", name="Edge S", nation=Nation.SCOTLAND
    )
    Service.objects.create(
        organisation=organisation, code="EDGE-E", name="Edge E", nation=Nation.ENGLAND
    )
    _import(tmp_path / "edge")
    services = list(Service.objects.filter(code__startswith="EDGE-").order_by("code"))
    report, reference = _report_and_reference(services, tmp_path / "exported")
    reference["tables"]["sex"]["cells"][0]["count"] += 1
    reference["tables"]["onward"]["cells"].pop()
    del reference["tables"]["who5"]
    found = reference_duckdb.compare(report, reference)
    assert any(d.startswith("sex [sex=female] count:") for d in found)
    assert any(d.startswith("onward [") and d.endswith("only in the report") for d in found)
    assert f"who5: {reference_duckdb.NOT_COVERED}" in found


# --- a dataset at the edges of the rules --------------------------------------------------

STATUSES = ["at_work", "self_employed", "off_sick", "unemployed", "retired", "not_known"]
COLUMNS = {
    "episodes": [
        "episode_id",
        "client_id",
        "service_code",
        "referral_date",
        "referral_source",
        "first_contact_date",
        "assessment_date",
        "sex",
        "age_at_referral",
        "ethnicity",
        "deprivation_index",
        "deprivation_rank",
        "deprivation_decile",
        "condition",
        "condition_detail",
        "diagnosis_date",
        "occupation",
        "work_status_at_referral",
        "main_reason",
        "tier",
        "engagement",
        "discharge_date",
        "work_status_at_discharge",
        "followup_date",
        "work_status_at_followup",
        "previous_episode_id",
    ],
    "contacts": ["episode_id", "contact_date", "mode", "with", "minutes", "interventions"],
    "onward": ["episode_id", "date", "kind", "category", "service_name", "service_ref"],
    "measures": ["episode_id", "timepoint", "date", "instrument", "item", "value"],
}


def _items(rng, episode, timepoint, day, instrument, items, low, high, drop):
    """Rows of one questionnaire with ``drop`` of its items left out at random."""
    kept = rng.sample(items, len(items) - drop) if drop else list(items)
    return [
        [episode, timepoint, day.isoformat(), instrument, item, str(rng.randint(low, high))]
        for item in items
        if item in kept
    ]


def write_edge_dataset(folder, seed=5, size=120):
    """A VRMDS folder of ``size`` episodes over EDGE-S and EDGE-E (no real people)."""
    rng = random.Random(seed)
    rows = {name: [] for name in COLUMNS}
    clients = {}
    for i in range(1, size + 1):
        service = "EDGE-S" if i % 2 else "EDGE-E"
        episode = f"{service}-{i}"
        # Around Christmas and Easter, and weekends, where working days matter.
        referral = dt.date(2023, 1, 2) + dt.timedelta(days=3 * i + rng.randrange(3))
        first = referral + dt.timedelta(days=rng.choice([0, 1, 2, 3, 5, 6, 9, 12]))
        assessed = rng.random() < 0.8
        assessment = first + dt.timedelta(days=rng.choice([0, 3, 7, 10, 14, 20, 30]))
        discharged = rng.random() < 0.8
        discharge = assessment + dt.timedelta(days=rng.choice([1, 20, 27, 28, 29, 84, 85, 150]))
        followed = discharged and rng.random() < 0.6
        followup = discharge + dt.timedelta(days=rng.choice([100, 149, 150, 200, 270, 271]))
        index, areas = rng.choice([("simd2020", 6976), ("imd2019", 32844), ("wimd2019", 1909)])
        rank = rng.choice(["", str(rng.randint(1, areas)), "1", str(areas * 15 // 100)])
        previous = f"{service}-{i - 2}" if i > 2 and rng.random() < 0.1 else ""
        clients[episode] = clients[previous] if previous else f"P-{i}"
        engagement = rng.choice(["engaged", "did_not_engage", "withdrew", ""])
        if engagement == "did_not_engage":
            assessed = False
        rows["episodes"].append(
            [
                episode,
                clients[episode],
                service,
                referral.isoformat(),
                rng.choice(["acute_nhs", "self", "employer", "jobcentre"]),
                first.isoformat(),
                assessment.isoformat() if assessed else "",
                rng.choice(["female", "male", "not_stated", ""]),
                rng.choice(["", str(rng.randint(16, 100))]),
                rng.choice(["A", "B", "Z", "", "S"]),
                index if rank or rng.random() < 0.5 else "",
                rank,
                "" if rank else rng.choice(["", str(rng.randint(1, 10))]),
                rng.choice(["cancer", "ms", "copd", "other"]),
                rng.choice(["", "C50", "C18"]),
                rng.choice(
                    [
                        "",
                        (
                            referral - dt.timedelta(days=rng.choice([0, 182, 183, 400, 2000]))
                        ).isoformat(),
                    ]
                ),
                rng.choice(["1", "9", "unemployed", "not_known", ""]),
                rng.choice(STATUSES),
                rng.choice(["return_from_sickness", "find_work", "third_party", "leave_work"]),
                rng.choice(["", "1", "2", "3"]),
                engagement,
                discharge.isoformat() if discharged else "",
                rng.choice(STATUSES) if discharged else "",
                followup.isoformat() if followed and rng.random() < 0.9 else "",
                rng.choice(STATUSES) if followed else "",
                previous,
            ]
        )
        for n in range(rng.randrange(5)):
            codes = rng.choice(["", "assessment", "assessment;goal_setting", "phased_return"])
            rows["contacts"].append(
                [
                    episode,
                    min(
                        first + dt.timedelta(days=n), discharge if discharged else first
                    ).isoformat(),
                    rng.choice(["phone", "face_to_face", "letter", "video"]),
                    rng.choice(["client", "employer", ""]),
                    rng.choice(["", "30"]),
                    codes,
                ]
            )
        if rng.random() < 0.5:
            rows["onward"].append(
                [
                    episode,
                    first.isoformat(),
                    rng.choice(["referral", "signpost"]),
                    rng.choice(["welfare", "legal", "other"]),
                    "",
                    "",
                ]
            )
        timepoints = [("entry", assessment)] if assessed else []
        if discharged:
            timepoints.append(("discharge", discharge))
        for timepoint, day in timepoints:
            m = rows["measures"]
            eq5d = rng.choice(["eq5d5l", "eq5d3l"]) if i % 3 else "eq5d5l"
            if rng.random() < 0.7:
                top = 5 if eq5d == "eq5d5l" else 3
                dims = ["mobility", "self_care", "usual_activities", "pain_discomfort"]
                dims.append("anxiety_depression")
                m += _items(rng, episode, timepoint, day, eq5d, dims, 1, top, rng.choice([0, 0, 1]))
                m += _items(rng, episode, timepoint, day, eq5d, ["vas"], 0, 100, 0)
            if rng.random() < 0.7:
                if rng.random() < 0.3:
                    m += _items(rng, episode, timepoint, day, "hads", ["anxiety"], 0, 21, 0)
                    m += _items(rng, episode, timepoint, day, "hads", ["depression"], 0, 21, 0)
                else:
                    items = [f"a{n}" for n in range(1, 8)] + [f"d{n}" for n in range(1, 8)]
                    m += _items(rng, episode, timepoint, day, "hads", items, 0, 3, rng.randrange(3))
            for code, count, high in (("phq9", 9, 3), ("gad7", 7, 3), ("who5", 5, 5)):
                if rng.random() < 0.6:
                    items = [f"q{n}" for n in range(1, count + 1)]
                    m += _items(
                        rng, episode, timepoint, day, code, items, 0, high, rng.randrange(3)
                    )
            if rng.random() < 0.6:
                for item in ("performance", "satisfaction"):
                    value = rng.choice(["3.3", "5.3", "7.3", "5", "7", "9.9", "1"])
                    m.append([episode, timepoint, day.isoformat(), "copm", item, value])
            if rng.random() < 0.6:
                items = ["working", "managing_condition", "work_impact"]
                m += _items(rng, episode, timepoint, day, "work_confidence", items, 0, 10, 1)
            if rng.random() < 0.6:
                items = ["gp_visits", "outpatient_visits", "hospital_stays"]
                m += _items(rng, episode, timepoint, day, "health_use", items, 0, 4, 1)
            if timepoint == "discharge" and rng.random() < 0.7:
                for item, high in (("overall", 4), ("positive_impact", 5), ("recommend", 1)):
                    if rng.random() < 0.8:
                        m.append(
                            [
                                episode,
                                timepoint,
                                day.isoformat(),
                                "satisfaction",
                                item,
                                str(rng.randint(1 if high > 1 else 0, high)),
                            ]
                        )
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns in COLUMNS.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows[name])
