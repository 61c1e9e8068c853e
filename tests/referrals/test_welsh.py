"""The public referral forms in Welsh: the language switch, every page, errors, and the
preferred language stored with the referral."""

import pytest
from django.core import mail

from tests.ui.dom import parse
from vocrehab.clients.deprivation_import import load_samples
from vocrehab.clients.models import Language
from vocrehab.referrals.models import Referral

from .helpers import STEPS, fill_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def glasgow(service):
    service.covered_areas = ["S12000049"]
    service.phone = "0141 000 0000"
    service.save()
    load_samples()
    return service


def in_welsh(client, page="/referrals/refer/"):
    """Choose Welsh with the header link, as a person does."""
    response = client.get(page)
    body = response.content.decode()
    assert 'lang="cy" hreflang="cy">Cymraeg</a>' in body
    return client.get(f"/language/cy/?next={page}")


def test_the_switch_keeps_the_page_and_the_choice(client):
    page = "/referrals/refer/self/person/"
    switched = in_welsh(client, page)
    assert switched.status_code == 302 and switched["Location"] == page
    welsh = client.get(page).content.decode()
    assert '<html lang="cy">' in welsh
    assert "Amdanoch chi" in welsh  # "About you"
    # The way back is in English, marked as English.
    assert 'lang="en-GB" hreflang="en-GB">English</a>' in welsh
    back = client.get(f"/language/en-gb/?next={page}")
    assert back["Location"] == page
    english = client.get(page).content.decode()
    assert '<html lang="en-gb">' in english and "About you" in english


def test_the_switch_never_leaves_the_site(client):
    response = client.get("/language/cy/?next=https://evil.example/")
    assert response["Location"] == "/"
    assert client.get("/language/xx/?next=/").status_code == 404


def test_the_start_page_in_welsh(client):
    in_welsh(client)
    body = client.get("/referrals/refer/").content.decode()
    assert "Atgyfeirio i wasanaeth adsefydlu galwedigaethol" in body
    assert "Atgyfeirio eich hun" in body  # "Refer yourself"
    assert "Neidio i'r prif gynnwys" in body  # skip link


def test_errors_are_in_welsh(client, glasgow):
    in_welsh(client)
    response = client.post("/referrals/refer/self/person/", {"website": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mae problem" in body  # "There is a problem"
    assert "Rhowch eich enw cyntaf" in body or "Eich enw cyntaf" in body
    assert "Dewiswch o leiaf un ffordd o gysylltu â chi." in body
    assert "There is a problem" not in body
    assert Referral.objects.count() == 0


def test_a_welsh_self_referral_from_start_to_acknowledgement(
    client, glasgow, django_capture_on_commit_callbacks
):
    in_welsh(client)
    headings = {"person": "Amdanoch chi", "health": "Eich iechyd a&#x27;ch gwaith"}
    for slug, data in STEPS["self"]:
        page = client.get(f"/referrals/refer/self/{slug}/").content.decode()
        assert "Parhau" in page  # "Continue"
        assert "Yn ôl" in page  # "Back"
        if slug in headings:
            assert headings[slug] in page
        if slug == "person":
            assert "Ym mha iaith y dylem ysgrifennu atoch?" in page
        assert client.post(f"/referrals/refer/self/{slug}/", data).status_code == 302
    check = client.get("/referrals/refer/self/check/").content.decode()
    assert "Gwiriwch eich atebion cyn anfon" in check
    assert "Anfon atgyfeiriad" in check  # "Send referral"
    # Questions left unanswered say so in Welsh.
    assert "Heb ei roi" in check and "Not given" not in check
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/referrals/refer/self/check/", {"website": ""})
    done = client.get(sent["Location"]).content.decode()
    assert "Atgyfeiriad wedi" in done and "Beth sy" in done
    referral = Referral.objects.get()
    # Not answered: the language the form was filled in.
    assert referral.episode.client.preferred_language == Language.WELSH
    assert referral.language == Language.WELSH
    (email,) = mail.outbox
    assert email.subject == f"Eich atgyfeiriad i Glasgow VR Service: {referral.reference}"
    assert "Diolch." in email.body and referral.reference in email.body


def test_the_language_question_wins_over_the_forms_language(client, glasgow):
    fill_steps(client, "self", person={"preferred_language": "cy"})
    client.post("/referrals/refer/self/check/", {"website": ""})
    assert Referral.objects.get().episode.client.preferred_language == Language.WELSH


def test_an_english_referral_is_english(client, glasgow):
    fill_steps(client, "professional")
    client.post("/referrals/refer/professional/check/", {"website": ""})
    referral = Referral.objects.get()
    assert referral.episode.client.preferred_language == Language.ENGLISH
    assert referral.language == Language.ENGLISH


def test_a_professional_filling_in_welsh_is_acknowledged_in_welsh(
    client, glasgow, django_capture_on_commit_callbacks
):
    in_welsh(client)
    fill_steps(client, "professional", person={"preferred_language": "en-gb"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/referrals/refer/professional/check/", {"website": ""})
    referral = Referral.objects.get()
    assert referral.episode.client.preferred_language == Language.ENGLISH
    (email,) = mail.outbox
    assert email.to == ["nurse@example.org"] and "Diolch." in email.body


def test_anonymous_visitor_can_switch_to_welsh_on_the_same_public_page(client, db):
    page = parse(client.get("/referrals/refer/self/person/?change=1").content.decode())
    (nav,) = page.find_all("nav", **{"aria-label": "Language"})
    link = nav.find("a")
    assert link.text() == "Cymraeg"
    assert link.attrs["lang"] == "cy" and link.attrs["hreflang"] == "cy"
    assert link.attrs["href"] == "/language/cy/?next=/referrals/refer/self/person/%3Fchange%3D1"


def test_the_switch_on_a_page_that_is_not_public_returns_home(client, db):
    # The address of a page that is not public may hold someone's details: never repeat it.
    html = client.get("/clients/AB123456C/?name=Alex", follow=True).content.decode()
    assert "AB123456C" not in html and "Alex" not in html
    assert "/language/cy/?next=/" in html


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("123", "Rhowch y rhif GIG neu CHI fel 10 digid, er enghraifft 943 476 5919."),
        ("943 476 5918", "Nid yw&#x27;r rhif GIG neu CHI hwn yn ddilys."),
    ],
)
def test_a_wrong_nhs_number_is_explained_in_welsh(client, glasgow, number, expected):
    from .helpers import PERSON

    in_welsh(client, "/referrals/refer/self/person/")
    response = client.post("/referrals/refer/self/person/", {**PERSON, "nhs_number": number})
    body = response.content.decode()
    assert response.status_code == 200
    assert expected in body
    assert "NHS or CHI number" not in body
