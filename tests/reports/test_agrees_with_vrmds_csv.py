"""The report agrees with tables computed straight from exported VRMDS CSV files.

Datasets go into the database through the VRMDS importer (``interchange.importer``),
come back out through the exporter (``interchange.exporter``), and the tables counted
from the exported CSV rows by plain Python here, sharing no code with the report
engine, must equal the report's. Three datasets: the standard's own example (copied
into ``data/``), a synthetic one from ``interchange.synth`` and a small hand-shaped one
with third-party episodes, re-referrals and HADS totals.
"""

import csv
import datetime as dt
import random
import statistics
from collections import Counter

import pytest

from vocrehab.accounts.models import Service
from vocrehab.codes import Nation

from .helpers import DATA, read_csv

pytestmark = pytest.mark.django_db
IN_WORK = {"at_work", "self_employed"}


def _d(text):
    return dt.date.fromisoformat(text)


def expected_tables(folder):
    episodes = read_csv(folder, "episodes")
    contacts = read_csv(folder, "contacts")
    onward = read_csv(folder, "onward")
    measures = read_csv(folder, "measures")
    n = len(episodes)
    out = {}
    discharged = [e for e in episodes if e["discharge_date"]]
    out["summary"] = {
        "referred": n,
        "discharged": len(discharged),
        "open": n - len(discharged),
        "re_referrals": sum(1 for e in episodes if e["previous_episode_id"]),
    }
    sources = Counter(e["referral_source"] for e in episodes)
    out["referral_sources"] = {k: (v, 100.0 * v / n) for k, v in sources.items()}
    sexes = Counter(e["sex"] or "not_recorded" for e in episodes)
    out["sex"] = {k: (v, 100.0 * v / n) for k, v in sexes.items()}
    ages = sorted(int(e["age_at_referral"]) for e in episodes if e["age_at_referral"])
    out["age"] = {
        "mean": sum(ages) / len(ages),
        "median": float(statistics.median(ages)),
        "min": ages[0],
        "max": ages[-1],
    }
    stays = [(_d(e["discharge_date"]) - _d(e["referral_date"])).days for e in discharged]
    out["length_of_stay"] = {
        "4_weeks": sum(s <= 28 for s in stays),
        "12_weeks": sum(s <= 84 for s in stays),
        "16_weeks": sum(s <= 112 for s in stays),
        "over_16_weeks": sum(s > 112 for s in stays),
    }
    cohort = [e for e in discharged if e["main_reason"] != "third_party"]
    out["work_status"] = Counter(
        [("entry", e["work_status_at_referral"]) for e in cohort]
        + [("discharge", e["work_status_at_discharge"]) for e in cohort]
    )

    def group(status):
        return (
            "in_work"
            if status in IN_WORK
            else "off_sick"
            if status == "off_sick"
            else ("not_in_work")
        )

    out["work_status_transitions"] = Counter(
        (group(e["work_status_at_referral"]), e["work_status_at_discharge"]) for e in cohort
    )

    def in_window(e):
        days = (_d(e["followup_date"]) - _d(e["discharge_date"])).days
        return 150 <= days <= 270

    with_status = [e for e in cohort if e["work_status_at_followup"]]
    followed = [e for e in with_status if in_window(e)]
    out["followup"] = {
        "respondents": len(followed),
        "out_of_window": len(with_status) - len(followed),
        "in_work_at_discharge": sum(e["work_status_at_discharge"] in IN_WORK for e in followed),
        "still_in_work": sum(
            e["work_status_at_discharge"] in IN_WORK and e["work_status_at_followup"] in IN_WORK
            for e in followed
        ),
    }
    client_of = {e["episode_id"]: e["client_id"] for e in episodes}
    out["contact_modes"] = Counter(c["mode"] for c in contacts)
    out["onward"] = {
        key: (
            sum(1 for o in onward if (o["kind"], o["category"]) == key),
            # Clients are people: a re-referred person counts once.
            len({client_of[o["episode_id"]] for o in onward if (o["kind"], o["category"]) == key}),
        )
        for key in {(o["kind"], o["category"]) for o in onward}
    }
    # EQ VAS and HADS (totals) paired between entry and discharge.
    values = {
        (m["episode_id"], m["instrument"], m["timepoint"], m["item"]): float(m["value"])
        for m in measures
    }
    vas_pairs = [
        (values[(ep, ins, "entry", "vas")], values[(ep, ins, "discharge", "vas")])
        for (ep, ins, tp, item) in values
        if item == "vas" and tp == "entry" and (ep, ins, "discharge", "vas") in values
    ]
    out["eq_vas"] = {
        "n": len(vas_pairs),
        "entry": sum(p[0] for p in vas_pairs) / len(vas_pairs) if vas_pairs else None,
        "discharge": sum(p[1] for p in vas_pairs) / len(vas_pairs) if vas_pairs else None,
    }

    def band(total):
        return (
            "normal"
            if total <= 7
            else "mild"
            if total <= 10
            else ("moderate" if total <= 14 else "severe")
        )

    def hads_score(ep, tp, subscale):
        answered = [
            values[(ep, "hads", tp, f"{subscale[0]}{i}")]
            for i in range(1, 8)
            if (ep, "hads", tp, f"{subscale[0]}{i}") in values
        ]
        if len(answered) == 7:
            return sum(answered)
        if len(answered) == 6:
            return int(sum(answered) * 7 / 6 + 0.5)  # the mean of six × 7, half up
        return values.get((ep, "hads", tp, subscale))

    hads = Counter()
    for ep in {k[0] for k in values if k[1] == "hads"}:
        for subscale in ("anxiety", "depression"):
            before = hads_score(ep, "entry", subscale)
            after = hads_score(ep, "discharge", subscale)
            if before is not None and after is not None:
                hads[(subscale, "entry", band(before))] += 1
                hads[(subscale, "discharge", band(after))] += 1
    out["hads_bands"] = hads
    return out


