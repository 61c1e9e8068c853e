"""Casework fixtures: synthetic clients and episodes, made through the ORM."""

import datetime
import itertools

import pytest
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.clients.models import Client
from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.episodes.models import Episode

_n = itertools.count(1)


@pytest.fixture
def make_episode(db):
    """An open episode of a new synthetic client (tier 3 unless told)."""

    def make(service, *, worker=None, tier="3", days_ago=20, **fields):
        n = next(_n)
        client = Client.objects.create(
            service=service,
            reference=f"C{n:05d}",
            first_name=fields.pop("first_name", "Alex"),
            last_name=fields.pop("last_name", f"Synthetic{n}"),
            date_of_birth=datetime.date(1970, 1, 1),
        )
        defaults = {
            "referral_date": timezone.localdate() - datetime.timedelta(days=days_ago),
            "referral_source": ReferralSource.ACUTE_NHS,
            "condition": Condition.CANCER,
            "work_status_at_referral": WorkStatus.OFF_SICK,
            "main_reason": MainReason.RETURN_FROM_SICKNESS,
            "employer_name": "Clyde Logistics",
            "job_title": "Warehouse supervisor",
        }
        defaults.update(fields)
        return Episode.objects.create(
            service=service,
            client=client,
            reference=f"E{n:05d}",
            tier=tier,
            highest_tier=tier,
            case_manager=worker,
            **defaults,
        )

    return make


@pytest.fixture
def case_manager(signed_in):
    """A signed-in case manager of the GGC service: (test client, user)."""
    return signed_in(Role.CASE_MANAGER)
