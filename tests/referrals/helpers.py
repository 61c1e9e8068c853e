"""POST data for the public form pages, step by step."""

PERSON = {
    "first_name": "Ann",
    "last_name": "Smith",
    "date_of_birth_day": "14",
    "date_of_birth_month": "5",
    "date_of_birth_year": "1970",
    "nhs_number": "943 476 5919",
    "sex": "female",
    "ethnicity": "A",
    "postcode": "g31 9za",
    "address": "1 Sample Street",
    "phone": "0141 496 0000",
    "email": "ann@example.org",
    "contact_methods": ["phone", "email"],
    "safe_to_leave_message": "yes",
    "contact_notes": "",
    "service": "",
    "website": "",
}
HEALTH = {
    "condition": "cancer",
    "condition_detail": "c50",
    "diagnosis_date_day": "10",
    "diagnosis_date_month": "1",
    "diagnosis_date_year": "2025",
    "treatment_stage": "during",
    "work_status_at_referral": "off_sick",
    "weeks_absent_at_referral": "12",
    "occupation": "4",
    "job_title": "Clerk",
    "employer_name": "Acme",
    "main_reason": "return_from_sickness",
    "website": "",
}
PROFESSIONAL = {
    "referrer_name": "Nurse Jones",
    "referrer_role": "Breast care nurse",
    "referrer_organisation": "NHS GGC",
    "referral_source": "acute_nhs",
    "referrer_email": "nurse@example.org",
    "referrer_phone": "",
    "website": "",
}
CARER = {
    "referrer_name": "Bob Smith",
    "referrer_role": "Husband",
    "referrer_email": "bob@example.org",
    "referrer_phone": "",
    "website": "",
}
CONSENT = {"consent_to_contact": "on", "consent_to_share": "yes", "website": ""}

STEPS = {
    "professional": [
        ("person", PERSON),
        ("health", HEALTH),
        ("you", PROFESSIONAL),
        ("consent", CONSENT),
    ],
    "self": [("person", PERSON), ("health", HEALTH), ("consent", CONSENT)],
    "carer": [("person", PERSON), ("health", HEALTH), ("you", CARER), ("consent", CONSENT)],
}


def fill_steps(client, kind, **changes):
    """POST every step of a journey; ``changes`` maps step → extra or replaced fields."""
    for slug, data in STEPS[kind]:
        response = client.post(
            f"/referrals/refer/{kind}/{slug}/", {**data, **changes.get(slug, {})}
        )
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    return response
