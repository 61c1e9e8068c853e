"""Each intake field's validation, with the message a person sees."""

import datetime

import pytest
from django.utils import timezone

from vocrehab.referrals import forms as f

from .helpers import CARER, CONSENT, HEALTH, PERSON, PROFESSIONAL

pytestmark = pytest.mark.django_db


def errors(form_class, data, field, **kwargs):
    form = form_class(data, **kwargs)
    form.is_valid()
    return " ".join(form.errors.get(field, []))


@pytest.fixture
def covered(service):
    service.covered_areas = ["G31"]
    service.save()
    return service


def test_valid_person(covered):
    form = f.PersonForm(PERSON)
    assert form.is_valid(), form.errors
    data = form.to_intake()
    assert data["nhs_number"] == "9434765919"
    assert data["postcode"] == "G31 9ZA"
    assert data["contact_by_phone"] and data["contact_by_email"] and not data["contact_by_post"]
    assert data["safe_to_leave_message"] is True
    assert form.cleaned_data["service"] == covered


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("first_name", "", "This field is required"),
        ("last_name", "", "This field is required"),
        ("nhs_number", "123", "10 digits"),
        ("nhs_number", "9434765918", "not valid"),
        ("nhs_number", "0000000000", "not valid"),
        ("postcode", "NOT A CODE", "real postcode"),
        ("postcode", "", "This field is required"),
        ("phone", "call me maybe", "digits only"),
        ("email", "not-an-email", "valid email"),
        ("contact_methods", [], "at least one way"),
        ("safe_to_leave_message", "", "This field is required"),
        ("safe_to_leave_message", "perhaps", "valid choice"),
        ("sex", "robot", "valid choice"),
        ("ethnicity", "Q", "valid choice"),
        ("contact_notes", "x" * 256, "at most 255"),
    ],
)
def test_person_field_errors(covered, field, value, message):
    assert message in errors(f.PersonForm, {**PERSON, field: value}, field)


def test_chi_numbers_are_accepted(covered):
    form = f.PersonForm({**PERSON, "nhs_number": "010101 1237"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == "0101011237"


def test_date_of_birth_rules(covered):
    future = timezone.localdate() + datetime.timedelta(days=3)
    bad = [
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "real date"),
        ({"date_of_birth_year": str(future.year + 1)}, "today or in the past"),
        ({"date_of_birth_year": str(timezone.localdate().year - 10)}, "16 or over"),
        ({"date_of_birth_year": "1899"}, "1900 or later"),
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            "required",
        ),
    ]
    for change, message in bad:
        assert message in errors(f.PersonForm, {**PERSON, **change}, "date_of_birth"), change


def test_chosen_contact_method_needs_its_detail(covered):
    assert "Enter a phone number" in errors(
        f.PersonForm, {**PERSON, "phone": "", "contact_methods": ["phone"]}, "phone"
    )
    assert "Enter an email" in errors(
        f.PersonForm, {**PERSON, "email": "", "contact_methods": ["email"]}, "email"
    )
    assert "Enter an address" in errors(
        f.PersonForm, {**PERSON, "address": "", "contact_methods": ["post"]}, "address"
    )


def test_service_needed_when_postcode_not_covered(service):
    assert "Choose a service" in errors(f.PersonForm, PERSON, "service")
    form = f.PersonForm({**PERSON, "service": str(service.pk)})
    assert form.is_valid(), form.errors


def test_staff_form_has_no_service_choice(service):
    form = f.PersonForm(PERSON, choose_service=False)
    assert "service" not in form.fields
    assert form.is_valid(), form.errors


def test_valid_health_and_work():
    form = f.HealthWorkForm(HEALTH)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["condition_detail"] == "C50"


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"condition": ""}, "condition", "required"),
        ({"condition": "flu"}, "condition", "valid choice"),
        ({"condition_detail": "breast"}, "condition_detail", "ICD-10 code starting with C"),
        ({"condition_detail": "D05"}, "condition_detail", "ICD-10 code starting with C"),
        ({"diagnosis_date_month": "13"}, "diagnosis_date", "real date"),
        ({"treatment_stage": "soon"}, "treatment_stage", "valid choice"),
        ({"work_status_at_referral": ""}, "work_status_at_referral", "required"),
        ({"work_status_at_referral": "deceased"}, "work_status_at_referral", "valid choice"),
        ({"weeks_absent_at_referral": "-1"}, "weeks_absent_at_referral", "greater than or equal"),
        ({"weeks_absent_at_referral": "999"}, "weeks_absent_at_referral", "less than or equal"),
        (
            {"work_status_at_referral": "at_work", "weeks_absent_at_referral": "3"},
            "weeks_absent_at_referral",
            "Only give weeks off sick",
        ),
        ({"occupation": "10"}, "occupation", "valid choice"),
        ({"main_reason": ""}, "main_reason", "required"),
        ({"job_title": "x" * 201}, "job_title", "at most 200"),
    ],
)
def test_health_field_errors(change, field, message):
    assert message in errors(f.HealthWorkForm, {**HEALTH, **change}, field)


