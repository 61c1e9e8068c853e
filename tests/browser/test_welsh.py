"""The public pages in Welsh, in a browser on a phone-sized screen: the switch, the
referral form with its errors, and axe on each page."""

import pytest
from playwright.sync_api import expect

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser


def test_the_referral_form_in_welsh_passes_axe(page, live_server, transactional_db, console_errors):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/referrals/refer/")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("h1")).to_have_text(
        "Cael help i aros mewn gwaith, dychwelyd i'r gwaith neu ddod o hyd i waith"
    )
    assert_no_serious_violations(page, "Welsh start page")

    page.get_by_role("link", name="Atgyfeirio eich hun").click()
    expect(page.locator("h1")).to_have_text("Amdanoch chi")
    page.get_by_role("button", name="Parhau").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Mae problem")
    assert_no_serious_violations(page, "Welsh person page with errors")

    # Back to English on the same page.
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    expect(page.locator("h1")).to_have_text("About you")
