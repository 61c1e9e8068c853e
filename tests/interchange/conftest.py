"""Interchange fixtures: API tokens, as the accounts tests make them (hub submissions)."""

from tests.accounts.conftest import _fresh_rate_limits, make_token  # noqa: F401
