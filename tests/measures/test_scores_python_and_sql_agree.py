"""The SQL the report scores with is generated from the same definitions as the Python
scoring, and gives the same answer for every value of every item."""

import itertools
import math

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import IntegerField, Value
from django.test.utils import isolate_apps

from vocrehab.measures.instruments import (
    HADS,
    band_for,
    band_limits,
    get_instrument,
    hads_subscale_expression,
    prorated_total_expression,
)
from vocrehab.measures.scores import scores_from_values
from vocrehab.measures.valuesets import DIMENSIONS, VALUE_SETS, AdditiveValueSet

pytestmark = pytest.mark.django_db

BATCH = 40  # states valued per query


def _one_row(**annotations):
    """Evaluate ``annotations`` in the database, over one row of a table that has one."""
    names = list(annotations)
    return ContentType.objects.annotate(**annotations).order_by("pk").values(*names)[0]


def _split(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _states_model():
    """A model over a temporary table with one level column per dimension, so that the
    report's expression reads the states as it reads stored scores: one row each."""
    with isolate_apps("vocrehab.measures"):
        fields = {dim: models.PositiveSmallIntegerField() for dim in DIMENSIONS}
        meta = type("Meta", (), {"app_label": "measures", "managed": False, "db_table": "t_states"})
        return type("State", (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


@pytest.mark.parametrize(
    "value_set",
    [vs for vs in VALUE_SETS.values() if isinstance(vs, AdditiveValueSet)],
    ids=lambda vs: vs.code,
)
def test_every_eq5d_state_has_the_same_index_in_sql(value_set):
    states = list(itertools.product(range(1, value_set.levels + 1), repeat=len(DIMENSIONS)))
    state = _states_model()
    columns = ", ".join(f"{dim} smallint NOT NULL" for dim in DIMENSIONS)
    with connection.cursor() as cursor:  # dropped with the test's transaction
        cursor.execute(f"CREATE TEMPORARY TABLE t_states (id integer PRIMARY KEY, {columns})")
    state.objects.bulk_create(
        state(pk=n, **dict(zip(DIMENSIONS, levels, strict=True)))
        for n, levels in enumerate(states, start=1)
    )
    valued = state.objects.annotate(index=value_set.index_expression(lambda dim: dim))
    rows = valued.values_list(*DIMENSIONS, "index")
    assert len(rows) == len(states)
    for *levels, index in rows:
        assert round(index, 3) == value_set.index(tuple(levels)), levels


def _hads_values(subscale, answered, item_sum, recorded_total):
    """Item values for one subscale: ``answered`` items adding up to ``item_sum``."""
    prefix = "a" if subscale == "anxiety" else "d"
    values, left = {}, item_sum
    for n in range(1, answered + 1):
        values[f"{prefix}{n}"] = min(3, left)
        left -= values[f"{prefix}{n}"]
    values[subscale] = recorded_total
    return values


def _sql_band(score):
    lower = None
    for band, upper in band_limits(HADS.bands["anxiety"]):
        if (lower is None or score >= lower) and (upper is None or score < upper):
            return band
        lower = upper
    return None


def test_every_hads_subscale_has_the_same_score_and_band_in_sql():
    hads = get_instrument("hads")
    cases = [
        (answered, item_sum, total)
        for answered in range(8)
        for item_sum in range(3 * answered + 1)
        for total in ((None, 0, 11, 21) if answered < 6 else (None, 21))
    ]
    for batch in _split(cases, BATCH):
        annotations = {}
        for n, (answered, item_sum, total) in enumerate(batch):
            annotations[f"sum{n}"] = Value(item_sum if answered else None, IntegerField())
            annotations[f"items{n}"] = Value(answered, IntegerField())
            annotations[f"total{n}"] = Value(total, IntegerField())
            annotations[f"score{n}"] = hads_subscale_expression(
                item_sum=f"sum{n}", items_answered=f"items{n}", recorded_total=f"total{n}"
            )
        row = _one_row(**annotations)
        for n, (answered, item_sum, total) in enumerate(batch):
            values = _hads_values("anxiety", answered, item_sum, total)
            python = hads.score(values).scores["anxiety"]
            sql = row[f"score{n}"]
            case = (answered, item_sum, total)
            if python is None:
                assert sql is None, case
                continue
            assert math.floor(sql) == python, case
            assert _sql_band(sql) == band_for(HADS.bands["anxiety"], python), case


@pytest.mark.parametrize("code", ["phq9", "gad7", "who5"])
def test_every_prorated_total_has_the_same_score_in_sql(code):
    instrument = get_instrument(code)
    count = len(instrument.total_items)
    top = int(instrument.items[0].max)
    cases = [
        (answered, item_sum)
        for answered in range(count + 1)
        for item_sum in range(top * answered + 1)
    ]
    for batch in _split(cases, BATCH):
        annotations = {}
        for n, (answered, item_sum) in enumerate(batch):
            annotations[f"sum{n}"] = Value(item_sum if answered else None, IntegerField())
            annotations[f"items{n}"] = Value(answered, IntegerField())
            annotations[f"score{n}"] = prorated_total_expression(
                instrument, item_sum=f"sum{n}", items_answered=f"items{n}"
            )
        row = _one_row(**annotations)
        for n, (answered, item_sum) in enumerate(batch):
            values, left = {}, item_sum
            for number, item in enumerate(instrument.total_items[:answered]):
                values[item] = min(top, left) if number < answered - 1 else left
                left -= values[item]
            python = instrument.score(values)["total"]
            assert row[f"score{n}"] == python, (code, answered, item_sum)


@pytest.mark.parametrize("code", ["phq9", "gad7", "who5"])
def test_every_answer_of_every_item_sums_the_same_in_sql(code):
    """Each item alone at each of its answers, through the stored-score columns and the
    report's expression: the item is counted, and with all others at 0 the total is it."""
    instrument = get_instrument(code)
    for item in instrument.total_items:
        for answer in range(int(instrument.item(item).max) + 1):
            values = dict.fromkeys(instrument.total_items, 0) | {item: answer}
            stored = scores_from_values(values)
            row = _one_row(
                s=Value(stored["summed_total"], IntegerField()),
                c=Value(stored["summed_answered"], IntegerField()),
                total=prorated_total_expression(instrument, item_sum="s", items_answered="c"),
            )
            assert row["total"] == instrument.score(values)["total"] == answer
