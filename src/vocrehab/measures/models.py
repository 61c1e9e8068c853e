"""Questionnaires given to a client: one administration of one instrument at a timepoint.

Item values are stored as given (the profile is always kept); scores are computed from
them by the instrument engine (``measures.instruments``), naming the rule or value set
that produced each score.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.casework.models import Episode
from vocrehab.codes import Timepoint


class AdministrationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    INVITED = "invited", _("Invitation sent")
    IN_PROGRESS = "in_progress", _("Started")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class CompletedBy(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    CLIENT = "client", _("Completed by the client")
    IMPORT = "import", _("Imported")


class Administration(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="administrations")
    instrument = models.CharField(_("instrument"), max_length=32)
    instrument_version = models.CharField(_("instrument version"), max_length=16, blank=True)
    timepoint = models.CharField(_("timepoint"), max_length=10, choices=Timepoint.choices)
    date = models.DateField(_("date completed"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AdministrationStatus.choices,
        default=AdministrationStatus.COMPLETED,
    )
    completed_by = models.CharField(
        _("completed by"), max_length=8, choices=CompletedBy.choices, default=CompletedBy.STAFF
    )
    comment = models.TextField(_("comments"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["episode", "date", "pk"]
        verbose_name = _("questionnaire")
        constraints = [
            # One entry, discharge and follow-up administration of each instrument per
            # episode; ad hoc ones may repeat.
            models.UniqueConstraint(
                fields=["episode", "instrument", "timepoint"],
                condition=~models.Q(timepoint="ad_hoc"),
                name="one_administration_per_timepoint",
            )
        ]
        indexes = [models.Index(fields=["instrument", "timepoint", "status"])]

    def __str__(self):
        return f"{self.instrument} ({self.get_timepoint_display()})"

    def get_additional_data(self):
        episode = self.episode
        return {"client_id": episode.client_id, "service_id": episode.service_id}


class ItemValue(models.Model):
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="values"
    )
    item = models.CharField(_("item"), max_length=40)
    value = models.FloatField(_("value"))
    extensions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["administration", "pk"]
        verbose_name = _("item value")
        constraints = [
            models.UniqueConstraint(fields=["administration", "item"], name="unique_item_value")
        ]

    def get_additional_data(self):
        episode = self.administration.episode
        return {"client_id": episode.client_id, "service_id": episode.service_id}

    def __str__(self):
        return f"{self.item} = {self.value:g}"
