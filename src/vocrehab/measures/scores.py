"""Keep :class:`~vocrehab.measures.models.QuestionnaireScores` in step with the item values.

Each row is an aggregate of one administration's item values, computed by the database
from ``measures_itemvalue`` (one ``INSERT … SELECT … GROUP BY``), so the stored scores
are exactly what the report would compute from the values themselves. Whatever writes
item values calls :func:`refresh_scores` for the administrations it touched, inside its
own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from vocrehab.episodes.summaries import Summary

from .instruments import COPM_PROBLEMS, INSTRUMENTS, get_instrument, prorated_total_scored
from .models import (
    PAIRED_TIMEPOINTS,
    SCORE_COLUMNS,
    Administration,
    AdministrationStatus,
    ItemValue,
    QuestionnairePair,
    QuestionnaireScores,
)
from .valuesets import DIMENSIONS


def _hads_items(subscale: str) -> tuple[str, ...]:
    return tuple(i.code for i in get_instrument("hads").items if i.group == subscale)


def _summed_items() -> tuple[str, ...]:
    """Every item that some prorated-total instrument (PHQ-9, GAD-7, WHO-5) adds up.

    They share their codes (q1, q2, ...); an administration is of one instrument, so its
    row sums exactly that instrument's items."""
    found: dict[str, None] = {}
    for instrument in INSTRUMENTS.values():
        found.update(dict.fromkeys(instrument.total_items))
    return tuple(found)


def _copm_ratings(score: str) -> tuple[str, ...]:
    return tuple(f"p{n}_{score}" for n in range(1, COPM_PROBLEMS + 1))


def _one_item_each(*items: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {item: ("MAX", (item,)) for item in items}


SATISFACTION_QUESTIONS = (
    "overall",
    "helpful",
    "involved",
    "positive_impact",
    "recommend",
    "use_again",
)

# column -> (aggregate, the item codes it reads)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    # EQ-5D (3L and 5L share their item codes)
    **_one_item_each(
        "mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression", "vas"
    ),
    "hads_anxiety_sum": ("SUM", _hads_items("anxiety")),
    "hads_anxiety_items": ("COUNT", _hads_items("anxiety")),
    "hads_depression_sum": ("SUM", _hads_items("depression")),
    "hads_depression_items": ("COUNT", _hads_items("depression")),
    "hads_anxiety": ("MAX", ("anxiety",)),
    "hads_depression": ("MAX", ("depression",)),
    "copm_performance_problems": ("AVG", _copm_ratings("performance")),
    "copm_satisfaction_problems": ("AVG", _copm_ratings("satisfaction")),
    "copm_performance": ("MAX", ("performance",)),
    "copm_satisfaction": ("MAX", ("satisfaction",)),
    "summed_total": ("SUM", _summed_items()),
    "summed_answered": ("COUNT", _summed_items()),
    **_one_item_each("working", "managing_condition", "work_impact"),
    **_one_item_each("gp_visits", "outpatient_visits", "hospital_stays"),
    **{f"satisfaction_{q}": ("MAX", (q,)) for q in SATISFACTION_QUESTIONS},
}

BATCH = 2000


def _columns_by_item() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for column, (aggregate, items) in COLUMNS.items():
        for item in items:
            found.setdefault(item, []).append((column, aggregate))
    return found


_COLUMNS_BY_ITEM = _columns_by_item()
_EMPTY = {
    column: 0 if aggregate == "COUNT" else None for column, (aggregate, _i) in COLUMNS.items()
}


def scores_from_values(values: Mapping[str, float | None]) -> dict[str, float | int | None]:
    """The stored columns for one administration whose item values (item -> value) are
    all in hand: the same aggregates as the SQL, for writers that hold the values
    already (the dataset import writes hundreds of thousands at a time)."""
    row = dict(_EMPTY)
    averaged: dict[str, list[float]] = {}
    for item, value in values.items():
        if value is None:
            continue
        for column, aggregate in _COLUMNS_BY_ITEM.get(item, ()):
            current = row[column]
            if aggregate == "COUNT":
                row[column] = current + 1
            elif aggregate == "MAX":
                row[column] = value if current is None else max(current, value)
            elif aggregate == "SUM":
                row[column] = value if current is None else current + value
            else:  # AVG
                averaged.setdefault(column, []).append(value)
    for column, found in averaged.items():
        row[column] = sum(found) / len(found)
    return row


