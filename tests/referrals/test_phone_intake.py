"""Staff enter a referral taken by phone."""

import pytest

from vocrehab.accounts.models import Role
from vocrehab.referrals.models import Channel, Referral

from .helpers import CONSENT, HEALTH, PERSON

pytestmark = pytest.mark.django_db


def _prefixed(prefix, data):
    out = {}
    for key, value in data.items():
        out[f"{prefix}-{key}"] = value
    return out


def _post_data(**source):
    data = {}
    data.update(_prefixed("person", {k: v for k, v in PERSON.items() if k != "service"}))
    data.update(_prefixed("health", HEALTH))
    data.update(_prefixed("consent", CONSENT))
    data.update(
        _prefixed(
            "source",
            {
                "referral_source": "primary_care",
                "referrer_name": "Dr Who",
                "referrer_email": "",
                "received_day": "3",
                "received_month": "3",
                "received_year": "2025",
                **source,
            },
        )
    )
    return data


def test_phone_referral_is_saved_to_the_current_service(signed_in, service):
    client, user = signed_in(Role.ADMIN_ASSISTANT)
    assert client.get("/referrals/phone/").status_code == 200
    response = client.post("/referrals/phone/", _post_data())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.channel == Channel.PHONE
    assert referral.service == service
    assert referral.entered_by == user
    assert referral.episode.referral_date.isoformat() == "2025-03-03"
    assert referral.episode.referral_source == "primary_care"
    assert response["Location"] == f"/referrals/{referral.pk}/"


def test_phone_referral_errors_are_summarised(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    data = _post_data(referral_source="")
    data["person-nhs_number"] = "1234567890"
    response = client.get("/referrals/phone/")
    response = client.post("/referrals/phone/", data)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"not valid" in response.content
    assert Referral.objects.count() == 0
