"""Scheduled reports: a person's standing order for the evaluation report, and each run.

A subscription keeps the report's choice as the evaluation page's own query parameters
(services, value set, publication and whatever else the form accepts), never the period:
each run covers the last complete calendar month or quarter. A run's PDF and XLSX are
under ``MEDIA_ROOT/scheduled-reports/<run id>/`` and only the subscriber may download
them, through a view that checks their access again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ReportSubscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    name = models.CharField(_("name"), max_length=120)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    # The evaluation form's GET parameters without the period: {name: [values]}.
    parameters = models.JSONField(_("report parameters"), default=dict)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-active", "name", "pk"]
        verbose_name = _("scheduled report")

    def __str__(self):
        return f"{self.name} ({self.get_frequency_display()})"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Being produced")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Not produced")


class ScheduledRun(models.Model):
    """One period's report for one subscription: made once, whatever runs the schedule."""

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="runs"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    # The services the report covered (ids), checked again at every download.
    service_ids = models.JSONField(default=list, blank=True)
    suppressed = models.BooleanField(default=False)
    # [{"format": "pdf", "name": "evaluation-2026-10-01-to-2026-12-31.pdf", "size": 1234}]
    files = models.JSONField(_("files"), default=list, blank=True)
    error = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("scheduled report run")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_start"], name="one_run_per_subscription_period"
            )
        ]

    def __str__(self):
        return f"{self.subscription.name} {self.period_start}–{self.period_end} ({self.status})"

    def file(self, fmt: str) -> dict | None:
        return next((f for f in self.files if f["format"] == fmt), None)
