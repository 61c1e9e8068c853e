"""Organisations, services (sites), teams, staff and their roles."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import NATIONAL_ASSESSMENT_DAYS, NATIONAL_FIRST_CONTACT_DAYS, Nation
from vocrehab.phones import validate_phone


class AreaLevel(models.TextChoices):
    """The levels of the commissioning hierarchy, from the top down."""

    NATION = "nation", _("nation")
    REGION = "region", _("region")
    AREA = "area", _("area")


# The level a node's parent must be at (a nation has no parent).
PARENT_LEVEL = {AreaLevel.REGION: AreaLevel.NATION, AreaLevel.AREA: AreaLevel.REGION}


class Area(models.Model):
    """A node of the commissioning hierarchy: a nation, a region, or an area (a health
    board, an integrated care board, a local authority).

    The hierarchy is data, kept by administrators: nation → region → area, each level
    nested in the one above, so a node is at most three steps from the top and never
    its own ancestor. Services belong to a node (``Service.area``); reports, benchmarks
    and the dashboard run for any node over every service beneath it, and a commissioner
    granted a node (``Membership.area``) sees everything beneath it.
    """

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_(
            "The area's GSS code where it has one, for example S08000031 for NHS Greater "
            "Glasgow and Clyde or S92000003 for Scotland; otherwise a short code of your own."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    kind = models.CharField(
        _("kind"),
        max_length=60,
        blank=True,
        help_text=_(
            "What the area is, as readers know it, for example health board or integrated "
            "care board. Shown beside its name; the level is shown when this is empty."
        ),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("A region is part of a nation; an area is part of a region."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("commissioning area")
        verbose_name_plural = _("commissioning areas")

    def __str__(self):
        return f"{self.name} ({self.kind or self.get_level_display()})"

    def clean(self):
        super().clean()
        wanted = PARENT_LEVEL.get(self.level)
        if wanted is None:
            if self.parent_id is not None:
                raise ValidationError({"parent": _("A nation is not part of anything.")})
            return
        parent = self.parent if self.parent_id else None
        if parent is None:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must be part of a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": AreaLevel(wanted).label}
                }
            )
        if self.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": _("An area cannot be part of itself.")})
        if parent.level != wanted:
            raise ValidationError(
                {
                    "parent": _(
                        "A %(level)s must be part of a %(parent)s: %(name)s is at the "
                        "%(found)s level."
                    )
                    % {
                        "level": self.get_level_display(),
                        "parent": AreaLevel(wanted).label,
                        "name": parent.name,
                        "found": parent.get_level_display(),
                    }
                }
            )
        if self.pk is not None:
            # A node's own children must still nest under its (possibly new) level.
            below = {AreaLevel.NATION: AreaLevel.REGION, AreaLevel.REGION: AreaLevel.AREA}
            if Area.objects.filter(parent_id=self.pk).exclude(level=below.get(self.level)).exists():
                raise ValidationError(
                    {"level": _("Other areas are part of this one at a level that would not nest.")}
                )

    def ancestors(self) -> list["Area"]:
        """The nodes above this one, nearest first (at most two queries' worth)."""
        found, node = [], self.parent
        while node is not None and len(found) < 3:
            found.append(node)
            node = node.parent
        return found


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=32, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self):
        return self.name


# The most days a service may let a withheld letter wait to be written late.
WITHHELD_LETTER_DAYS_MAX = 3650


