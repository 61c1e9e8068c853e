"""Moving models between apps changes no table and no row.

A database made by the migrations from before the moves (episode and tier changes in
casework, the calendar and the questionnaire scores in reports) is filled, migrated
forward, and compared row by row; the moved models' content types keep their ids, so
the change history still resolves.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("casework", "0006_redundant_fk_indexes"),
    ("reports", "0002_questionnaire_scores"),
    ("referrals", "0001_initial"),
    ("measures", "0003_redundant_fk_indexes"),
    ("directory", "0001_initial"),
    ("episodes", None),
]
TABLES = [
    "casework_episode",
    "casework_tierchange",
    "casework_contact",
    "reports_workingday",
    "measures_administration",
    "reports_questionnairescores",
    "auditlog_logentry",
    "django_content_type",
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


def _columns(table):
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _rows(table, columns):
    """The rows of ``table``, as ``columns`` (those it had before the move: columns
    added by later migrations are new, not moved)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} ORDER BY 1"  # noqa: S608
        )
        return cursor.fetchall()


def _fill(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    Organisation = apps.get_model("accounts", "Organisation")
    Service = apps.get_model("accounts", "Service")
    Client = apps.get_model("clients", "Client")
    Episode = apps.get_model("casework", "Episode")
    TierChange = apps.get_model("casework", "TierChange")
    Contact = apps.get_model("casework", "Contact")
    WorkingDay = apps.get_model("reports", "WorkingDay")
    Administration = apps.get_model("measures", "Administration")

    organisation = Organisation.objects.create(name="Old Board", code="old")
    service = Service.objects.create(
        organisation=organisation, code="OLD-VR", name="Old VR", nation="scotland"
    )
    client = Client.objects.create(service=service, reference="P-OLD")
    episode = Episode.objects.create(
        service=service,
        client=client,
        reference="E-OLD",
        referral_date=dt.date(2024, 1, 8),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return",
        tier="3",
        highest_tier="3",
    )
    TierChange.objects.create(
        episode=episode, from_tier="", to_tier="3", changed_on=dt.date(2024, 1, 9)
    )
    Contact.objects.create(episode=episode, contact_date=dt.date(2024, 1, 10), mode="phone")
    WorkingDay.objects.create(
        nation="scotland", date=dt.date(2024, 1, 8), index=8800, is_working_day=True
    )
    administration = Administration.objects.create(
        episode=episode, instrument="hads", timepoint="entry"
    )
    apps.get_model("reports", "QuestionnaireScores").objects.create(
        administration=administration, hads_anxiety_sum=9, hads_anxiety_items=7
    )
    scores_type, _ = ContentType.objects.get_or_create(
        app_label="reports", model="questionnairescores"
    )
    episode_type, _ = ContentType.objects.get_or_create(app_label="casework", model="episode")
    LogEntry.objects.create(
        content_type=episode_type,
        object_pk=str(episode.pk),
        object_id=episode.pk,
        object_repr="E-OLD",
        action=0,
        changes={"tier": ["", "3"]},
    )
    return episode.pk, episode_type.pk, scores_type.pk


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_upgrades_in_place_with_every_row_kept():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old_apps = _migrate(BEFORE_THE_MOVE)
    try:
        episode_id, content_type_id, scores_type_id = _fill(old_apps)
        columns = {table: _columns(table) for table in TABLES}
        before = {table: _rows(table, columns[table]) for table in TABLES}
        assert all(before[table] for table in TABLES)

        _migrate(leaves)

        after = {
            table: _rows(table, columns[table])
            for table in TABLES
            if table != "django_content_type"
        }
        for table, rows in after.items():
            assert rows == before[table], table
    finally:
        _migrate(leaves)

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from vocrehab.episodes.models import Episode
    from vocrehab.measures.models import QuestionnaireScores

    # The same content type row, relabelled: the logged change still names the episode.
    assert ContentType.objects.get_for_model(Episode).pk == content_type_id
    entry = LogEntry.objects.get(object_id=episode_id)
    assert entry.content_type.model_class() is Episode
    assert Episode.objects.get(pk=episode_id).tier_changes.get().to_tier == "3"
    assert ContentType.objects.get_for_model(QuestionnaireScores).pk == scores_type_id
    assert QuestionnaireScores.objects.get().hads_anxiety_sum == 9
