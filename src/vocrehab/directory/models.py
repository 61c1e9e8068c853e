"""The services directory, the self-help library, group programmes and in-work support.

Directory entries and library material belong to an organisation (every service of the
organisation shares one directory, since the same local services serve them all).
Programmes belong to one VR service, and everything that names a person (enrolments,
attendance, material given, in-work reviews) hangs off an episode, so the service
tenancy of casework applies to it unchanged.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Organisation, Service
from vocrehab.audit.history import ServiceLinked
from vocrehab.casework.models import Contact
from vocrehab.codes import Condition, OnwardCategory
from vocrehab.episodes.models import Episode, EpisodeLinked
from vocrehab.phones import validate_phone


class ProviderType(models.TextChoices):
    NHS = "nhs", _("NHS")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    DWP = "dwp", _("DWP or Jobcentre Plus")
    VOLUNTARY = "voluntary", _("Voluntary or charity")
    PRIVATE = "private", _("Private")


class DirectoryService(ServiceLinked, models.Model):
    """An external service a client can be referred or signposted to."""

    service_path = None  # the organisation's directory: its history names no service

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="directory_services",
        verbose_name=_("owning organisation"),
    )
    reference = models.SlugField(
        _("directory reference"),
        max_length=64,
        help_text=_("A short code, unique in your directory, recorded with each onward referral."),
    )
    name = models.CharField(_("name"), max_length=200)
    provider_type = models.CharField(
        _("provider type"), max_length=20, choices=ProviderType.choices
    )
    description = models.TextField(_("what it offers"), blank=True)
    eligibility = models.TextField(_("who is eligible"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    how_to_refer = models.TextField(_("how to refer"), blank=True)
    opening_times = models.CharField(_("opening times"), max_length=255, blank=True)
    last_verified = models.DateField(
        _("details last checked"),
        null=True,
        blank=True,
        help_text=_("When someone last confirmed these details with the service."),
    )
    active = models.BooleanField(_("listed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("directory service")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="unique_directory_reference"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def category_codes(self) -> list[str]:
        return [c.category for c in self.categories.all()]

    @property
    def condition_codes(self) -> list[str]:
        return [c.condition for c in self.conditions.all()]

    @property
    def area_codes(self) -> list[str]:
        return [c.area for c in self.coverage.all()]


class DirectoryCategory(ServiceLinked, models.Model):
    """One VRMDS onward category a directory service meets (rows, so mapping is a join)."""

    service_path = None  # the organisation's directory: its history names no service

    service = models.ForeignKey(
        DirectoryService, on_delete=models.CASCADE, related_name="categories"
    )
    category = models.CharField(_("category"), max_length=20, choices=OnwardCategory.choices)

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["service", "category"], name="unique_dir_category")
        ]
        indexes = [models.Index(fields=["category"])]

    def __str__(self):
        return self.get_category_display()


class DirectoryCondition(ServiceLinked, models.Model):
    """A condition a service is limited to. A service with none serves every condition."""

    service_path = None  # the organisation's directory: its history names no service

    service = models.ForeignKey(
        DirectoryService, on_delete=models.CASCADE, related_name="conditions"
    )
    condition = models.CharField(_("condition"), max_length=8, choices=Condition.choices)

    class Meta:
        ordering = ["condition"]
        constraints = [
            models.UniqueConstraint(fields=["service", "condition"], name="unique_dir_condition")
        ]

    def __str__(self):
        return self.get_condition_display()


class DirectoryCoverage(ServiceLinked, models.Model):
    """An area a service covers: a GSS code or a postcode district or area, upper case."""

    service_path = None  # the organisation's directory: its history names no service

    service = models.ForeignKey(DirectoryService, on_delete=models.CASCADE, related_name="coverage")
    area = models.CharField(_("area"), max_length=9)

    class Meta:
        ordering = ["area"]
        constraints = [
            models.UniqueConstraint(fields=["service", "area"], name="unique_dir_coverage")
        ]
        indexes = [models.Index(fields=["area"])]

    def __str__(self):
        return self.area


# ---------------------------------------------------------------------------
# Self-help library


class Audience(models.TextChoices):
    CLIENT = "client", _("People with a condition")
    CARER = "carer", _("Carers and family")
    EMPLOYER = "employer", _("Employers")
    HEALTH_PROFESSIONAL = "health_professional", _("Health professionals")


def material_upload_to(instance, filename):
    # The stored name is ours, never the uploader's: no path tricks, no guessing.
    return f"selfhelp/{instance.file_key}{instance.file_extension}"


class SelfHelpMaterial(ServiceLinked, models.Model):
    service_path = None  # the organisation's library: its history names no service

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="self_help_material"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    link = models.URLField(_("web link"), blank=True)
    file = models.FileField(_("document"), upload_to=material_upload_to, blank=True)
    file_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    file_extension = models.CharField(max_length=8, blank=True, editable=False)
    original_name = models.CharField(_("original file name"), max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    active = models.BooleanField(_("available"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("self-help material")
        verbose_name_plural = _("self-help material")

    def __str__(self):
        return self.title


class GivenChannel(models.TextChoices):
    EMAIL = "email", _("Sent by email")
    PRINTED = "printed", _("Printed and given or posted")


class MaterialGiven(EpisodeLinked, models.Model):
    """A record that a piece of self-help material was given to a client."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="material_given")
    material = models.ForeignKey(SelfHelpMaterial, on_delete=models.PROTECT, related_name="given")
    date = models.DateField(_("date"))
    channel = models.CharField(_("how"), max_length=8, choices=GivenChannel.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("material given")
        indexes = [models.Index(fields=["material", "date"])]

    def __str__(self):
        return f"{self.material} ({self.get_channel_display()}, {self.date})"


# ---------------------------------------------------------------------------
# Group programmes


class ProgrammeTopic(models.TextChoices):
    """Course topics (from the Condition Management Programme and cancer survivors' asks)."""

    STRESS_ANXIETY = "stress_anxiety", _("Stress and anxiety management")
    POSITIVE_THINKING = "positive_thinking", _("Positive thinking about health and work")
    LIFESTYLE = "lifestyle", _("Lifestyle advice and information")
    FATIGUE = "fatigue", _("Managing fatigue")
    PAIN = "pain", _("Managing pain")
    PHYSICAL_ACTIVITY = "physical_activity", _("Physical activity")
    RETURNING_TO_WORK = "returning_to_work", _("Returning to and staying in work")
    OTHER = "other", _("Other")


class Delivery(models.TextChoices):
    GROUP = "group", _("Group")
    ONE_TO_ONE = "one_to_one", _("One to one")


class Programme(ServiceLinked, models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=ProgrammeTopic.choices)
    description = models.TextField(_("description"), blank=True)
    sessions = models.PositiveSmallIntegerField(
        _("number of sessions"), validators=[MinValueValidator(4), MaxValueValidator(16)]
    )
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices)
    completion_sessions = models.PositiveSmallIntegerField(
        _("sessions to attend to complete"),
        validators=[MinValueValidator(1), MaxValueValidator(16)],
        help_text=_("A participant who attends at least this many sessions has completed."),
    )
    conditions = models.JSONField(
        _("conditions"), default=list, blank=True, help_text=_("Empty: open to every condition.")
    )
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("programme")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sessions__gte=4, sessions__lte=16),
                name="programme_4_to_16_sessions",
            ),
            models.CheckConstraint(
                condition=models.Q(completion_sessions__gte=1)
                & models.Q(completion_sessions__lte=models.F("sessions")),
                name="programme_completion_within_sessions",
            ),
        ]

    def __str__(self):
        return self.title


