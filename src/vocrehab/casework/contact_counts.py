"""Keep :class:`~vocrehab.casework.models.EpisodeContactCounts` in step with the contacts.

Each row is counted by the database from the episode's contacts and their interventions
(one ``INSERT … SELECT … GROUP BY``), so the stored counts are exactly what a count of
the contacts would give. Saving or deleting a contact or an intervention refreshes its
episode's row (signals, connected in ``apps.py``); writers that bypass the signals
(``bulk_create``, the dataset import) call :func:`refresh_contact_counts` themselves.
"""

from __future__ import annotations

from django.db import connection

from vocrehab.codes import ContactMode, ContactWith, Intervention
from vocrehab.episodes.summaries import Summary

from .models import Contact, ContactIntervention, EpisodeContactCounts

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


def _select(episodes, columns) -> str:
    """SELECT the ``columns`` of the episodes the predicate ``episodes`` chooses,
    counted from their contacts (alias ``c``, twice: once for the interventions)."""
    quote = connection.ops.quote_name
    contacts = quote(Contact._meta.db_table)
    interventions = quote(ContactIntervention._meta.db_table)
    code, mode, contact_with = quote("code"), quote("mode"), quote("contact_with")
    contact_id, episode_id, pk = quote("contact_id"), quote("episode_id"), quote("id")
    where = episodes(f"c.{episode_id}")
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


CONTACT_COUNTS = Summary(
    model=EpisodeContactCounts,
    key=("episode_id",),
    columns=lambda: list(COLUMNS),
    select=_select,
    selections=2,
    describe=lambda key: f"episode {key[0]}",
)
# Recount these episodes' contacts (in the caller's transaction).
refresh_contact_counts = CONTACT_COUNTS.refresh
# Every episode of these services: for a bulk writer (the dataset import).
refresh_contact_counts_of_services = CONTACT_COUNTS.refresh_of_services
rebuild_all_contact_counts = CONTACT_COUNTS.rebuild_all
contact_counts_differing = CONTACT_COUNTS.differing


def refresh_on_contact_change(sender, instance, **kwargs):
    refresh_contact_counts([instance.episode_id])


def refresh_on_intervention_change(sender, instance, **kwargs):
    episode_id = Contact.objects.filter(pk=instance.contact_id).values_list("episode_id", flat=True)
    refresh_contact_counts(episode_id)
