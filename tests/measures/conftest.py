"""Fixtures for measures: a client and an episode in the test service, and helpers."""

import itertools
from datetime import date

import pytest

from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode

_n = itertools.count(1)


@pytest.fixture
def make_episode(db):
    def make(service, **fields):
        n = next(_n)
        client = Client.objects.create(
            service=service,
            reference=f"C{n:05d}",
            first_name="Test",
            last_name=f"Person{n}",
            email=fields.pop("email", f"client{n}@example.invalid"),
            phone=fields.pop("phone", "07700900123"),
            contact_by_email=fields.pop("contact_by_email", True),
            contact_by_phone=fields.pop("contact_by_phone", True),
            address="1 Synthetic Street",
            postcode="G1 1AA",
        )
        values = {
            "referral_date": date(2026, 1, 5),
            "referral_source": "acute_nhs",
            "condition": "cancer",
            "work_status_at_referral": "off_sick",
            "main_reason": "return_from_sickness",
        }
        values.update(fields)
        return Episode.objects.create(
            service=service, client=client, reference=f"E{n:05d}", **values
        )

    return make


@pytest.fixture
def episode(make_episode, service):
    return make_episode(service, assessment_date=date(2026, 1, 12))