def check_agreement(report, expected):
    tables = report["tables"]
    summary = {c["metric"]: c["count"] for c in tables["summary"]["cells"]}
    assert summary == expected["summary"]
    got = {
        c["referral_source"]: (c["count"], c["percent"])
        for c in tables["referral_sources"]["cells"]
        if c["count"]
    }
    assert got == expected["referral_sources"]
    got = {c["sex"]: (c["count"], c["percent"]) for c in tables["sex"]["cells"] if c["count"]}
    assert got == expected["sex"]
    age = {k: v for k, v in tables["age"]["cells"][0].items() if k != "suppressed"}
    assert age == pytest.approx(expected["age"])
    got = {c["within"]: c["count"] for c in tables["length_of_stay"]["cells"]}
    assert got == expected["length_of_stay"]
    got = {
        (c["timepoint"], c["work_status"]): c["count"]
        for c in tables["work_status"]["cells"]
        if c["count"]
    }
    assert got == dict(expected["work_status"])
    got = {
        (c["entry_group"], c["discharge_status"]): c["count"]
        for c in tables["work_status_transitions"]["cells"]
        if c["count"]
    }
    assert got == dict(expected["work_status_transitions"])
    followup = tables["followup"]["cells"][0]
    assert {k: followup[k] for k in expected["followup"]} == expected["followup"]
    got = {c["mode"]: c["count"] for c in tables["contact_modes"]["cells"] if c["count"]}
    assert got == dict(expected["contact_modes"])
    got = {
        (c["kind"], c["category"]): (c["count"], c["clients"])
        for c in tables["onward"]["cells"]
        if c["count"]
    }
    assert got == expected["onward"]
    vas = {c["timepoint"]: c for c in tables["eq_vas"]["cells"]}
    assert vas["entry"]["n"] == expected["eq_vas"]["n"]
    assert vas["entry"]["mean"] == pytest.approx(expected["eq_vas"]["entry"], abs=1e-9)
    assert vas["discharge"]["mean"] == pytest.approx(expected["eq_vas"]["discharge"], abs=1e-9)
    got = {
        (c["subscale"], c["timepoint"], c["band"]): c["count"]
        for c in tables["hads_bands"]["cells"]
        if c["count"]
    }
    assert got == dict(expected["hads_bands"])


def _import_export(source, tmp_path, code):
    """Import ``source`` with the VRMDS importer, export it again; the exported folder."""
    from vocrehab.interchange.exporter import export_dataset
    from vocrehab.interchange.importer import import_dataset

    summary = import_dataset(source, create_services=True, today=dt.date(2026, 1, 1))
    assert not summary.errors, summary.errors[:3]
    exported = tmp_path / "exported"
    export_dataset(exported, services=[code])
    return Service.objects.get(code=code), exported


def test_the_vrmds_example_agrees(organisation, report, tmp_path):
    Service.objects.create(
        organisation=organisation, code="DEMO-SCOT", name="Demo", nation=Nation.SCOTLAND
    )
    service, exported = _import_export(DATA, tmp_path, "DEMO-SCOT")
    r = report([service])
    check_agreement(r, expected_tables(exported))
    # And the example's own story, by hand: EX-1 returned to work and stayed there.
    assert r["tables"]["followup"]["cells"][0]["percent_sustained"] == 100.0
    assert r["tables"]["summary"]["n"] == 4


