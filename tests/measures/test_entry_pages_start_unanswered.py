"""Entering a questionnaire by hand starts with every answer empty, at every timepoint of
every questionnaire (the follow-up survey's work status included): an answer the client
did not give is never sent in by a page that chose it."""

from datetime import date

import pytest
from django.urls import reverse

from tests.ui.dom import preselected_fields
from vocrehab.accounts.models import Role
from vocrehab.measures.instruments import INSTRUMENTS

pytestmark = pytest.mark.django_db

PAGES = sorted(
    (code, str(timepoint))
    for code, instrument in INSTRUMENTS.items()
    for timepoint in instrument.timepoints
)


@pytest.fixture
def discharged(make_episode, service):
    return make_episode(
        service,
        assessment_date=date(2026, 1, 12),
        discharge_date=date(2026, 3, 2),
        work_status_at_discharge="at_work",
    )


def test_the_walk_covers_the_follow_up_survey():
    assert any(timepoint == "followup" for _code, timepoint in PAGES)


@pytest.mark.parametrize(("code", "timepoint"), PAGES)
def test_every_entry_page_starts_unanswered(signed_in, discharged, code, timepoint):
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(reverse("measures:enter", args=[discharged.pk, code, timepoint]))
    assert page.status_code == 200, (code, timepoint)
    assert not preselected_fields(page.text), (code, timepoint)
