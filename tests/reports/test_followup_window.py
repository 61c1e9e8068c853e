"""The follow-up table counts a follow-up only when it was collected inside the VRMDS v1.1
window (150 to 270 days after discharge) and says how many it left out."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from tests.casework.helpers import pdf_text
from vocrehab.accounts.models import Role
from vocrehab.reports.suppression import suppress

from .helpers import make_episode

pytestmark = pytest.mark.django_db
DISCHARGED = dt.date(2024, 1, 31)


def followed_up(service, days_after, status="at_work", **fields):
    return make_episode(
        service,
        discharge_date=DISCHARGED,
        work_status_at_discharge="at_work",
        work_status_at_followup=status,
        followup_collected_on=(
            None if days_after is None else DISCHARGED + dt.timedelta(days=days_after)
        ),
        **fields,
    )


@pytest.fixture
def followups(service):
    # Inside the window, both ends included.
    for days in (150, 183, 270):
        followed_up(service, days)
    # Left out for their date: too early (the discharge day, 149), too late (271, with a
    # manager's reason), and a status with no date known.
    followed_up(service, 0)
    followed_up(service, 149, status="off_sick")
    followed_up(service, 271, followup_outside_window_reason="Client abroad until then")
    followed_up(service, None)
    # Not in the outcome cohort: left out of both counts.
    followed_up(service, 10, main_reason="third_party")
    return service


def test_only_follow_ups_inside_the_window_count(followups, report):
    table = report([followups])["tables"]["followup"]
    assert table["n"] == 3
    assert table["cells"][0] == {
        "respondents": 3,
        "in_work_at_discharge": 3,
        "still_in_work": 3,
        "percent_sustained": 100.0,
        "percent_in_work_at_discharge": 100.0,
        "percent_in_work_at_followup": 100.0,
        "out_of_window": 4,
        "suppressed": False,
    }


def test_a_small_number_left_out_is_suppressed_alone(service, report):
    for days in (150, 160, 170, 180, 190, 200):
        followed_up(service, days)
    followed_up(service, 30)
    cell = suppress(report([service]))["tables"]["followup"]["cells"][0]
    assert cell["out_of_window"] is None
    assert cell["respondents"] == 6 and cell["suppressed"] is False


def test_the_report_page_says_how_many_were_left_out(signed_in, followups):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(
        reverse("reports:evaluation"), {"services": followups.pk, "section": "work"}
    )
    html = response.content.decode()
    assert (
        "4 recorded follow-up statuses were left out because they were not collected "
        "150 to 270 days after discharge." in html
    )
    assert "Left out: collected outside the window" in html


def test_the_downloads_carry_it_too(signed_in, followups):
    from openpyxl import load_workbook

    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("reports:download")
    report = json.loads(client.get(url, {"services": followups.pk, "format": "json"}).content)
    assert report["tables"]["followup"]["cells"][0]["out_of_window"] == 4
    workbook = load_workbook(
        io.BytesIO(client.get(url, {"services": followups.pk, "format": "xlsx"}).content)
    )
    sheet = [[c for c in row if c is not None] for row in workbook["followup"].values]
    assert any("outside the window" in str(heading) for heading in sheet[2])
    notes = [row[0] for row in sheet if row and isinstance(row[0], str)]
    assert any("4 recorded follow-up statuses were left out" in note for note in notes)
    pdf = client.get(url, {"services": followups.pk, "format": "pdf"}).content
    assert "4 recorded follow-up statuses were left out" in " ".join(pdf_text(pdf).split())
