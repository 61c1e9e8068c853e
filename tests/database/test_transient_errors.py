"""Which database errors are worth trying again: a held lock, a serialization failure,
a deadlock, a lost connection; not a mistake in the SQL, the schema or the data."""

import sqlite3

import psycopg
import pytest
from django.db import IntegrityError, OperationalError

from tests.database.helpers import database_locked
from vocrehab.dberrors import is_transient


def wrapped(cause: Exception, kind=OperationalError) -> Exception:
    """As Django raises it: its own exception class, the driver's error as the cause."""
    error = kind(*cause.args)
    error.__cause__ = cause
    return error


def sqlite_error(sql: str) -> sqlite3.Error:
    try:
        sqlite3.connect(":memory:").execute(sql)
    except sqlite3.Error as error:
        return error
    raise AssertionError(sql)


def test_sqlite_lock_held_past_the_busy_timeout_is_transient():
    assert is_transient(database_locked())


def test_sqlite_mistakes_are_not_transient():
    assert not is_transient(wrapped(sqlite_error("SELECT * FROM no_such_table")))
    assert not is_transient(wrapped(sqlite_error("SELEKT 1")))


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.LockNotAvailable("could not obtain lock"),
        psycopg.errors.AdminShutdown("terminating connection"),
        psycopg.errors.ConnectionFailure("connection failure"),
        psycopg.OperationalError("connection failed: Connection refused"),
    ],
    ids=lambda cause: type(cause).__name__,
)
def test_postgresql_errors_that_pass_are_transient(cause):
    assert is_transient(wrapped(cause))


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.UndefinedTable("relation does not exist"),
        psycopg.errors.DiskFull("could not extend file"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    ],
    ids=lambda cause: type(cause).__name__,
)
def test_other_postgresql_errors_are_not(cause):
    assert not is_transient(wrapped(cause))


def test_errors_of_other_kinds_are_not_transient():
    locked = database_locked()
    assert not is_transient(wrapped(locked.__cause__, IntegrityError))
    assert not is_transient(ValueError("database is locked"))
    assert not is_transient(OperationalError("database is locked"))  # no driver error
