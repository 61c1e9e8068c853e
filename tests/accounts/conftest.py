"""Fixtures for API tokens."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from vocrehab.accounts.models import Scope
from vocrehab.accounts.tokens import issue_token


@pytest.fixture
def make_token(db):
    """Issue a token for ``owner`` (all scopes, the given services); returns (token, secret)."""

    def make(owner, services, *, scopes=None, days=30, name="Outcomes dashboard"):
        issued = issue_token(
            name=name,
            owner=owner,
            scopes=list(Scope.values) if scopes is None else scopes,
            services=list(services),
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
            by=owner,
        )
        return issued.token, issued.secret

    return make


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Token rate limits are counted in the cache; each test starts from none.
    cache.clear()
    yield
    cache.clear()


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
