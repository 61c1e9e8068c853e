"""The move from SQLite to PostgreSQL in docs/administration.md keeps every table.

A demonstration installation on a SQLite file is used (records opened and changed, a
failed sign-in, a questionnaire sent, a task queued); then the dump and load commands
are run exactly as the document gives them, into PostgreSQL (this run's test
database), and every table is compared, the access log row for row. Needs PostgreSQL:
it runs in the PostgreSQL run of the suite.
"""

import gzip
import json
import re
import shlex

import pytest
from django.db import connection

from tests.database.helpers import ROOT, environment, postgresql_url, run_module, vocrehab
from tests.database.sqlite_source import access_log_digest, row_counts
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.audit.services import record_event

DOC = ROOT / "docs" / "administration.md"


def documented_commands() -> dict[str, list[str]]:
    """The `vocrehab dumpdata` and `vocrehab loaddata` lines of the move, as arguments."""
    section = DOC.read_text().split("## SQLite, and when to move to PostgreSQL", 1)[1]
    section = section.split("\n## ", 1)[0]
    commands = {}
    for line in section.splitlines():
        match = re.match(r"\s*vocrehab (dumpdata|loaddata) (.*)$", line)
        if match:
            commands[match.group(1)] = [match.group(1), *shlex.split(match.group(2))]
    assert set(commands) == {"dumpdata", "loaddata"}, commands
    return commands


def test_the_documented_commands_are_found():
    commands = documented_commands()
    assert "--natural-foreign" in commands["dumpdata"]
    output = commands["dumpdata"][commands["dumpdata"].index("--output") + 1]
    assert commands["loaddata"][1:] == [output]


@pytest.mark.django_db(transaction=True)
def test_moving_a_sqlite_installation_to_postgresql_keeps_every_row(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("moves data into PostgreSQL: runs in the PostgreSQL run of the suite")
    commands = documented_commands()
    sqlite = environment(f"sqlite:///{tmp_path / 'vocrehab.sqlite3'}", tmp_path)
    postgresql = {**sqlite, "DATABASE_URL": postgresql_url()}

    filled = run_module("tests.database.sqlite_source", ["fill"], sqlite)
    assert filled.returncode == 0, filled.stdout + filled.stderr
    before = run_module("tests.database.sqlite_source", ["counts"], sqlite)
    assert before.returncode == 0, before.stderr
    source = json.loads(before.stdout.splitlines()[-1])

    dumped = vocrehab(commands["dumpdata"], sqlite, cwd=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    loaded = vocrehab(commands["loaddata"], postgresql, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr

    dump = tmp_path / commands["loaddata"][1]
    with gzip.open(dump, "rt") as xml:
        # Each record is an <object model=...>; many-to-many links are <object pk=...>.
        rows_in_dump = xml.read().count("<object model=")
    assert f"Installed {rows_in_dump} object(s) from 1 fixture(s)" in loaded.stdout
    assert row_counts() == source["rows"]
    assert access_log_digest() == source["access_log"]
    for table in (
        "audit.AccessEvent",
        "auditlog.LogEntry",
        "mfa.Authenticator",
        "axes.AccessAttempt",
        "sessions.Session",
        "django_tasks_database.DBTaskResult",
        "measures.ItemValue",
        "episodes.WorkingDay",
        "directory.DirectoryService",
    ):
        assert source["rows"][table] > 0, table

    # Record numbers carry on after the loaded ones.
    latest = AccessEvent.objects.order_by("-pk").first().pk
    assert record_event(action=Action.EXPORT, detail="after the move").pk > latest
