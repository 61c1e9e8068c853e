"""A form with mistakes, in a real browser: the NHS.UK error summary takes focus and
its links move focus to the field that needs fixing."""

import pytest
from playwright.sync_api import expect

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser


def test_error_summary_takes_focus_and_links_to_the_fields(
    page, live_server, transactional_db, console_errors
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("main form").get_by_role("button").first.click()
    page.wait_for_load_state()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("There is a problem")
    links = summary.locator("a")
    assert links.count() >= 1
    assert_no_serious_violations(page, "sign-in page with errors")

    first = links.first
    target_id = first.get_attribute("href").removeprefix("#")
    first.click()
    field = page.locator(f"#{target_id}")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby") or ""
    assert f"{target_id}_error" in described_by.split()
    expect(page.locator(f"#{target_id}_error")).to_contain_text("Error:")
    assert not console_errors, console_errors
