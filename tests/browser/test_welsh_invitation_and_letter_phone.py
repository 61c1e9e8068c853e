"""A service in Wales writing to a client who prefers Welsh, seen in a browser on a
phone-sized screen: the invitation page and the letter give the service's name and
opening hours in Welsh, and the page passes axe."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client as WebClient
from playwright.sync_api import expect

from vocrehab.accounts.models import Role
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.measures import links, services
from vocrehab.measures.models import Administration, Channel

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
WELSH_NAME = "Gwasanaeth Adsefydlu Galwedigaethol Caerdydd"
WELSH_HOURS = "Dydd Llun i ddydd Gwener, 9am i 5pm"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    yield context.new_page()
    context.close()


@pytest.fixture
def cardiff(service):
    service.name = "Cardiff Vocational Rehabilitation Service"
    service.name_cy = WELSH_NAME
    service.nation = "wales"
    service.phone = "029 2000 0000"
    service.opening_hours = "Monday to Friday, 9am to 5pm"
    service.opening_hours_cy = WELSH_HOURS
    service.save()
    return service


def _welsh_episode(service):
    client = Client.objects.create(
        service=service,
        reference="C-CY",
        first_name="Synthetig",
        last_name="Person",
        address="1 Stryd Synthetig\nCaerdydd",
        postcode="CF10 1AA",
        preferred_language="cy",
    )
    episode = Episode.objects.create(
        service=service,
        client=client,
        reference="E-CY",
        referral_date=date(2026, 1, 5),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )
    for code in ("phq9", "work_ability"):
        Administration.objects.create(
            episode=episode, instrument=code, timepoint="entry", status="scheduled"
        )
    return episode


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_welsh_invitation_page_on_a_phone(phone, live_server, transactional_db, cardiff):
    link = services.issue_invitation(_welsh_episode(cardiff), "entry", channel=Channel.EMAIL)
    phone.goto(f"{live_server.url}/measures/q/{links.make_token(link)}/")
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.locator("main .nhsuk-caption-m")).to_have_text(WELSH_NAME)
    expect(phone.locator("main")).to_contain_text(f"ffoniwch ni ar 029 2000 0000 ({WELSH_HOURS})")
    expect(phone.locator("main")).not_to_contain_text("Monday to Friday")
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "Welsh invitation page with the service's Welsh details")


def test_the_welsh_letter_on_a_phone(phone, live_server, transactional_db, cardiff, make_staff):
    episode = _welsh_episode(cardiff)
    link = services.issue_invitation(episode, "entry", channel=Channel.LETTER)
    staff = WebClient()
    staff.force_login(
        make_staff(Role.CASE_MANAGER, cardiff),
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    cookie = staff.cookies[settings.SESSION_COOKIE_NAME]
    phone.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    phone.goto(f"{live_server.url}/measures/links/{link.pk}/letter/")
    letter = phone.locator("article.vr-letter")
    expect(letter).to_have_attribute("lang", "cy")
    expect(letter.locator("p").first).to_contain_text(WELSH_NAME)
    expect(letter.locator("p").first).to_contain_text(WELSH_HOURS)
    expect(letter).to_contain_text(f"ffoniwch ni ar 029 2000 0000 ({WELSH_HOURS})")
    expect(letter).not_to_contain_text("Monday to Friday")
    expect(letter).not_to_contain_text("Cardiff Vocational Rehabilitation Service")
    # The line in the other language (a service in Wales) is marked as English.
    expect(letter.locator('[lang="en-GB"]')).to_contain_text("The pages are also in English")
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "Welsh questionnaire letter")
