"""In a real browser: the picker finds services and fills an onward referral's inputs.

The casework page that will hold the picker is written elsewhere, so the test puts a
minimal onward-referral form, with the picker included, into a directory page.
"""

import re

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.browser.axe import assert_no_serious_violations
from tests.browser.test_navigation import PASSWORD, sign_in
from tests.conftest import enrol_totp
from vocrehab.accounts.models import Role

pytestmark = pytest.mark.browser

FORM = """
<form method="post" id="onward-form">
  <label class="nhsuk-label" for="id_category">Need</label>
  <select class="nhsuk-select" id="id_category" name="category">
    <option value="welfare">Benefits</option><option value="legal">Legal</option>
  </select>
  <label class="nhsuk-label" for="id_service_name">Service</label>
  <input class="nhsuk-input" id="id_service_name" name="service_name" type="text">
  <label class="nhsuk-label" for="id_service_ref">Directory reference</label>
  <input class="nhsuk-input" id="id_service_ref" name="service_ref" type="text">
  {picker}
</form>
"""


def test_choosing_a_service_fills_the_form(
    page, live_server, transactional_db, make_staff, service, organisation, console_errors,
    make_entry,
):  # fmt: skip
    make_entry(organisation, name="Legal help", reference="legal-help", categories=["legal"],
               areas=["S12000049"])  # fmt: skip
    make_entry(organisation, name="Benefits help", categories=["welfare"], areas=["S12000049"])
    user = make_staff(Role.CASE_MANAGER, service, mfa=False, password=PASSWORD)
    sign_in(page, live_server, user, enrol_totp(user), console_errors)
    page.goto(f"{live_server.url}/directory/")
    picker = render_to_string(
        "directory/_picker.html",
        {"area_code": "S12000049", "condition": "cancer", "hints": "0"},
    )
    page.evaluate(
        """html => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("afterbegin", html);
            htmx.process(document.getElementById("onward-form"));
        }""",
        FORM.format(picker=picker),
    )
    page.select_option("#id_category", "legal")
    # The directory page has its own "category" field: only the form's own is sent.
    with page.expect_request(re.compile(r".*/directory/picker/.*")) as request_info:
        page.get_by_role("button", name="Find services").click()
    assert "category=legal" in request_info.value.url
    assert "category=&" not in request_info.value.url + "&"
    results = page.locator("#directory-picker-results")
    expect(results).to_contain_text("Legal help")
    expect(results).not_to_contain_text("Benefits help")
    results.get_by_role("button", name=re.compile("Choose")).click()
    expect(page.locator("#id_service_name")).to_have_value("Legal help")
    expect(page.locator("#id_service_ref")).to_have_value("legal-help")
    expect(results).to_contain_text("Chosen: Legal help")
    assert_no_serious_violations(page, "onward form after choosing a service")
    assert not console_errors, console_errors
