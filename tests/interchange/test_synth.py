"""The synthetic data generator: same seed, same bytes; always valid; shaped like 2014."""

import csv
import datetime as dt
import hashlib
import statistics
from collections import Counter

import pytest

from vocrehab.episodes.facts import followup_window
from vocrehab.interchange.synth import END_DATE, write_synthetic_dataset
from vocrehab.interchange.vrmds.validate import validate_dataset


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    counts = write_synthetic_dataset(folder, episodes=2000, seed=11, services=3)
    with (folder / "episodes.csv").open(newline="", encoding="utf-8") as fh:
        episodes = list(csv.DictReader(fh))
    return folder, counts, episodes


def test_same_seed_gives_the_same_bytes(tmp_path):
    write_synthetic_dataset(tmp_path / "a", episodes=300, seed=5)
    write_synthetic_dataset(tmp_path / "b", episodes=300, seed=5)
    write_synthetic_dataset(tmp_path / "c", episodes=300, seed=6)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["episodes.csv"] != _digest(tmp_path / "c")["episodes.csv"]


def test_zip_output_is_reproducible_and_valid(tmp_path):
    write_synthetic_dataset(tmp_path / "one.zip", episodes=200, seed=3)
    write_synthetic_dataset(tmp_path / "two.zip", episodes=200, seed=3)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    result = validate_dataset(tmp_path / "one.zip")
    assert result.is_valid, [str(e) for e in result.errors[:5]]
    assert result.rows["episodes.csv"] == 200


def test_output_validates_with_no_errors(dataset):
    folder, counts, _ = dataset
    result = validate_dataset(folder)
    assert result.is_valid, [str(e) for e in result.errors[:10]]
    assert result.rows == counts
    assert counts["episodes.csv"] == 2000


def test_every_follow_up_is_collected_inside_the_vrmds_window(dataset):
    _folder, _counts, episodes = dataset
    followed = [e for e in episodes if e["followup_date"]]
    assert followed
    for e in followed:
        discharge = dt.date.fromisoformat(e["discharge_date"])
        assert dt.date.fromisoformat(e["followup_date"]) in followup_window(discharge)


def test_no_date_after_the_fixed_end_date(dataset):
    folder, _, episodes = dataset
    last = END_DATE.isoformat()
    for name, columns in (
        ("episodes.csv", ("referral_date", "discharge_date", "followup_date")),
        ("contacts.csv", ("contact_date",)),
        ("measures.csv", ("date",)),
    ):
        with (folder / name).open(newline="") as fh:
            for row in csv.DictReader(fh):
                assert all(row[c] <= last for c in columns)


def _share(episodes, predicate):
    return 100 * sum(1 for e in episodes if predicate(e)) / len(episodes)


def test_clients_look_like_the_glasgow_evaluation(dataset):
    _, _, episodes = dataset
    conditions = Counter(e["condition"] for e in episodes)
    assert 68 < 100 * conditions["cancer"] / 2000 < 78
    assert 14 < 100 * conditions["ibd"] / 2000 < 20
    assert 7 < 100 * conditions["ms"] / 2000 < 13
    assert 21 < _share(episodes, lambda e: e["condition_detail"] == "C50") < 29
    cancer_sites = {e["condition_detail"] for e in episodes if e["condition"] == "cancer"}
    assert all(s[0] == "C" and len(s) == 3 for s in cancer_sites) and len(cancer_sites) > 10
    assert 56 < _share(episodes, lambda e: e["sex"] == "female") < 64
    ages = [int(e["age_at_referral"]) for e in episodes]
    assert min(ages) >= 17 and max(ages) <= 65
    assert 44 < statistics.mean(ages) < 48
    sources = Counter(e["referral_source"] for e in episodes)
    assert [s for s, _ in sources.most_common(2)] == ["acute_nhs", "self"]


def test_tiers_engagement_and_re_referrals(dataset):
    _, _, episodes = dataset
    assert 70 < _share(episodes, lambda e: e["tier"] == "2") < 79
    assert 18 < _share(episodes, lambda e: e["tier"] == "3") < 27
    assert 1 < _share(episodes, lambda e: e["tier"] == "") < 6
    assert all(e["engagement"] == "did_not_engage" for e in episodes if e["tier"] == "")
    assert 2.5 < _share(episodes, lambda e: e["previous_episode_id"]) < 5.5
    assert 0 < _share(episodes, lambda e: not e["discharge_date"]) < 10


