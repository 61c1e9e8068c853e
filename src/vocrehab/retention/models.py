"""The retention schedule of a service, and the disposals it makes due.

A person's records are kept while any of their episodes is open or within its
retention period; then the nightly check lists them as due (a :class:`Disposal`
awaiting confirmation) and a service manager confirms. Disposal anonymises: see
``services.py``. The periods and their sources are in docs/administration.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.clients.models import Client

# The Records Management Code of Practice's period for adult health records (years
# after the conclusion of treatment): the default for every kind of episode.
ADULT_HEALTH_RECORD_YEARS = 8
# Its longer period for any record relating to a diagnosis of cancer: 30 years from the
# diagnosis, or 8 years after the person's death when that comes first.
CANCER_RECORD_YEARS = 30
CANCER_AFTER_DEATH_YEARS = 8

_YEARS = [MinValueValidator(1), MaxValueValidator(100)]


class RetentionSchedule(models.Model):
    """How long a service keeps a person's records after their care ends (in years)."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="retention_schedule"
    )
    closed_episode_years = models.PositiveSmallIntegerField(
        _("closed episodes (years after discharge or follow-up)"),
        default=ADULT_HEALTH_RECORD_YEARS,
        validators=_YEARS,
        help_text=_(
            "An episode with an assessment, with its casework, questionnaire answers, "
            "documents and letters: kept for this many years after discharge or the "
            "six-month follow-up, whichever is later."
        ),
    )
    unassessed_referral_years = models.PositiveSmallIntegerField(
        _("referrals closed without an assessment (years after closing)"),
        default=ADULT_HEALTH_RECORD_YEARS,
        validators=_YEARS,
        help_text=_(
            "A referral that was declined, withdrawn or never engaged: kept for this many "
            "years after it was closed."
        ),
    )
    cancer_years = models.PositiveSmallIntegerField(
        _("records of a person with cancer (years after diagnosis)"),
        default=CANCER_RECORD_YEARS,
        validators=_YEARS,
        help_text=_(
            "An episode whose condition is cancer, assessed or not: kept for at least this "
            "many years from the diagnosis (from the referral when no diagnosis date is "
            "recorded), and never less than the periods above."
        ),
    )
    cancer_after_death_years = models.PositiveSmallIntegerField(
        _("records of a person with cancer who has died (years after the death is recorded)"),
        default=CANCER_AFTER_DEATH_YEARS,
        validators=_YEARS,
        help_text=_(
            "When an episode records that the person has died (work status 'Deceased' at "
            "discharge or follow-up), their cancer records are kept for this many years "
            "from that record instead, if that ends sooner; never less than the periods "
            "above."
        ),
    )

    class Meta:
        verbose_name = _("retention schedule")

    def __str__(self):
        return f"retention schedule of {self.service}"


class DisposalState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting confirmation")
    DISPOSED = "disposed", _("Anonymised")


class Disposal(models.Model):
    """One person whose records are past their retention period.

    Found by the nightly check (awaiting a manager's confirmation), then kept, once
    disposed, as the record of who confirmed it, when, and how many records of each
    kind were anonymised or deleted. It names the client by id only.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    # Hidden relation: a disposal is not one of the person's records (subject access
    # and anonymisation follow the client's relations and must not find it).
    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="+")
    episode_ids = models.JSONField(_("episodes"), default=list)
    due_on = models.DateField(_("retention period ended"))
    found_on = models.DateField(_("found on"))
    state = models.CharField(
        _("state"), max_length=12, choices=DisposalState.choices, default=DisposalState.AWAITING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    counts = models.JSONField(_("records anonymised or deleted, by kind"), default=dict)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("disposal")
        indexes = [models.Index(fields=["service", "state"])]

    def __str__(self):
        return f"disposal of client {self.client_id} ({self.state})"
