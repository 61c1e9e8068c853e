"""A member of staff signs in, moves around the pages their role offers, and signs out.

Every page visited is checked with axe-core: no serious or critical accessibility
violation, and no script error or Content Security Policy violation in the console.
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from playwright.sync_api import expect

from tests.conftest import enrol_totp
from vocrehab.accounts.models import Membership, Role

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def current_code(secret: str) -> str:
    """The code of the current period. A busy machine can take seconds to answer, so
    the server may check it in the next period: the browser tests accept the code of
    the period before (``accept_the_code_of_the_period_before``)."""
    return format_hotp_value(hotp_value(secret, next(counters())))


def check_page(page, console_errors, where: str):
    """The page is ours, accessible, and ran without script or CSP errors."""
    expect(page.locator("header.nhsuk-header")).to_be_visible()
    assert page.locator("main#maincontent").count() == 1
    assert_no_serious_violations(page, where)
    assert not console_errors, f"console errors on {where}: {console_errors}"


def sign_in(page, live_server, user, secret, console_errors):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_no_serious_violations(page, "sign-in page")
    page.get_by_label(re.compile("email", re.I)).fill(user.email)
    page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    # Wait for the answer to the password before looking for the code box: on a busy
    # machine the two-factor page may not have arrived yet.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    code_box = page.get_by_label(re.compile("code", re.I))
    if code_box.count():
        assert_no_serious_violations(page, "two-factor page")
        code_box.fill(current_code(secret))
        page.get_by_role("button", name=re.compile("sign in|continue|verify", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")


def nav_links(page) -> list[tuple[str, str]]:
    links = page.locator("nav.nhsuk-header__navigation a.nhsuk-header__navigation-link")
    found = []
    for i in range(links.count()):
        link = links.nth(i)
        found.append((link.inner_text().strip(), link.get_attribute("href")))
    return found


@pytest.mark.parametrize(
    "role", [Role.CASE_MANAGER, Role.SERVICE_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR]
)
def test_staff_member_moves_between_their_pages(
    role, page, live_server, transactional_db, make_staff, service, console_errors
):
    user = make_staff(role, service, mfa=False, password=PASSWORD)
    secret = enrol_totp(user)

    sign_in(page, live_server, user, secret, console_errors)
    check_page(page, console_errors, f"home page of a {role}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".nhsuk-header__account")).to_contain_text(user.first_name)

    links = nav_links(page)
    assert links and links[0][1] == "/", "the first navigation entry is Home"
    # Django's admin site has its own look; the shell ends where it begins.
    ours = [(label, href) for label, href in links if not href.startswith("/admin/")]
    for label, href in ours[1:]:
        nav = page.locator("nav.nhsuk-header__navigation")
        link = nav.get_by_role("link", name=label, exact=True)
        if not link.is_visible():
            # Entries that do not fit the width move under the header's "More" menu.
            nav.locator(".nhsuk-header__menu-toggle").click()
        link.click()
        page.wait_for_url(f"{live_server.url}{href}*")
        check_page(page, console_errors, f"{label} ({href}) as a {role}")
        current = page.locator("nav.nhsuk-header__navigation [aria-current]")
        expect(current).to_have_text(label)

    # Cards on the home page lead to the same places as the navigation.
    page.locator(".nhsuk-header__service-name").click()
    page.wait_for_url(f"{live_server.url}/")
    card_links = page.locator("a.nhsuk-card__link")
    for i in range(card_links.count()):
        href = card_links.nth(i).get_attribute("href")
        assert href in {h for _, h in links}, f"card link {href} is not in the navigation"

    page.locator(".nhsuk-header__account").get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert_no_serious_violations(page, "after signing out")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url, "signed-out visitors are sent to sign in"


def test_staff_in_two_services_can_switch_between_them(
    page, live_server, transactional_db, make_staff, service, other_service, console_errors
):
    user = make_staff(Role.CASE_MANAGER, service, mfa=False, password=PASSWORD)
    Membership.objects.create(
        user=user,
        organisation=other_service.organisation,
        service=other_service,
        role=Role.CASE_MANAGER,
    )
    secret = enrol_totp(user)
    sign_in(page, live_server, user, secret, console_errors)
    switcher = page.locator("form.app-service-switcher")
    expect(switcher).to_be_visible()
    switcher.get_by_label("Service").select_option(label=other_service.name)
    switcher.get_by_role("button", name="Switch service").click()
    page.wait_for_load_state()
    expect(page.locator("form.app-service-switcher select option:checked")).to_have_text(
        other_service.name
    )
    check_page(page, console_errors, "home page after switching service")


def test_pages_for_everyone_are_accessible(page, live_server, transactional_db, console_errors):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_no_serious_violations(page, "sign-in page")
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    check_page(page, console_errors, "not-found page")


def test_skip_link_moves_focus_to_the_main_content(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/no-such-page/")
    page.keyboard.press("Tab")
    skip = page.locator("a.nhsuk-skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#maincontent")).to_be_focused()
