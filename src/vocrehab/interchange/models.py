"""What a hub has received (:class:`ReceivedVersion`) and, on a service's own install,
the hubs it sends to and what it sent (:class:`Hub`, :class:`Submission`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import ApiToken, Service


class ReceivedVersion(models.Model):
    """One accepted submission of a service's period, at a hub.

    A later accepted submission of the same service and period replaces the data and
    becomes the ``current`` version; the earlier rows stay as the history.
    """

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    number = models.PositiveIntegerField(_("version"))
    current = models.BooleanField(_("current"), default=True)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_name = models.CharField(_("sent with token"), max_length=120)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    rows = models.JSONField(_("rows per file"), default=dict)
    episodes_removed = models.PositiveIntegerField(_("episodes removed"), default=0)

    class Meta:
        ordering = ["service__code", "-period", "-number"]
        verbose_name = _("received submission")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "period", "number"], name="received_version_unique"
            ),
            models.UniqueConstraint(
                fields=["service", "period"],
                condition=Q(current=True),
                name="received_version_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.period} v{self.number}"

    @property
    def episodes(self) -> int:
        return int(self.rows.get("episodes.csv", 0))
