"""A bulk export asked for through ``$export``: who asked, what for, and where it got to."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired: its files were removed")


class ExportJob(models.Model):
    """One ``$export`` request. Its NDJSON files are under ``MEDIA_ROOT/fhir-exports/<id>/``
    and only ``requested_by`` may download them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request_url = models.CharField(_("request"), max_length=1000)
    services = models.ManyToManyField(Service, related_name="+")
    types = models.JSONField(_("resource types"), default=list)
    since = models.DateTimeField(_("changed since"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    transaction_time = models.DateTimeField(_("transaction time"), null=True, blank=True)
    output = models.JSONField(_("files"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("FHIR bulk export")

    def __str__(self):
        return f"FHIR export {self.id} ({self.status})"
