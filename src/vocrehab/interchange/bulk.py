"""Fast bulk writes for the importer: COPY on PostgreSQL, ``executemany`` on SQLite.

A national import writes millions of rows (contacts, interventions, item values).
Django's ``bulk_create`` builds one model instance per row and compiles one INSERT per
batch (on SQLite a few hundred rows at most, as it caps the parameters of a statement),
which is far too slow for that. Instead:

- on PostgreSQL, COPY, with identifiers taken from the table's own sequence, so the
  importer has the new ids it needs to link child rows;
- on SQLite, one prepared INSERT run by the DB-API cursor's ``executemany`` over plain
  tuples, with identifiers assigned here (see :meth:`Inserter._next_ids` for why that
  is safe), each value converted once as Django's SQLite backend would store it;
- elsewhere (or with ``fast=False``), ``bulk_create``: the reference the fast paths
  are tested against (``tests/interchange/test_fast_insert.py``).

These helpers bypass model ``save()`` and signals on purpose: the importer fills every
field itself (timestamps included) and records one audit event for the whole import.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from operator import itemgetter

from django.conf import settings
from django.db import DatabaseError, connection, models
from django.utils import timezone

logger = logging.getLogger(__name__)

# Field types whose values go to SQLite as they are: the sqlite3 module binds str, int,
# float, bool (as 1/0) and None exactly as Django's backend would after preparing them.
_SQLITE_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


class Inserter:
    """Insert rows given as dicts of field *attnames* (``episode_id``, not ``episode``).

    Fields a row leaves out get the model's default (``auto_now`` fields: now; nullable
    fields: NULL). ``insert`` returns the new primary keys in row order. A model whose
    primary key is a relation (a one-to-one row beside another) takes it from the rows.
    """

    def __init__(self, fast: bool = True) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.sqlite = fast and connection.vendor == "sqlite"
        self._plans: dict[type[models.Model], tuple] = {}
        self._sqlite_plans: dict[type[models.Model], tuple] = {}

    def _plan(self, model: type[models.Model]):
        plan = self._plans.get(model)
        if plan is None:
            now = timezone.now()
            given_pk = model._meta.pk.is_relation
            fields = [f for f in model._meta.concrete_fields if given_pk or not f.primary_key]
            defaults = {}
            for f in fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    defaults[f.attname] = now
                elif f.has_default():
                    defaults[f.attname] = f.get_default()
                elif f.null:
                    defaults[f.attname] = None
                else:
                    defaults[f.attname] = ""
            json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
            sequence = None
            if self.postgres and not given_pk:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_get_serial_sequence(%s, %s)",
                        [model._meta.db_table, model._meta.pk.column],
                    )
                    sequence = cursor.fetchone()[0]
            plan = self._plans[model] = (fields, defaults, json_fields, sequence)
        return plan

    def insert(self, model: type[models.Model], rows: Sequence[dict]) -> list[int]:
        if not rows:
            return []
        if self.sqlite:
            return self._insert_sqlite(model, rows)
        fields, defaults, json_fields, sequence = self._plan(model)
        if not self.postgres:
            objs = [model(**{**defaults, **row}) for row in rows]
            model.objects.bulk_create(objs, batch_size=500)
            return [o.pk for o in objs]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if sequence is None:  # the rows hold their keys
                ids = [row[model._meta.pk.attname] for row in rows]
                columns = [f.column for f in fields]
            else:
                cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(rows)]
                )
                ids = [r[0] for r in cursor.fetchall()]
                columns = [model._meta.pk.column] + [f.column for f in fields]
            # Millions of rows go through this loop: plain lists and indexes, no lookups.
            pairs = [(f.attname, defaults[f.attname]) for f in fields]
            offset = 0 if sequence is None else 1
            json_at = [offset + i for i, f in enumerate(fields) if f.attname in json_fields]
            sql = "COPY {} ({}) FROM STDIN".format(
                quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
            )
            with cursor.cursor.copy(sql) as copy:
                for pk, row in zip(ids, rows, strict=True):
                    values = [row.get(name, default) for name, default in pairs]
                    if offset:
                        values.insert(0, pk)
                    for i in json_at:
                        value = values[i]
                        values[i] = "{}" if value == {} else json.dumps(value)
                    copy.write_row(values)
        return ids

    # -- SQLite ----------------------------------------------------------------------

    def _sqlite_plan(self, model: type[models.Model]):
        plan = self._sqlite_plans.get(model)
        if plan is None:
            fields, defaults, _json, _sequence = self._plan(model)
            meta = model._meta
            given_pk = meta.pk.is_relation
            names = list(fields) if given_pk else [meta.pk, *fields]
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in names)
            marks = ", ".join("?" * len(names))
            # Names from the model, quoted; the values are bound parameters.
            sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
            converters = {}
            for f in fields:
                convert = _sqlite_converter(f)
                if convert is not None:
                    converters[f.attname] = convert
            # What a row leaves out is the same for every row: converted once here.
            stored_defaults = {
                name: converters[name](value) if name in converters else value
                for name, value in defaults.items()
            }
            plan = self._sqlite_plans[model] = (
                [f.attname for f in names],
                defaults,
                stored_defaults,
                converters,
                sql,
                given_pk,
            )
        return plan

    def _next_ids(self, model: type[models.Model], count: int) -> range:
        """The next ``count`` primary keys of ``model``'s table, as SQLite would give them.

        Safe because the importer writes in one transaction that holds SQLite's write
        lock from its first statement (``BEGIN IMMEDIATE``, the project's setting): no
        other connection can insert until it commits, so nobody else can take these
        keys. Even without that lock, SQLite would refuse this transaction's write on a
        snapshot older than another's commit, and the primary key would refuse a
        duplicate: an import would fail, never store a row under another's key. The
        tables are ``AUTOINCREMENT``, so ``sqlite_sequence`` remembers the highest key
        ever used (rows deleted since included) and keys are never reused, as SQLite
        itself promises for them; SQLite moves that counter on as these rows go in.
        """
        if not connection.in_atomic_block:
            raise RuntimeError("SQLite bulk inserts assign keys: run them in a transaction")
        table = model._meta.db_table
        quote = connection.ops.quote_name
        highest = f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}"  # noqa: S608
        used = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(COALESCE(({highest}), 0), COALESCE(({used}), 0))", [table])
            top = cursor.fetchone()[0]
        return range(top + 1, top + 1 + count)

    def _insert_sqlite(self, model: type[models.Model], rows: Sequence[dict]) -> list[int]:
        names, defaults, stored_defaults, converters, sql, given_pk = self._sqlite_plan(model)
        pk_name = names[0] if not given_pk else model._meta.pk.attname
        # Only the columns some row gives are converted row by row; the rest take the
        # default converted once. (Rows of one call usually hold the same keys.)
        given = set().union(*rows)
        convert = [
            (i, converters[n]) for i, n in enumerate(names) if n in given and n in converters
        ]
        base = {
            name: (defaults[name] if name in given else stored)
            for name, stored in stored_defaults.items()
        }
        get = itemgetter(*names)
        if given_pk:
            ids = [row[pk_name] for row in rows]
            values = [get({**base, **row}) for row in rows]
        else:
            ids = list(self._next_ids(model, len(rows)))
            values = [get({**base, **row, pk_name: pk}) for pk, row in zip(ids, rows, strict=True)]
        if convert:
            # Millions of rows go through this loop: plain lists and indexes.
            for n, row in enumerate(values):
                row = list(row)
                for i, func in convert:
                    row[i] = func(row[i])
                values[n] = row
        connection.ensure_connection()
        # Straight to the sqlite3 connection (no per-statement work of Django's cursor
        # wrappers), with Django's exceptions for what the database refuses.
        with connection.wrap_database_errors:
            connection.connection.executemany(sql, values)
        return ids


def _sqlite_converter(field: models.Field):
    """A function giving the value Django's SQLite backend stores for ``field``, or None
    when values go as they are. Each is exact for what the importer passes and falls
    back to the field's own ``get_db_prep_save`` for anything else."""
    kind = field.get_internal_type()
    if kind in _SQLITE_AS_IS:
        return None
    prep = field.get_db_prep_save
    if kind == "DateField":
        date = dt.date

        def date_text(value):
            # Django stores str(date), the ISO form; a validated cell is that already.
            if value is None or value.__class__ is str:
                return value
            if value.__class__ is date:
                return value.isoformat()
            return prep(value, connection)

        return date_text
    if kind == "JSONField":
        encoder = field.encoder
        dumps = json.dumps

        def json_text(value):
            # Django's adapt_json_value: json.dumps with the field's encoder; NULL for None.
            if value is None:
                return None
            if value == {}:
                return "{}"
            return dumps(value, cls=encoder)

        return json_text
    # DateTimeField (only "now" here, given to every row alike) and anything else: the
    # field's own conversion, remembered for the value last seen.
    last = [object(), None]

    def prepared(value):
        if value is not last[0]:
            last[0], last[1] = value, prep(value, connection)
        return last[1]

    return prepared


@contextmanager
def import_connection():
    """Settings of the database connection for the length of one import, then restored;
    on SQLite, statistics for the query planner once the import has committed.

    On SQLite: a larger page cache (``SQLITE_IMPORT_CACHE_MIB``) for this connection
    only. Safe on a live database: it changes neither what is written, nor when it is
    synced, nor what a crash can leave (``synchronous`` and the WAL journal stay as the
    project sets them). (``temp_store`` is left alone: SQLite refuses to change it
    inside a transaction, where a web import runs, and inserts make no temporary
    tables.) Nothing on other databases: PostgreSQL's autovacuum gathers statistics.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(settings.SQLITE_IMPORT_CACHE_MIB) * 1024}")
    try:
        yield
    finally:
        if connection.connection is raw:  # not closed and opened anew meanwhile
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {cache_size}")
    _sqlite_statistics()


def _sqlite_statistics() -> None:
    """Refresh the query planner's statistics after an import (SQLite gathers none by
    itself). Without them the evaluation report over a freshly imported dataset cost
    four times as much. A full ``ANALYZE`` (0.3 s over 100,000 episodes) rather than a
    sampled one: the sampled statistics left the report 20% slower at that size."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    except DatabaseError:
        # The import is committed; only the statistics wait for the next import.
        logger.warning("statistics not refreshed after an import", exc_info=True)


def raw_delete(queryset: models.QuerySet) -> int:
    """Delete the rows of ``queryset`` and, first, what depends on them, without loading them.

    Reverse relations are followed as the model declares: CASCADE deletes, SET_NULL
    clears; anything else (PROTECT) is left for the database to refuse at commit.
    Returns the number of rows of ``queryset`` deleted.
    """
    model = queryset.model
    for related in model._meta.related_objects:
        if not (related.one_to_many or related.one_to_one):
            continue
        field = related.field
        dependants = related.related_model._base_manager.filter(
            **{f"{field.name}__in": queryset.values("pk")}
        )
        if field.remote_field.on_delete is models.CASCADE:
            raw_delete(dependants)
        elif field.remote_field.on_delete is models.SET_NULL:
            dependants.update(**{field.attname: None})
    return queryset._raw_delete(queryset.db)


def chunks(items: Iterable, size: int):
    """Lists of at most ``size`` items from ``items``."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
