"""Questionnaires given to a client: one administration of one instrument at a timepoint.

Item values are stored as given (the profile is always kept); scores are computed from
them by the instrument engine (``measures.instruments``), naming the rule or value set
that produced each score.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.codes import Timepoint
from vocrehab.episodes.facts import followup_window_still_open
from vocrehab.episodes.models import Episode, EpisodeLinked

from .instruments import INSTRUMENTS


class AdministrationStatus(models.TextChoices):
    """Where a questionnaire stands, in the words staff read on every page.

    Scheduled until the invitation has reached the client (an email or text message
    handed over, a letter printed); "invitation sent" from then; "started" once the
    client opens it or answers; then completed, or expired, or cancelled (by staff, for
    a client who died, or because the episode was re-opened: ``cancelled_reason`` says
    which when it is known). A completed one entered by staff reads "Entered by staff"
    (:attr:`Administration.status_label`).
    """

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


# A questionnaire that is due can still be collected: a follow-up one until the VRMDS
# six-month window closes, 270 days after discharge; any other for four weeks after it
# fell due, and an entry one only while the episode is open (later, or after discharge,
# it is no longer a baseline).
OUTSTANDING_STATUSES = (
    AdministrationStatus.SCHEDULED,
    AdministrationStatus.INVITED,
    AdministrationStatus.IN_PROGRESS,
)
COLLECT_WITHIN_DAYS = 28


class AdministrationQuerySet(models.QuerySet):
    def overdue(self, today: date):
        """Past due, not yet answered, and still worth collecting (see above)."""
        return self.filter(
            Q(
                followup_window_still_open(today, "episode__"),
                timepoint=Timepoint.FOLLOWUP,
            )
            | Q(
                ~Q(timepoint=Timepoint.FOLLOWUP),
                ~Q(timepoint=Timepoint.ENTRY, episode__discharge_date__isnull=False),
                due_date__gte=today - timedelta(days=COLLECT_WITHIN_DAYS),
            ),
            status__in=OUTSTANDING_STATUSES,
            due_date__lte=today,
        )

    def in_place_first(self):
        """Not cancelled first (there is at most one per episode, instrument and
        timepoint), then the cancelled ones, latest first: ``.first()`` is the one that
        stands for its timepoint, or the last one cancelled."""
        return self.order_by(
            models.Case(
                models.When(status=AdministrationStatus.CANCELLED, then=models.Value(1)),
                default=models.Value(0),
            ),
            "-pk",
        )


class Administration(EpisodeLinked, models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="administrations")
    objects = AdministrationQuerySet.as_manager()
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
    cancelled_reason = models.CharField(_("why cancelled"), max_length=255, blank=True)
    # When an answer in it last alerted the case manager (PHQ-9 item 9): a client's answer
    # alerts when saved on the way, and not again when the questionnaire is sent.
    safety_announced_at = models.DateTimeField(
        _("safety alert raised"), null=True, blank=True, editable=False
    )
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
            # episode in place; ad hoc ones may repeat, and cancelled ones stay beside
            # the one that replaced them (an episode re-opened and discharged again).
            models.UniqueConstraint(
                fields=["episode", "instrument", "timepoint"],
                condition=~models.Q(timepoint="ad_hoc") & ~models.Q(status="cancelled"),
                name="one_administration_per_timepoint",
            )
        ]
        indexes = [models.Index(fields=["instrument", "timepoint", "status"])]

    def __str__(self):
        return f"{self.instrument_name} ({self.get_timepoint_display()})"

    @property
    def instrument_name(self) -> str:
        """The instrument's name as people read it (its code if it is no longer defined)."""
        instrument = INSTRUMENTS.get(self.instrument)
        return str(instrument.name) if instrument else self.instrument

    @property
    def status_label(self) -> str:
        """The status as every page shows it: one vocabulary, from "Scheduled" to
        "Completed", with "Entered by staff" for one staff completed."""
        if self.status == AdministrationStatus.COMPLETED and self.completed_by == CompletedBy.STAFF:
            return str(CompletedBy.STAFF.label)
        return str(AdministrationStatus(self.status).label)

    @property
    def status_detail(self) -> str:
        """The status with why it was cancelled, when that is known ("Cancelled: …")."""
        if self.status == AdministrationStatus.CANCELLED and self.cancelled_reason:
            return _("%(status)s: %(reason)s") % {
                "status": self.status_label,
                "reason": self.cancelled_reason,
            }
        return self.status_label


class ItemValue(EpisodeLinked, models.Model):
    episode_path = "administration__episode"

    # The unique (administration, item) index serves look-ups by administration.
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    item = models.CharField(_("item"), max_length=40)
    # Numbers go in ``value``; code and free-text answers (follow-up work status,
    # comments, COPM problem wording) in ``text_value``. Exactly one is set.
    value = models.FloatField(_("value"), null=True, blank=True)
    text_value = models.TextField(_("text value"), blank=True)
    extensions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["administration", "pk"]
        verbose_name = _("item value")
        constraints = [
            models.UniqueConstraint(fields=["administration", "item"], name="unique_item_value")
        ]

    def __str__(self):
        if self.value is None:
            return f"{self.item} = {self.text_value!r}"
        return f"{self.item} = {self.value:g}"

    @property
    def answer(self):
        """The stored answer: the number, or the text for code and text items."""
        return self.answer_of(self.value, self.text_value)

    @staticmethod
    def answer_of(value: float | None, text_value: str):
        """:attr:`answer` from the two columns, for a row read as values."""
        return value if value is not None else (text_value or None)


