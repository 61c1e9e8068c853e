"""The importer's fast SQLite writes store exactly what Django's own writes store.

On SQLite the importer inserts plain tuples with the DB-API cursor's ``executemany``
and assigns primary keys itself (``interchange.bulk.Inserter``). The same synthetic
dataset, imported and then re-imported with changes, once through model instances and
``bulk_create`` (Django's conversions) and once through the fast path, must leave every
table byte for byte the same: keys, dates, datetimes, booleans, JSON, NULLs.
"""

import csv
import datetime as dt
import re
from functools import partial
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction

from vocrehab.casework.models import Contact, ContactIntervention, OnwardReferral
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.interchange import importer
from vocrehab.interchange.bulk import Inserter
from vocrehab.interchange.synth import write_synthetic_dataset
from vocrehab.measures.models import Administration, ItemValue, QuestionnaireScores

from .importing import run_import

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite write path"),
]

MODELS = (
    Client,
    Episode,
    Contact,
    ContactIntervention,
    OnwardReferral,
    Administration,
    ItemValue,
    QuestionnaireScores,
)
FIRST = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 3, 9, 14, 5, tzinfo=dt.UTC)


def _rewrite(path, change):
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows = change(rows)
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _datasets(tmp_path):
    """A synthetic dataset with extension columns, and a changed copy to re-import."""
    first = tmp_path / "first"
    write_synthetic_dataset(first, episodes=120, seed=7, services=2)

    def episodes(rows):
        for n, row in enumerate(rows):
            # Blank, plain text, and a cell an export neutralised against formulas.
            row["x_local_team"] = ["", "north", "'=team"][n % 3]
        return rows

    def contacts(rows):
        for n, row in enumerate(rows):
            row["x_room"] = "" if n % 2 else f"room {n % 5}"
        return rows

    def measures(rows):
        for n, row in enumerate(rows):
            row["x_source"] = "paper" if n % 4 == 0 else ""
        return rows

    _rewrite(first / "episodes.csv", episodes)
    _rewrite(first / "contacts.csv", contacts)
    _rewrite(first / "measures.csv", measures)

    second = tmp_path / "second"
    second.mkdir()
    for path in first.iterdir():
        (second / path.name).write_bytes(path.read_bytes())

    def changed_episodes(rows):
        for row in rows[::10]:
            row["occupation"] = "9"  # a changed episode: updated, its children replaced
            row["x_local_team"] = "south"
        return rows

    def changed_contacts(rows):
        for row in rows[::7]:
            row["minutes"] = "" if row["minutes"] else "20"
        return rows

    _rewrite(second / "episodes.csv", changed_episodes)
    _rewrite(second / "contacts.csv", changed_contacts)
    return first, second


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the importer writes, as SQLite stores it: each value as
    an SQL literal (SQLite's ``quote``), so its storage class counts (1 is not 1.0 nor
    '1') and no converter of Django's or the sqlite3 module's stands in between."""
    tables = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in MODELS:
            columns = ", ".join(f"quote({quote(f.column)})" for f in model._meta.concrete_fields)
            table = quote(model._meta.db_table)
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {quote(model._meta.pk.column)}")  # noqa: S608
            tables[model._meta.db_table] = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        tables["sqlite_sequence"] = [tuple(row) for row in cursor.fetchall()]
    return tables


class _Undo(Exception):
    pass


def _import_both(first, second, *, fast: bool) -> dict[str, list[tuple]]:
    """Import ``first`` then ``second``; return the tables, then undo everything."""
    snapshot = {}
    with mock.patch.object(importer, "Inserter", partial(Inserter, fast=fast)):
        try:
            with transaction.atomic():
                with time_machine.travel(FIRST, tick=False):
                    assert run_import(first, create_services=True).ok
                with time_machine.travel(SECOND, tick=False):
                    again = run_import(second)
                assert again.ok
                assert again.counts["episodes.csv"].updated
                assert again.counts["contacts.csv"].replaced
                snapshot = _snapshot()
                raise _Undo
        except _Undo:
            pass
    return snapshot


def _column(snapshot, model, name):
    index = [f.column for f in model._meta.concrete_fields].index(name)
    return [row[index] for row in snapshot[model._meta.db_table]]


def test_fast_path_writes_what_django_writes(tmp_path):
    first, second = _datasets(tmp_path)
    reference = _import_both(first, second, fast=False)
    fast = _import_both(first, second, fast=True)
    assert Episode.objects.count() == 0  # both were undone

    assert fast.keys() == reference.keys()
    for table, rows in reference.items():
        assert rows, table
        assert fast[table] == rows, table

    # What the comparison covered: dates and datetimes as text, NULLs, booleans as
    # integers, JSON as text, keys given after rows were deleted.
    assert "'2026-03-02 09:30:15.123456'" in _column(fast, Episode, "created_at")
    assert "'2026-03-09 14:05:00'" in _column(fast, Episode, "updated_at")
    assert all(
        re.fullmatch(r"'\d{4}-\d\d-\d\d'", d) for d in _column(fast, Contact, "contact_date")
    )
    assert "NULL" in _column(fast, Episode, "followup_date")
    assert "NULL" in _column(fast, Episode, "weeks_absent_at_referral")
    assert set(_column(fast, Client, "contact_by_phone")) == {"1"}  # True, as an integer
    extensions = _column(fast, Episode, "extensions")
    assert """'{"x_local_team": "=team"}'""" in extensions
    assert """'{"x_local_team": ""}'""" in extensions
    assert """'{"x_room": "room 1"}'""" in _column(fast, Contact, "extensions")
    assert "NULL" in _column(fast, Contact, "minutes")
    assert """'{"x_source": "paper"}'""" in _column(fast, ItemValue, "extensions")
    assert "'{}'" in _column(fast, ItemValue, "extensions")
    assert all("." in v or "e" in v for v in _column(fast, ItemValue, "value"))  # REAL


def test_keys_of_deleted_rows_are_never_given_again(tmp_path):
    first, _second = _datasets(tmp_path)
    assert run_import(first, create_services=True).ok
    top = Contact.objects.order_by("-pk").values_list("pk", flat=True).first()
    Contact.objects.filter(pk=top).delete()
    # Re-importing replaces every imported contact: the new ones come after the deleted.
    assert run_import(first).ok
    assert Contact.objects.filter(pk__lte=top).count() == 0
    assert Contact.objects.order_by("pk").first().pk > top


@pytest.mark.django_db(transaction=True)
def test_fast_inserts_refuse_to_run_outside_a_transaction():
    inserter = Inserter()
    with pytest.raises(RuntimeError, match="transaction"):
        inserter.insert(OnwardReferral, [{"episode_id": 1, "date": "2026-01-05"}])


def _pragmas() -> tuple:
    with connection.cursor() as cursor:
        return tuple(
            cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("cache_size", "synchronous", "journal_mode")
        )


def test_the_import_connection_settings_last_as_long_as_the_import(tmp_path, settings):
    settings.SQLITE_IMPORT_CACHE_MIB = 64
    first, _second = _datasets(tmp_path)
    before = _pragmas()
    seen = []
    run = importer._Run.run

    def watched(self):
        seen.append(_pragmas())
        run(self)

    with mock.patch.object(importer._Run, "run", watched):
        assert run_import(first, create_services=True).ok
    cache_size, synchronous, journal_mode = seen[0]
    assert cache_size == -64 * 1024  # KiB
    # What a crash could leave is unchanged: syncing and the journal stay as set.
    assert (synchronous, journal_mode) == before[1:]
    assert _pragmas() == before


def test_an_import_leaves_statistics_for_the_query_planner(tmp_path):
    first, _second = _datasets(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert run_import(first, create_services=True).ok
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
        stats = dict(cursor.fetchall())
    # The number of rows first: the planner knows the tables the import filled.
    assert int(stats[Episode._meta.db_table].split()[0]) == 120
    assert int(stats[Contact._meta.db_table].split()[0]) > 120


def test_a_dry_run_leaves_no_statistics(tmp_path):
    first, _second = _datasets(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert run_import(first, create_services=True, dry_run=True).ok
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone()[0] == 0
