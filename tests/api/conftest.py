"""API fixtures: synthetic episodes made through the ORM."""

import datetime
import itertools

import pytest
from django.utils import timezone

from vocrehab.clients.models import Client
from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.episodes.models import Episode

_n = itertools.count(1)


@pytest.fixture
def make_episode(db):
    """An open tier-3 episode of a new synthetic client in ``service``."""

    def make(service, *, days_ago=20, **fields):
        n = next(_n)
        client = Client.objects.create(
            service=service,
            reference=f"AC{n:05d}",
            first_name="Sam",
            last_name=f"Synthetic{n}",
            date_of_birth=datetime.date(1975, 5, 5),
        )
        values = {
            "referral_date": timezone.localdate() - datetime.timedelta(days=days_ago),
            "referral_source": ReferralSource.ACUTE_NHS,
            "condition": Condition.CANCER,
            "work_status_at_referral": WorkStatus.OFF_SICK,
            "main_reason": MainReason.RETURN_FROM_SICKNESS,
            "tier": "3",
            "highest_tier": "3",
        }
        values.update(fields)
        return Episode.objects.create(
            service=service, client=client, reference=f"AE{n:05d}", **values
        )

    return make


# API tokens, as the accounts tests make them.
from tests.accounts.conftest import _fresh_rate_limits, make_token  # noqa: E402, F401
