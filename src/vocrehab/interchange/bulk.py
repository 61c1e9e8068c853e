"""Fast bulk writes for the importer: COPY on PostgreSQL, ``bulk_create`` elsewhere.

A national import writes millions of rows (contacts, interventions, item values).
Django's ``bulk_create`` builds one model instance per row and one INSERT per batch,
which is too slow for that on PostgreSQL; COPY with identifiers taken from the table's
own sequence is several times faster and still gives the importer the new ids it needs
to link child rows. Both paths write the same values, so tests on SQLite cover the logic.

These helpers bypass model ``save()`` and signals on purpose: the importer fills every
field itself (timestamps included) and records one audit event for the whole import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone


class Inserter:
    """Insert rows given as dicts of field *attnames* (``episode_id``, not ``episode``).

    Fields a row leaves out get the model's default (``auto_now`` fields: now; nullable
    fields: NULL). ``insert`` returns the new primary keys in row order. A model whose
    primary key is a relation (a one-to-one row beside another) takes it from the rows.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self._plans: dict[type[models.Model], tuple] = {}

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
