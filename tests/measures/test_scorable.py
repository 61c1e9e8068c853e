"""A questionnaire is scorable in SQL (``measures.scores.scorable``, what the completion
table and the data-quality page count) exactly when its instrument's scorer gives at
least one score: every instrument, with random answers missing."""

import random

import pytest

from vocrehab.measures.instruments import INSTRUMENTS, ItemKind
from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue
from vocrehab.measures.scores import refresh_scores, scorable

pytestmark = pytest.mark.django_db

TRIES = 40  # answer sets per instrument


def _answer(item, rng):
    if item.kind is ItemKind.TEXT:
        return "synthetic answer"
    if item.kind is ItemKind.CODE:
        return rng.choice(item.choices)
    high = item.max if item.max is not None else 20
    return rng.randint(int(item.min or 0), int(high))


def _answers(instrument, rng):
    """Some of the items answered: none, a few, nearly all, or all."""
    keep = rng.choice((0.0, 0.1, 0.5, 0.9, 1.0))
    return {i.code: _answer(i, rng) for i in instrument.items if rng.random() < keep}


def _scores_something(instrument, answers) -> bool:
    score = instrument.score(answers)
    if instrument.total_items:
        # PHQ-9, GAD-7, WHO-5: the total is what is counted (PHQ-9's difficulty question
        # alone is not a completed PHQ-9).
        return score.scores["total"] is not None
    return any(value is not None for value in score.scores.values())


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_scorable_in_sql_is_what_the_scorer_scores(code, make_episode, service):
    instrument = INSTRUMENTS[code]
    rng = random.Random(code)
    expected = {}
    for n in range(TRIES):
        episode = make_episode(service)
        answers = _answers(instrument, rng)
        status = AdministrationStatus.COMPLETED if n % 5 else AdministrationStatus.IN_PROGRESS
        administration = Administration.objects.create(
            episode=episode, instrument=code, timepoint="ad_hoc", status=status
        )
        for item, answer in answers.items():
            numeric = instrument.item(item).kind not in (ItemKind.TEXT, ItemKind.CODE)
            ItemValue.objects.create(
                administration=administration,
                item=item,
                value=answer if numeric else None,
                text_value="" if numeric else answer,
            )
        refresh_scores([administration.pk])
        expected[administration.pk] = (
            status == AdministrationStatus.COMPLETED and _scores_something(instrument, answers)
        )
    got = set(Administration.objects.filter(scorable()).values_list("pk", flat=True))
    assert got == {pk for pk, yes in expected.items() if yes}
    assert 0 < len(got) < TRIES  # both kinds were tried
