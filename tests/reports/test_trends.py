"""The dashboard's charts of change over time: each monthly series computed in the
database agrees with the same figure worked out one episode at a time in Python."""

import datetime as dt
from statistics import median

import pytest
from django.core.management import call_command
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.episodes.standards import ASSESSMENT, FIRST_CONTACT, Judgement, judge
from vocrehab.reports import trends
from vocrehab.reports.evaluation import build_evaluation
from vocrehab.reports.exports import pdf_html
from vocrehab.reports.presentation import change_over_time, trend_panels

from .helpers import give_measure, make_episode

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 14)
MAY, JUNE = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
# The page, its session and access checks (the services shown, the commissioning areas
# that may be chosen), and one or two queries per series.
QUERIES = 27
HADS_FULL = {f"{s}{i}": 1 for s in "ad" for i in range(1, 8)}


def _month(series, month):
    return next(m for m in series.months if m["month"] == month)


def test_median_days_to_first_contact_and_assessment_per_month(service):
    # May: 1, 3, 10 days to first contact (median 3); June: 2 and 5 days (median 3.5).
    for day, wait in ((6, 1), (7, 3), (13, 10)):
        make_episode(
            service,
            referral_date=dt.date(2024, 5, day),
            first_contact_date=dt.date(2024, 5, day) + dt.timedelta(days=wait),
            assessment_date=dt.date(2024, 5, day) + dt.timedelta(days=2 * wait),
        )
    for day, wait in ((3, 2), (4, 5)):
        make_episode(
            service,
            referral_date=dt.date(2024, 6, day),
            first_contact_date=dt.date(2024, 6, day) + dt.timedelta(days=wait),
        )
    make_episode(service, referral_date=dt.date(2024, 6, 5))  # not yet contacted
    series = trends.monthly_series([service], today=TODAY, months=12)
    contact = series["days_to_first_contact"]
    assert _month(contact, MAY) == {"month": MAY, "value": median([1, 3, 10]), "n": 3}
    assert _month(contact, JUNE) == {"month": JUNE, "value": median([2, 5]), "n": 2}
    assert _month(contact, dt.date(2024, 4, 1))["value"] is None
    assessment = series["days_to_assessment"]
    assert _month(assessment, MAY)["value"] == median([2, 6, 20])
    assert _month(assessment, JUNE) == {"month": JUNE, "value": None, "n": 0}
    assert [m["value"] for m in series["referrals"].months][-2:] == [3, 3]


def test_percent_meeting_each_standard_per_month_counts_as_the_report_judges(service):
    episodes = [
        # May: first contact next day (met), 12 working days later (missed), none (missed).
        make_episode(
            service,
            referral_date=dt.date(2024, 5, 6),
            first_contact_date=dt.date(2024, 5, 7),
            assessment_date=dt.date(2024, 5, 8),
        ),
        make_episode(
            service, referral_date=dt.date(2024, 5, 7), first_contact_date=dt.date(2024, 5, 23)
        ),
        make_episode(service, referral_date=dt.date(2024, 5, 8)),
        # June: met, and one not yet due (left out of eligible).
        make_episode(
            service, referral_date=dt.date(2024, 6, 3), first_contact_date=dt.date(2024, 6, 4)
        ),
        make_episode(service, referral_date=dt.date(2024, 6, 13)),
    ]
    series = trends.monthly_series([service], today=TODAY, months=12)
    for standard in (FIRST_CONTACT, ASSESSMENT):
        for month in (MAY, JUNE):
            judged = [
                judge(standard, e, service=service, as_of=TODAY)
                for e in episodes
                if e.referral_date.replace(day=1) == month
            ]
            met = judged.count(Judgement.MET)
            eligible = met + judged.count(Judgement.MISSED)
            found = _month(series[f"standard_{standard.code}"], month)
            assert found["n"] == eligible
            assert found["value"] == (100 * met / eligible if eligible else None)
    assert _month(series["standard_first_contact"], MAY)["value"] == pytest.approx(100 / 3)
    assert _month(series["standard_first_contact"], JUNE)["value"] == 100


def test_percent_in_work_at_discharge_by_month_of_discharge(service):
    for status in ("at_work", "off_sick", "unemployed", "at_work"):
        make_episode(
            service,
            referral_date=dt.date(2024, 1, 8),
            discharge_date=dt.date(2024, 5, 20),
            work_status_at_discharge=status,
        )
    make_episode(  # third-party referrals are not in the outcome cohort
        service,
        discharge_date=dt.date(2024, 5, 21),
        main_reason="third_party",
        work_status_at_discharge="unemployed",
    )
    found = _month(trends.monthly_series([service], today=TODAY)["in_work_at_discharge"], MAY)
    assert found == {"month": MAY, "value": 50.0, "n": 4}


def test_questionnaire_completion_by_month_of_assessment(service):
    done = make_episode(service, assessment_date=dt.date(2024, 5, 9))
    give_measure(done, "hads", "entry", HADS_FULL)
    blank = make_episode(service, assessment_date=dt.date(2024, 5, 10))
    give_measure(blank, "hads", "entry", {}, status="invited")  # not scorable
    make_episode(service, assessment_date=dt.date(2024, 5, 15))
    # Completed with too few answers to score, and scorable only at discharge: neither
    # counts as an entry questionnaire completed.
    too_few = make_episode(service, assessment_date=dt.date(2024, 5, 16))
    give_measure(too_few, "phq9", "entry", {"q1": 1})
    later = make_episode(service, assessment_date=dt.date(2024, 5, 17))
    give_measure(later, "hads", "discharge", HADS_FULL)
    found = _month(trends.monthly_series([service], today=TODAY)["questionnaire_completion"], MAY)
    assert found["n"] == 5
    assert found["value"] == pytest.approx(100 / 5)


