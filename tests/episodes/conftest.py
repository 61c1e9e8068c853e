"""Episode core fixtures: bare episodes of synthetic clients."""

import datetime
import itertools

import pytest

from vocrehab.clients.models import Client
from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.episodes.models import Episode

_n = itertools.count(1)


@pytest.fixture
def episode_factory(service):
    """An open episode in ``service`` (or the one given), with no tier unless told."""

    def make(*, in_service=None, **fields):
        n = next(_n)
        owner = in_service or service
        client = Client.objects.create(service=owner, reference=f"EC{n:05d}")
        values = {
            "referral_date": datetime.date(2024, 3, 1),
            "referral_source": ReferralSource.SELF,
            "condition": Condition.CANCER,
            "work_status_at_referral": WorkStatus.OFF_SICK,
            "main_reason": MainReason.RETURN_FROM_SICKNESS,
            **fields,
        }
        return Episode.objects.create(
            service=owner, client=client, reference=f"EE{n:05d}", **values
        )

    return make
