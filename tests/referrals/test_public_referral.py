"""The public referral forms, from the first page to the acknowledgement."""

import pytest
from django.core import mail
from django.urls import reverse

from vocrehab.clients.deprivation_import import load_samples
from vocrehab.codes import ReferralSource
from vocrehab.referrals.models import Channel, Referral

from .helpers import STEPS, fill_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def glasgow(service):
    service.covered_areas = ["S12000049"]
    service.phone = "0141 000 0000"
    service.save()
    load_samples()
    return service


def test_start_page_offers_three_journeys(client):
    response = client.get("/referrals/refer/")
    assert response.status_code == 200
    for kind in ("professional", "self", "carer"):
        assert f"/referrals/refer/{kind}/person/".encode() in response.content


def test_professional_referral_end_to_end(client, glasgow, django_capture_on_commit_callbacks):
    last = fill_steps(client, "professional")
    assert last["Location"] == "/referrals/refer/professional/check/"
    check = client.get(last["Location"])
    assert check.status_code == 200
    body = check.content.decode()
    assert "Check your answers" in body and "Glasgow VR Service" in body
    assert "Breast care nurse" in body and "C50" in body
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(last["Location"], {"website": ""})
    assert sent["Location"] == "/referrals/refer/done/"
    referral = Referral.objects.get()
    assert referral.channel == Channel.PROFESSIONAL_FORM
    assert referral.service == glasgow
    episode = referral.episode
    assert episode.referral_source == ReferralSource.ACUTE_NHS
    assert episode.consent_to_contact is True and episode.consent_to_share is True
    assert episode.condition_detail == "C50"
    assert referral.treatment_stage == "during"
    client_record = episode.client
    assert client_record.nhs_number == "9434765919"
    assert client_record.postcode == "G31 9ZA"
    assert client_record.deprivation_index == "simd2020"
    assert client_record.deprivation_rank == 212 and client_record.deprivation_decile == 1
    assert episode.deprivation_decile == 1 and episode.age_at_referral is not None
    assert referral.submitted["first_name"] == "Ann"
    done = client.get("/referrals/refer/done/")
    assert referral.reference.encode() in done.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nurse@example.org"]
    assert referral.reference in mail.outbox[0].subject
    referral.refresh_from_db()
    assert referral.email_sent_at is not None and referral.email_attempts == 1
    # The draft is gone: a second visit to the acknowledgement starts again.
    assert client.get("/referrals/refer/done/").status_code == 302


def test_self_referral_is_recorded_as_self(client, glasgow):
    fill_steps(client, "self")
    client.post("/referrals/refer/self/check/", {})
    referral = Referral.objects.get()
    assert referral.channel == Channel.SELF_FORM
    assert referral.episode.referral_source == ReferralSource.SELF
    assert referral.acknowledgement_email == "ann@example.org"


def test_family_referral_is_recorded_as_third_party(client, glasgow):
    fill_steps(client, "carer")
    client.post("/referrals/refer/carer/check/", {})
    referral = Referral.objects.get()
    assert referral.channel == Channel.THIRD_PARTY_FORM
    assert referral.episode.referrer_role == "Husband"
    assert referral.acknowledgement_email == "bob@example.org"


def test_service_chosen_by_referrer_when_postcode_unknown(client, service, other_service):
    fill_steps(client, "self", person={"postcode": "ZE1 0AA", "service": str(other_service.pk)})
    client.post("/referrals/refer/self/check/", {})
    assert Referral.objects.get().service == other_service


def test_unknown_postcode_without_choice_asks_for_a_service(client, service):
    response = client.post(
        "/referrals/refer/self/person/",
        {
            **__import__("tests.referrals.helpers", fromlist=["PERSON"]).PERSON,
            "postcode": "ZE1 0AA",
        },
    )
    assert response.status_code == 200
    assert b"Choose a service" in response.content


def test_postcode_district_falls_back_to_covered_areas(client, service):
    service.covered_areas = ["G31"]
    service.save()
    fill_steps(client, "self")
    client.post("/referrals/refer/self/check/", {})
    assert Referral.objects.get().service == service


def test_skipping_a_step_sends_you_back(client, glasgow):
    response = client.get("/referrals/refer/professional/you/")
    assert response["Location"] == "/referrals/refer/professional/person/"
    response = client.get("/referrals/refer/professional/check/")
    assert response["Location"] == "/referrals/refer/professional/person/"


def test_change_link_returns_to_check(client, glasgow):
    fill_steps(client, "self")
    from .helpers import HEALTH

    response = client.post(
        "/referrals/refer/self/health/?change=1", {**HEALTH, "job_title": "Manager"}
    )
    assert response["Location"] == "/referrals/refer/self/check/"
    assert b"Manager" in client.get("/referrals/refer/self/check/").content


def test_answers_are_kept_when_going_back(client, glasgow):
    fill_steps(client, "self")
    page = client.get("/referrals/refer/self/person/")
    assert b'value="Smith"' in page.content


