"""Keep :class:`~vocrehab.casework.models.EpisodeContactCounts` in step with the contacts.

Each row is counted by the database from the episode's contacts and their interventions
(one ``INSERT … SELECT … GROUP BY``), so the stored counts are exactly what a count of
the contacts would give. Saving or deleting a contact or an intervention refreshes its
episode's row (signals, connected in ``apps.py``); writers that bypass the signals
(``bulk_create``, the dataset import) call :func:`refresh_contact_counts` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from vocrehab.codes import ContactMode, ContactWith, Intervention
from vocrehab.episodes.models import Episode
from vocrehab.summaries import rows_differing, upsert

from .models import Contact, ContactIntervention, EpisodeContactCounts

BATCH = 2000

MODE_COLUMNS = {f"mode_{code}": code for code in ContactMode.values}
WITH_COLUMNS = {f"with_{code}": code for code in ContactWith.values}
INTERVENTION_COLUMNS = {f"intervention_{code}": code for code in Intervention.values}
COLUMNS = (
    "episode_id",
    "contacts",
    *MODE_COLUMNS,
    *WITH_COLUMNS,
    "with_interventions",
    *INTERVENTION_COLUMNS,
)


def _upsert() -> str:
    return upsert(("episode_id",), list(COLUMNS))


def _select(where: str, columns=COLUMNS) -> str:
    """SELECT the ``columns`` of the episodes whose contacts ``where`` selects (written
    over a contact alias ``c``; it appears twice, so its parameters are given twice)."""
    quote = connection.ops.quote_name
    contacts = quote(Contact._meta.db_table)
    interventions = quote(ContactIntervention._meta.db_table)
    code, mode, contact_with = quote("code"), quote("mode"), quote("contact_with")
    contact_id, episode_id, pk = quote("contact_id"), quote("episode_id"), quote("id")
    # Constants (the code lists) and quoted names only; values are parameters.
    per_contact = ", ".join(
        f"MAX(CASE WHEN ci.{code} = '{value}' THEN 1 ELSE 0 END) AS {quote(column)}"
        for column, value in INTERVENTION_COLUMNS.items()
    )
    expressions = {
        "episode_id": f"c.{episode_id}",
        "contacts": "COUNT(*)",
        **{
            column: f"SUM(CASE WHEN c.{mode} = '{value}' THEN 1 ELSE 0 END)"
            for column, value in MODE_COLUMNS.items()
        },
        **{
            column: f"SUM(CASE WHEN c.{contact_with} = '{value}' THEN 1 ELSE 0 END)"
            for column, value in WITH_COLUMNS.items()
        },
        "with_interventions": f"SUM(CASE WHEN i.{contact_id} IS NULL THEN 0 ELSE 1 END)",
        **{column: f"COALESCE(SUM(i.{quote(column)}), 0)" for column in INTERVENTION_COLUMNS},
    }
    return (
        f"SELECT {', '.join(expressions[c] for c in columns)} "  # noqa: S608
        f"FROM {contacts} c LEFT JOIN ("
        f"SELECT ci.{contact_id}, {per_contact} FROM {interventions} ci "
        f"INNER JOIN {contacts} c ON (c.{pk} = ci.{contact_id}) WHERE {where} "
        f"GROUP BY ci.{contact_id}) i ON (i.{contact_id} = c.{pk}) "
        f"WHERE {where} GROUP BY c.{episode_id}"
    )


def _replace(where: str, params: list, delete_where: str) -> None:
    quote = connection.ops.quote_name
    table = quote(EpisodeContactCounts._meta.db_table)
    columns = ", ".join(quote(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {delete_where}", params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} ({columns}) " + _select(where) + _upsert(),  # noqa: S608
            [*params, *params],
        )


def refresh_contact_counts(episode_ids: Iterable[int]) -> None:
    """Recount these episodes' contacts (in the caller's transaction)."""
    ids = sorted(set(episode_ids))
    episode_id = connection.ops.quote_name("episode_id")
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        marks = ", ".join(["%s"] * len(chunk))
        _replace(f"c.{episode_id} IN ({marks})", chunk, f"{episode_id} IN ({marks})")


def refresh_contact_counts_of_services(service_ids: Iterable[int]) -> None:
    """Recount the contacts of every episode of these services: one statement, for a
    bulk writer (the dataset import) that wrote or replaced many episodes' contacts."""
    ids = sorted(set(service_ids))
    if not ids:
        return
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    episodes = (
        f"SELECT {quote('id')} FROM {quote(Episode._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('service_id')} IN ({marks})"
    )
    _replace(
        f"c.{quote('episode_id')} IN ({episodes})", ids, f"{quote('episode_id')} IN ({episodes})"
    )


def rebuild_all_contact_counts(columns=COLUMNS) -> int:
    """Recount every episode's contacts; returns the rows written. ``columns``: the
    table's columns as a migration finds them (a later migration may add more)."""
    quote = connection.ops.quote_name
    table = quote(EpisodeContactCounts._meta.db_table)
    names = [c for c in COLUMNS if c in set(columns)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        # Everything was deleted above, in this transaction: a plain insert (which the
        # migration that makes the table can run before its constraints exist).
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in names)}) "  # noqa: S608
            + _select("1 = 1", names)
        )
        return cursor.rowcount


def contact_counts_differing(limit: int = 20) -> tuple[int, list[str]]:
    """Compare every stored row with a fresh count: the number of episodes whose row
    differs, is missing or is extra, and up to ``limit`` of them described."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in COLUMNS)
    stored = f"SELECT {columns} FROM {quote(EpisodeContactCounts._meta.db_table)}"  # noqa: S608
    keys = [pk for (pk,) in rows_differing(stored, _select("1 = 1"), ("episode_id",))]
    return len(keys), [f"episode {pk}" for pk in keys[:limit]]


def refresh_on_contact_change(sender, instance, **kwargs):
    refresh_contact_counts([instance.episode_id])


def refresh_on_intervention_change(sender, instance, **kwargs):
    episode_id = Contact.objects.filter(pk=instance.contact_id).values_list("episode_id", flat=True)
    refresh_contact_counts(episode_id)
