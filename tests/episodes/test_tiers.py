"""The highest tier reached: one rule, in Python and in SQL."""

import csv
import datetime as dt

import pytest

from vocrehab.codes import Tier
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import change_tier
from vocrehab.episodes.tiers import (
    TIER_ORDER,
    higher_tier,
    highest_tier_reached,
    reported_tier,
    tier_rank,
)
from vocrehab.fhir.resources import episode_of_care
from vocrehab.interchange.exporter import export_dataset


def test_tiers_rank_by_the_support_they_give_and_no_tier_ranks_lowest():
    assert [tier_rank(t) for t in ("", *TIER_ORDER)] == [0, 1, 2, 3]
    assert set(TIER_ORDER) == set(Tier.values)


@pytest.mark.parametrize(
    ("first", "second", "higher"),
    [("", "1", "1"), ("3", "2", "3"), ("2", "3", "3"), ("1", "", "1"), ("", "", "")],
)
def test_the_higher_of_two_tiers(first, second, higher):
    assert higher_tier(first, second) == higher


@pytest.mark.django_db
def test_stepping_down_keeps_the_highest_tier_reached(episode_factory):
    episode = episode_factory()
    for tier in ("2", "3", "1"):
        change_tier(episode, to_tier=tier, on=dt.date(2024, 3, 1))
    episode.refresh_from_db()
    assert (episode.tier, episode.highest_tier) == ("1", "3")
    assert [c.to_tier for c in episode.tier_changes.all()] == ["2", "3", "1"]


@pytest.mark.django_db
def test_the_reported_tier_in_sql_is_the_highest_reached_or_else_the_current(episode_factory):
    kept_highest = episode_factory(tier="1", highest_tier="3")
    only_current = episode_factory(tier="2", highest_tier="")
    reported = dict(
        Episode.objects.annotate(reported=highest_tier_reached()).values_list("pk", "reported")
    )
    assert reported == {kept_highest.pk: "3", only_current.pk: "2"}


@pytest.mark.parametrize("highest", ["", *TIER_ORDER])
@pytest.mark.parametrize("current", ["", *TIER_ORDER])
def test_the_reported_tier_in_python_is_the_same_rule(highest, current):
    assert reported_tier(highest, current) == (highest or current)


@pytest.mark.django_db
def test_the_vrmds_export_and_fhir_report_the_tier_by_the_same_rule(episode_factory, tmp_path):
    only_current = episode_factory(tier="2", highest_tier="")
    stepped_down = episode_factory(tier="1", highest_tier="3")
    export_dataset(tmp_path / "out", services=[only_current.service.code])
    with (tmp_path / "out" / "episodes.csv").open(encoding="utf-8") as fh:
        exported = {row["episode_id"]: row["tier"] for row in csv.DictReader(fh)}
    assert exported == {only_current.reference: "2", stepped_down.reference: "3"}

    def fhir_tier(episode):
        resource = episode_of_care(
            Episode.objects.select_related("service", "case_manager").get(pk=episode.pk), "en"
        )
        return [
            e["valueCoding"]["code"]
            for e in resource.get("extension", [])
            if e["url"].endswith("highest-tier")
        ]

    assert fhir_tier(only_current) == ["2"]
    assert fhir_tier(stepped_down) == ["3"]
