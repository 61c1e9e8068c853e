"""A person refers themself from the first page to the acknowledgement; then the service
triages the referral, gives it a tier and allocates it to a case manager."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import enrol_totp
from vocrehab.accounts.models import Role
from vocrehab.referrals.models import Referral

from .axe import assert_no_serious_violations
from .test_navigation import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def _continue(page):
    page.get_by_role("button", name="Continue").click()


def test_self_referral_from_start_to_acknowledgement(
    page, live_server, transactional_db, service, console_errors
):
    service.covered_areas = ["G31"]
    service.save()
    page.set_viewport_size({"width": 375, "height": 800})  # a phone
    page.goto(f"{live_server.url}/referrals/refer/")
    assert_no_serious_violations(page, "referral start page")
    page.get_by_role("link", name="Refer yourself").click()

    expect(page.locator("h1")).to_have_text("About you")
    _continue(page)  # nothing filled in: the error summary lists the problems
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_no_serious_violations(page, "person page with errors")
    page.get_by_label("Your first name").fill("Ann")
    page.get_by_label("Your last name").fill("Smith")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("1970")
    page.get_by_label(re.compile("NHS or CHI number")).fill("943 476 5919")
    page.get_by_label("Your postcode").fill("g31 9za")
    page.get_by_label(re.compile("Your phone number")).fill("0141 496 0000")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_role("group", name="Is it safe to leave a message?").get_by_label("Yes").check()
    _continue(page)

    expect(page.locator("h1")).to_have_text("Your health and work")
    assert_no_serious_violations(page, "health and work page")
    page.get_by_label("Cancer", exact=True).check()
    page.get_by_label(re.compile("Cancer site")).fill("C50")
    page.get_by_label("During treatment", exact=True).check()
    page.get_by_label("Employed, off sick").check()
    page.get_by_label("Weeks you have been off sick so far").fill("8")
    page.get_by_label("Help to get back to work from sickness absence").check()
    _continue(page)

    expect(page.locator("h1")).to_have_text("Consent")
    assert_no_serious_violations(page, "consent page")
    page.get_by_label("I agree to be contacted by the service").check()
    page.get_by_role("group", name=re.compile("share information")).get_by_label("Yes").check()
    _continue(page)

    expect(page.locator("h1")).to_have_text("Check your answers before sending")
    assert_no_serious_violations(page, "check answers page")
    expect(page.locator("main")).to_contain_text("Glasgow VR Service")
    page.get_by_role("button", name="Send referral").click()

    expect(page.locator("h1")).to_have_text("Referral sent")
    assert_no_serious_violations(page, "acknowledgement page")
    reference = page.get_by_test_id("reference").inner_text()
    referral = Referral.objects.get()
    assert reference == referral.reference
    assert referral.episode.client.last_name == "Smith"
    assert not console_errors, console_errors


def test_triage_to_allocation(
    page, live_server, transactional_db, service, make_staff, console_errors
):
    from tests.referrals.conftest import intake
    from vocrehab.referrals.services import create_referral

    referral = create_referral(service=service, channel="phone", data=intake()).referral
    worker = make_staff(Role.CASE_MANAGER, service, mfa=False)
    manager = make_staff(Role.SERVICE_MANAGER, service, mfa=False, password=PASSWORD)
    secret = enrol_totp(manager)
    sign_in(page, live_server, manager, secret, console_errors)

    page.goto(f"{live_server.url}/referrals/")
    assert_no_serious_violations(page, "triage queue")
    page.get_by_role("link", name=referral.reference).click()
    expect(page.locator("h1")).to_contain_text(referral.reference)
    assert_no_serious_violations(page, "triage page")

    tier = page.locator("details", has_text="Allocate a tier")
    tier.get_by_text("Allocate a tier").click()
    tier.get_by_label("Tier 3: intensive case management").check()
    tier.get_by_label("Reason").fill("Complex return to work with employer dispute")
    tier.get_by_role("button", name="Save tier").click()
    expect(page.get_by_test_id("current-tier")).to_contain_text("Tier 3")

    allocation = page.locator("details", has_text="Allocate to a worker")
    allocation.get_by_text("Allocate to a worker").click()
    allocation.get_by_label(re.compile(re.escape(str(worker)))).check()
    allocation.get_by_role("button", name="Allocate").click()
    expect(page.get_by_test_id("worker")).to_have_text(str(worker))
    assert_no_serious_violations(page, "triage page after allocation")
    referral.episode.refresh_from_db()
    assert referral.episode.case_manager == worker and referral.episode.tier == "3"
    assert not console_errors, console_errors


def test_find_a_client_and_open_their_record(
    page, live_server, transactional_db, service, make_staff, console_errors
):
    from tests.referrals.conftest import intake
    from vocrehab.referrals.services import create_referral

    referral = create_referral(service=service, channel="phone", data=intake()).referral
    user = make_staff(Role.CASE_MANAGER, service, mfa=False, password=PASSWORD)
    secret = enrol_totp(user)
    sign_in(page, live_server, user, secret, console_errors)

    page.goto(f"{live_server.url}/clients/")
    page.get_by_label(re.compile("Search by name")).fill("smi")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Smith, Ann")).to_be_visible()
    assert_no_serious_violations(page, "client search results")
    page.get_by_role("link", name="Smith, Ann").click()
    expect(page.locator("h1")).to_have_text("Ann Smith")
    expect(page.locator("main")).to_contain_text(referral.reference)
    assert_no_serious_violations(page, "client record")
    page.get_by_role("link", name="Change details").click()
    expect(page.get_by_label("Phone (optional)", exact=True)).to_be_visible()
    assert_no_serious_violations(page, "change client details")
    page.get_by_label("Phone (optional)", exact=True).fill("0141 496 0999")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("0141 496 0999")
    assert not console_errors, console_errors
