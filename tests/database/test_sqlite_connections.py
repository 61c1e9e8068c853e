"""A SQLite connection made with the settings' options: write-ahead log, a transaction
that takes the write lock when it begins and waits for it, and readers that never wait.

Runs on a file of its own, so in both runs of the suite.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler


@pytest.fixture
def connect(tmp_path, db):
    """Connections to one SQLite file with the settings' options (``timeout`` changeable)."""
    opened = []

    def connect(**options):
        handler = ConnectionHandler(
            {
                "default": {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(tmp_path / "vocrehab.sqlite3"),
                    "OPTIONS": {**settings.SQLITE_OPTIONS, **options},
                }
            }
        )
        connection = handler["default"]
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        connection.close()


def pragma(connection, name):
    with connection.cursor() as cursor:
        return cursor.execute(f"PRAGMA {name}").fetchone()[0]


def begin(connection):
    """Start a transaction as ``transaction.atomic()`` does on SQLite."""
    connection.ensure_connection()
    connection._start_transaction_under_autocommit()


def test_every_connection_gets_the_pragmas(connect):
    connection = connect()
    assert pragma(connection, "journal_mode") == "wal"
    assert pragma(connection, "synchronous") == 1  # NORMAL
    assert pragma(connection, "journal_size_limit") == 64 * 1024 * 1024
    assert pragma(connection, "busy_timeout") == settings.SQLITE_OPTIONS["timeout"] * 1000
    assert pragma(connection, "foreign_keys") == 1


def test_a_transaction_takes_the_write_lock_when_it_begins(connect):
    writer, other = connect(), connect(timeout=0.5)
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (value INTEGER)")
    begin(writer)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        begin(other)  # waited for the lock, as long as the busy timeout
    assert time.monotonic() - started >= 0.4
    writer.rollback()


def test_readers_do_not_wait_for_a_writer(connect):
    writer, reader = connect(), connect(timeout=0)
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (value INTEGER)")
        cursor.execute("INSERT INTO answer VALUES (1)")
    begin(writer)
    with writer.cursor() as cursor:
        cursor.execute("INSERT INTO answer VALUES (2)")
    with reader.cursor() as cursor:  # no waiting allowed: would fail if blocked
        assert cursor.execute("SELECT value FROM answer").fetchall() == [(1,)]
    writer.commit()


def test_a_waiting_writer_goes_on_when_the_lock_is_free(connect):
    writer, waiting = connect(), connect()
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (value INTEGER)")
    begin(writer)
    writer.inc_thread_sharing()  # committed from another thread, in a moment
    release = threading.Timer(0.3, writer.commit)
    release.start()
    started = time.monotonic()
    begin(waiting)  # waits for the commit instead of failing
    assert time.monotonic() - started >= 0.2
    with waiting.cursor() as cursor:
        cursor.execute("INSERT INTO answer VALUES (1)")
    waiting.commit()
    release.join()
    writer.dec_thread_sharing()
