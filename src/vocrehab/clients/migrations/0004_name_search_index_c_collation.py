"""Client search by name: an index that also gives the results' order.

Replaces 0003's pattern-operator index, which PostgreSQL did not use for the prefix
search in every collation. This one is on the upper-cased names in the "C" collation
(byte order, whatever the database's collation), and the search asks for a range on
exactly that expression and orders by it, so the first page comes straight off the
index. SQLite needs none of this.
"""

from django.db import migrations

OLD = "clients_client_service_upper_last_name"
INDEX = "clients_client_service_name_search"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON clients_client (service_id, "
        '(UPPER(last_name::text) COLLATE "C"), (UPPER(first_name::text) COLLATE "C"), id)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_name_search_index")]

    operations = [migrations.RunPython(create, drop)]