def test_icd10_code_is_normalised_and_free_text_allowed_for_other_conditions():
    form = f.HealthWorkForm({**HEALTH, "condition_detail": "c50.9"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["condition_detail"] == "C50"
    other = f.HealthWorkForm({**HEALTH, "condition": "ms", "condition_detail": "relapsing"})
    assert other.is_valid(), other.errors


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"referrer_name": ""}, "referrer_name", "required"),
        ({"referrer_role": ""}, "referrer_role", "required"),
        ({"referrer_organisation": ""}, "referrer_organisation", "required"),
        ({"referral_source": "self"}, "referral_source", "valid choice"),
        ({"referral_source": ""}, "referral_source", "required"),
        ({"referrer_email": ""}, "referrer_email", "required"),
        ({"referrer_email": "nurse@"}, "referrer_email", "valid email"),
    ],
)
def test_professional_field_errors(change, field, message):
    assert f.ReferrerForm(PROFESSIONAL).is_valid()
    assert message in errors(f.ReferrerForm, {**PROFESSIONAL, **change}, field)


def test_carer_form():
    form = f.CarerForm({**CARER, "referrer_email": ""})
    assert form.is_valid(), form.errors
    assert form.to_intake()["referral_source"] == "self"
    assert "required" in errors(f.CarerForm, {**CARER, "referrer_role": ""}, "referrer_role")


def test_consent_must_be_explicit():
    assert f.ConsentForm(CONSENT).is_valid()
    assert "agrees to be contacted" in errors(
        f.ConsentForm, {**CONSENT, "consent_to_contact": ""}, "consent_to_contact"
    )
    assert "Say whether" in errors(
        f.ConsentForm, {**CONSENT, "consent_to_share": ""}, "consent_to_share"
    )
    declined = f.ConsentForm({**CONSENT, "consent_to_share": "no"})
    assert declined.is_valid()
    assert declined.to_intake() == {"consent_to_contact": True, "consent_to_share": False}


def test_self_referral_consent_speaks_to_the_person():
    form = f.ConsentForm(kind="self")
    assert str(form.fields["consent_to_contact"].label).startswith("I agree")


def test_honeypot_detected():
    assert f.ConsentForm({**CONSENT, "website": "x"}).is_bot()
    assert not f.ConsentForm(CONSENT).is_bot()


def test_phone_source_form():
    data = {
        "referral_source": "primary_care",
        "received_day": "1",
        "received_month": "3",
        "received_year": "2025",
    }
    assert f.PhoneSourceForm(data).is_valid()
    assert "real date" in errors(f.PhoneSourceForm, {**data, "received_day": ""}, "received")
    empty = {**data, "received_day": "", "received_month": "", "received_year": ""}
    assert "required" in errors(f.PhoneSourceForm, empty, "received")
    assert "valid choice" in errors(
        f.PhoneSourceForm, {**data, "referral_source": "x"}, "referral_source"
    )


@pytest.mark.parametrize(
    "form_class,data",
    [
        (f.ReferrerForm, PROFESSIONAL),
        (f.CarerForm, CARER),
        (
            f.PhoneSourceForm,
            {
                "referral_source": "primary_care",
                "received_day": "1",
                "received_month": "3",
                "received_year": "2025",
            },
        ),
    ],
)
def test_the_referrers_phone_is_a_phone_number(form_class, data):
    message = errors(form_class, {**data, "referrer_phone": "ring the ward"}, "referrer_phone")
    assert "digits only, for example 0141 496 0000" in message
    for number in ("0141 496 0000", "(0141) 496 0000", "+44 141 496 0000", ""):
        assert form_class({**data, "referrer_phone": number}).is_valid(), number
