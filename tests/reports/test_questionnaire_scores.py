"""The stored questionnaire scores the report reads stay equal to the item values.

Every path that writes item values refreshes them: staff entry, the VRMDS measures of
one episode, the dataset import (first import, re-import with changed values) and the
HNA. A test also checks the table has a column for everything ``scores.COLUMNS`` names.
"""

import datetime as dt

import pytest

from vocrehab.measures.models import Administration, ItemValue, QuestionnaireScores
from vocrehab.measures.scores import COLUMNS, rebuild_all_scores

from .helpers import DATA, make_episode

pytestmark = pytest.mark.django_db

HADS = {**{f"a{i}": 1 for i in range(1, 8)}, **{f"d{i}": 2 for i in range(1, 7)}}


def _stored() -> dict[int, dict]:
    return {
        row["administration_id"]: row
        for row in QuestionnaireScores.objects.values("administration_id", *COLUMNS)
    }


def _assert_in_step():
    """The stored rows are exactly what a rebuild from the item values gives."""
    before = _stored()
    rebuild_all_scores()
    assert _stored() == before


def test_every_column_is_a_field_of_the_table():
    fields = {f.column for f in QuestionnaireScores._meta.concrete_fields}
    # And the scoring rule's verdict, kept beside the scores (tests/reports/
    # test_episode_summaries.py holds it to the rule).
    assert set(COLUMNS) | {"administration_id", "scorable"} == fields


def test_staff_entry_stores_the_scores(service, make_staff):
    from vocrehab.measures.services import record_staff_entry

    worker = make_staff("case_manager", service)
    episode = make_episode(service)
    administration = record_staff_entry(
        episode,
        instrument="hads",
        timepoint="entry",
        date_completed=dt.date(2024, 2, 1),
        values=HADS,
        by=worker,
    )
    scores = QuestionnaireScores.objects.get(administration=administration)
    assert (scores.hads_anxiety_sum, scores.hads_anxiety_items) == (7.0, 7)
    assert (scores.hads_depression_sum, scores.hads_depression_items) == (12.0, 6)
    _assert_in_step()


def test_vrmds_rows_of_one_episode_store_the_scores(service):
    from vocrehab.measures.vrmds import from_vrmds_rows

    episode = make_episode(service)
    rows = [
        {"episode_id": "X", "timepoint": "entry", "instrument": "work_confidence",
         "date": "2024-02-01", "item": "working", "value": "6"},
        {"episode_id": "X", "timepoint": "discharge", "instrument": "satisfaction",
         "date": "2024-05-01", "item": "overall", "value": "4"},
    ]  # fmt: skip
    stored = from_vrmds_rows(rows, {"X": episode})
    by_instrument = {a.instrument: a for a in stored}
    assert (
        QuestionnaireScores.objects.get(administration=by_instrument["work_confidence"]).working
        == 6.0
    )
    assert (
        QuestionnaireScores.objects.get(
            administration=by_instrument["satisfaction"]
        ).satisfaction_overall
        == 4.0
    )
    _assert_in_step()


def test_import_and_reimport_keep_the_scores_in_step(tmp_path):
    import shutil

    from vocrehab.interchange.importer import import_dataset

    folder = tmp_path / "dataset"
    shutil.copytree(DATA, folder)
    assert import_dataset(folder, create_services=True).ok
    assert QuestionnaireScores.objects.count() == Administration.objects.count()
    _assert_in_step()

    # Change one value and re-import: the stored score follows the file.
    lines = (folder / "measures.csv").read_text().splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    item, value = first[header.index("item")], first[header.index("value")]
    first[header.index("value")] = "3" if value != "3" else "2"  # a valid level either way
    lines[1] = ",".join(first)
    (folder / "measures.csv").write_text("\n".join(lines) + "\n")
    assert import_dataset(folder, create_services=True).ok
    changed = ItemValue.objects.get(
        item=item,
        administration__episode__reference=first[header.index("episode_id")],
        administration__timepoint=first[header.index("timepoint")],
        administration__instrument=first[header.index("instrument")],
    )
    assert changed.value == float(first[header.index("value")])
    assert QuestionnaireScores.objects.count() == Administration.objects.count()
    _assert_in_step()


def test_deleting_an_administration_deletes_its_scores(service):
    from .helpers import give_measure

    administration = give_measure(make_episode(service), "work_confidence", "entry", {"working": 3})
    assert QuestionnaireScores.objects.filter(administration=administration).exists()
    administration.delete()
    assert not QuestionnaireScores.objects.exists()


@pytest.mark.parametrize(
    "instrument, values",
    [
        ("hads", HADS),
        ("hads", {"a1": 3, "anxiety": 9, "depression": 4}),
        (
            "copm",
            {"p1_performance": 4, "p2_performance": 7, "p1_satisfaction": 3, "performance": 5},
        ),
        ("eq5d5l", {"mobility": 2, "self_care": 1, "vas": 72}),
        ("satisfaction", {"overall": 4, "helpful": 3, "use_again": 1}),
        ("health_use", {"gp_visits": 2, "hospital_stays": 0}),
    ],
)
def test_scores_computed_in_python_equal_the_database_aggregates(service, instrument, values):
    """The import computes the rows in Python; the services refresh them in SQL."""
    from vocrehab.measures.scores import refresh_scores, scores_from_values

    from .helpers import give_measure

    administration = give_measure(make_episode(service), instrument, "entry", values)
    refresh_scores([administration.pk])
    stored = _stored()[administration.pk]
    assert {"administration_id": administration.pk, **scores_from_values(values)} == stored


def test_the_rebuild_command_repairs_scores_changed_behind_its_back(service):
    from io import StringIO

    from django.core.management import call_command

    from .helpers import give_measure

    administration = give_measure(make_episode(service), "work_confidence", "entry", {"working": 3})
    ItemValue.objects.filter(administration=administration).update(value=8)  # not refreshed
    assert QuestionnaireScores.objects.get(administration=administration).working == 3
    out = StringIO()
    call_command("report", "rebuild-scores", stdout=out)
    assert QuestionnaireScores.objects.get(administration=administration).working == 8
    assert "recomputed for 1 questionnaires" in out.getvalue()
