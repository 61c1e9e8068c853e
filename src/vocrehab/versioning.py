"""Optimistic concurrency: a save that fails when someone else saved the record first.

Every editable record carries ``version`` (see :class:`vocrehab.episodes.models.AuditedRecord`
and :class:`vocrehab.clients.models.Client`). A form keeps the version it was opened at;
:func:`save_versioned` writes only if the record is still at that version.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _


class StaleEditError(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(self, current):
        super().__init__(_("This record was changed by someone else after you opened it."))
        self.current = current


def save_versioned(instance, expected_version: int, fields: list[str]):
    """Save ``fields`` of ``instance`` only if nobody has saved it since ``expected_version``.

    Optimistic concurrency: the update is conditional on the version the editor saw, so
    a stale form is refused (StaleEditError carries the current record) instead of
    silently overwriting a colleague's change.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    # Stored column names (``case_manager_id`` for ``case_manager``), to compare like with like.
    columns = {name: model._meta.get_field(name).attname for name in fields}
    with transaction.atomic():
        # The values as stored, read under a row lock, so the history holds old and new.
        before = (
            model.objects.select_for_update()
            .filter(pk=instance.pk, version=expected_version)
            .values(*columns.values())
            .first()
        )
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated or before is None:
            raise StaleEditError(model.objects.get(pk=instance.pk))
        instance.version = expected_version + 1
        # Record the change in the history, as a normal save would: changed fields only,
        # each as [old, new] in django-auditlog's text form.
        changes = {}
        for name, column in columns.items():
            old, new = before[column], getattr(instance, column)
            if old != new:
                changes[name] = [str(old), str(new)]
        if changes:
            LogEntry.objects.log_create(instance, action=LogEntry.Action.UPDATE, changes=changes)
    return instance
