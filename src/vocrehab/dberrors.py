"""Which database errors pass if the same thing is tried again a moment later."""

from django.db import OperationalError

# SQLite result codes (the low byte of an extended code): another connection holds the
# lock for longer than the busy timeout.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
# PostgreSQL SQLSTATEs: serialization failure, deadlock, lock not available, the server
# shutting down or starting up; and class 08, a connection lost or refused.
POSTGRESQL_TRANSIENT = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03"}


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is a database error that trying again shortly should cure:
    a lock held by another writer, a serialization failure or deadlock, or a lost
    connection. Errors in the SQL, the schema or the data are not."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    if type(cause).__module__.startswith("psycopg"):
        state = getattr(cause, "sqlstate", None)
        # No SQLSTATE: the connection failed before the server answered.
        return state is None or state in POSTGRESQL_TRANSIENT or state.startswith("08")
    return False