def test_honeypot_discards_the_submission_quietly(client, glasgow):
    fill_steps(client, "self", person={"website": "http://spam.example"})
    assert Referral.objects.count() == 0
    done = client.get("/referrals/refer/done/")
    assert done.status_code == 200 and b"Referral sent" in done.content
    # The page looks like any other: the national standard, as no service is named.
    assert "within 5 working days" in done.text


def test_honeypot_on_the_check_page(client, glasgow):
    fill_steps(client, "self")
    client.post("/referrals/refer/self/check/", {"website": "x"})
    assert Referral.objects.count() == 0


def test_unknown_journey_is_404(client):
    assert client.get("/referrals/refer/robot/person/").status_code == 404
    assert client.get("/referrals/refer/self/nowhere/").status_code == 404


def test_public_pages_work_on_a_phone_width_layout(client):
    # The NHS.UK grid collapses to one column; the page must carry the viewport meta.
    page = client.get("/referrals/refer/self/person/")
    assert b'name="viewport"' in page.content
    assert b"nhsuk-grid-column-two-thirds" in page.content


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["person", "health", "consent"])
def test_the_self_referral_form_speaks_to_the_person(client, glasgow, slug):
    for earlier, data in STEPS["self"][: [s for s, _ in STEPS["self"]].index(slug)]:
        client.post(f"/referrals/refer/self/{earlier}/", data)
    page = client.get(reverse("referrals:public_step", kwargs={"kind": "self", "slug": slug}))
    assert page.status_code == 200
    main = page.text[page.text.index("<main") :]
    for third_person in (" them", " their ", "the person", "The person"):
        assert third_person not in main, f"{slug}: {third_person!r}"
    assert " you" in main.lower() or "your" in main.lower()


@pytest.mark.django_db
def test_a_professional_referral_speaks_about_the_person(client):
    page = client.get(
        reverse("referrals:public_step", kwargs={"kind": "professional", "slug": "person"})
    )
    assert "About the person" in page.text
    assert "How may the service contact them?" in page.text


@pytest.mark.django_db
def test_self_referral_errors_speak_to_the_person_and_name_the_field(client):
    url = reverse("referrals:public_step", kwargs={"kind": "self", "slug": "person"})
    page = client.post(url, {})
    assert page.status_code == 200
    assert "Enter your first name" in page.text
    assert "Choose at least one way to contact you." in page.text
    assert "Answer “Is it safe to leave a message?”" in page.text
    assert "This field is required." not in page.text


@pytest.mark.django_db
def test_the_acknowledgement_speaks_to_a_self_referrer_with_the_services_own_standard(
    client, glasgow
):
    glasgow.first_contact_standard_days = 3
    glasgow.save()
    fill_steps(client, "self")
    client.post("/referrals/refer/self/check/", {})
    page = client.get(reverse("referrals:public_done")).text
    assert "will contact you within 3 working days to talk about the support you need" in page
    assert "the person referred" not in page


@pytest.mark.django_db
def test_the_acknowledgement_speaks_about_the_person_to_a_professional(client, glasgow):
    fill_steps(client, "professional")
    client.post("/referrals/refer/professional/check/", {})
    page = client.get(reverse("referrals:public_done")).text
    assert "will contact the person referred within 5 working days" in page


def _error_summary(page: str) -> list[str]:
    from tests.ui.dom import parse

    summary = parse(page).find("div", cls="nhsuk-error-summary")
    return [li.text() for li in summary.find_all("li")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "Your first name: ensure this value has at most 100 characters (it has 101)."),
        ("cy", "Eich enw cyntaf: sicrhewch fod gan y gwerth hwn ddim mwy na 100 nod"),
    ],
)
def test_a_too_long_answer_names_its_field(client, glasgow, language, expected):
    from .helpers import PERSON

    client.get(f"/language/{language}/?next=/")
    url = reverse("referrals:public_step", kwargs={"kind": "self", "slug": "person"})
    page = client.post(url, {**PERSON, "first_name": "x" * 101}).text
    assert [item for item in _error_summary(page) if item.startswith(expected)], page


@pytest.mark.django_db
def test_a_date_in_the_future_names_its_field(client, glasgow):
    from .helpers import HEALTH, PERSON

    fill_steps(client, "self")  # the earlier steps answered
    client.post("/referrals/refer/self/person/", PERSON)
    page = client.post(
        "/referrals/refer/self/health/", {**HEALTH, "diagnosis_date_year": "2099"}
    ).text
    (item,) = _error_summary(page)
    assert item.endswith(": the date must be today or in the past."), item
    assert not item.startswith("The date")


def test_a_referrers_phone_that_is_not_a_number_is_asked_again(client, glasgow):
    fill_steps(client, "professional")
    from .helpers import PROFESSIONAL

    page = client.post(
        "/referrals/refer/professional/you/", {**PROFESSIONAL, "referrer_phone": "bleep me"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Enter a phone number using digits only, for example 0141 496 0000." in body
    assert 'href="#id_referrer_phone"' in body  # the error summary links to the field
    assert not Referral.objects.exists()
