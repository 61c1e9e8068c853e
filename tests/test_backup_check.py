"""scripts/backup_check.py: a PostgreSQL backup restores into a new database identically
(every table's row count and checksum, and the append-only triggers)."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from tests.referrals.conftest import intake
from vocrehab.referrals.services import create_referral

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "backup_check.py"


@pytest.fixture
def backup_check():
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL")
    spec = importlib.util.spec_from_file_location("backup_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def database_url(transactional_db, service):
    # Committed data (a transactional test), so that pg_dump sees it.
    create_referral(service=service, channel="phone", data=intake())
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_backup_restores_identically(backup_check, database_url, capsys):
    assert backup_check.main([database_url]) == 0
    out = capsys.readouterr().out
    assert "restored identically" in out and "triggers" in out


def test_a_difference_is_reported(backup_check, database_url, monkeypatch, capsys):
    real = backup_check.table_facts

    def one_row_lost(url):
        facts = real(url)
        if "_restore_check_" in url:
            count, checksum = facts["public.clients_client"]
            facts["public.clients_client"] = (count - 1, checksum)
        return facts

    monkeypatch.setattr(backup_check, "table_facts", one_row_lost)
    assert backup_check.main([database_url]) == 1
    assert "public.clients_client: 1 rows" in capsys.readouterr().err


def test_refuses_anything_but_postgresql(backup_check, capsys):
    assert backup_check.main(["sqlite:///x.sqlite3"]) == 2