def test_a_synthetic_dataset_agrees(organisation, report, tmp_path):
    from vocrehab.interchange.synth import write_synthetic_dataset

    write_synthetic_dataset(tmp_path / "synth", episodes=400, seed=11, services=1)
    code = read_csv(tmp_path / "synth", "episodes")[0]["service_code"]
    service, exported = _import_export(tmp_path / "synth", tmp_path, code)
    expected = expected_tables(exported)
    assert expected["summary"]["referred"] == 400
    assert sum(expected["hads_bands"].values()) > 0 and expected["eq_vas"]["n"] > 0
    check_agreement(report([service]), expected)


STATUSES = ["at_work", "self_employed", "off_sick", "unemployed", "retired", "not_known"]
SOURCES = ["acute_nhs", "primary_care", "self", "macmillan", "employer"]


def write_generated(folder, seed=7, size=80):
    """A VRMDS folder of ``size`` synthetic episodes (no real people)."""
    rng = random.Random(seed)
    episodes, contacts, onward, measures = [], [], [], []
    for i in range(1, size + 1):
        ref = dt.date(2023, 1, 2) + dt.timedelta(days=rng.randrange(500))
        discharged = rng.random() < 0.75
        stay = rng.randrange(0, 200)
        discharge = ref + dt.timedelta(days=stay) if discharged else None
        followed = discharged and rng.random() < 0.5
        previous = f"G-{i - 1}" if i > 1 and rng.random() < 0.1 else ""
        if previous and episodes[-1]["referral_date"] >= ref.isoformat():
            previous = ""
        work_at_referral = rng.choice(STATUSES)
        episodes.append(
            {
                "episode_id": f"G-{i}",
                "client_id": f"P-{i - 1 if previous else i}",
                "service_code": "GEN",
                "referral_date": ref.isoformat(),
                "referral_source": rng.choice(SOURCES),
                "sex": rng.choice(["female", "male", ""]),
                "age_at_referral": rng.choice(["", *map(str, range(18, 70))]),
                "condition": rng.choice(["cancer", "ms", "ibd"]),
                "work_status_at_referral": work_at_referral,
                "weeks_absent_at_referral": "3" if work_at_referral == "off_sick" else "",
                "main_reason": rng.choice(["return_from_sickness", "stay_in_work", "third_party"]),
                "tier": rng.choice(["", "1", "2", "3"]),
                "discharge_date": discharge.isoformat() if discharge else "",
                "work_status_at_discharge": rng.choice(STATUSES) if discharged else "",
                # Some collected too early or too late: the report leaves them out.
                "followup_date": (
                    discharge + dt.timedelta(days=rng.choice([30, 150, 183, 270, 300]))
                ).isoformat()
                if followed
                else "",
                "work_status_at_followup": rng.choice(STATUSES) if followed else "",
                "previous_episode_id": previous,
            }
        )
        for _ in range(rng.randrange(4)):
            contacts.append(
                {
                    "episode_id": f"G-{i}",
                    "contact_date": ref.isoformat(),
                    "mode": rng.choice(["phone", "face_to_face", "video"]),
                }
            )
        if rng.random() < 0.4:
            onward.append(
                {
                    "episode_id": f"G-{i}",
                    "date": ref.isoformat(),
                    "kind": rng.choice(["referral", "signpost"]),
                    "category": rng.choice(["welfare", "employment"]),
                }
            )
        for timepoint, day in (("entry", ref), ("discharge", discharge)):
            if day is None:
                continue
            if rng.random() < 0.7:
                measures.append(
                    {
                        "episode_id": f"G-{i}",
                        "timepoint": timepoint,
                        "date": day.isoformat(),
                        "instrument": "eq5d5l",
                        "item": "vas",
                        "value": str(rng.randrange(101)),
                    }
                )
            if rng.random() < 0.7:
                for item in ("anxiety", "depression"):
                    measures.append(
                        {
                            "episode_id": f"G-{i}",
                            "timepoint": timepoint,
                            "date": day.isoformat(),
                            "instrument": "hads",
                            "item": item,
                            "value": str(rng.randrange(22)),
                        }
                    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        ("episodes", episodes),
        ("contacts", contacts),
        ("onward", onward),
        ("measures", measures),
    ):
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def test_a_hand_shaped_dataset_agrees(organisation, report, tmp_path):
    Service.objects.create(organisation=organisation, code="GEN", name="GEN", nation=Nation.ENGLAND)
    write_generated(tmp_path / "gen")
    service, exported = _import_export(tmp_path / "gen", tmp_path, "GEN")
    expected = expected_tables(exported)
    assert expected["summary"]["re_referrals"] > 0
    check_agreement(report([service]), expected)