def _insert(cursor, where: str, where_params: list) -> int:
    """INSERT the scores of the administrations ``where`` selects, from their values."""
    quote = connection.ops.quote_name
    parts, params = [], []
    for aggregate, items in COLUMNS.values():
        placeholders = ", ".join(["%s"] * len(items))
        parts.append(
            f"{aggregate}(CASE WHEN {quote('item')} IN ({placeholders}) THEN {quote('value')} END)"
        )
        params += items
    columns = ", ".join(quote(c) for c in ("administration_id", *COLUMNS))
    cursor.execute(
        f"INSERT INTO {quote(QuestionnaireScores._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {quote('administration_id')}, {', '.join(parts)} "
        f"FROM {quote(ItemValue._meta.db_table)} WHERE {where} "
        f"GROUP BY {quote('administration_id')}",
        [*params, *where_params],
    )
    return cursor.rowcount


def refresh_scores(administration_ids: Iterable[int]) -> None:
    """Recompute the stored scores of these administrations from their item values.

    Meant for a few administrations at a time (a questionnaire saved, an episode's
    measures): each is read through the (administration, item) index. A bulk writer
    computes the rows with :func:`scores_from_values` instead.
    """
    ids = sorted(set(administration_ids))
    quote = connection.ops.quote_name
    table = quote(QuestionnaireScores._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            where = f"{quote('administration_id')} IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(f"DELETE FROM {table} WHERE {where}", chunk)  # noqa: S608
            _insert(cursor, where, chunk)
    mark_scorable(Administration.objects.filter(pk__in=ids))
    refresh_pairs(
        Administration.objects.filter(pk__in=ids).values_list("episode_id", flat=True).distinct()
    )


def rebuild_all_scores() -> int:
    """Recompute every stored score from the item values; returns the rows written."""
    table = connection.ops.quote_name(QuestionnaireScores._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        rows = _insert(cursor, "1 = 1", [])
    mark_scorable(Administration.objects.all())
    return rows


# --- the report's pairs: entry and discharge side by side --------------------------


PAIR_KEY = ("episode_id", "instrument")


def _pair_expressions() -> dict[str, str]:
    """Each pair column and the expression over a questionnaire's scores (alias ``s``)
    and administration (``a``) that gives it, grouped by episode and instrument."""
    quote = connection.ops.quote_name
    timepoint = f"a.{quote('timepoint')}"
    found = {"episode_id": f"a.{quote('episode_id')}", "instrument": f"a.{quote('instrument')}"}
    for column in SCORE_COLUMNS:
        for tp in PAIRED_TIMEPOINTS:
            found[f"{tp.value}_{column}"] = (
                f"MAX(CASE WHEN {timepoint} = '{tp.value}' THEN s.{quote(column)} END)"
            )
    # Scorable at each timepoint: a comparison, which both databases store as a flag.
    for tp in PAIRED_TIMEPOINTS:
        found[f"{tp.value}_scorable"] = (
            f"MAX(CASE WHEN {timepoint} = '{tp.value}' AND s.{quote('scorable')} "
            "THEN 1 ELSE 0 END) = 1"
        )
    return found


def _pair_column_names() -> list[str]:
    return list(_pair_expressions())


def _pairs_select(episodes, columns) -> str:
    """SELECT the pair rows (``columns``) of the completed entry and discharge
    questionnaires of the episodes the predicate ``episodes`` chooses, one per
    (episode, instrument)."""
    quote = connection.ops.quote_name
    expressions = _pair_expressions()
    timepoints = ", ".join(f"'{tp.value}'" for tp in PAIRED_TIMEPOINTS)
    # Only constants and quoted names are interpolated; values are parameters.
    return (
        f"SELECT {', '.join(expressions[c] for c in columns)} "  # noqa: S608
        f"FROM {quote(QuestionnaireScores._meta.db_table)} s "
        f"INNER JOIN {quote(Administration._meta.db_table)} a "
        f"ON (a.{quote('id')} = s.{quote('administration_id')}) "
        f"WHERE a.{quote('status')} = '{AdministrationStatus.COMPLETED.value}' "
        f"AND a.{quote('timepoint')} IN ({timepoints}) "
        f"AND {episodes('a.' + quote('episode_id'))} "
        f"GROUP BY a.{quote('episode_id')}, a.{quote('instrument')}"
    )


QUESTIONNAIRE_PAIRS = Summary(
    model=QuestionnairePair,
    key=PAIR_KEY,
    columns=_pair_column_names,
    select=_pairs_select,
    selections=1,
    describe=lambda key: f"episode {key[0]}, {key[1]}",
)
# Recompute the report's entry/discharge pairs of these episodes from their stored
# scores: by refresh_scores and when an administration is saved or deleted (receivers).
refresh_pairs = QUESTIONNAIRE_PAIRS.refresh
# Every episode of these services: for a bulk writer (the dataset import).
refresh_pairs_of_services = QUESTIONNAIRE_PAIRS.refresh_of_services
rebuild_all_pairs = QUESTIONNAIRE_PAIRS.rebuild_all
pairs_differing = QUESTIONNAIRE_PAIRS.differing


# --- scorable: the questionnaire gives at least one score ---------------------------


def _any_column(*columns: str) -> Q:
    found = Q()
    for column in columns:
        found |= Q(**{f"scores__{column}__isnull": False})
    return found


def _hads_subscale(subscale: str) -> Q:
    # Scored from seven items, from six prorated, or from a recorded total (_score_hads).
    return Q(**{f"scores__hads_{subscale}_items__gte": 6}) | _any_column(f"hads_{subscale}")


# Per instrument, over its stored scores: when its scorer gives at least one score.
# EQ-5D: the index (all five dimensions) or the VAS; HADS: either subscale; COPM: either
# score, from the problems or as recorded; the others: any item they report.
_SCORABLE: dict[str, Q] = {
    **{
        code: _any_column("vas")
        | Q(**{f"scores__{dimension}__isnull": False for dimension in DIMENSIONS})
        for code in ("eq5d5l", "eq5d3l")
    },
    "hads": _hads_subscale("anxiety") | _hads_subscale("depression"),
    "copm": _any_column(
        "copm_performance_problems",
        "copm_satisfaction_problems",
        "copm_performance",
        "copm_satisfaction",
    ),
    "work_confidence": _any_column("working", "managing_condition", "work_impact"),
    "health_use": _any_column("gp_visits", "outpatient_visits", "hospital_stays"),
    "satisfaction": _any_column(*(f"satisfaction_{q}" for q in SATISFACTION_QUESTIONS)),
    # PHQ-9, GAD-7, WHO-5: a total by the instrument's prorating rule (PHQ-9's
    # difficulty question, outside the total, does not make it scorable on its own).
    **{
        code: prorated_total_scored(instrument, items_answered="scores__summed_answered")
        for code, instrument in INSTRUMENTS.items()
        if instrument.total_items
    },
}


def _scored_by_rule() -> Q:
    """Administrations whose values give at least one score by their instrument's rule
    (whatever their status)."""
    others = ItemValue.objects.filter(administration=OuterRef("pk")).filter(
        Q(value__isnull=False) | ~Q(text_value="")
    )
    condition = Q(~Q(instrument__in=list(_SCORABLE)), Exists(others))
    for code, rule in _SCORABLE.items():
        condition |= Q(rule, instrument=code)
    return condition


def scorable() -> Q:
    """A filter on administrations: completed, with at least one score by its
    instrument's scoring rule. (From another model, filter on
    ``Exists(Administration.objects.filter(scorable(), …))``.)

    Instruments whose scores the report pairs are judged on their stored scores
    (:data:`COLUMNS`); the others (Work Ability Score, the follow-up survey, the HNA)
    score every answer they hold, so any recorded answer makes them scorable.
    ``tests/measures/test_scorable.py`` holds this to each instrument's scorer.
    Reports over many episodes read the same rule stored with the scores
    (:func:`stored_scorable`).
    """
    return _scored_by_rule() & Q(status=AdministrationStatus.COMPLETED)


def stored_scorable(prefix: str = "") -> Q:
    """:func:`scorable` as stored with the scores (``QuestionnaireScores.scorable``): a
    join instead of the rule's subqueries, for reports over many administrations.
    ``prefix`` leads from the queried model to an administration."""
    return Q(
        **{
            f"{prefix}status": AdministrationStatus.COMPLETED,
            f"{prefix}scores__scorable": True,
        }
    )


def mark_scorable(administrations) -> None:
    """Store the scoring rule's verdict with the scores of ``administrations`` (an
    Administration queryset). Called whenever their scores are written."""
    QuestionnaireScores.objects.filter(administration__in=administrations.values("pk")).update(
        scorable=Exists(
            Administration.objects.filter(_scored_by_rule(), pk=OuterRef("administration_id"))
        )
    )


def mark_scorable_of_services(service_ids: Iterable[int]) -> None:
    """:func:`mark_scorable` for every administration of these services (a bulk writer)."""
    mark_scorable(Administration.objects.filter(episode__service_id__in=list(service_ids)))


def scorable_differing(limit: int = 20) -> tuple[int, list[str]]:
    """Scores whose stored verdict differs from the rule applied now: how many, and up to
    ``limit`` of their administrations described."""
    rule = Exists(
        Administration.objects.filter(_scored_by_rule(), pk=OuterRef("administration_id"))
    )
    wrong = (
        QuestionnaireScores.objects.annotate(by_rule=rule)
        .filter(~Q(scorable=F("by_rule")))
        .order_by("administration_id")
        .values_list("administration_id", flat=True)
    )
    return wrong.count(), [f"administration {pk}" for pk in wrong[:limit]]
