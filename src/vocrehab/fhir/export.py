"""Write FHIR resources as NDJSON, one file per resource type, with flat memory.

Rows are streamed from the database in chunks (``iterator(chunk_size=…)``), loading only
the columns the resource's builder reads; their children (a contact's interventions, a
questionnaire's answers) are streamed beside them in a second query in the same order and
handed to each row as it passes. Each resource is written as soon as it is built, so
memory does not grow with the number of episodes. Clients whose processing is restricted
are left out, as from every dataset export. Used by the worker for ``$export`` and by
``vocrehab fhir export``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import closing, nullcontext
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import queries
from .queries import ALL_TYPES, QUESTIONNAIRE, TYPES

CHUNK = 2000
# One encoder for every line (``json.dumps`` with options makes a new one each call). A
# resource is a tree of fresh and shared dicts, never a cycle, so the cycle check is spared.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


class ExportCancelled(Exception):
    """The export was cancelled while it ran."""


def check_types(names) -> list[str]:
    """The requested resource types in the server's order; ValueError naming unknown ones."""
    wanted = [n.strip() for n in names if n.strip()]
    unknown = [n for n in wanted if n not in ALL_TYPES]
    if unknown:
        raise ValueError(
            _("Unknown resource type %(names)s; the server exports %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(ALL_TYPES)}
        )
    return [t for t in ALL_TYPES if t in wanted] if wanted else list(ALL_TYPES)


def resources(type_name: str, services, since: dt.datetime | None = None) -> Iterator[dict]:
    """Every resource of ``type_name`` in ``services`` changed since ``since``."""
    if type_name == QUESTIONNAIRE:
        yield from queries.questionnaires()
        return
    language = get_language()
    for source in TYPES[type_name].sources:
        rows = source.in_services(services).exclude(**{source.restricted: True})
        if since is not None:
            rows = rows.filter(updated_at__gte=since)
        rows = source.for_export(rows)
        with _streaming():
            stream = source.export_stream(rows, CHUNK)
            children = None
            if source.children is not None:
                children = source.children(rows).iterator(chunk_size=CHUNK)
                stream = _adopting(stream, children, source.adopt)
            try:
                for row in stream:
                    yield from source.build(row, language)
            finally:
                # An export stopped half-way closes its server-side cursors here, while
                # their transaction is still open, not later when they are collected.
                stream.close()
                if children is not None:
                    children.close()


def _adopting(rows: Iterator, children: Iterator[tuple], adopt) -> Iterator:
    """``rows`` (in primary key order), each handed its children by ``adopt``: a merge of
    the two streams, which are in the same order. A child whose parent is not among the
    rows (added between the two queries) is passed over."""
    child = next(children, None)
    for row in rows:
        found = []
        while child is not None and child[0] <= row.pk:
            if child[0] == row.pk:
                found.append(child[1:])
            child = next(children, None)
        adopt(row, found)
        yield row


def _streaming():
    """On PostgreSQL, a transaction, so that the server-side cursor streams its rows
    (outside one Django declares it WITH HOLD, and PostgreSQL materialises every row
    first). On SQLite a transaction would hold the write lock (BEGIN IMMEDIATE), and its
    cursor streams anyway."""
    return transaction.atomic() if connection.vendor == "postgresql" else nullcontext()


def write_ndjson(
    out_dir: Path,
    services,
    *,
    types=ALL_TYPES,
    since: dt.datetime | None = None,
    progress: Callable[[str, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """Write ``<type>.ndjson`` for each type into ``out_dir``; returns the count per type.

    ``progress(type, done)`` is told after each type; ``cancelled()`` is asked every
    chunk, and a True answer stops the export with :class:`ExportCancelled`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for type_name in types:
        written = 0
        with (
            (out_dir / f"{type_name}.ndjson").open("w", encoding="utf-8") as out,
            closing(resources(type_name, services, since)) as found,
        ):
            lines: list[str] = []  # a chunk of lines, written at once
            for resource in found:
                lines.append(_encode(resource))
                lines.append("\n")
                if len(lines) == 2 * CHUNK:
                    out.write("".join(lines))
                    written += CHUNK
                    lines.clear()
                    if cancelled is not None and cancelled():
                        raise ExportCancelled
            out.write("".join(lines))
            written += len(lines) // 2
        counts[type_name] = written
        if progress is not None:
            progress(type_name, written)
    return counts