class Cohort(ServiceLinked, models.Model):
    service_path = "programme__service"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=100, blank=True)
    start_date = models.DateField(_("first session"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("cohort")

    def __str__(self):
        return self.name or f"{self.programme} – {self.start_date:%d %b %Y}"


class CohortSession(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="course_sessions")
    number = models.PositiveSmallIntegerField(_("session"))
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="unique_session_number")
        ]

    def __str__(self):
        return f"{self.number}: {self.date:%d %b %Y}"


class PreCourseAssessment(EpisodeLinked, models.Model):
    """The one-to-one before a course, matching the client's needs to courses."""

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="pre_course_assessments"
    )
    date = models.DateField(_("date"))
    needs = models.JSONField(_("needs a course could meet"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("pre-course assessment")

    def __str__(self):
        return f"pre-course assessment on {self.date}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(EpisodeLinked, models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="enrolments")
    assessment = models.ForeignKey(
        PreCourseAssessment, on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    # Order on the waiting list: the earliest request is offered the next free place.
    requested_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "requested_at", "pk"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "episode"], name="unique_enrolment")
        ]

    def __str__(self):
        return f"{self.cohort}: {self.get_status_display()}"


class Attendance(EpisodeLinked, models.Model):
    episode_path = "enrolment__episode"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField(_("attended"))

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "session"], name="unique_attendance")
        ]

    def __str__(self):
        return f"session {self.session.number}: {'present' if self.attended else 'absent'}"