LINK_LIFETIME_DAYS = 14


def default_link_expiry():
    return timezone.now() + timedelta(days=LINK_LIFETIME_DAYS)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    TO_PRINT = "to_print", _("Letter to print")
    PRINTED = "printed", _("Letter printed")


class QuestionnaireLink(EpisodeLinked, models.Model):
    """One invitation: a client's way in, without signing in, to every questionnaire due
    for an episode at a timepoint (one link, one letter code, one message).

    The client answers them one after another and may stop and come back; the link is
    used once every questionnaire in it is finished. The URL token is
    ``signing.Signer`` over ``pk:nonce`` (salted), so it can be rebuilt for a reminder
    or a retry without being stored; the letter short code is derived from the same
    secret and only its digest is stored. Revoking a link (or changing the nonce)
    invalidates every copy of it.
    """

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="questionnaire_links"
    )
    timepoint = models.CharField(_("timepoint"), max_length=10, choices=Timepoint.choices)
    administrations = models.ManyToManyField(Administration, related_name="links")
    nonce = models.CharField(max_length=32, editable=False)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=default_link_expiry)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    used_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Delivery (email and SMS). Responses never depend on these: a failed send is
    # retried by the sweep with back-off, and answers are saved as they are given.
    delivery_status = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("questionnaire invitation")
        indexes = [
            models.Index(fields=["delivery_status", "next_attempt_at"]),
            models.Index(fields=["expires_at", "used_at"]),
        ]

    def __str__(self):
        return f"invitation {self.pk} ({self.get_timepoint_display()})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and not self.is_expired


class ItemWording(models.Model):
    """Licensed wording of an item, loaded by a service that holds the licence.

    The project ships none (EQ-5D and HADS wording is copyrighted); without a row the
    neutral label from the instrument definition is shown.
    """

    instrument = models.CharField(_("instrument"), max_length=32)
    item = models.CharField(_("item"), max_length=40)
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    text = models.TextField(_("wording"))
    hint = models.TextField(_("hint"), blank=True)
    # Answer labels for rating items, keyed by value as text ("1": "I have no problems").
    options = models.JSONField(_("answer labels"), default=dict, blank=True)
    licence = models.CharField(_("licence reference"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument", "item", "language"]
        verbose_name = _("item wording")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "item", "language"], name="unique_item_wording"
            )
        ]

    def __str__(self):
        return f"{self.instrument}.{self.item} ({self.language})"


# The schedule of a service that has not set its own. Every questionnaire in it can be
# sent to a client as it ships: PHQ-9, GAD-7 and WHO-5 with their published wording, and
# the project's own. EQ-5D and HADS need licensed wording first, so a service adds them
# when it has it (until then they are entered by staff). The defaults are code, not
# rows: a service that saved its schedule keeps it.
OPEN_WELLBEING_SET = ["phq9", "gad7", "who5"]


def default_entry_instruments():
    return [*OPEN_WELLBEING_SET, "work_confidence", "work_ability", "health_use"]


def default_discharge_instruments():
    return [*default_entry_instruments(), "satisfaction"]


def default_followup_instruments():
    return ["followup_survey", *OPEN_WELLBEING_SET]


