"""The evaluation report reads like a report: a summary in sentences from the report's
own figures (suppression respected), then one section a page, every table one click
from the contents; the dashboard shows referrals per month once."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.codes import IN_WORK
from vocrehab.dates import human_date
from vocrehab.reports import exports
from vocrehab.reports.presentation import (
    OPEN_TABLE_ROWS,
    REPORT_SECTIONS,
    contents,
    report_page,
    summary,
)
from vocrehab.reports.suppression import suppress
from vocrehab.reports.tables import TABLES

from .helpers import make_episode

pytestmark = pytest.mark.django_db
D = dt.date
REFERRED = D(2024, 1, 8)  # a Monday
NEXT_DAY = D(2024, 1, 9)  # within every standard
LATE = D(2024, 2, 26)  # seven weeks on: outside every standard


def _plan():
    """The episodes made, as data the expected figures are counted from."""
    discharged = [
        # (work status at discharge, first contact, assessment)
        ("at_work", NEXT_DAY, NEXT_DAY),
        ("at_work", NEXT_DAY, NEXT_DAY),
        ("at_work", NEXT_DAY, NEXT_DAY),
        ("at_work", NEXT_DAY, LATE),
        ("self_employed", NEXT_DAY, LATE),
        ("unemployed", LATE, LATE),
        ("off_sick", LATE, LATE),
    ]
    still_open = [(NEXT_DAY, LATE), (NEXT_DAY, LATE)]
    return discharged, still_open


@pytest.fixture
def made(service):
    discharged, still_open = _plan()
    for status, contact, assessed in discharged:
        make_episode(
            service,
            referral_date=REFERRED,
            first_contact_date=contact,
            assessment_date=assessed,
            discharge_date=D(2024, 4, 1),
            work_status_at_discharge=status,
        )
    for contact, assessed in still_open:
        make_episode(
            service, referral_date=REFERRED, first_contact_date=contact, assessment_date=assessed
        )
    return service


def _expected():
    discharged, still_open = _plan()
    everyone = [(c, a) for _s, c, a in discharged] + still_open
    in_work = sum(1 for s, _c, _a in discharged if s in IN_WORK)
    return {
        "referred": len(everyone),
        "discharged": len(discharged),
        "open": len(still_open),
        "cohort": len(discharged),
        "in_work": in_work,
        "in_work_percent": f"{100 * in_work / len(discharged):.1f}%",
        "contact_met": sum(1 for c, _a in everyone if c == NEXT_DAY),
        "assessed_met": sum(1 for _c, a in everyone if a == NEXT_DAY),
        "eligible": len(everyone),
    }


def test_the_summary_says_the_reports_own_figures_in_sentences(made, report):
    e = _expected()
    sentences = summary(report([made], D(2024, 1, 1), D(2024, 3, 31)))
    assert sentences[0] == (
        f"There were {e['referred']} referrals from {human_date(D(2024, 1, 1))} "
        f"to {human_date(D(2024, 3, 31))}."
    )
    assert sentences[1] == (
        f"Of these, {e['discharged']} have been discharged and {e['open']} are still open."
    )
    assert sentences[2].startswith(
        f"Of the {e['cohort']} discharged in the outcome cohort, "
        f"{e['in_work']} ({e['in_work_percent']}) were in work at discharge: "
    )
    assert "self-employed" in sentences[2]
    contact = 100 * e["contact_met"] / e["eligible"]
    assessed = 100 * e["assessed_met"] / e["eligible"]
    assert sentences[3] == (
        f"First contact within 5 working days: {contact:.1f}% met the standard "
        f"({e['contact_met']} of {e['eligible']} episodes due)."
    )
    assert sentences[4] == (
        f"Assessment within 10 working days: {assessed:.1f}% met the standard "
        f"({e['assessed_met']} of {e['eligible']} episodes due)."
    )
    assert len(sentences) == 5


def test_a_suppressed_figure_is_said_to_be_suppressed_never_worked_around(made, report):
    e = _expected()
    # One self-employed and three assessed in time: small numbers, hidden.
    assert e["assessed_met"] < 5
    hidden = suppress(report([made]))
    sentences = summary(hidden)
    work = sentences[2]
    assert "in work at discharge is suppressed" in work
    # Neither the total nor what is shown of it (the at-work count) stands in for it.
    assert f" {e['in_work']} " not in work and e["in_work_percent"] not in work
    assert not re.search(r"\d+(\.\d)?%", work)
    # Each standard as the table shows it: hidden there (the assessment's small count,
    # and the cell hidden beside it so it cannot be worked out), hidden here.
    national = [c for c in hidden["tables"]["service_standards"]["cells"] if not c.get("service")]
    assert any(c["suppressed"] for c in national)
    for cell, sentence in zip(national, sentences[3:], strict=True):
        figures = sentence.split(":", 1)[1]
        if cell["suppressed"]:
            assert "is suppressed" in figures and not re.search(r"\d", figures)
        else:
            assert f"({cell['met']} of {cell['eligible']} episodes due)" in figures


def test_small_and_empty_reports_say_so(service, report):
    assert summary(report([service]))[0] == "There were no referrals in all."
    for _ in range(3):
        make_episode(service)
    hidden = summary(suppress(report([service])))
    assert hidden[0] == "The number of referrals in all is suppressed because it is small."
    assert "3" not in " ".join(hidden)
    # Nothing is said of how many were discharged; none was, and zero hides no one.
    assert hidden[1].startswith("No one in the outcome cohort")


def test_every_table_belongs_to_one_section_and_only_one():
    named = [t for _slug, _title, ids in REPORT_SECTIONS for t in ids]
    assert len(named) == len(set(named))
    assert set(named) == set(TABLES)


def test_a_table_no_section_names_still_gets_a_page(made, report):
    built = report([made])
    built["tables"]["new_table"] = {"title": "A new table", "n": 0, "cells": []}
    pages = contents(built)
    assert pages[-1]["slug"] == "other"
    assert pages[-1]["tables"] == [{"id": "new_table", "title": "A new table"}]


def test_a_named_table_is_shown_open_on_its_page(made, report, monkeypatch):
    # The charts are not the subject here: not drawn, to keep the test quick.
    monkeypatch.setattr("vocrehab.reports.presentation.chart_data_uri", lambda *a: None)
    built = report([made])
    for page in contents(built):
        for table in page["tables"]:
            shown = report_page(built, page["slug"], table["id"])
            assert shown["current"]["slug"] == page["slug"]
            found = {s["id"]: s for s in shown["sections"]}
            assert set(found) == {t["id"] for t in page["tables"]}
            assert found[table["id"]]["open"]
    # Unnamed, a long table is folded away and a short one shown.
    shown = report_page(built, "work")
    for s in shown["sections"]:
        assert s["open"] == (len(s["rows"]) <= OPEN_TABLE_ROWS)


def _get(client, service, **params):
    response = client.get(reverse("reports:evaluation"), {"services": service.pk, **params})
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_first_page_is_the_summary_and_contents_and_no_tables(signed_in, made):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response, html = _get(client, made)
    for sentence in response.context["summary"]:
        assert sentence.replace("“", "&ldquo;") in html or sentence in html
    assert 'class="app-report-table' not in html
    assert "data:image/svg+xml" not in html  # no chart drawn for the overview
    # Every table is one click away: a link to its section page, naming it.
    for table_id in response.context["report"]["tables"]:
        assert re.search(rf'href="\?[^"]*section=\w+&amp;table={table_id}#{table_id}"', html)
    # Downloads stay, for the whole report.
    for fmt in exports.FORMATS:
        assert f"format={fmt}" in html


def test_each_section_page_shows_its_own_tables_charts_first(signed_in, made):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response, overview = _get(client, made)
    pages = response.context["contents"]
    total = 0
    for at, page in enumerate(pages):
        target = page["tables"][-1]["id"]
        response, html = _get(client, made, section=page["slug"], table=target)
        total += len(html)
        mine = {t["id"] for t in page["tables"]}
        for other in pages:
            for t in other["tables"]:
                assert (f'<section id="{t["id"]}"' in html) == (t["id"] in mine)
        # The table the link named is open.
        opened = re.search(rf'<section id="{target}".*?<details class="[^"]*"( open)?>', html, re.S)
        assert opened.group(1) == " open"
        # Charts come before the first table.
        if 'class="app-chart"' in html:
            assert html.index('class="app-chart"') < html.index('class="app-report-table')
        # Previous and next lead through the sections.
        if at + 1 < len(pages):
            assert f'section={pages[at + 1]["slug"]}" rel="next"' in html
        assert 'rel="prev"' in html
    # The first page is a small part of what the whole report used to be on one page.
    assert len(overview) * 4 < total


def test_an_unknown_section_shows_the_summary_and_says_so(signed_in, made):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response, html = _get(client, made, section="nonsense")
    assert "no section called “nonsense”" in html or "no section called &ldquo;nonsense" in html
    assert response.context["summary"]


def test_a_commissioner_reads_a_suppressed_summary(signed_in, made):
    client, _user = signed_in(Role.COMMISSIONER)
    response, html = _get(client, made)
    assert response.context["suppressed"] is True
    assert "in work at discharge is suppressed" in html


# The report is built in a fixed number of queries (test_query_count); the page adds
# the signed-in user's session, access, menu and the commissioning areas the form
# offers. Either page, whatever the data. On PostgreSQL the report's transaction first
# sets its working memory and JIT (evaluation.REPORTING_SETTINGS), one query each.
QUERIES = 42


def test_the_report_pages_cost_a_bounded_number_of_queries(
    signed_in, made, django_assert_max_num_queries
):
    from django.db import connection

    from vocrehab.reports.evaluation import REPORTING_SETTINGS

    budget = QUERIES + (len(REPORTING_SETTINGS) if connection.vendor == "postgresql" else 0)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    _get(client, made)  # fills the working-day calendar
    with django_assert_max_num_queries(budget):
        _get(client, made)
    with django_assert_max_num_queries(budget):
        _get(client, made, section="work")


def test_the_pdf_opens_with_the_same_summary(signed_in, made, monkeypatch):
    seen = {}

    def fake_pdf(report, **kwargs):
        seen.update(kwargs)
        return b"%PDF-"

    monkeypatch.setattr(exports, "to_pdf", fake_pdf)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response, _html = _get(client, made)
    client.get(reverse("reports:download"), {"services": made.pk, "format": "pdf"})
    assert seen["summary"] == response.context["summary"]


def test_the_pdf_html_puts_the_summary_first(made, report):
    built = report([made])
    sentences = summary(built)
    html = exports.pdf_html(built, False, [], sentences)
    assert html.index(sentences[0].split(" in all")[0]) < html.index('<section id="summary">')


def test_the_dashboard_shows_referrals_per_month_once(signed_in, service):
    today = dt.date.today()
    for months_back in range(12):
        make_episode(service, referral_date=today - dt.timedelta(days=30 * months_back))
    client, _user = signed_in(Role.SERVICE_MANAGER)
    html = client.get(reverse("reports:dashboard")).content.decode()
    captions = re.findall(r"<caption[^>]*>\s*Referrals (?:per|by) month", html)
    headings = re.findall(r"<h2[^>]*>\s*Referrals (?:per|by) month", html)
    assert len(captions) == 1 and len(headings) == 1
