"""On PostgreSQL: the change history gives up a person's entries only once their
disposal is recorded, and a recorded disposal can be neither changed nor deleted.

audit 0003 made the change history (``auditlog_logentry``) refuse UPDATE, DELETE and
TRUNCATE. Its entries hold old and new values, identifiers among them, so anonymising
a person at the end of their retention period must delete theirs. The row trigger now
lets a DELETE through when the entry's client has a disposal in the state "disposed";
UPDATE and TRUNCATE are still refused, as is any DELETE for anyone else. The disposal
itself (who confirmed, when, what went) is protected the same way, so a deletion
always leaves its reason behind.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION auditlog_logentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM retention_disposal d
        WHERE d.state = 'disposed'
          AND d.client_id::text = OLD.additional_data ->> 'client_id'
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditlog_logentry_no_update_delete ON auditlog_logentry;
CREATE TRIGGER auditlog_logentry_no_update_delete
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION auditlog_logentry_append_only();

CREATE OR REPLACE FUNCTION retention_disposal_kept() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'disposed' THEN
        RAISE EXCEPTION 'a recorded disposal is kept: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER retention_disposal_kept
    BEFORE UPDATE OR DELETE ON retention_disposal
    FOR EACH ROW EXECUTE FUNCTION retention_disposal_kept();
CREATE TRIGGER retention_disposal_no_truncate
    BEFORE TRUNCATE ON retention_disposal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS retention_disposal_no_truncate ON retention_disposal;
DROP TRIGGER IF EXISTS retention_disposal_kept ON retention_disposal;
DROP FUNCTION IF EXISTS retention_disposal_kept();
DROP TRIGGER IF EXISTS auditlog_logentry_no_update_delete ON auditlog_logentry;
CREATE TRIGGER auditlog_logentry_no_update_delete
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
DROP FUNCTION IF EXISTS auditlog_logentry_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_schedule_and_disposals"),
        ("audit", "0003_append_only_truncate_and_change_history"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