# ---------------------------------------------------------------------------
# In-work support

DEFAULT_REVIEW_WEEKS = [2, 6, 12]
DEFAULT_THREE_WAY_WEEKS = [6]


class InWorkSchedule(ServiceLinked, models.Model):
    """A service's schedule of in-work reviews after a return to work."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="in_work")
    weeks = models.JSONField(
        _("review weeks after the return"), default=list, help_text=_("For example 2, 6, 12.")
    )
    three_way_weeks = models.JSONField(
        _("weeks with a three-way review (client, employer and us)"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("in-work review schedule")

    def __str__(self):
        return f"{self.service}: weeks {self.weeks}"


class InWorkSupport(EpisodeLinked, models.Model):
    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="in_work")
    return_date = models.DateField(_("returned to work on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("in-work support")
        verbose_name_plural = _("in-work support")

    def __str__(self):
        return f"in-work support from {self.return_date}"


class ReviewStatus(models.TextChoices):
    DUE = "due", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class InWorkReview(EpisodeLinked, models.Model):
    episode_path = "support__episode"

    support = models.ForeignKey(InWorkSupport, on_delete=models.CASCADE, related_name="reviews")
    week = models.PositiveSmallIntegerField(_("week after the return"))
    due_date = models.DateField(_("due"))
    three_way = models.BooleanField(_("three-way review with the employer"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DUE
    )
    contact = models.OneToOneField(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="in_work_review",
    )

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("in-work review")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"week {self.week} ({self.due_date:%d %b %Y})"


# ---------------------------------------------------------------------------
# Awareness sessions


class ProfessionalGroup(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital clinicians (consultants, doctors)")
    NURSES = "nurses", _("Nurses and nurse specialists")
    AHP = "ahp", _("Allied health professionals")
    PRIMARY_CARE = "primary_care", _("GPs and primary care")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Occupational health")
    MIXED = "mixed", _("A mixed group")
    OTHER = "other", _("Other professionals")


class AwarenessSession(ServiceLinked, models.Model):
    """A session a service gave health professionals about work and vocational
    rehabilitation: the capacity building the evaluations counted. It names no client."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="awareness_sessions"
    )
    date = models.DateField(_("date"))
    audience = models.CharField(_("audience"), max_length=20, choices=ProfessionalGroup.choices)
    professionals = models.PositiveSmallIntegerField(
        _("professionals attending"),
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    topic = models.CharField(_("topic"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("awareness session")
        indexes = [models.Index(fields=["service", "date"])]

    def __str__(self):
        return f"{self.topic} ({self.date:%d %b %Y})"
