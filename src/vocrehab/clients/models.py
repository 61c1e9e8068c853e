"""People who use a service: identifiers, demographics, contact preferences."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.codes import DeprivationIndex, Ethnicity, Sex
from vocrehab.phones import validate_phone


class IdentifierType(models.TextChoices):
    NHS = "nhs", _("NHS number")
    CHI = "chi", _("CHI number")


class Language(models.TextChoices):
    """The languages letters, emails and text messages can be written in.

    The codes are Django's language codes (``settings.LANGUAGES``), so a value can be
    passed straight to ``translation.override``.
    """

    ENGLISH = "en-gb", _("English")
    WELSH = "cy", _("Welsh (Cymraeg)")

    @classmethod
    def of(cls, code: str | None) -> str:
        """The supported language for a request's language code ("cy", "en-gb", "en")."""
        code = (code or "").lower()
        return cls.WELSH if code.split("-")[0] == "cy" else cls.ENGLISH

    @classmethod
    def page_language_first(cls, code: str | None) -> list[tuple[str, str]]:
        """The choices with the page's language first: Cymraeg first on a Welsh page,
        English first on an English one (the NHS Wales bilingual convention)."""
        first = cls.of(code)
        return sorted(cls.choices, key=lambda choice: choice[0] != first)


class Client(models.Model):
    """A person known to one service.

    Each service is a tenant: the same person referred to two services has a record in
    each, so one service's staff never see another's notes. ``reference`` is the VRMDS
    ``client_id`` (the same person across that service's episodes).
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="clients")
    reference = models.CharField(_("client reference"), max_length=64)
    nhs_number = models.CharField(_("NHS or CHI number"), max_length=10, blank=True, db_index=True)
    identifier_type = models.CharField(
        _("identifier type"), max_length=3, choices=IdentifierType.choices, blank=True
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(
        _("ethnic group"), max_length=1, choices=Ethnicity.choices, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    contact_by_phone = models.BooleanField(_("may be contacted by phone"), default=True)
    contact_by_email = models.BooleanField(_("may be contacted by email"), default=False)
    contact_by_post = models.BooleanField(_("may be contacted by post"), default=False)
    safe_to_leave_message = models.BooleanField(_("safe to leave a message"), default=False)
    contact_notes = models.CharField(_("contact preferences"), max_length=255, blank=True)
    # Chooses the language of every letter, email and text message sent to the client.
    preferred_language = models.CharField(
        _("language for letters and messages"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
    )
    # The client's GP practice, for the letters the service sends to it (first contact,
    # discharge). Nothing goes to the GP unless the client agreed: the agreement is empty
    # (not asked) until someone records the client's own answer.
    gp_practice = models.CharField(_("GP practice"), max_length=200, blank=True)
    gp_address = models.TextField(_("GP practice address"), blank=True)
    gp_email = models.EmailField(
        _("GP practice email"),
        blank=True,
        help_text=_("A secure NHS address for letters; without one, letters are posted."),
    )
    consent_to_share_with_gp = models.BooleanField(
        _("agrees to letters to their GP"), null=True, blank=True
    )
    area_code = models.CharField(
        _("local authority or health board code"), max_length=9, blank=True
    )
    deprivation_index = models.CharField(
        _("deprivation index"), max_length=10, choices=DeprivationIndex.choices, blank=True
    )
    deprivation_rank = models.PositiveIntegerField(_("deprivation rank"), null=True, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(
        _("deprivation decile"), null=True, blank=True
    )
    # Data protection rights (UK GDPR articles 16 and 18), set by a service manager.
    # Restricted: the record is kept but not used: left out of dataset exports, and no
    # questionnaire invitations are sent, until the restriction is lifted.
    processing_restricted = models.BooleanField(_("processing restricted"), default=False)
    restriction_reason = models.CharField(
        _("why processing is restricted"), max_length=255, blank=True
    )
    # Disputed: the person says something recorded is wrong; shown on the record until
    # it is corrected (Change details) or the dispute is resolved.
    accuracy_disputed = models.BooleanField(_("accuracy disputed"), default=False)
    dispute_note = models.CharField(_("what the person says is wrong"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("client")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "reference"], name="unique_client_reference_per_service"
            )
        ]
        indexes = [
            models.Index(fields=["service", "last_name", "first_name"]),
            models.Index(fields=["service", "date_of_birth"]),
        ]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.reference

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def contact_ways(self) -> list[str]:
        """The ways the client agreed to be contacted, in words ("phone", "email")."""
        ways = [
            (self.contact_by_phone, _("phone")),
            (self.contact_by_email, _("email")),
            (self.contact_by_post, _("post")),
        ]
        return [str(word) for agreed, word in ways if agreed]

    def get_additional_data(self):
        """Lets the change history (django-auditlog) say whose record and which service."""
        return {"client_id": self.pk, "service_id": self.service_id}


class PostcodeArea(models.Model):
    """One postcode's small area and deprivation, from a government look-up file.

    An administrator loads these with ``vocrehab import_deprivation``; the client record
    reads the rank and decile from here when a postcode is entered. ``postcode`` is kept
    normalised (upper case, no spaces) so that look-ups are one indexed equality.
    """

    postcode = models.CharField(_("postcode"), max_length=8)
    area_code = models.CharField(_("small area code"), max_length=9, blank=True)
    local_authority_code = models.CharField(_("local authority code"), max_length=9, blank=True)
    deprivation_index = models.CharField(
        _("deprivation index"), max_length=10, choices=DeprivationIndex.choices
    )
    rank = models.PositiveIntegerField(_("deprivation rank"), null=True, blank=True)
    decile = models.PositiveSmallIntegerField(_("deprivation decile"), null=True, blank=True)
    sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented rows shipped for demonstration; not from a published file."),
    )

    class Meta:
        verbose_name = _("postcode area")
        constraints = [
            models.UniqueConstraint(
                fields=["postcode", "deprivation_index"], name="unique_postcode_per_index"
            )
        ]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self):
        return f"{self.postcode} ({self.get_deprivation_index_display()})"
