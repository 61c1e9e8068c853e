"""SQL shared by the summaries that apps keep for the reports (one row per episode, or
per episode and instrument, computed from the records by one ``INSERT … SELECT``).

Kept beneath every app: the contact counts (casework) and the questionnaire pairs
(measures) write and check their rows the same way.
"""

from __future__ import annotations

from django.db import connection


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
