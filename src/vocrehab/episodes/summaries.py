"""Summaries the apps keep for the reports: one row per episode (or per episode and
instrument), each computed from the records by one ``INSERT … SELECT``.

A :class:`Summary` is described once (its table, key, columns and the SELECT that
computes its rows for the episodes a predicate chooses), and every way of keeping it is
this module's: refreshing some episodes (a saved contact or questionnaire), every
episode of some services (an import), rebuilding all (a migration, ``vocrehab report
summaries --rebuild``) and comparing every stored row with a fresh computation
(``--verify``). The contact counts (casework) and the questionnaire pairs (measures)
are two such summaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, models

from .models import Episode

BATCH = 2000

# A predicate over episode ids: given the SQL of an episode id column, the condition
# on it ("… IN (%s, %s)"), whose parameters the caller holds.
Episodes = Callable[[str], str]


def upsert(key: tuple[str, ...], columns: list[str]) -> str:
    """The ``ON CONFLICT`` clause that makes an ``INSERT … SELECT`` of summary rows
    replace a row another transaction wrote meanwhile (PostgreSQL and SQLite alike).

    A refresh deletes the rows of its episodes and inserts them again. Two refreshes of
    one episode at once (a contact saved while an import refreshes its service) would
    otherwise both insert, and the second would fail on the unique key; each insert
    reads the records committed when it starts, so the later one is the right one.
    """
    quote = connection.ops.quote_name
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in key)
    return f" ON CONFLICT ({', '.join(quote(k) for k in key)}) DO UPDATE SET {updates}"


def rows_differing(stored: str, fresh: str, key: tuple[str, ...]) -> list[tuple]:
    """The keys of rows that differ between two SELECTs of the same columns (stored
    rows, and the same rows computed afresh), or are in only one of them."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(k) for k in key)
    with connection.cursor() as cursor:
        # Subqueries: SQLite does not take a parenthesised EXCEPT.
        cursor.execute(
            f"SELECT {columns} FROM (SELECT * FROM ({stored}) x "  # noqa: S608
            f"EXCEPT SELECT * FROM ({fresh}) y) d1 UNION "
            f"SELECT {columns} FROM (SELECT * FROM ({fresh}) y "
            f"EXCEPT SELECT * FROM ({stored}) x) d2"
        )
        return sorted(cursor.fetchall())


def _every(_column: str) -> str:
    return "1 = 1"


@dataclass(frozen=True)
class Summary:
    """A summary table and how its rows are computed.

    ``columns`` gives the table's columns, key first; ``select(episodes, columns)`` the
    SELECT of those columns for the episodes the predicate ``episodes`` chooses, which
    it embeds ``selections`` times (so its parameters are given that many times).
    ``describe`` names one row's key for a person reading ``--verify``.
    """

    model: type[models.Model]
    key: tuple[str, ...]
    columns: Callable[[], list[str]]
    select: Callable[[Episodes, list[str]], str]
    selections: int
    describe: Callable[[tuple], str]

    @property
    def _table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    def _replace(self, episodes: Episodes, params: list) -> None:
        quote = connection.ops.quote_name
        names = self.columns()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self._table} WHERE {episodes(quote('episode_id'))}",  # noqa: S608
                params,
            )
            cursor.execute(
                f"INSERT INTO {self._table} ({', '.join(quote(c) for c in names)}) "  # noqa: S608
                + self.select(episodes, names)
                + upsert(self.key, names),
                params * self.selections,
            )

    def refresh(self, episode_ids: Iterable[int]) -> None:
        """Recompute these episodes' rows (in the caller's transaction)."""
        ids = sorted(set(episode_ids))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            self._replace(lambda column, marks=marks: f"{column} IN ({marks})", chunk)

    def refresh_of_services(self, service_ids: Iterable[int]) -> None:
        """Recompute the rows of every episode of these services: one statement, for a
        bulk writer (the dataset import) whose rows bypass the signals."""
        ids = sorted(set(service_ids))
        if not ids:
            return
        quote = connection.ops.quote_name
        episodes = (
            f"SELECT {quote('id')} FROM {quote(Episode._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('service_id')} IN ({', '.join(['%s'] * len(ids))})"
        )
        self._replace(lambda column: f"{column} IN ({episodes})", ids)

    def rebuild_all(self, columns=None) -> int:
        """Recompute every row; returns the rows written. ``columns``: the table's
        columns as a migration finds them (a later migration may add more)."""
        quote = connection.ops.quote_name
        names = [c for c in self.columns() if columns is None or c in set(columns)]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self._table}")  # noqa: S608
            # Everything was deleted above, in this transaction: a plain insert (which
            # the migration that makes the table runs before its constraints exist).
            cursor.execute(
                f"INSERT INTO {self._table} ({', '.join(quote(c) for c in names)}) "  # noqa: S608
                + self.select(_every, names)
            )
            return cursor.rowcount

    def differing(self, limit: int = 20) -> tuple[int, list[str]]:
        """Compare every stored row with a fresh computation: the number of rows that
        differ, are missing or are extra, and up to ``limit`` of them described."""
        quote = connection.ops.quote_name
        names = self.columns()
        stored = f"SELECT {', '.join(quote(c) for c in names)} FROM {self._table}"  # noqa: S608
        keys = rows_differing(stored, self.select(_every, names), self.key)
        return len(keys), [self.describe(key) for key in keys[:limit]]
