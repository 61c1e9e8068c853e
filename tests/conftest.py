"""Shared fixtures: an organisation with services, staff of every role, signed-in clients."""

import itertools
import os
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache

from tests.browser import CHROMIUM, chromium_installed
from vocrehab import ratelimit
from vocrehab.accounts.models import Membership, Organisation, Role, Service, User
from vocrehab.codes import Nation

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A request in Welsh leaves Welsh active in the thread (Django's LocaleMiddleware
    activates a language and nothing resets it); each test starts from the default, so
    none depends on which test ran before it on the same worker."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_cache():
    """Rate-limit counts (refused tokens, code attempts, form posts from 127.0.0.1) live
    in the cache; each test starts with none, whatever ran before it on the worker."""
    cache.clear()


def _flush_past_append_only_triggers():
    """Let the test database be emptied between transactional tests on PostgreSQL.

    The access log and the change history refuse TRUNCATE (audit migration 0003), and
    Django empties the database between transactional tests with TRUNCATE. The tests
    connect as a superuser, which may switch user triggers off for one transaction; the
    application's own database role cannot (see docs/administration.md).
    """
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # pragma: no cover - psycopg not installed
        return
    sql_flush = DatabaseOperations.sql_flush

    def flush_with_triggers_off(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if statements:
            statements = ["SET LOCAL session_replication_role = replica", *statements]
        return statements

    DatabaseOperations.sql_flush = flush_with_triggers_off


_flush_past_append_only_triggers()


BROWSER_MISSING = (
    "Browser tests not run ({count}): Chromium is not installed. "
    "Install it with `sudo apt-get install chromium` (Debian, Ubuntu) to run them."
)
_browser_left_out = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium; without it they are left out, with one line.

    CI sets VOCREHAB_REQUIRE_BROWSER=1 so that a missing browser fails the run instead.
    """
    if chromium_installed():
        return
    if os.environ.get("VOCREHAB_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Browser tests are required but {CHROMIUM} is missing.")
    browser = [item for item in items if "browser" in item.keywords]
    if browser:
        items[:] = [item for item in items if "browser" not in item.keywords]
        config.hook.pytest_deselected(items=browser)
        config.stash[_browser_left_out] = len(browser)


def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(_browser_left_out, 0)
    if count:
        terminalreporter.write_line(BROWSER_MISSING.format(count=count), yellow=True)


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Demo Health Board", code="demo")


@pytest.fixture
def service(organisation):
    return Service.objects.create(
        organisation=organisation,
        code="GGC-VR",
        name="Glasgow VR Service",
        nation=Nation.SCOTLAND,
    )


@pytest.fixture
def other_service(organisation):
    return Service.objects.create(
        organisation=organisation,
        code="LEEDS-VR",
        name="Leeds VR Service",
        nation=Nation.ENGLAND,
    )


def enrol_totp(user) -> str:
    """Give a user a TOTP authenticator; returns the secret (for computing codes)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def make_staff(db, organisation):
    """Create a member of staff with a role (and TOTP enrolled unless mfa=False)."""

    def make(role, service=None, *, mfa=True, supervisor=None, email=None, password=None):
        n = next(_counter)
        user = User.objects.create_user(
            email=email or f"{role}{n}@example.org",
            password=password or "correct horse battery staple",
            first_name=role.replace("_", " ").title(),
            last_name=f"Tester{n}",
        )
        Membership.objects.create(
            user=user,
            organisation=organisation,
            service=None if role in (Role.ADMINISTRATOR, Role.AUDITOR) else service,
            role=role,
            supervisor=supervisor,
        )
        if mfa:
            enrol_totp(user)
        return user

    return make


@pytest.fixture
def signed_in(client, make_staff, service):
    """A test client signed in as a user of the given role in ``service``."""

    def sign_in(role, svc=None, **kwargs):
        user = make_staff(role, svc or service, **kwargs)
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client, user

    return sign_in


# Half past the hour and half past the minute: no rate window starts during a test.
MID_WINDOW = 1_800_001_830.0


@pytest.fixture
def rate_clock(monkeypatch):
    """The rate limits' clock held mid-window (its count in a fresh cache), so
    that a test's requests are never split between two windows by the real clock."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: MID_WINDOW))
    cache.clear()
