"""What happens within an episode: contacts, interventions, onward referrals, assessment,
goals, employer liaison, return-to-work plans, notes, reminders, sign-offs, documents.

The episode itself, its tier changes and the base for these records live in the episode
core (:mod:`vocrehab.episodes.models`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import (
    ContactMode,
    ContactWith,
    Intervention,
    OnwardCategory,
    OnwardKind,
)
from vocrehab.dates import human_date
from vocrehab.episodes.models import Episode, EpisodeChild, EpisodeLinked
from vocrehab.phones import validate_phone


class Contact(EpisodeChild):
    # Indexed by (episode, contact_date) below; a second index on episode alone would
    # only slow the writes of a national import.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
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


class ContactIntervention(EpisodeLinked, models.Model):
    """One intervention delivered in a contact (the VRMDS intervention codes)."""

    episode_path = "contact__episode"

    # The unique (contact, code) index serves look-ups by contact.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="interventions", db_index=False
    )
    code = models.CharField(_("intervention"), max_length=24, choices=Intervention.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contact", "position"]
        verbose_name = _("intervention")
        constraints = [
            models.UniqueConstraint(fields=["contact", "code"], name="unique_intervention")
        ]

    def __str__(self):
        return self.get_code_display()


class EpisodeContactCounts(models.Model):
    """How many contacts an episode has, by mode and by intervention, kept as contacts
    change, so the evaluation report reads one row per episode instead of joining the
    national contact tables at every report.

    Columns: ``contacts`` (all), ``mode_<code>`` for each contact mode, ``with_<code>``
    for each party the contact was with, ``with_interventions`` (contacts with at least
    one intervention) and ``intervention_<code>`` (contacts with that intervention) for
    each intervention.
    An episode without contacts has no row. Kept by
    :func:`vocrehab.casework.contact_counts.refresh_contact_counts`; ``vocrehab report
    summaries --verify`` compares every row with a fresh count.
    """

    episode = models.OneToOneField(
        Episode, on_delete=models.CASCADE, primary_key=True, related_name="contact_counts"
    )
    contacts = models.PositiveIntegerField(default=0)
    with_interventions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contact counts")
        verbose_name_plural = _("contact counts")

    def __str__(self):
        return f"contact counts of episode {self.episode_id}"


for _code in ContactMode.values:
    EpisodeContactCounts.add_to_class(f"mode_{_code}", models.PositiveIntegerField(default=0))
for _code in ContactWith.values:
    EpisodeContactCounts.add_to_class(f"with_{_code}", models.PositiveIntegerField(default=0))
for _code in Intervention.values:
    EpisodeContactCounts.add_to_class(
        f"intervention_{_code}", models.PositiveIntegerField(default=0)
    )
del _code


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


# ---------------------------------------------------------------------------------------
# Casework records added for issue 5: assessment, goals, employer liaison, return-to-work
# plans, notes, reminders and supervision. Each hangs off an episode, so a service's
# records never leak into another's: every query starts from the user's services.


class Assessment(EpisodeChild):
    """The initial (or a later) assessment, on the 2014 evaluation's biopsychosocial areas.

    Table 1 of the evaluation: assessment of work skills and capacity, job demands and
    work environment, and social support; then prioritising key issues.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("date of assessment"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Illness experience
    symptoms = models.TextField(_("symptoms"), blank=True)
    treatment = models.TextField(_("treatment (current and planned)"), blank=True)
    fatigue = models.TextField(_("fatigue"), blank=True)
    cognition = models.TextField(_("cognition (memory, concentration)"), blank=True)
    # Self-identity and the meaning of work
    identity_and_work = models.TextField(_("self-identity and what work means to them"), blank=True)
    # Family and financial context
    family_context = models.TextField(_("family and caring responsibilities"), blank=True)
    sick_pay_end_date = models.DateField(_("sick pay ends"), null=True, blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    insurance = models.TextField(_("insurance (income protection, critical illness)"), blank=True)
    # Work environment
    job_demands = models.TextField(_("job demands (physical, mental)"), blank=True)
    contracted_hours = models.CharField(_("contracted hours"), max_length=100, blank=True)
    shifts = models.CharField(_("shift pattern"), max_length=200, blank=True)
    manager_relations = models.TextField(_("relations with manager"), blank=True)
    colleague_relations = models.TextField(_("relations with colleagues"), blank=True)
    occupational_health = models.TextField(_("occupational health involvement"), blank=True)
    union = models.TextField(_("union involvement"), blank=True)
    # Capacity and support
    work_skills = models.TextField(_("work skills and capacity"), blank=True)
    social_support = models.TextField(_("social support"), blank=True)
    barriers = models.TextField(_("barriers to work"), blank=True)

    AREAS = (
        (
            _("Illness experience"),
            ("symptoms", "treatment", "fatigue", "cognition"),
        ),
        (_("Self-identity and the meaning of work"), ("identity_and_work",)),
        (
            _("Family and financial context"),
            ("family_context", "sick_pay_end_date", "benefits", "insurance"),
        ),
        (
            _("Work environment"),
            (
                "job_demands",
                "contracted_hours",
                "shifts",
                "manager_relations",
                "colleague_relations",
                "occupational_health",
                "union",
            ),
        ),
        (_("Work skills and capacity"), ("work_skills",)),
        (_("Social support"), ("social_support",)),
        (_("Barriers"), ("barriers",)),
    )

    class Meta:
        ordering = ["assessed_on", "pk"]
        verbose_name = _("assessment")

    def __str__(self):
        return f"Assessment on {self.assessed_on}"


class KeyIssue(EpisodeLinked, models.Model):
    """A key issue from an assessment, kept in the client's order of priority."""

    episode_path = "assessment__episode"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="key_issues")
    position = models.PositiveSmallIntegerField(_("priority"))
    text = models.CharField(_("issue"), max_length=500)

    class Meta:
        ordering = ["assessment", "position"]
        verbose_name = _("key issue")

    def __str__(self):
        return f"{self.position}. {self.text}"


class GoalTerm(models.TextChoices):
    SHORT = "short", _("Short term")
    LONG = "long", _("Long term")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Working on it")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("No longer relevant")


class Goal(EpisodeChild):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(_("goal"), max_length=500)
    term = models.CharField(_("term"), max_length=5, choices=GoalTerm.choices)
    set_on = models.DateField(_("date set"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["term", "target_date", "pk"]
        verbose_name = _("goal")

    def __str__(self):
        return self.description


class GoalReview(EpisodeLinked, models.Model):
    episode_path = "goal__episode"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date reviewed"))
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices)
    note = models.TextField(_("progress"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "reviewed_on", "pk"]
        verbose_name = _("goal review")

    def __str__(self):
        return f"Review of {self.goal} on {self.reviewed_on}"


class Employer(EpisodeChild):
    """The client's employer in this episode, and whether the client lets us contact them."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="employers")
    name = models.CharField(_("employer"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    consent_to_contact = models.BooleanField(
        _("client consents to us contacting the employer"), default=False
    )
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    consent_note = models.CharField(
        _("limits of consent"),
        max_length=500,
        blank=True,
        help_text=_("For example: only the line manager; do not disclose the diagnosis."),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("employer")

    def __str__(self):
        return self.name


class EmployerContactRole(models.TextChoices):
    LINE_MANAGER = "line_manager", _("Line manager")
    HR = "hr", _("Human resources")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Occupational health")
    UNION = "union", _("Union representative")
    OTHER = "other", _("Other")


class EmployerContact(EpisodeLinked, models.Model):
    episode_path = "employer__episode"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role"), max_length=20, choices=EmployerContactRole.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["employer", "role", "name"]
        verbose_name = _("employer contact")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class EmployerMeeting(EpisodeLinked, models.Model):
    episode_path = "employer__episode"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    attendees = models.CharField(_("who attended"), max_length=500, blank=True)
    summary = models.TextField(_("what was discussed and agreed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("employer meeting")

    def __str__(self):
        return f"Meeting with {self.employer} on {self.date}"


class AdjustmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_PLACE = "in_place", _("In place")
    DECLINED = "declined", _("Declined by the employer")
    ENDED = "ended", _("Ended")


class ReasonableAdjustment(EpisodeLinked, models.Model):
    """An adjustment under the Equality Act 2010 (or NI's DDA), with where it has got to."""

    episode_path = "employer__episode"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="adjustments")
    description = models.CharField(_("adjustment"), max_length=500)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.PROPOSED,
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["employer", "pk"]
        verbose_name = _("reasonable adjustment")

    def __str__(self):
        return self.description


class ReturnPlan(EpisodeChild):
    """One version of a phased return-to-work plan.

    A change makes a new version (``number`` + 1) and marks the old one superseded, so
    what the client and employer agreed at each point is kept.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="return_plans")
    number = models.PositiveSmallIntegerField(_("version"))
    is_current = models.BooleanField(default=True)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("employer"),
    )
    start_date = models.DateField(_("start date"))
    usual_hours = models.DecimalField(
        _("usual hours a week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    adjustments = models.TextField(_("adjustments during the return"), blank=True)
    review_dates = models.JSONField(_("review dates"), default=list, blank=True)
    agreed_by_client = models.BooleanField(_("agreed by the client"), default=False)
    agreed_by_employer = models.CharField(
        _("agreed for the employer by"), max_length=200, blank=True
    )
    agreed_on = models.DateField(_("date agreed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["episode", "number"]
        verbose_name = _("return-to-work plan")
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="unique_plan_version"),
        ]
        indexes = [models.Index(fields=["episode", "is_current"])]

    def __str__(self):
        return f"Return-to-work plan v{self.number} from {self.start_date}"


class PlanPhase(EpisodeLinked, models.Model):
    """One week of a phased return: hours, days and the duties taken on that week."""

    episode_path = "plan__episode"

    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="phases")
    week = models.PositiveSmallIntegerField(_("week"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    days = models.CharField(_("days"), max_length=100, help_text=_("For example Mon, Wed, Fri."))
    duties = models.TextField(_("duties, tasks and responsibilities"), blank=True)

    class Meta:
        ordering = ["plan", "week"]
        verbose_name = _("plan phase")
        constraints = [models.UniqueConstraint(fields=["plan", "week"], name="unique_plan_week")]

    def __str__(self):
        return f"Week {self.week}: {self.hours} hours"


class PlanReview(EpisodeLinked, models.Model):
    """A review date of a plan version; done when ``done_on`` is set."""

    episode_path = "plan__episode"

    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField(_("review due"))
    done_on = models.DateField(_("reviewed on"), null=True, blank=True)
    note = models.TextField(_("outcome of the review"), blank=True)

    class Meta:
        ordering = ["plan", "due_on"]
        verbose_name = _("plan review")
        indexes = [models.Index(fields=["plan", "done_on", "due_on"])]

    def __str__(self):
        return f"Review due {self.due_on}"


class PlanProgress(EpisodeLinked, models.Model):
    """What actually happened in a week of the plan, to compare with what was planned."""

    episode_path = "plan__episode"

    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="progress")
    week = models.PositiveSmallIntegerField(_("week"))
    hours_worked = models.DecimalField(_("hours worked"), max_digits=4, decimal_places=1)
    note = models.TextField(_("how it went"), blank=True)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "week", "pk"]
        verbose_name = _("plan progress")

    def __str__(self):
        return f"Week {self.week}: {self.hours_worked} hours worked"


class CaseNote(EpisodeLinked, models.Model):
    """A case note. Notes are never edited or deleted: a correction is a new note that
    points at the one it corrects, and the original is shown struck through."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written"), auto_now_add=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("case note")

    def __str__(self):
        return f"Note by {self.author} at {self.written_at:%Y-%m-%d %H:%M}"


class Reminder(EpisodeLinked, models.Model):
    """A next action with a due date, for the worker (or anyone) to do."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reminders")
    text = models.CharField(_("what to do"), max_length=300)
    due_on = models.DateField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="casework_reminders",
        verbose_name=_("for"),
    )
    done_on = models.DateField(_("done"), null=True, blank=True)
    # Raised by an answer that needs contact with the client the same day (PHQ-9 item 9):
    # flagged on the caseload until it is done.
    safety_alert = models.BooleanField(_("safety alert"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("reminder")
        indexes = [models.Index(fields=["episode", "done_on", "due_on"])]

    def __str__(self):
        return self.text


class SignOffAction(models.TextChoices):
    DISCHARGE = "discharge", _("Discharge")
    TIER_CHANGE = "tier_change", _("Tier change")
    EMPLOYER_CONTACT = "employer_contact", _("Contacting an employer")
    RETURN_PLAN = "return_plan", _("Return-to-work plan")


class SignOffStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for sign-off")
    APPROVED = "approved", _("Signed off")
    DECLINED = "declined", _("Not signed off")


class SignOff(EpisodeLinked, models.Model):
    """An action by a support worker that waits for their supervisor.

    Held actions (discharge, tier change) take effect only when signed off; actions
    that have already happened (a call to an employer) are countersigned.
    ``payload`` holds what the support worker asked for, to apply on approval.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="sign_offs")
    action = models.CharField(_("action"), max_length=20, choices=SignOffAction.choices)
    summary = models.CharField(_("what was done or asked for"), max_length=500)
    payload = models.JSONField(default=dict, blank=True)
    held = models.BooleanField(
        default=True, help_text=_("True when the action waits for sign-off to take effect.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_off_requests"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_off_queue",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SignOffStatus.choices, default=SignOffStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("sign-off")
        indexes = [models.Index(fields=["supervisor", "status"])]

    def __str__(self):
        return f"{self.get_action_display()} – {self.get_status_display()}"


def document_upload_to(instance, filename):
    # The stored name is chosen by the server, never the uploader: no paths, no guessing.
    return f"casework/{instance.episode_id}/{instance.file_key}{instance.file_extension}"


class EpisodeDocument(EpisodeLinked, models.Model):
    """A document kept with an episode (a letter, a fit note, an occupational health report).

    Uploads are checked (allowed type, content matching the name, size, virus-scan hook)
    and served only as downloads to staff who may see the episode.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("document"), upload_to=document_upload_to)
    file_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    file_extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(_("original file name"), max_length=120)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")

    def __str__(self):
        return self.title


# --- letters out: the first-contact acknowledgement and the discharge summary ----------


class LetterKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First-contact acknowledgement")
    DISCHARGE = "discharge", _("Discharge summary")


class RecipientKind(models.TextChoices):
    REFERRER = "referrer", _("Referrer")
    GP = "gp", _("GP")


class LetterChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    NOTIFY = "notify", _("Email through GOV.UK Notify")
    PRINT = "print", _("Printed and posted")
    NOTIFY_POST = "notify_post", _("Posted by GOV.UK Notify")


class LetterStatus(models.TextChoices):
    DRAFTED = "drafted", _("Waiting to go")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    PRINTED = "printed", _("Posted")
    WITHHELD = "withheld", _("Withheld")
    # Withheld, then written once it could go (consent given, an address added): the
    # letter that replaced it points at it (``Letter.replaces``).
    SUPERSEDED = "superseded", _("Withheld, then written")


class LetterTemplate(models.Model):
    """A service's own wording of one kind of letter (subject and body).

    The body is plain text with a small set of placeholders (``{{ client_name }}``);
    :mod:`vocrehab.casework.letters` lists them, checks a template on save and renders it
    with nothing else in reach. A service without its own wording uses the default.
    """

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, related_name="letter_templates"
    )
    kind = models.CharField(_("letter"), max_length=16, choices=LetterKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["service", "kind"]
        verbose_name = _("letter template")
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="unique_letter_template")
        ]

    def __str__(self):
        return f"{self.service}: {self.get_kind_display()}"


class Letter(EpisodeLinked, models.Model):
    """One letter about an episode to its referrer or the client's GP.

    Written when the event is recorded (first contact, discharge), with the wording and
    the recipient fixed then, so the PDF can be made again exactly as sent. A letter the
    client's consent does not allow is kept as withheld, with the reason, and never sent.
    When it may go later (the client agreed, an address was added), it is written then
    as a new letter that ``replaces`` the withheld one, which becomes superseded.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("letter"), max_length=16, choices=LetterKind.choices)
    recipient_kind = models.CharField(_("to"), max_length=10, choices=RecipientKind.choices)
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    recipient_address = models.TextField(_("recipient's address"), blank=True)
    recipient_email = models.EmailField(_("recipient's email"), blank=True)
    channel = models.CharField(
        _("sent by"), max_length=12, choices=LetterChannel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFTED
    )
    reason = models.CharField(_("why"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    # GOV.UK Notify's id of the notification (a posted letter), to trace it there.
    notify_id = models.CharField(_("GOV.UK Notify id"), max_length=36, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="written_again_as",
        verbose_name=_("written again for"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("letter")
        constraints = [
            # One acknowledgement of first contact to each recipient, whichever path
            # recorded the first contact and however often it is moved (a withheld one
            # written again later is superseded, and counts no more).
            models.UniqueConstraint(
                fields=["episode", "recipient_kind"],
                condition=models.Q(kind="first_contact") & ~models.Q(status="superseded"),
                name="one_first_contact_letter_per_recipient",
            )
        ]
        indexes = [
            models.Index(
                fields=["channel", "status", "created_at"],
                condition=models.Q(status="drafted"),
                name="letter_waiting",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.get_recipient_kind_display()}"

    @property
    def is_waiting_to_print(self) -> bool:
        return self.channel == LetterChannel.PRINT and self.status == LetterStatus.DRAFTED

    @property
    def recipient_words(self) -> str:
        """Who it goes to, as a sentence reads it: "the GP", "the referrer"."""
        return str(_("the GP") if self.recipient_kind == RecipientKind.GP else _("the referrer"))

    @property
    def timeline_detail(self) -> str:
        """What the timeline says under the title: why it was withheld, or to whom it went."""
        if self.status == LetterStatus.SUPERSEDED:
            again = getattr(self, "written_again_as", None)
            when = human_date(timezone.localtime(again.created_at).date()) if again else ""
            return " ".join(
                part
                for part in (
                    self.reason,
                    str(_("Written on %(day)s, once it could go.") % {"day": when}) if when else "",
                )
                if part
            )
        if self.status == LetterStatus.WITHHELD:
            return self.reason
        who = ", ".join(p for p in (self.recipient_name, self.recipient_email) if p)
        notes = [who]
        if self.replaces_id:
            notes.append(str(_("Withheld at first; written once it could go.")))
        if self.notify_id:
            notes.append(str(_("GOV.UK Notify id %(id)s.") % {"id": self.notify_id}))
        if self.reason:
            notes.append(self.reason)
        return " ".join(n for n in notes if n)

    @property
    def has_pdf(self) -> bool:
        """Was the letter written (a withheld one has no words)?"""
        return self.status not in (LetterStatus.WITHHELD, LetterStatus.SUPERSEDED)

    @property
    def described(self) -> str:
        """The timeline's title: "Discharge summary to the GP: sent"."""
        kind = self.get_kind_display()
        who = self.recipient_words
        if self.status == LetterStatus.WITHHELD:
            return str(_("%(kind)s to %(who)s: withheld") % {"kind": kind, "who": who})
        if self.status == LetterStatus.SUPERSEDED:
            return str(
                _("%(kind)s to %(who)s: withheld, then written") % {"kind": kind, "who": who}
            )
        if self.status == LetterStatus.DRAFTED and self.channel == LetterChannel.PRINT:
            return str(_("%(kind)s to %(who)s: waiting to be printed") % {"kind": kind, "who": who})
        if self.status == LetterStatus.SENT and self.channel == LetterChannel.NOTIFY_POST:
            return str(
                _("%(kind)s to %(who)s: given to GOV.UK Notify to post")
                % {"kind": kind, "who": who}
            )
        return str(
            _("%(kind)s to %(who)s: %(status)s")
            % {"kind": kind, "who": who, "status": self.get_status_display().lower()}
        )
