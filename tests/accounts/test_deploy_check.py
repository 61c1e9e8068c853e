"""`vocrehab check --deploy` is clean with production settings, and demo mode is refused.

Production runs on PostgreSQL; the checks read the settings only and never connect, so
the database named here need not exist. SQLite's own checks are in
``tests/database/test_sqlite_deploy_check.py``.
"""

import os
import subprocess
import sys

PRODUCTION_ENV = {
    "VOCREHAB_DEBUG": "0",
    "VOCREHAB_SECRET_KEY": "k7#Qp2vZ!m9Lx4Rt8Wn3Bc6Yh1Jd5Gs0Fa7Ue2Io9Kl4Mn8Pq3Rs6Tv1Wx5Yz0Ab",
    "VOCREHAB_ALLOWED_HOSTS": "vocrehab.example.org",
    "DJANGO_SETTINGS_MODULE": "vocrehab.settings",
    "DATABASE_URL": "postgres://vocrehab@127.0.0.1:5432/vocrehab_deploy_check",
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
