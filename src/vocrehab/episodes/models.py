"""The episode core: the episode and what every app records about it in common.

An episode is one referral of one client to one service, from referral to discharge and
follow-up; a re-referral is a new episode linked to the earlier one. The fields hold
everything VRMDS v1 carries for an episode (see ``interchange.vrmds``), plus what the
service needs day to day. Demographics that VRMDS records per episode (age, area,
deprivation) are kept here as recorded at referral, since a client's address and age
change between episodes.

Every app above this one (referrals, casework, measures, directory) hangs its records off
:class:`Episode`, through :class:`EpisodeChild` or :class:`EpisodeLinked`. The tables keep
the names they had when these models lived in casework and reports.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.audit.history import follow
from vocrehab.clients.models import Client
from vocrehab.codes import (
    Condition,
    DeprivationIndex,
    Engagement,
    Ethnicity,
    MainReason,
    Nation,
    Occupation,
    ReferralSource,
    Sex,
    Tier,
    WorkStatus,
)
from vocrehab.phones import validate_phone


class AuditedRecord(models.Model):
    """Common fields: who created it, when, and a version for optimistic concurrency."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class EpisodeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(discharge_date__isnull=True)

    def discharged(self):
        return self.filter(discharge_date__isnull=False)

    def in_services(self, services):
        return self.filter(service__in=services)


