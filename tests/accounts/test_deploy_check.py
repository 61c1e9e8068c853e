"""`vocrehab check --deploy` is clean with production settings, and demo mode is refused.

Production runs on PostgreSQL; the checks read the settings only and never connect, so
the database named here need not exist. SQLite's own checks are in
``tests/database/test_sqlite_deploy_check.py``.
"""

import os
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "VOCREHAB_DEBUG": "0",
    "VOCREHAB_SECRET_KEY": "k7#Qp2vZ!m9Lx4Rt8Wn3Bc6Yh1Jd5Gs0Fa7Ue2Io9Kl4Mn8Pq3Rs6Tv1Wx5Yz0Ab",
    "VOCREHAB_ALLOWED_HOSTS": "vocrehab.example.org",
    "DJANGO_SETTINGS_MODULE": "vocrehab.settings",
    "DATABASE_URL": "postgres://vocrehab@127.0.0.1:5432/vocrehab_deploy_check",
    # A shared cache and the public address are required in production (vocrehab.E001,
    # E002). The check reads the configuration; it connects to neither.
    "VOCREHAB_REDIS_URL": "redis://127.0.0.1:6379/0",
    "VOCREHAB_PUBLIC_URL": "https://vocrehab.example.org",
    # Keys of its own for the secrets kept in the database (vocrehab.E005).
    "VOCREHAB_FIELD_KEYS": "mI3JPw2bSvkC0tQwyxkM8v3IqZo9Hh4Tn1L5Xq0e7Uw=",
}


def run(args, extra_env=None):
    # A clean production-like environment: none of the test run's own settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOCREHAB_", "DJANGO_"))}
    env.update(PRODUCTION_ENV)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "vocrehab.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run(["check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_demo_mode():
    result = run(["check"], {"VOCREHAB_DEMO": "1"})
    assert result.returncode != 0
    assert "VOCREHAB_DEMO" in result.stderr


def test_production_settings_refuse_a_missing_secret_key():
    result = run(["check"], {"VOCREHAB_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "VOCREHAB_SECRET_KEY" in result.stderr


def test_the_demo_command_is_refused_in_a_production_environment():
    result = run(["demo", "--no-serve"])
    assert result.returncode != 0
    assert "VOCREHAB_DEMO" in result.stderr


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"VOCREHAB_REDIS_URL": ""}, "vocrehab.E001"),
        ({"VOCREHAB_PUBLIC_URL": ""}, "vocrehab.E002"),
        ({"VOCREHAB_PUBLIC_URL": "http://vocrehab.example.org"}, "vocrehab.E002"),
        ({"VOCREHAB_DEMO": "1", "VOCREHAB_ALLOW_DEMO_WITHOUT_DEBUG": "1"}, "vocrehab.E003"),
        ({"VOCREHAB_FIELD_KEYS": ""}, "vocrehab.E005"),
        ({"VOCREHAB_FIELD_KEYS": "too-short"}, "vocrehab.E006"),
    ],
)
def test_check_deploy_fails_on_each_unsafe_setting(change, error):
    # Only the settings checks: the libraries check (E004) loads every heavy library,
    # and the whole of `check --deploy` is run by the test above.
    result = run(["check", "--deploy", "--tag", "security"], change)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert error in output and "Traceback" not in output
    others = {f"vocrehab.E00{n}" for n in (1, 2, 3, 5, 6)} - {error}
    assert not any(other in output for other in others)


def test_the_checks_run_only_for_deployment():
    """A development check stays quiet about the production-only rules."""
    result = run(
        ["check"], {"VOCREHAB_REDIS_URL": "", "VOCREHAB_PUBLIC_URL": "", "VOCREHAB_FIELD_KEYS": ""}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "vocrehab.E00" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("backend", "fires"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),
        ("django.core.cache.backends.dummy.DummyCache", True),
        ("django.core.cache.backends.filebased.FileBasedCache", True),
        ("django.core.cache.backends.redis.RedisCache", False),
        ("django.core.cache.backends.db.DatabaseCache", False),
    ],
)
def test_which_caches_count_as_shared(settings, backend, fires):
    from vocrehab.checks import production_settings

    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    settings.VOCREHAB_PUBLIC_URL = "https://vocrehab.example.org"
    settings.DEMO_MODE = False
    settings.FIELD_KEYS = ["mI3JPw2bSvkC0tQwyxkM8v3IqZo9Hh4Tn1L5Xq0e7Uw="]
    ids = [e.id for e in production_settings(None)]
    assert ids == (["vocrehab.E001"] if fires else [])