class MeasureSchedule(models.Model):
    """Which questionnaires a service sends at each timepoint, and when."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="measure_schedule"
    )
    entry_instruments = models.JSONField(
        _("at entry (assessment)"), default=default_entry_instruments, blank=True
    )
    discharge_instruments = models.JSONField(
        _("at discharge"), default=default_discharge_instruments, blank=True
    )
    followup_instruments = models.JSONField(
        _("at follow-up"), default=default_followup_instruments, blank=True
    )
    followup_months = models.PositiveSmallIntegerField(
        _("follow-up after discharge (months)"), default=6
    )
    link_days = models.PositiveSmallIntegerField(
        _("questionnaire links last (days)"), default=LINK_LIFETIME_DAYS
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("send a reminder after (days)"), default=5
    )
    max_reminders = models.PositiveSmallIntegerField(_("reminders at most"), default=1)
    send_to_clients = models.BooleanField(
        _("send questionnaires to clients"),
        default=True,
        help_text=_("Off: questionnaires are scheduled for staff to enter only."),
    )

    class Meta:
        verbose_name = _("questionnaire schedule")

    def __str__(self):
        return f"questionnaire schedule of {self.service}"

    def instruments_for(self, timepoint: str) -> list[str]:
        return list(
            {
                Timepoint.ENTRY: self.entry_instruments,
                Timepoint.DISCHARGE: self.discharge_instruments,
                Timepoint.FOLLOWUP: self.followup_instruments,
            }.get(timepoint, [])
        )


class QuestionnaireScores(models.Model):
    """The item values and part-scores of one questionnaire that the evaluation report
    pairs between entry and discharge, kept beside the item values.

    The report pivots every questionnaire's entry and discharge scores per episode in
    one pass over this table (one row per administration) instead of one pass per
    instrument over the national item-value table. Every write of item values refreshes
    the rows of its administrations (:func:`vocrehab.measures.scores.refresh_scores`);
    deleting an administration deletes its row.
    """

    administration = models.OneToOneField(
        Administration,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="scores",
    )
    # EQ-5D (3L and 5L): the level of each dimension, and the visual analogue scale.
    mobility = models.FloatField(null=True)
    self_care = models.FloatField(null=True)
    usual_activities = models.FloatField(null=True)
    pain_discomfort = models.FloatField(null=True)
    anxiety_depression = models.FloatField(null=True)
    vas = models.FloatField(null=True)
    # HADS: the sum and number of answered items per subscale, and recorded totals.
    hads_anxiety_sum = models.FloatField(null=True)
    hads_anxiety_items = models.IntegerField(default=0)
    hads_depression_sum = models.FloatField(null=True)
    hads_depression_items = models.IntegerField(default=0)
    hads_anxiety = models.FloatField(null=True)
    hads_depression = models.FloatField(null=True)
    # COPM: the mean over the problems rated, and the recorded scores.
    copm_performance_problems = models.FloatField(null=True)
    copm_satisfaction_problems = models.FloatField(null=True)
    copm_performance = models.FloatField(null=True)
    copm_satisfaction = models.FloatField(null=True)
    # PHQ-9, GAD-7 and WHO-5: the sum and number of the answered items of the total.
    summed_total = models.FloatField(null=True)
    summed_answered = models.IntegerField(default=0)
    # Work confidence and health service use: one value per item.
    working = models.FloatField(null=True)
    managing_condition = models.FloatField(null=True)
    work_impact = models.FloatField(null=True)
    gp_visits = models.FloatField(null=True)
    outpatient_visits = models.FloatField(null=True)
    hospital_stays = models.FloatField(null=True)
    # Satisfaction survey: the answer to each question the report counts.
    satisfaction_overall = models.FloatField(null=True)
    satisfaction_helpful = models.FloatField(null=True)
    satisfaction_involved = models.FloatField(null=True)
    satisfaction_positive_impact = models.FloatField(null=True)
    satisfaction_recommend = models.FloatField(null=True)
    satisfaction_use_again = models.FloatField(null=True)
    # Whether the values give at least one score by the instrument's scoring rule
    # (``scores.scorable``, less the status), kept with the scores so that the reports
    # count completed questionnaires without applying the rule to every row again.
    scorable = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "reports_questionnairescores"  # kept from when the reports owned it
        verbose_name = _("questionnaire scores")
        verbose_name_plural = _("questionnaire scores")

    def __str__(self):
        return f"scores of administration {self.administration_id}"


# The two timepoints the evaluation report pairs.
PAIRED_TIMEPOINTS = (Timepoint.ENTRY, Timepoint.DISCHARGE)


class QuestionnairePair(models.Model):
    """One episode's completed entry and discharge scores of one instrument, side by side.

    The evaluation report's paired tables are aggregates over these rows: one row per
    (episode, instrument) rather than a pivot of every questionnaire's scores per
    episode at each report. Kept by :func:`vocrehab.measures.scores.refresh_pairs`
    whenever scores or an administration change; ``vocrehab report rebuild-scores
    --verify`` compares every row with a fresh computation.

    The columns are generated from :class:`QuestionnaireScores`: ``entry_<column>`` and
    ``discharge_<column>`` for each of its score columns (NULL where the episode has no
    completed questionnaire of the instrument at that timepoint).
    """

    # A named relation, so that bulk deletes that follow an episode's dependants
    # (``interchange.bulk.raw_delete``) find the pairs too.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="questionnaire_pairs"
    )
    instrument = models.CharField(max_length=32)
    # Scorable (``QuestionnaireScores.scorable``) at entry, and at discharge.
    entry_scorable = models.BooleanField(default=False, db_default=False)
    discharge_scorable = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument"], name="questionnaire_pair_unique"
            )
        ]
        verbose_name = _("questionnaire pair")
        verbose_name_plural = _("questionnaire pairs")

    def __str__(self):
        return f"{self.instrument} pair of episode {self.episode_id}"


SCORE_COLUMNS = tuple(
    f.name
    for f in QuestionnaireScores._meta.concrete_fields
    if not f.primary_key and f.name != "scorable"
)


def _pair_columns():
    for column in SCORE_COLUMNS:
        kind = type(QuestionnaireScores._meta.get_field(column))
        for timepoint in PAIRED_TIMEPOINTS:
            QuestionnairePair.add_to_class(f"{timepoint.value}_{column}", kind(null=True))


_pair_columns()
