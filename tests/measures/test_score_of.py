"""score_of: the same score from answers read in bulk as from the administration's own."""

from datetime import date

import pytest

from vocrehab.measures.models import Administration, ItemValue
from vocrehab.measures.queries import score_of, values_of


@pytest.mark.django_db
def test_answers_read_already_score_as_the_values_do(episode):
    administration = Administration.objects.create(
        episode=episode, instrument="hads", timepoint="entry", date=date(2026, 2, 1)
    )
    for n in range(1, 8):
        ItemValue.objects.create(administration=administration, item=f"a{n}", value=2)
    ItemValue.objects.create(administration=administration, item="d1", value=1)
    rows = ItemValue.objects.filter(administration=administration).values_list(
        "item", "value", "text_value"
    )
    answers = {item: ItemValue.answer_of(value, text) for item, value, text in rows}
    assert answers == values_of(administration)
    assert score_of(administration, answers=answers) == score_of(administration)
    assert score_of(administration, answers=answers)["anxiety"] == 14


def test_the_stored_answer_is_the_number_else_the_text():
    assert ItemValue.answer_of(3.0, "") == 3.0
    assert ItemValue.answer_of(0.0, "") == 0.0
    assert ItemValue.answer_of(None, "at_work") == "at_work"
    assert ItemValue.answer_of(None, "") is None