def _days(a, b):
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def test_time_to_assessment_and_length_of_stay(dataset):
    _, _, episodes = dataset
    gaps = [
        _days(e["referral_date"], e["assessment_date"]) for e in episodes if e["assessment_date"]
    ]
    for within, expected in ((0, 42), (7, 73), (14, 88), (28, 95)):
        assert abs(100 * sum(g <= within for g in gaps) / len(gaps) - expected) < 4
    stays = [
        _days(e["referral_date"], e["discharge_date"]) for e in episodes if e["discharge_date"]
    ]
    for under, expected in ((28, 22), (84, 52), (112, 66)):
        assert abs(100 * sum(s < under for s in stays) / len(stays) - expected) < 4


def test_contacts_per_tier(dataset):
    folder, _, episodes = dataset
    with (folder / "contacts.csv").open(newline="") as fh:
        contacts = Counter(row["episode_id"] for row in csv.DictReader(fh))
    for tier, mean in (("2", 5), ("3", 18)):
        ids = [
            e["episode_id"]
            for e in episodes
            if e["tier"] == tier and e["discharge_date"] and e["main_reason"] != "third_party"
        ]
        assert abs(statistics.mean(contacts[i] for i in ids) - mean) < 1.5


def test_work_status_moves_into_work(dataset):
    _, _, episodes = dataset
    cohort = [e for e in episodes if e["discharge_date"] and e["main_reason"] != "third_party"]
    in_work = {"at_work", "self_employed"}
    entry = 100 * sum(e["work_status_at_referral"] in in_work for e in cohort) / len(cohort)
    exit_ = 100 * sum(e["work_status_at_discharge"] in in_work for e in cohort) / len(cohort)
    off_sick = [e for e in cohort if e["work_status_at_referral"] == "off_sick"]
    back = 100 * sum(e["work_status_at_discharge"] in in_work for e in off_sick) / len(off_sick)
    assert 20 < entry < 34 and 37 < exit_ < 50  # Table 5: 26% -> 42%
    assert 30 < back < 50  # Table 6: 53 of 139 off sick returned to work
    assert any(e["followup_date"] for e in cohort)


def test_deprivation_uses_the_nations_index(dataset):
    _, _, episodes = dataset
    scottish = [e for e in episodes if e["service_code"] == "GGC-VR" and e["deprivation_rank"]]
    english = [e for e in episodes if e["service_code"] == "LEEDS-VR" and e["deprivation_index"]]
    assert {e["deprivation_index"] for e in scottish} == {"simd2020"}
    assert {e["deprivation_index"] for e in english} == {"imd2019"}
    worst = 100 * sum(int(e["deprivation_rank"]) <= 0.15 * 6976 for e in scottish) / len(scottish)
    assert 24 < worst < 34


def test_measures_improve_and_satisfaction_is_returned(dataset):
    folder, _, episodes = dataset
    values: dict = {}
    satisfied = set()
    with (folder / "measures.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["instrument"], row["item"], row["timepoint"])
            values.setdefault(key, []).append(float(row["value"]))
            if row["instrument"] == "satisfaction":
                satisfied.add(row["episode_id"])
    for instrument, item in (("eq5d5l", "vas"), ("copm", "performance"), ("copm", "satisfaction")):
        entry = statistics.mean(values[(instrument, item, "entry")])
        discharge = statistics.mean(values[(instrument, item, "discharge")])
        assert discharge > entry + 1
    assert statistics.mean(values[("eq5d5l", "vas", "entry")]) == pytest.approx(62, abs=5)
    discharged = sum(1 for e in episodes if e["discharge_date"])
    assert 24 < 100 * len(satisfied) / discharged < 36
    assert {"hads", "work_confidence", "health_use"} <= {k[0] for k in values}
    # The openly licensed set too, with its items, improving by discharge.
    assert {"phq9", "gad7", "who5"} <= {k[0] for k in values}
    assert {k[1] for k in values if k[0] == "phq9"} == {f"q{n}" for n in range(1, 10)} | {
        "difficulty"
    }
    for instrument, better in (("phq9", -1), ("gad7", -1), ("who5", 1)):
        entry = statistics.mean(values[(instrument, "q1", "entry")])
        discharge = statistics.mean(values[(instrument, "q1", "discharge")])
        assert (discharge - entry) * better > 0
