"""Abuse protection: a per-address hourly limit (429) and a request size cap (413)."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from vocrehab.referrals.models import Referral

from .helpers import PERSON

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(REFERRAL_RATE_LIMIT_PER_HOUR=3)
def test_too_many_submissions_from_one_address_get_429(client, service):
    for _ in range(3):
        response = client.post("/referrals/refer/self/person/", {}, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 200  # the form, with its errors
    blocked = client.post("/referrals/refer/self/person/", PERSON, REMOTE_ADDR="203.0.113.9")
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "3600"
    assert b"too many forms" in blocked.content
    # Another address is not affected, and reading pages is never limited.
    assert (
        client.post("/referrals/refer/self/person/", {}, REMOTE_ADDR="203.0.113.10").status_code
        == 200
    )
    assert client.get("/referrals/refer/self/person/", REMOTE_ADDR="203.0.113.9").status_code == 200


@override_settings(REFERRAL_RATE_LIMIT_PER_HOUR=1)
def test_the_final_send_is_limited_too(client, service):
    client.post("/referrals/refer/self/person/", {}, REMOTE_ADDR="198.51.100.1")
    response = client.post("/referrals/refer/self/check/", {}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert Referral.objects.count() == 0


@override_settings(REFERRAL_MAX_BODY_BYTES=2000)
def test_oversized_body_is_refused(client, service):
    response = client.post("/referrals/refer/self/person/", {**PERSON, "contact_notes": "x" * 5000})
    assert response.status_code == 413
    assert b"too much information" in response.content


def test_fields_have_length_limits(client, service):
    response = client.post("/referrals/refer/self/person/", {**PERSON, "first_name": "A" * 101})
    assert response.status_code == 200
    assert b"at most 100 characters" in response.content
