"""Changing a client's details: validation, deprivation re-read, stale edits refused."""

import re

import pytest

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.clients.deprivation_import import load_samples
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(service):
    load_samples()
    return create_referral(service=service, channel="phone", data=intake()).referral.episode.client


def form_data(client, **changes):
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "date_of_birth_day": client.date_of_birth.day,
        "date_of_birth_month": client.date_of_birth.month,
        "date_of_birth_year": client.date_of_birth.year,
        "nhs_number": client.nhs_number,
        "sex": client.sex,
        "ethnicity": client.ethnicity,
        "address": client.address,
        "postcode": client.postcode,
        "phone": client.phone,
        "email": client.email,
        "contact_by_phone": "on",
        "contact_notes": "",
        "preferred_language": client.preferred_language,
        "version": client.version,
    }
    data.update(changes)
    return data


def test_change_postcode_rereads_deprivation(signed_in, ann):
    assert ann.deprivation_decile == 1
    http, _user = signed_in(Role.CASE_MANAGER)
    assert http.get(f"/clients/{ann.pk}/edit/").status_code == 200
    response = http.post(f"/clients/{ann.pk}/edit/", form_data(ann, postcode="g12 9za"))
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.postcode == "G12 9ZA"
    assert ann.deprivation_rank == 6540 and ann.deprivation_decile == 10
    assert ann.version == 2


def test_unknown_postcode_clears_deprivation(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    http.post(f"/clients/{ann.pk}/edit/", form_data(ann, postcode="ZE1 0AA"))
    ann.refresh_from_db()
    assert ann.deprivation_rank is None and ann.deprivation_index == ""


def test_invalid_values_are_refused(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(
        f"/clients/{ann.pk}/edit/",
        form_data(ann, nhs_number="9434765918", postcode="nope", phone="", contact_by_phone="on"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "not valid" in body and "real postcode" in body and "Enter a phone number" in body


def test_a_phone_that_is_not_a_number_is_refused_and_nothing_changes(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    before = ann.phone
    response = http.post(f"/clients/{ann.pk}/edit/", form_data(ann, phone="ask at reception"))
    assert response.status_code == 200
    assert "Enter a phone number using digits only" in response.content.decode()
    ann.refresh_from_db()
    assert ann.phone == before


def test_stale_edit_is_refused(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    stale = form_data(ann, first_name="Annie")
    http.post(f"/clients/{ann.pk}/edit/", form_data(ann, first_name="Anna"))
    response = http.post(f"/clients/{ann.pk}/edit/", stale)
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.first_name == "Anna"


def test_duplicate_nhs_number_in_service_is_refused(signed_in, ann, service):
    other = create_referral(
        service=service,
        channel="phone",
        data=intake(nhs_number="", first_name="Bob", last_name="Brown"),
    ).referral.episode.client
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(f"/clients/{other.pk}/edit/", form_data(other, nhs_number=ann.nhs_number))
    assert response.status_code == 200
    assert b"Another client" in response.content


def test_admin_assistant_and_other_services_may_not_edit(signed_in, ann, other_service):
    http, _user = signed_in(Role.ADMIN_ASSISTANT)
    assert http.get(f"/clients/{ann.pk}/edit/").status_code == 403
    http.logout()
    signed_in(Role.CASE_MANAGER, other_service)
    assert http.get(f"/clients/{ann.pk}/edit/").status_code == 404


def test_staff_set_the_language_letters_and_messages_are_written_in(signed_in, ann):
    assert ann.preferred_language == "en-gb"
    http, _user = signed_in(Role.CASE_MANAGER)
    form = http.get(f"/clients/{ann.pk}/edit/").content.decode()
    assert "Language for letters and messages" in form and "Welsh (Cymraeg)" in form
    response = http.post(f"/clients/{ann.pk}/edit/", form_data(ann, preferred_language="cy"))
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.preferred_language == "cy"
    shown = http.get(f"/clients/{ann.pk}/").content.decode()
    assert "Letters and messages in" in shown and "Welsh (Cymraeg)" in shown


def test_an_unknown_language_is_refused_with_a_message(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(f"/clients/{ann.pk}/edit/", form_data(ann, preferred_language="fr"))
    assert response.status_code == 200
    assert "Language for letters and messages: select a valid choice" in response.content.decode()
    ann.refresh_from_db()
    assert ann.preferred_language == "en-gb" and ann.version == 1


def test_the_gp_and_the_clients_answer_on_gp_letters_start_unanswered(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    page = http.get(f"/clients/{ann.pk}/edit/").content.decode()
    radios = re.findall(r'<input[^>]*name="consent_to_share_with_gp"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios)
    # Saved without an answer: still not asked, and the record says so.
    assert http.post(f"/clients/{ann.pk}/edit/", form_data(ann)).status_code == 302
    ann.refresh_from_db()
    assert ann.consent_to_share_with_gp is None
    detail = http.get(f"/clients/{ann.pk}/").content.decode()
    assert "Not asked yet: no letters go to the GP" in detail


def test_the_gp_practice_and_the_clients_agreement_are_kept(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(
        f"/clients/{ann.pk}/edit/",
        form_data(
            ann,
            gp_practice="Riverside Medical Practice",
            gp_address="2 River Road, Glasgow",
            gp_email="riverside@nhs.example",
            consent_to_share_with_gp="yes",
        ),
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    assert (ann.gp_practice, ann.consent_to_share_with_gp) == ("Riverside Medical Practice", True)
    page = http.get(f"/clients/{ann.pk}/edit/").content.decode()
    assert re.search(r'name="consent_to_share_with_gp" type="radio" value="yes" checked', page)
    http.post(f"/clients/{ann.pk}/edit/", form_data(ann, consent_to_share_with_gp="no"))
    ann.refresh_from_db()
    assert ann.consent_to_share_with_gp is False


def test_a_gp_address_without_the_practice_is_refused(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(
        f"/clients/{ann.pk}/edit/", form_data(ann, gp_email="riverside@nhs.example")
    )
    assert response.status_code == 200
    assert "Enter the name of the GP practice." in response.content.decode()
    ann.refresh_from_db()
    assert ann.gp_email == ""
