"""VRMDS measures.csv both ways: to_vrmds_rows and from_vrmds_rows round-trip."""

from datetime import date

import pytest

from vocrehab.measures import services
from vocrehab.measures.models import Administration, ItemValue
from vocrehab.measures.vrmds import (
    VrmdsError,
    from_vrmds_rows,
    parse_vrmds_rows,
    to_vrmds_rows,
)


def _rows(episode_id="E1"):
    return [
        {
            "episode_id": episode_id,
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "hads",
            "item": "a1",
            "value": "2",
            "x_site": "north",
        },
        {
            "episode_id": episode_id,
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "hads",
            "item": "d1",
            "value": "3",
        },
        {
            "episode_id": episode_id,
            "timepoint": "discharge",
            "date": "2026-04-02",
            "instrument": "copm",
            "item": "performance",
            "value": "6.5",
        },
    ]


def test_rows_become_administrations_and_back(episode):
    stored = from_vrmds_rows(_rows(), {"E1": episode})
    assert len(stored) == 2
    hads = Administration.objects.get(episode=episode, instrument="hads")
    assert hads.completed_by == "import"
    assert hads.date == date(2026, 1, 20)
    exported = to_vrmds_rows(hads, episode_id="E1")
    assert exported == [
        {
            "episode_id": "E1",
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "hads",
            "item": "a1",
            "value": "2",
            "x_site": "north",
        },
        {
            "episode_id": "E1",
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "hads",
            "item": "d1",
            "value": "3",
        },
    ]
    copm = Administration.objects.get(episode=episode, instrument="copm")
    assert to_vrmds_rows(copm, episode_id="E1")[0]["value"] == "6.5"


def test_a_second_import_replaces_values(episode):
    from_vrmds_rows(_rows(), {"E1": episode})
    changed = [dict(_rows()[0], value="1")]
    from_vrmds_rows(changed, {"E1": episode})
    hads = Administration.objects.get(episode=episode, instrument="hads")
    assert list(hads.values.values_list("item", "value")) == [("a1", 1.0)]


def test_a_cancelled_one_stays_and_the_one_in_place_is_filled(episode):
    cancelled = Administration.objects.create(
        episode=episode, instrument="hads", timepoint="entry", status="cancelled"
    )
    from_vrmds_rows(_rows(), {"E1": episode})
    imported = Administration.objects.get(episode=episode, instrument="hads", status="completed")
    assert imported.pk != cancelled.pk
    Administration.objects.filter(pk=imported.pk).update(status="scheduled")
    from_vrmds_rows(_rows(), {"E1": episode})
    assert Administration.objects.get(pk=imported.pk).status == "completed"
    assert Administration.objects.get(pk=cancelled.pk).status == "cancelled"
    assert Administration.objects.filter(episode=episode, instrument="hads").count() == 2


def test_every_bad_row_is_reported_and_nothing_stored(episode):
    rows = _rows() + [
        {
            "episode_id": "E1",
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "hads",
            "item": "a2",
            "value": "4",
        },
        {
            "episode_id": "E1",
            "timepoint": "ad_hoc",
            "date": "2026-01-20",
            "instrument": "hads",
            "item": "a3",
            "value": "1",
        },
        {
            "episode_id": "E1",
            "timepoint": "entry",
            "date": "2026-01-21",
            "instrument": "hads",
            "item": "a4",
            "value": "1",
        },
        {
            "episode_id": "E1",
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "copm",
            "item": "p1_performance",
            "value": "5",
        },
        {
            "episode_id": "E1",
            "timepoint": "entry",
            "date": "2026-01-20",
            "instrument": "hna",
            "item": "distress",
            "value": "5",
        },
    ]
    with pytest.raises(VrmdsError) as caught:
        from_vrmds_rows(rows, {"E1": episode})
    rows_in_error = [row for row, _, _ in caught.value.errors]
    assert rows_in_error == [5, 6, 7, 8, 9]
    assert "outside 0–3" in str(caught.value)
    assert "not part of VRMDS" in str(caught.value)
    assert not Administration.objects.exists()


def test_an_unknown_episode_is_an_error(episode):
    with pytest.raises(VrmdsError, match="episode 'E9'"):
        from_vrmds_rows(_rows("E9"), {"E1": episode})


def test_what_vrmds_does_not_carry_is_not_exported(episode, make_staff, service):
    user = make_staff("case_manager", service)
    copm = services.record_staff_entry(
        episode,
        instrument="copm",
        timepoint="entry",
        date_completed=date(2026, 1, 20),
        values={"p1_performance": 4, "p1_satisfaction": 5, "p1_problem": "Driving"},
        by=user,
    )
    assert to_vrmds_rows(copm) == []  # only problem ratings, no VRMDS items
    hna = services.record_staff_entry(
        episode,
        instrument="hna",
        timepoint="entry",
        date_completed=date(2026, 1, 20),
        values={"distress": 6},
        by=user,
    )
    assert to_vrmds_rows(hna) == []
    adhoc = services.record_staff_entry(
        episode,
        instrument="work_ability",
        timepoint="ad_hoc",
        date_completed=date(2026, 1, 20),
        values={"score": 5},
        by=user,
    )
    assert to_vrmds_rows(adhoc) == []
    scheduled = Administration.objects.create(
        episode=episode, instrument="hads", timepoint="discharge", status="scheduled"
    )
    ItemValue.objects.create(administration=scheduled, item="a1", value=1)
    assert to_vrmds_rows(scheduled) == []


def test_parse_groups_without_touching_the_database():
    groups = parse_vrmds_rows(_rows())
    assert [(g.instrument, g.timepoint, g.values) for g in groups] == [
        ("hads", "entry", {"a1": 2.0, "d1": 3.0}),
        ("copm", "discharge", {"performance": 6.5}),
    ]
    assert groups[0].extensions == {"a1": {"x_site": "north"}}
