"""`vocrehab check --deploy` warns about SQLite in production and with several web
processes; a small service with one web process may accept SQLite explicitly."""

import pytest

from tests.accounts.test_deploy_check import run

SQLITE = {"DATABASE_URL": "sqlite:////tmp/vocrehab-deploy-check.sqlite3"}


def check(extra_env, *args):
    # Only the database checks: the libraries check (E004) loads every heavy library, and
    # the whole of `check --deploy` is run in tests/accounts/test_deploy_check.py.
    tags = ["--tag", "database_settings"] if "--deploy" in args else []
    result = run(["check", *tags, *args], {**SQLITE, **extra_env})
    return result.returncode, result.stdout + result.stderr


def test_production_on_sqlite_is_warned_about():
    code, output = check({}, "--deploy", "--fail-level", "WARNING")
    assert code != 0
    assert "vocrehab.W001" in output
    assert "SQLite, and when to move to PostgreSQL" in output
    assert "vocrehab.W002" not in output


def test_a_small_service_may_accept_sqlite_with_one_web_process():
    code, output = check({"VOCREHAB_ACCEPT_SQLITE": "1"}, "--deploy", "--fail-level", "WARNING")
    assert code == 0, output
    assert "no issues" in output


@pytest.mark.parametrize("variable", ["VOCREHAB_WEB_PROCESSES", "WEB_CONCURRENCY"])
def test_several_web_processes_on_sqlite_are_warned_about_even_when_accepted(variable):
    code, output = check(
        {"VOCREHAB_ACCEPT_SQLITE": "1", variable: "4"}, "--deploy", "--fail-level", "WARNING"
    )
    assert code != 0
    assert "SQLite and 4 web processes" in output
    assert "vocrehab.W001" in output


def test_several_web_processes_are_warned_about_in_development_too():
    code, output = check({"VOCREHAB_DEBUG": "1", "VOCREHAB_WEB_PROCESSES": "2"}, "--deploy")
    assert "vocrehab.W002" in output
    assert "vocrehab.W001" not in output


def test_the_warnings_are_for_deployment_only():
    code, output = check({}, "--fail-level", "WARNING")
    assert code == 0, output
    assert "vocrehab.W00" not in output