def _two_years_of_contacts(service, today):
    """Two referrals a month for two years, first contact 2 working days later; in the
    last month, 20 days later."""
    month = today.replace(day=1)
    for back in range(24):
        first = month
        for _ in range(back):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        for day in (3, 10):
            wait = 20 if back == 0 else 2
            make_episode(
                service,
                referral_date=first.replace(day=day),
                first_contact_date=first.replace(day=day) + dt.timedelta(days=wait),
            )


def test_the_dashboard_charts_each_series_with_its_direction_and_data(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    today = dt.date.today()
    _two_years_of_contacts(service, today)
    page = client.get(reverse("reports:dashboard"))
    panels = {p["slug"]: p for p in page.context["trend_panels"]}
    assert list(panels) == [
        "spc-referrals",
        "spc-days-to-first-contact",
        "spc-days-to-assessment",
        "spc-standard-first-contact",
        "spc-standard-assessment",
        "spc-in-work-at-discharge",
        "spc-questionnaire-completion",
    ]
    waits = panels["spc-days-to-first-contact"]
    assert waits["better_label"] == "Lower is better"
    # The last month's long waits are a special cause of concern.
    assert waits["variation_label"] == "Special cause variation: concern (higher)"
    assert waits["rows"][-1]["value"] == "20.0"
    assert panels["spc-standard-first-contact"]["target"] == 100
    assert panels["spc-standard-first-contact"]["assurance_label"]
    # Nothing assessed: a sentence, not a chart.
    assert panels["spc-days-to-assessment"]["chart"] is None
    html = page.content.decode()
    assert "Median days from referral to first contact" in html
    assert "Not enough months to chart yet: 0 with data" in html
    assert "The figures in this chart" in html
    assert "Target 100%." in html


def test_the_dashboard_query_count_is_bounded(signed_in, service, django_assert_max_num_queries):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    _two_years_of_contacts(service, dt.date.today())
    client.get(reverse("reports:dashboard"))  # fills the working-day calendar
    with django_assert_max_num_queries(QUERIES):
        assert client.get(reverse("reports:dashboard")).status_code == 200


def test_suppressed_panels_leave_out_months_resting_on_small_numbers(service):
    make_episode(service, referral_date=dt.date(2024, 5, 6), first_contact_date=dt.date(2024, 5, 7))
    series = trends.monthly_series([service], today=TODAY, months=12)
    panels = {p["slug"]: p for p in trend_panels(series, suppressed=True)}
    may = next(r for r in panels["spc-days-to-first-contact"]["rows"] if r["label"] == "May 2024")
    assert may == {"label": "May 2024", "value": "suppressed", "n": "suppressed"}
    shown = {p["slug"]: p for p in trend_panels(series)}
    may = next(r for r in shown["spc-days-to-first-contact"]["rows"] if r["label"] == "May 2024")
    assert may == {"label": "May 2024", "value": "1.0", "n": 1}


def test_the_pdf_report_has_a_change_over_time_section(service):
    _two_years_of_contacts(service, dt.date.today())
    report = build_evaluation([service])
    panels = change_over_time([service], suppressed=False)
    html = pdf_html(report, False, panels)
    assert "Change over time" in html
    assert html.count("<svg") >= 3  # referrals, waits, first contact standard
    assert "Median days from referral to first contact" in html
    assert "Special cause variation: concern (higher)" in html
    assert "Lower is better" in html
    assert "Not enough months to chart yet: 0 with data" in html  # nothing assessed


def test_the_pdf_download_and_the_command_print_the_charts(signed_in, service, tmp_path):
    _two_years_of_contacts(service, dt.date.today())
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("reports:download"), {"services": service.pk, "format": "pdf"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    out = tmp_path / "r.pdf"
    call_command(
        "report", "evaluation", "--service", service.code, "--format", "pdf", "--out", str(out)
    )
    assert out.read_bytes().startswith(b"%PDF")


def test_a_suppressed_month_withholds_the_chart_but_not_its_figures(service):
    today = dt.date.today()
    month = today.replace(day=1)
    for back in range(14):
        first = month
        for _ in range(back):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        for _n in range(2 if back == 3 else 6):
            make_episode(service, referral_date=first)
    series = trends.monthly_series([service], today=today, months=14)
    shown = trend_panels(series)[0]
    assert shown["chart"] is not None and shown["withheld"] == 0
    hidden = trend_panels(series, suppressed=True)[0]
    assert hidden["chart"] is None and hidden["withheld"] == 1
    assert sum(r["value"] == "suppressed" for r in hidden["rows"]) == 1


def test_a_period_too_short_for_a_chart_says_so_in_the_pdf(service):
    make_episode(service, referral_date=dt.date(2024, 5, 6))
    panels = change_over_time([service], dt.date(2024, 3, 1), dt.date(2024, 6, 30), suppressed=True)
    assert [p["chart"] for p in panels] == [None] * 7
    assert [r["label"] for r in panels[0]["rows"]] == [
        "Mar 2024",
        "Apr 2024",
        "May 2024",
        "Jun 2024",
    ]
    # May rests on one referral: suppressed, so no chart is drawn over the months left.
    assert panels[0]["withheld"] == 1 and panels[0]["points"] == 3
    html = pdf_html(build_evaluation([service]), True, panels)
    assert "Not charted: 1 month rests on a small number and is suppressed" in html
    assert "Months resting on a small number are left out." in html
