"""Running a report's queries side by side, every one reading the same snapshot.

The evaluation report is about twenty aggregate queries that do not depend on each
other. On a server with more than one core they finish sooner side by side, each on a
connection of its own, than one after another on one connection: PostgreSQL's parallel
query spreads a scan over the cores, but the sorting, distinct counts and final
aggregation after it run on one, and SQLite uses one core per connection. So that the
tables agree with each other exactly as they do when read in one transaction, every
connection reads the same snapshot of the database:

* PostgreSQL: the report's own transaction is REPEATABLE READ and exports its snapshot
  (``pg_export_snapshot``); each helper's transaction imports it (``SET TRANSACTION
  SNAPSHOT``), so it sees exactly what the report's transaction sees.
* SQLite (a database file, in WAL mode): the report's transaction holds the write lock
  (``BEGIN IMMEDIATE``, as every vocrehab transaction does), so nothing can be
  committed while it lasts; each helper reads in a deferred transaction of its own,
  begun inside it, and so sees the same committed state.

Only when the report opens its own transaction: inside a caller's transaction the
caller's uncommitted changes would be invisible to the other connections, so the
queries then run one after another as before (:func:`may_share`).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import translation

T = TypeVar("T")
logger = logging.getLogger(__name__)


def workers() -> int:
    """How many connections a report may read with at once (the setting, at least 1)."""
    return max(1, int(getattr(settings, "REPORT_WORKERS", 1)))


def may_share() -> bool:
    """Whether a report about to open its transaction may spread its queries over
    several connections reading one snapshot."""
    if workers() < 2 or connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        return True
    # Another connection to an in-memory database is another database.
    return connection.vendor == "sqlite" and not connection.is_in_memory_db()


def begin() -> None:
    """The first statement of the report's transaction when it shares its snapshot."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def one_core_each() -> None:
    """For the rest of this connection's transaction, no parallel workers of its own
    (PostgreSQL): queries side by side, each on one core, finish sooner than queries
    side by side each with workers competing for the same cores."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '0', true)")


@contextmanager
def _reading(snapshot: str | None):
    """A helper thread's transaction on its own connection, reading ``snapshot``."""
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                yield
        else:
            # Deferred, not Django's atomic(): that would ask for the write lock the
            # report's transaction holds. The first read fixes what it sees.
            with connection.cursor() as cursor:
                cursor.execute("BEGIN DEFERRED")
                cursor.execute("SELECT COUNT(*) FROM sqlite_master")
            try:
                yield
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("ROLLBACK")
    finally:
        connection.close()


def run(tasks: list[Callable[[], T]], *, before_sharing: Callable[[], object]) -> list[T]:
    """The results of ``tasks``: side by side in a transaction of their own when
    :func:`may_share` (``before_sharing`` first, outside it: whatever the tasks would
    write, as the helpers only read), else one after another on this connection. For
    readers whose queries are all independent (the dashboard); the report runs its
    first query before the others and calls :func:`run_all` itself."""
    if not may_share():
        return [task() for task in tasks]
    before_sharing()
    with transaction.atomic():
        begin()
        one_core_each()
        return run_all(tasks, prepare=one_core_each)


def run_all(tasks: list[Callable[[], T]], prepare: Callable[[], None]) -> list[T]:
    """The results of ``tasks``, in order, run by this thread and up to
    :func:`workers` - 1 others, each in a transaction reading this one's snapshot
    (call inside the report's transaction, begun with :func:`begin`). ``prepare`` runs
    first in each helper's transaction (the report's session settings). Tasks are
    taken in the order given, so the longest should come first. The first error any
    task raises is raised here, after every thread has stopped."""
    snapshot = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
    queue = deque(enumerate(tasks))
    results: list = [None] * len(tasks)
    errors: list[BaseException] = []
    lock = threading.Lock()
    language = translation.get_language()

    def take():
        with lock:
            return None if errors or not queue else queue.popleft()

    def work():
        while (item := take()) is not None:
            index, task = item
            try:
                results[index] = task()
            except BaseException as exc:  # handed to the report's thread, raised there
                with lock:
                    errors.append(exc)

    def helper():
        try:
            with ExitStack() as stack:
                try:
                    stack.enter_context(translation.override(language))
                    stack.enter_context(_reading(snapshot))
                    prepare()
                except DatabaseError:
                    # No connection to spare (the server's limit reached, say): the other
                    # connections take its share; the report is only slower.
                    logger.warning("a report's helper connection could not start", exc_info=True)
                    return
                work()
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=helper) for _ in range(min(workers(), len(tasks)) - 1)]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
