"""Episodes and what happens in them: tiers, contacts, interventions, onward referrals.

An episode is one referral of one client to one service, from referral to discharge and
follow-up; a re-referral is a new episode linked to the earlier one. The fields hold
everything VRMDS v1 carries for an episode (see ``interchange.vrmds``), plus what the
service needs day to day. Demographics that VRMDS records per episode (age, area,
deprivation) are kept here as recorded at referral, since a client's address and age
change between episodes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.clients.models import Client
from vocrehab.codes import (
    Condition,
    ContactMode,
    ContactWith,
    DeprivationIndex,
    Engagement,
    Ethnicity,
    Intervention,
    MainReason,
    Occupation,
    OnwardCategory,
    OnwardKind,
    ReferralSource,
    Sex,
    Tier,
    WorkStatus,
)


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
    referrer_phone = models.CharField(_("referrer's phone"), max_length=40, blank=True)
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
    followup_date = models.DateField(_("six-month follow-up"), null=True, blank=True)
    work_status_at_followup = models.CharField(
        _("work status at follow-up"), max_length=16, choices=WorkStatus.choices, blank=True
    )

    # VRMDS x_ columns, kept on round trip.
    extensions = models.JSONField(_("local extension columns"), default=dict, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
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
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.discharge_date is None

    def get_additional_data(self):
        return {"client_id": self.client_id, "service_id": self.service_id}


class EpisodeChild(AuditedRecord):
    """Something recorded within an episode; the change history names the client."""

    class Meta:
        abstract = True

    def get_additional_data(self):
        episode = self.episode
        return {"client_id": episode.client_id, "service_id": episode.service_id}


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
        ordering = ["changed_on", "pk"]
        verbose_name = _("tier change")

    def __str__(self):
        return f"{self.from_tier or '–'} → {self.to_tier} on {self.changed_on}"


class Contact(EpisodeChild):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="contacts")
    contact_date = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=16, choices=ContactMode.choices)
    contact_with = models.CharField(
        _("with"), max_length=16, choices=ContactWith.choices, default=ContactWith.CLIENT
    )
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    extensions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["contact_date", "pk"]
        verbose_name = _("contact")
        indexes = [models.Index(fields=["episode", "contact_date"])]

    @property
    def intervention_codes(self) -> list[str]:
        return [i.code for i in self.interventions.all()]

    def __str__(self):
        return f"{self.get_mode_display()} on {self.contact_date}"


class ContactIntervention(models.Model):
    """One intervention delivered in a contact (the VRMDS intervention codes)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interventions")
    code = models.CharField(_("intervention"), max_length=24, choices=Intervention.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contact", "position"]
        verbose_name = _("intervention")
        constraints = [
            models.UniqueConstraint(fields=["contact", "code"], name="unique_intervention")
        ]

    def get_additional_data(self):
        episode = self.contact.episode
        return {"client_id": episode.client_id, "service_id": episode.service_id}

    def __str__(self):
        return self.get_code_display()


class OnwardOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ATTENDED = "attended", _("Attended")
    NOT_TAKEN_UP = "not_taken_up", _("Not taken up")


class OnwardReferral(EpisodeChild):
    """A referral made on the client's behalf, or a signpost to another service."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="onward")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=OnwardKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=OnwardCategory.choices)
    service_name = models.CharField(_("service"), max_length=200, blank=True)
    service_ref = models.CharField(_("directory reference"), max_length=64, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=OnwardOutcome.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    extensions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("onward referral or signpost")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.service_name or self.get_category_display()}"
