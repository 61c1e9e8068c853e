"""Intake and triage: the referral behind each episode, clock pauses, levels, allocations.

A referral is stored in full the moment it is accepted (client, episode and this record
in one transaction); the acknowledgement email is attempted afterwards and its outcome
recorded here, so a mail failure never loses a referral and can be retried.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.codes import Tier
from vocrehab.episodes.models import Episode, EpisodeLinked


class Channel(models.TextChoices):
    PROFESSIONAL_FORM = "professional_form", _("Online form (professional)")
    SELF_FORM = "self_form", _("Online form (self-referral)")
    THIRD_PARTY_FORM = "third_party_form", _("Online form (family member or carer)")
    PHONE = "phone", _("Phone, entered by staff")
    ELECTRONIC = "electronic", _("Electronic referral, through the API")


class TreatmentStage(models.TextChoices):
    BEFORE = "before", _("Before treatment")
    DURING = "during", _("During treatment")
    AFTER = "after", _("After treatment")
    PALLIATIVE = "palliative", _("Palliative care")


class TriageStatus(models.TextChoices):
    NEW = "new", _("New: awaiting triage")
    TRIAGED = "triaged", _("Triaged: awaiting assessment or allocation")
    COMPLETE = "complete", _("Triage complete: assessed and allocated")
    MERGED = "merged", _("Merged into an open episode")
    CLOSED = "closed", _("Closed")


class Referral(models.Model):
    """How an episode came to the service, and where it is in triage."""

    # Empty only once merged: the duplicate episode is removed and this record kept,
    # pointing at the open episode it was merged into.
    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    # Denormalised from the episode so that the triage queue is one indexed scan.
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    channel = models.CharField(_("how it came"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    submitted = models.JSONField(
        _("answers as submitted"),
        default=dict,
        blank=True,
        help_text=_("What the form held when it was sent, kept unchanged."),
    )
    treatment_stage = models.CharField(
        _("treatment stage"), max_length=12, choices=TreatmentStage.choices, blank=True
    )
    triage_status = models.CharField(
        _("triage status"), max_length=10, choices=TriageStatus.choices, default=TriageStatus.NEW
    )
    merged_into = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_referrals",
        verbose_name=_("merged into"),
    )
    service_level = models.ForeignKey(
        "ServiceLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service level"),
    )
    self_help_material = models.TextField(_("self-help material sent"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Acknowledgement email: attempted after the referral is stored, retried on failure.
    acknowledgement_email = models.EmailField(_("acknowledgement sent to"), blank=True)
    # The language the form was filled in: the acknowledgement is written in it.
    language = models.CharField(_("language of the form"), max_length=8, default="en-gb")
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("referral")
        indexes = [
            models.Index(fields=["service", "triage_status", "received_at"]),
            models.Index(
                fields=["email_sent_at", "email_attempts"],
                name="referral_email_retry",
                condition=models.Q(email_sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def current_episode(self):
        """The episode this referral now belongs to (its own, or the one it merged into)."""
        return self.episode or self.merged_into

    def get_additional_data(self):
        episode = self.current_episode
        return {"client_id": episode.client_id if episode else None, "service_id": self.service_id}


class ClockPause(models.Model):
    """A stretch of time the service-standard clocks stop, at the client's choice."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="pauses")
    start = models.DateField(_("paused from"))
    end = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("clock pause")

    def __str__(self):
        return f"{self.start} – {self.end or '…'}: {self.reason}"

    def get_additional_data(self):
        return self.referral.get_additional_data()


class ServiceLevel(models.Model):
    """A level of the service's own model, mapped to a VRMDS tier for reporting.

    Services without levels of their own use the three VRMDS tiers; a service running,
    say, the four-level NCSI model names its levels here.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    vrmds_tier = models.CharField(_("VRMDS tier"), max_length=1, choices=Tier.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["service", "position", "pk"]
        verbose_name = _("service level")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="unique_level_name")
        ]

    def __str__(self):
        return self.name


class Allocation(EpisodeLinked, models.Model):
    """Who held an episode and when: every allocation and transfer is kept."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start = models.DateTimeField(_("from"), auto_now_add=True)
    end = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("allocation")

    def __str__(self):
        return f"{self.worker} from {self.start:%Y-%m-%d}"
