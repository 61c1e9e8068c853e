"""The database refuses UPDATE, DELETE and TRUNCATE on the access log and the change history.

0002 covered UPDATE and DELETE on the access log only. TRUNCATE fires no row triggers, so
it needs a statement trigger of its own; the change history (django-auditlog's
``auditlog_logentry``, old and new values) gets the same protection.

Only a superuser can get round the triggers (``session_replication_role = replica``, or
dropping them): run the application as an ordinary role (see docs/administration.md).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessevent_no_truncate
    BEFORE TRUNCATE ON audit_accessevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER auditlog_logentry_no_update_delete
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER auditlog_logentry_no_truncate
    BEFORE TRUNCATE ON auditlog_logentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS auditlog_logentry_no_truncate ON auditlog_logentry;
DROP TRIGGER IF EXISTS auditlog_logentry_no_update_delete ON auditlog_logentry;
DROP TRIGGER IF EXISTS audit_accessevent_no_truncate ON audit_accessevent;
DROP FUNCTION IF EXISTS audit_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
