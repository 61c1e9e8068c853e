"""A client completes the questionnaires of one invitation from an emailed link, and
one from a letter code, on a phone-sized screen."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.measures import links, services
from vocrehab.measures.models import Administration, Channel, ItemValue

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB", device_scale_factor=2
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    page.errors = errors
    yield page
    context.close()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _episode(service):
    client = Client.objects.create(
        service=service, reference="C-PHONE", first_name="Synthetic", last_name="Person"
    )
    return Episode.objects.create(
        service=service,
        client=client,
        reference="E-PHONE",
        referral_date=date(2026, 1, 5),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )


def test_a_client_completes_an_invitation_of_two_questionnaires_on_a_phone(
    phone, live_server, transactional_db, service
):
    episode = _episode(service)
    administration, second = (
        Administration.objects.create(
            episode=episode, instrument=code, timepoint="entry", status="scheduled"
        )
        for code in ("work_confidence", "work_ability")
    )
    link = services.issue_invitation(episode, "entry", channel=Channel.EMAIL)
    token = links.make_token(link)

    phone.goto(f"{live_server.url}/measures/q/{token}/")
    # The token is swapped for a session: it is gone from the address bar.
    expect(phone).to_have_url(re.compile(rf"/measures/questionnaire/{link.pk}/$"))
    assert token not in phone.url
    expect(phone.get_by_role("heading", name="Your questionnaires")).to_be_visible()
    expect(phone.get_by_text("It takes about 2 minutes.")).to_be_visible()
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "invitation start page on a phone")
    phone.get_by_role("button", name="Start").tap()
    expect(phone.get_by_text("Questionnaire 1 of 2")).to_have_count(2)
    expect(phone.get_by_text("Question 1 of 3")).to_be_visible()
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "questionnaire question page on a phone")

    phone.get_by_label("7", exact=True).check()
    phone.get_by_role("button", name="Continue").tap()
    expect(phone.get_by_text("Question 2 of 3")).to_be_visible()
    phone.get_by_label("4", exact=True).check()
    phone.get_by_role("button", name="Continue").tap()
    expect(phone.get_by_text("Question 3 of 3")).to_be_visible()
    # Back keeps the answer given.
    phone.get_by_role("link", name="Back").tap()
    expect(phone.get_by_label("4", exact=True)).to_be_checked()
    phone.get_by_role("button", name="Continue").tap()
    phone.get_by_label("10", exact=True).check()
    phone.get_by_role("button", name="Continue").tap()

    expect(phone.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert _fits_the_screen(phone)
    phone.get_by_role("button", name="Send these answers and go on").tap()
    expect(
        phone.get_by_role("heading", name="Questionnaire 2 of 2: Work Ability Score")
    ).to_be_visible()
    phone.get_by_label("6", exact=True).check()
    phone.get_by_role("button", name="Continue").tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_text("Thank you: your answers have been sent")).to_be_visible()

    administration.refresh_from_db()
    second.refresh_from_db()
    assert administration.status == second.status == "completed"
    assert dict(ItemValue.objects.values_list("item", "value")) == {
        "working": 7.0,
        "managing_condition": 4.0,
        "work_impact": 10.0,
        "score": 6.0,
    }
    # The same link now says it was used.
    phone.goto(f"{live_server.url}/measures/q/{token}/")
    expect(
        phone.get_by_role("heading", name="These answers have already been sent")
    ).to_be_visible()
    assert not [e for e in phone.errors if "Content Security Policy" in e], phone.errors


def test_a_client_enters_a_letter_code_on_a_phone(phone, live_server, transactional_db, service):
    episode = _episode(service)
    administration = Administration.objects.create(
        episode=episode, instrument="followup_survey", timepoint="followup", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.LETTER)

    phone.goto(f"{live_server.url}/measures/code/")
    assert _fits_the_screen(phone)
    phone.get_by_label("Enter the code from your letter").fill(
        links.letter_code(link).lower().replace("-", " ")
    )
    phone.get_by_role("button", name="Continue").tap()
    phone.get_by_role("button", name="Start").tap()
    expect(phone.get_by_text("Question 1 of 3")).to_be_visible()
    phone.get_by_label("Self-employed").check()
    expect(phone.get_by_label("Deceased")).to_have_count(0)  # never asked of a client
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "follow-up survey work status on a phone")
    phone.get_by_role("button", name="Continue").tap()
    phone.get_by_label("Hours worked per week").fill("22.5")
    phone.get_by_role("button", name="Continue").tap()
    phone.get_by_label("No").check()
    phone.get_by_role("button", name="Continue").tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_text("Thank you: your answers have been sent")).to_be_visible()
    administration.refresh_from_db()
    assert administration.status == "completed"
    values = {v.item: v.answer for v in administration.values.all()}
    assert values == {
        "work_status": "self_employed",
        "hours_per_week": 22.5,
        "more_support_needed": 0.0,
    }


def test_a_welsh_client_opens_the_link_in_welsh_on_a_phone(
    phone, live_server, transactional_db, service
):
    """The pages open in the client's language without the switch; the questionnaires
    read in English are marked before starting, and the page passes axe with its
    English part marked as English."""
    episode = _episode(service)
    episode.client.preferred_language = "cy"
    episode.client.save()
    for code in ("phq9", "work_ability"):
        Administration.objects.create(
            episode=episode, instrument=code, timepoint="entry", status="scheduled"
        )
    link = services.issue_invitation(episode, "entry", channel=Channel.EMAIL)

    phone.goto(f"{live_server.url}/measures/q/{links.make_token(link)}/")
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.get_by_role("heading", name="Eich holiaduron")).to_be_visible()
    expect(
        phone.get_by_text("Holiadur Iechyd Cleifion (PHQ-9) (10 cwestiwn) – yn Saesneg")
    ).to_be_visible()
    expect(phone.get_by_text("Sgôr Gallu i Weithio (1 cwestiwn)")).to_be_visible()
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "Welsh invitation start page on a phone")
    phone.get_by_role("button", name="Dechrau").tap()
    # The question is marked English; "(dewisol)" beside it is ours, read in Welsh.
    question = phone.locator("main legend")
    expect(question.locator('[lang="en-GB"]')).to_have_text(
        "Little interest or pleasure in doing things"
    )
    expect(question).to_have_text("Little interest or pleasure in doing things (dewisol)")
    assert _fits_the_screen(phone)
    assert_no_serious_violations(phone, "Welsh page of an English questionnaire on a phone")
    phone.get_by_label("Several days").check()
    phone.get_by_role("button", name="Parhau").tap()
    expect(phone.get_by_text("Cwestiwn 2 o 10")).to_be_visible()
