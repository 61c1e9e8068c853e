"""Rows loaded from a dump (moving to PostgreSQL) are history, not new changes: loading
them writes no change history and no access event of its own."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from vocrehab.audit.models import AccessEvent
from vocrehab.clients.models import Client


def test_a_loaded_record_gets_no_change_history(service):
    loaded = Client(service=service, reference="LOADED1", first_name="Loaded")
    loaded.created_at = loaded.updated_at = timezone.now()  # as in the dump
    loaded.save_base(raw=True)
    assert not LogEntry.objects.exists()
    Client.objects.create(service=service, reference="MADE1", first_name="Made")
    assert LogEntry.objects.count() == 1


def test_loaded_change_history_gets_no_access_event(db):
    def entry():
        return LogEntry(
            content_type=ContentType.objects.get_for_model(Client),
            object_pk="1",
            object_repr="a client",
            action=LogEntry.Action.UPDATE,
        )

    entry().save_base(raw=True)
    assert not AccessEvent.objects.exists()
    entry().save()
    assert AccessEvent.objects.count() == 1
