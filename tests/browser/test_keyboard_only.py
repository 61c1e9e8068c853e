"""The client's journeys with the keyboard alone, on a phone-sized screen (WCAG 2.2 AA:
2.1.1 keyboard, 2.4.1 bypass blocks, 2.4.7 focus visible, 2.4.11 focus not obscured).

Nothing is clicked: every field is reached with Tab, radios and checkboxes are chosen
with Space, buttons and links pressed with Enter. Each step checks that the focused
element shows a focus indicator and is on the screen.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.measures import links, services
from vocrehab.measures.models import Administration, Channel, ItemValue
from vocrehab.referrals.models import Referral

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
MOST_TABS = 80

_FOCUS_SHOWN = """el => {
    const style = getComputedStyle(el);
    const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    return ring || shadow || style.backgroundColor === "rgb(255, 235, 59)";
}"""
_ON_SCREEN = """el => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def tab_to(page, locator):
    """Press Tab until ``locator`` has the focus, then check the focus can be seen."""
    target = locator.element_handle()
    for _ in range(MOST_TABS):
        if page.evaluate("el => document.activeElement === el", target):
            assert page.evaluate(_FOCUS_SHOWN, target), "no visible focus indicator"
            assert page.evaluate(_ON_SCREEN, target), "the focused element is off the screen"
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} cannot be reached with the Tab key")


def type_into(page, locator, text):
    tab_to(page, locator)
    page.keyboard.type(text)


def choose(page, locator):
    """A checkbox, or a radio, chosen with the space bar.

    Tab stops once in a group of radios; the arrow keys move within it.
    """
    target = locator.element_handle()
    if page.evaluate("el => el.type", target) != "radio":
        tab_to(page, locator)
        page.keyboard.press("Space")
        expect(locator).to_be_checked()
        return
    name = page.evaluate("el => el.name", target)
    in_group = "n => document.activeElement.type === 'radio' && document.activeElement.name === n"
    for _ in range(MOST_TABS):
        if page.evaluate(in_group, name):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail(f"the radios of {name} cannot be reached with the Tab key")
    for _ in range(20):
        if page.evaluate("el => document.activeElement === el", target):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate(_FOCUS_SHOWN, target), "no visible focus indicator"
    expect(locator).to_be_checked()


def press(page, locator):
    tab_to(page, locator)
    page.keyboard.press("Enter")


def test_a_person_refers_themself_with_the_keyboard_alone(
    phone, live_server, transactional_db, service
):
    service.covered_areas = ["G31"]
    service.save()
    page = phone
    page.goto(f"{live_server.url}/referrals/refer/")
    # The first Tab reaches the skip link, which moves the focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=re.compile("Skip to main content"))
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    press(page, page.get_by_role("link", name="Refer yourself"))

    expect(page.locator("h1")).to_have_text("About you")
    # Sent empty, the error summary takes the focus and its links lead to the fields.
    press(page, page.get_by_role("button", name="Continue"))
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    press(page, page.locator(".nhsuk-error-summary a").first)
    expect(page.get_by_label("Your first name")).to_be_focused()

    type_into(page, page.get_by_label("Your first name"), "Ann")
    type_into(page, page.get_by_label("Your last name"), "Smith")
    type_into(page, page.get_by_label("Day"), "14")
    type_into(page, page.get_by_label("Month"), "5")
    type_into(page, page.get_by_label("Year"), "1970")
    type_into(page, page.get_by_label(re.compile("NHS or CHI number")), "943 476 5919")
    type_into(page, page.get_by_label("Your postcode"), "g31 9za")
    type_into(page, page.get_by_label(re.compile("Your phone number")), "0141 496 0000")
    choose(page, page.get_by_label("Phone", exact=True))
    choose(
        page,
        page.get_by_role("group", name="Is it safe to leave a message?").get_by_label("Yes"),
    )
    press(page, page.get_by_role("button", name="Continue"))

    expect(page.locator("h1")).to_have_text("Your health and work")
    choose(page, page.get_by_label("Cancer", exact=True))
    type_into(page, page.get_by_label(re.compile("Cancer site")), "C50")
    choose(page, page.get_by_label("During treatment", exact=True))
    choose(page, page.get_by_label("Employed, off sick"))
    type_into(page, page.get_by_label("Weeks you have been off sick so far"), "8")
    choose(page, page.get_by_label("Help to get back to work from sickness absence"))
    press(page, page.get_by_role("button", name="Continue"))

    expect(page.locator("h1")).to_have_text("Consent")
    choose(page, page.get_by_label("I agree to be contacted by the service"))
    choose(
        page,
        page.get_by_role("group", name=re.compile("share information")).get_by_label("Yes"),
    )
    press(page, page.get_by_role("button", name="Continue"))

    expect(page.locator("h1")).to_have_text("Check your answers before sending")
    press(page, page.get_by_role("button", name="Send referral"))
    expect(page.locator("h1")).to_have_text("Referral sent")
    assert_no_serious_violations(page, "acknowledgement page, reached by keyboard")
    assert Referral.objects.get().episode.client.last_name == "Smith"


def test_a_client_answers_a_questionnaire_with_the_keyboard_alone(
    phone, live_server, transactional_db, service
):
    client = Client.objects.create(
        service=service, reference="C-KEYS", first_name="Synthetic", last_name="Person"
    )
    episode = Episode.objects.create(
        service=service,
        client=client,
        reference="E-KEYS",
        referral_date=date(2026, 1, 5),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )
    administration = Administration.objects.create(
        episode=episode, instrument="work_confidence", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.LETTER)
    page = phone
    page.goto(f"{live_server.url}/measures/code/")
    type_into(page, page.get_by_label("Enter the code from your letter"), links.letter_code(link))
    press(page, page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", name="Your questionnaires")).to_be_visible()
    press(page, page.get_by_role("button", name="Start"))

    for number, answer in ((1, "7"), (2, "4"), (3, "10")):
        expect(page.get_by_text(f"Question {number} of 3")).to_be_visible()
        choose(page, page.get_by_label(answer, exact=True))
        press(page, page.get_by_role("button", name="Continue"))

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    press(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_text("Thank you: your answers have been sent")).to_be_visible()
    administration.refresh_from_db()
    assert administration.status == "completed"
    assert dict(ItemValue.objects.values_list("item", "value")) == {
        "working": 7.0,
        "managing_condition": 4.0,
        "work_impact": 10.0,
    }
