"""What a hub has received (:class:`ReceivedVersion`) and, on a service's own install,
the hubs it sends to and what it sent (:class:`Hub`, :class:`Submission`)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import ApiToken, Service
from vocrehab.fieldkeys import SealedField, opened, seal
from vocrehab.interchange.periods import PeriodError, parse_period


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

    @property
    def period_label(self) -> str:
        """The period as people read it: "Nov 2026", "Jul to Sep 2026"."""
        try:
            return parse_period(self.period).label
        except PeriodError:
            return self.period


def _new_pseudonym_key() -> str:
    return secrets.token_hex(32)


def _new_sealed_pseudonym_key() -> str:
    """A new hub's pseudonym key, sealed (:mod:`vocrehab.fieldkeys`)."""
    return seal(_new_pseudonym_key())


def public_start(token: str) -> str:
    """The part of a token that may be shown ("vrt_0a1b2c3d4e"), or "" for no token."""
    parts = token.split("_")
    return f"{parts[0]}_{parts[1]}"[:20] if len(parts) >= 3 else ""


class Hub(models.Model):
    """A hub a service sends its monthly submission to (on the service's own install).

    The token is the hub's ``submissions:write`` token: entered once, never shown again
    (only its public prefix), never logged, and kept encrypted (``token_sealed``, see
    :mod:`vocrehab.fieldkeys`); ``hub.token`` opens it where it is sent.
    ``pseudonym_key`` makes the service's pseudonyms for this hub: stable from one
    submission to the next, different for another hub, and never leaves this install.
    It is made when the hub is added, never shown, and kept encrypted the same way
    (``pseudonym_key_sealed``); ``hub.pseudonym_key`` opens it where the extract is made.
    """

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    name = models.SlugField(
        _("name"),
        max_length=40,
        help_text=_("A short name for the hub, used by the submit command, e.g. “london”."),
    )
    url = models.URLField(
        _("address"), help_text=_("The hub's web address, e.g. https://hub.example.nhs.uk")
    )
    token_sealed = SealedField(_("token (encrypted)"), editable=False)
    token_prefix = models.CharField(_("token's public start"), max_length=20, editable=False)
    pseudonym_key_sealed = SealedField(
        _("pseudonym key (encrypted)"), editable=False, default=_new_sealed_pseudonym_key
    )
    monthly = models.BooleanField(
        _("send every month"),
        default=True,
        help_text=_("The worker sends last month's submission on the first day of each month."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["service__code", "name"]
        verbose_name = _("hub")
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="hub_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    _token = opened("token_sealed")
    pseudonym_key = opened(
        "pseudonym_key_sealed",
        "The pseudonym key in plain text, for making the extract (raises "
        "``fieldkeys.Unreadable``).",
    )

    @property
    def token(self) -> str:
        """The token in plain text, for sending it (raises ``fieldkeys.Unreadable``)."""
        return self._token

    @token.setter
    def token(self, value: str) -> None:
        self._token = value
        self.token_prefix = public_start(value)

    @property
    def token_hint(self) -> str:
        """What may be shown of the token: its public prefix."""
        return f"{self.token_prefix}_…" if self.token_prefix else "…"

    @property
    def endpoint(self) -> str:
        return self.url.rstrip("/") + "/api/v1/submissions/"


class SubmissionStatus(models.TextChoices):
    SENDING = "sending", _("Being sent")
    RETRYING = "retrying", _("Not delivered yet: will try again")
    ACCEPTED = "accepted", _("Accepted by the hub")
    UNCHANGED = "unchanged", _("Already held by the hub: nothing changed")
    REFUSED = "refused", _("Refused by the hub: see its reasons")
    FAILED = "failed", _("Not delivered: gave up after several tries")


class Submission(models.Model):
    """One period's submission to a hub and what became of it (on the service's install)."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        _("status"), max_length=12, choices=SubmissionStatus.choices, default="sending"
    )
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    rows = models.JSONField(_("rows per file"), default=dict)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_on = models.DateField(_("next try"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last tried"), null=True, blank=True)
    hub_version = models.PositiveIntegerField(_("version at the hub"), null=True, blank=True)
    message = models.TextField(_("what happened"), blank=True)
    errors = models.JSONField(_("the hub's reasons"), default=list)
    error_count = models.PositiveIntegerField(default=0)
    # When the service's managers were emailed that it was given up or refused (once).
    managers_told_at = models.DateTimeField(_("managers told"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("submission")

    def __str__(self) -> str:
        return f"{self.hub_id} {self.period} {self.status}"

    @property
    def episodes(self) -> int:
        return int(self.rows.get("episodes.csv", 0))

    @property
    def period_label(self) -> str:
        """The period as people read it: "Nov 2026", "Jul to Sep 2026"."""
        try:
            return parse_period(self.period).label
        except PeriodError:
            return self.period