class Episode(AuditedRecord):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="episodes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    reference = models.CharField(_("episode reference"), max_length=64)
    previous_episode = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="re_referrals",
        verbose_name=_("earlier episode (re-referral of)"),
    )

    # Referral
    referral_date = models.DateField(_("referral received"))
    referral_source = models.CharField(
        _("referral source"), max_length=24, choices=ReferralSource.choices
    )
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    referrer_role = models.CharField(_("referrer's role"), max_length=200, blank=True)
    referrer_organisation = models.CharField(
        _("referrer's organisation"), max_length=200, blank=True
    )
    referrer_email = models.EmailField(_("referrer's email"), blank=True)
    referrer_phone = models.CharField(
        _("referrer's phone"), max_length=40, blank=True, validators=[validate_phone]
    )
    consent_to_contact = models.BooleanField(_("consents to be contacted"), null=True)
    consent_to_share = models.BooleanField(_("consents to information sharing"), null=True)
    first_contact_date = models.DateField(_("first contact"), null=True, blank=True)
    assessment_date = models.DateField(_("initial assessment"), null=True, blank=True)

    # As recorded at referral
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    age_at_referral = models.PositiveSmallIntegerField(_("age at referral"), null=True, blank=True)
    ethnicity = models.CharField(
        _("ethnic group"), max_length=1, choices=Ethnicity.choices, blank=True
    )
    area_code = models.CharField(_("area code"), max_length=9, blank=True)
    deprivation_index = models.CharField(
        _("deprivation index"), max_length=10, choices=DeprivationIndex.choices, blank=True
    )
    deprivation_rank = models.PositiveIntegerField(_("deprivation rank"), null=True, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(
        _("deprivation decile"), null=True, blank=True
    )

    # Condition and work
    condition = models.CharField(_("condition"), max_length=8, choices=Condition.choices)
    condition_detail = models.CharField(
        _("condition detail"),
        max_length=100,
        blank=True,
        help_text=_("For cancer, the ICD-10 site code, for example C50 (breast)."),
    )
    diagnosis_date = models.DateField(_("diagnosis date"), null=True, blank=True)
    occupation = models.CharField(
        _("occupation"), max_length=12, choices=Occupation.choices, blank=True
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    work_status_at_referral = models.CharField(
        _("work status at referral"), max_length=16, choices=WorkStatus.choices
    )
    weeks_absent_at_referral = models.PositiveSmallIntegerField(
        _("weeks of sickness absence at referral"), null=True, blank=True
    )
    main_reason = models.CharField(
        _("main reason for coming"), max_length=24, choices=MainReason.choices
    )

    # Pathway
    tier = models.CharField(
        _("current tier"),
        max_length=1,
        choices=Tier.choices,
        blank=True,
        help_text=_("Empty until allocated."),
    )
    highest_tier = models.CharField(
        _("highest tier reached"), max_length=1, choices=Tier.choices, blank=True
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("case manager or support worker"),
    )
    engagement = models.CharField(
        _("engagement"), max_length=16, choices=Engagement.choices, blank=True
    )
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    work_status_at_discharge = models.CharField(
        _("work status at discharge"), max_length=16, choices=WorkStatus.choices, blank=True
    )
    discharge_reason = models.CharField(_("discharge reason"), max_length=255, blank=True)
    # When the six-month follow-up falls due (set at discharge): it puts the episode on the
    # caseload. The follow-up itself is the status and the date it was collected.
    followup_date = models.DateField(_("six-month follow-up due"), null=True, blank=True)
    work_status_at_followup = models.CharField(
        _("work status at follow-up"), max_length=16, choices=WorkStatus.choices, blank=True
    )
    # VRMDS followup_date: the date the follow-up status was collected. It counts in the
    # evaluation only inside the window (episodes/facts.py); outside it, only a manager
    # records it, with the reason.
    followup_collected_on = models.DateField(
        _("follow-up status collected on"), null=True, blank=True
    )
    followup_outside_window_reason = models.CharField(
        _("why the follow-up was recorded outside its window"), max_length=255, blank=True
    )

    # VRMDS x_ columns, kept on round trip.
    extensions = models.JSONField(_("local extension columns"), default=dict, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        db_table = "casework_episode"  # kept from before the episode core had its own app
        ordering = ["-referral_date", "-pk"]
        verbose_name = _("episode")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "reference"], name="unique_episode_reference_per_service"
            )
        ]
        indexes = [
            models.Index(fields=["service", "referral_date"]),
            models.Index(fields=["service", "discharge_date"]),
            models.Index(fields=["case_manager", "discharge_date"]),
            # Caseloads read the open episodes and those awaiting follow-up, a small
            # share of a service's history: partial indexes keep that cheap at scale.
            models.Index(
                fields=["service", "case_manager", "tier"],
                condition=models.Q(discharge_date__isnull=True),
                name="episode_open_by_worker_tier",
            ),
            # Open, or discharged with the follow-up still to record: the caseload's
            # default list. The condition is the caseload query's own, so PostgreSQL
            # answers it from this index alone.
            models.Index(
                fields=["service", "case_manager"],
                condition=models.Q(discharge_date__isnull=True)
                | models.Q(
                    discharge_date__isnull=False,
                    followup_date__isnull=False,
                    work_status_at_followup="",
                ),
                name="episode_active_by_worker",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.discharge_date is None

    def get_additional_data(self):
        return {"client_id": self.client_id, "service_id": self.service_id}


class EpisodeLinked:
    """A record that belongs to one episode: the change history names its client and service.

    ``episode_path`` is the chain of foreign keys from the record to its episode
    ("episode", or "contact__episode" for a record within a contact). django-auditlog
    stores what :meth:`get_additional_data` returns beside every change, so a subject
    access request finds the person's history in every app.
    """

    episode_path = "episode"

    def get_additional_data(self):
        episode = follow(self, self.episode_path)
        return {"client_id": episode.client_id, "service_id": episode.service_id}


class EpisodeChild(EpisodeLinked, AuditedRecord):
    """Something recorded within an episode, with the common fields of every record."""

    class Meta:
        abstract = True


class TierChange(EpisodeChild):
    """Every allocation to a tier and every step up or down is kept."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.CharField(_("from tier"), max_length=1, choices=Tier.choices, blank=True)
    to_tier = models.CharField(_("to tier"), max_length=1, choices=Tier.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        db_table = "casework_tierchange"  # kept from before the episode core had its own app
        ordering = ["changed_on", "pk"]
        verbose_name = _("tier change")

    def __str__(self):
        return f"{self.from_tier or '–'} → {self.to_tier} on {self.changed_on}"

    @property
    def described(self) -> str:
        """The move in words, with the tier's name: "Placed in Tier 2: moderate support"."""
        if not self.from_tier:
            return str(_("Placed in %(tier)s") % {"tier": self.get_to_tier_display()})
        return str(
            _("Moved from tier %(before)s to %(after)s")
            % {"before": self.from_tier, "after": self.get_to_tier_display()}
        )


# A working-day calendar per nation, so that service standards are computed in SQL.
# Each calendar date carries ``index``: the number of working days from a fixed epoch up
# to and including that date, so the working days between two dates are the difference
# of their indices, a join the database does for every episode (see standards.py).


class WorkingDay(models.Model):
    nation = models.CharField(_("nation"), max_length=16, choices=Nation.choices)
    date = models.DateField(_("date"))
    index = models.IntegerField(
        _("working-day index"),
        help_text=_("Working days from the calendar epoch up to and including this date."),
    )
    is_working_day = models.BooleanField(_("working day"))

    class Meta:
        db_table = "reports_workingday"  # kept from before the episode core had its own app
        verbose_name = _("calendar day")
        constraints = [
            models.UniqueConstraint(fields=["nation", "date"], name="unique_calendar_day")
        ]

    def __str__(self):
        return f"{self.nation} {self.date} ({self.index})"