class Service(models.Model):
    """A VR service (site). Its ``code`` is the VRMDS ``service_code``."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    code = models.CharField(_("service code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(
        _("name in Welsh"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "As Welsh readers see it on the public pages, letters and messages. Leave it "
            "empty to use the name above in Welsh too."
        ),
    )
    nation = models.CharField(_("nation"), max_length=20, choices=Nation.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("commissioning area"),
        help_text=_(
            "The node of the commissioning hierarchy the service belongs to, usually an "
            "area such as a health board. Roll-up reports and commissioners granted the "
            "area or anything above it include the service."
        ),
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[validate_phone]
    )
    opening_hours = models.CharField(
        _("phone opening hours"),
        max_length=120,
        blank=True,
        default="",
        help_text=_(
            "When the phone is answered, as clients read it on letters and messages, "
            "e.g. Monday to Friday, 9am to 5pm."
        ),
    )
    opening_hours_cy = models.CharField(
        _("phone opening hours in Welsh"),
        max_length=120,
        blank=True,
        default="",
        help_text=_(
            "The same in Welsh, for Welsh letters, pages and messages, e.g. Dydd Llun i "
            "ddydd Gwener, 9am i 5pm. Leave it empty to use the hours above in Welsh too."
        ),
    )
    covered_areas = models.JSONField(
        _("areas covered"),
        default=list,
        blank=True,
        help_text=_("GSS codes of local authorities or health boards, or postcode districts."),
    )
    first_contact_standard_days = models.PositiveSmallIntegerField(
        _("first contact within (working days)"), default=NATIONAL_FIRST_CONTACT_DAYS
    )
    assessment_standard_days = models.PositiveSmallIntegerField(
        _("assessment within (working days)"), default=NATIONAL_ASSESSMENT_DAYS
    )
    no_contact_flag_days = models.PositiveSmallIntegerField(
        _("flag an open case with no contact for (days)"),
        default=28,
        help_text=_("The caseload flags an open episode whose last contact is older than this."),
    )
    case_managers_take_referrals = models.BooleanField(
        _("case managers may allocate referrals to themselves"),
        default=False,
        help_text=_(
            "When on, a case manager may take an unallocated referral that has a tier, "
            "without waiting for the service manager."
        ),
    )
    letters_by_post = models.CharField(
        _("letters with no email address"),
        max_length=8,
        choices=[
            ("print", _("Printed and posted by the service's staff (Letters to print)")),
            ("notify", _("Posted by GOV.UK Notify")),
        ],
        default="print",
        help_text=_(
            "How a letter to a referrer or GP that has a postal address and no email goes. "
            "GOV.UK Notify needs VOCREHAB_NOTIFY_API_KEY set on this installation."
        ),
    )
    # How long a withheld letter may still be written late (casework.services.letters).
    withheld_letter_days = models.PositiveSmallIntegerField(
        _("write a withheld letter later if withheld within (days)"),
        default=90,
        validators=[MaxValueValidator(WITHHELD_LETTER_DAYS_MAX)],
        help_text=_(
            "A letter withheld for want of consent or an address is written when the record "
            "comes to allow it, if it was withheld within this many days; an older one stays "
            "withheld, saying why."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")

    def __str__(self):
        return self.name

    def name_in(self, language: str | None = None) -> str:
        """The name as readers of ``language`` (by default the active language) see it:
        the Welsh name for Welsh when there is one, else the name."""
        return self._in(self.name, self.name_cy, language)

    def opening_hours_in(self, language: str | None = None) -> str:
        """The phone opening hours in ``language`` (by default the active language): the
        Welsh hours for Welsh when given, else the hours as entered."""
        return self._in(self.opening_hours, self.opening_hours_cy, language)

    @property
    def local_name(self) -> str:
        """The name in the active language (for templates: a letter renders inside
        ``{% language %}``, a message inside ``translation.override``)."""
        return self.name_in()

    @property
    def local_opening_hours(self) -> str:
        """The phone opening hours in the active language (see ``local_name``)."""
        return self.opening_hours_in()

    @staticmethod
    def _in(english: str, welsh: str, language: str | None) -> str:
        language = language if language is not None else translation.get_language()
        if welsh and (language or "").lower().split("-")[0] == "cy":
            return welsh
        return english


class Team(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["service", "name"]
        unique_together = [("service", "name")]
        verbose_name = _("team")

    def __str__(self):
        return f"{self.service} – {self.name}"


class StaffUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    """A member of staff. Staff sign in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    professional_registration = models.CharField(
        _("professional registration"),
        max_length=60,
        blank=True,
        help_text=_("For example HCPC OT12345. Registered practitioners can supervise."),
    )
    is_system_account = models.BooleanField(
        _("system account"),
        default=False,
        help_text=_(
            "An account for an integration, not a person: it never signs in to the web "
            "pages and acts only through the API tokens an administrator makes for it."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]
    objects = StaffUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("staff user")

    def __str__(self):
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    ADMIN_ASSISTANT = "admin_assistant", _("Admin assistant")
    COMMISSIONER = "commissioner", _("Commissioner")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """A user's role in one service, one organisation or one commissioning area.

    A user may hold several (a commissioner for each service they commission; a case
    manager who also covers a neighbouring site). Administrators and auditors work across
    every service of their organisation: their memberships leave ``service`` empty. A
    commissioner may instead be granted a node of the commissioning hierarchy (``area``):
    they then see every service beneath it, and hold no organisation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Empty only for a commissioner granted a commissioning area."),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("commissioning area"),
        help_text=_(
            "Commissioners only: every service beneath this nation, region or area. "
            "Leave service and organisation empty."
        ),
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    supervisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervising practitioner"),
        help_text=_("Required for support workers: the registered practitioner who signs off."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("role membership")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service", "role"], name="unique_role_per_service"
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(area__isnull=False),
                name="membership_organisation_or_area",
            ),
        ]

    def __str__(self):
        where = self.service or self.area or self.organisation
        return f"{self.user} – {self.get_role_display()} – {where}"

    def clean(self):
        super().clean()
        if self.area_id is not None:
            errors = {}
            if self.role != Role.COMMISSIONER:
                errors["area"] = _("Only a commissioner may be granted a commissioning area.")
            if self.service_id is not None or self.organisation_id is not None:
                errors["area"] = _(
                    "A membership for a commissioning area has no service or organisation."
                )
            if errors:
                raise ValidationError(errors)
        elif self.organisation_id is None:
            raise ValidationError(
                {"organisation": _("Choose the organisation (or, for a commissioner, an area).")}
            )


class Scope(models.TextChoices):
    """What an API token may do. A token holds a list of these; each API operation names
    the one it needs (``required_scope``), and a token without it is refused."""

    EPISODES_READ = "episodes:read", _("Read episodes")
    EPISODES_WRITE = "episodes:write", _("Create episodes and change their key facts")
    CONTACTS_WRITE = "contacts:write", _("Record contacts and onward referrals")
    CLIENTS_READ = "clients:read", _("Find and read clients")
    QUESTIONNAIRES_READ = "questionnaires:read", _("Read questionnaires and their answers")
    QUESTIONNAIRES_WRITE = "questionnaires:write", _("Record questionnaire answers")
    REPORTS_READ = "reports:read", _("Read reports")
    FHIR_READ = "fhir:read", _("Read and export FHIR resources")
    SUBMISSIONS_WRITE = "submissions:write", _("Send data submissions")


# The longest a token may live: a year, so that a forgotten one stops working.
TOKEN_MAX_DAYS = 365


class ApiToken(models.Model):
    """A credential for a program: a member of staff's, or a system account's.

    The secret is shown once when the token is made and stored only as its SHA-256
    digest (a random 256-bit secret needs no slow hash); ``prefix`` is the public part
    by which a presented token is found. A token acts as its owner, narrowed to its
    ``services`` and ``scopes`` (see ``tokens.py`` and ``access._memberships``).
    """

    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What uses it, for example “Outcomes dashboard”. Shown in the access log."),
    )
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    scopes = models.JSONField(_("scopes"), default=list)
    services = models.ManyToManyField(Service, related_name="+", verbose_name=_("services"))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("secret digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    expires_on = models.DateField(
        _("expires on"), help_text=_("The last day it works. At most a year from today.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
