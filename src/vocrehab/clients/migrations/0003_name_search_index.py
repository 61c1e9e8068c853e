"""A PostgreSQL index for client search by name (case-insensitive prefix).

Django's ``istartswith`` becomes ``UPPER(last_name) LIKE UPPER('smi%')``; an index on the
upper-cased name with pattern operators serves it within one service. SQLite has no
such index type and scans the service's clients, which is fine at its scale.
"""

from django.db import migrations

INDEX = "clients_client_service_upper_last_name"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON clients_client "
        "(service_id, UPPER(last_name::text) varchar_pattern_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_postcode_area")]

    operations = [migrations.RunPython(create, drop)]
