"""Helpers for intake and triage tests: valid answers, and referrals made the real way."""

import datetime

import pytest

from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.referrals.models import Channel
from vocrehab.referrals.services import create_referral

VALID_NHS = "9434765919"
VALID_CHI = "0101011237"


def intake(**overrides):
    """A complete set of intake answers, as the forms' ``to_intake`` produce them."""
    data = {
        "first_name": "Ann",
        "last_name": "Smith",
        "date_of_birth": datetime.date(1970, 5, 14),
        "nhs_number": VALID_NHS,
        "sex": "female",
        "ethnicity": "A",
        "postcode": "G31 9ZA",
        "address": "1 Sample Street, Glasgow",
        "phone": "0141 496 0000",
        "email": "ann@example.org",
        "contact_by_phone": True,
        "contact_by_email": True,
        "contact_by_post": False,
        "safe_to_leave_message": True,
        "contact_notes": "",
        "condition": Condition.CANCER,
        "condition_detail": "C50",
        "diagnosis_date": datetime.date(2025, 1, 10),
        "treatment_stage": "during",
        "work_status_at_referral": WorkStatus.OFF_SICK,
        "weeks_absent_at_referral": 12,
        "occupation": "4",
        "job_title": "Clerk",
        "employer_name": "Acme",
        "main_reason": MainReason.RETURN_FROM_SICKNESS,
        "referral_source": ReferralSource.ACUTE_NHS,
        "referrer_name": "Nurse Jones",
        "referrer_role": "Breast care nurse",
        "referrer_organisation": "NHS GGC",
        "referrer_email": "nurse@example.org",
        "referrer_phone": "",
        "consent_to_contact": True,
        "consent_to_share": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_referral(service):
    """Create a referral through the service function (as the forms do)."""

    def make(svc=None, *, received=None, email="", channel=Channel.PROFESSIONAL_FORM, **overrides):
        return create_referral(
            service=svc or service,
            channel=channel,
            data=intake(**overrides),
            acknowledgement_email=email,
            received=received,
        ).referral

    return make


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test starts with no submissions counted (the public forms' hourly limit)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
