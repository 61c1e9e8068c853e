"""A service manager runs the evaluation report in a real browser: the tables and charts
appear, the page is accessible and nothing breaks the Content Security Policy."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    browser_context_args,
    browser_type_launch_args,
    console_errors,
)
from tests.browser.test_navigation import PASSWORD, sign_in
from tests.conftest import enrol_totp
from vocrehab.accounts.models import Role

from .helpers import make_episode

pytestmark = pytest.mark.browser


def test_a_manager_runs_the_report(
    page,
    live_server,
    transactional_db,
    make_staff,
    service,
    console_errors,  # noqa: F811
):
    # Generous timeouts: the report and its charts are built on the first request.
    page.set_default_timeout(120_000)
    for i in range(8):
        make_episode(
            service,
            referral_source="self" if i % 2 else "acute_nhs",
            discharge_date=dt.date(2024, 3, 1),
            work_status_at_discharge="at_work",
        )
    user = make_staff(Role.SERVICE_MANAGER, service, mfa=False, password=PASSWORD)
    sign_in(page, live_server, user, enrol_totp(user), console_errors)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label(service.name).check()
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state()
    # The first page: the summary, the contents and no tables.
    expect(page.locator("#summary-title")).to_be_visible()
    expect(page.get_by_test_id("summary-sentence").first).to_contain_text("There were 8 referrals")
    assert page.locator("section.app-report-table").count() == 0
    assert_no_serious_violations(page, "evaluation report summary")
    # One click on a contents entry lands on the table and shows it.
    page.locator(".app-report-contents").get_by_role("link", name="Work status by tier").click()
    page.wait_for_load_state()
    expect(page.locator("section#work_status_by_tier table")).to_be_visible()
    expect(page.locator("section#work_status_by_tier table")).to_be_in_viewport()
    # A folded table opens when a link on the page leads to it.
    page.locator(".app-table-links").get_by_role(
        "link", name="Work status at discharge by condition"
    ).click()
    expect(page.locator("section#work_status_by_condition table")).to_be_visible()
    page.goto(page.url.split("&section=")[0] + "&section=referrals")
    expect(page.locator("section#referral_sources table")).to_contain_text("Self-referral")
    chart = page.locator("#chart-referral_sources img.app-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 0
    assert "Hospital clinician, nurse specialist or AHP 4" in chart.get_attribute("alt")
    assert_no_serious_violations(page, "evaluation report")
    assert not console_errors, console_errors
    page.goto(f"{live_server.url}/reports/dashboard/")
    expect(page.locator("h1")).to_contain_text(service.name)
    assert_no_serious_violations(page, "dashboard")
    assert not console_errors, console_errors
