"""Intake and triage forms. Every field is validated on the server against an allow-list."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import Service
from vocrehab.clients.identifiers import normalise_nhs_number, validate_nhs_number
from vocrehab.clients.models import Language
from vocrehab.clients.postcodes import format_postcode, is_valid_postcode, services_covering
from vocrehab.codes import (
    Condition,
    Ethnicity,
    MainReason,
    Occupation,
    ReferralSource,
    Sex,
    Tier,
    WorkStatus,
)
from vocrehab.forms_rendering import NHSUKDateInput, blank_first
from vocrehab.phones import validate_phone

from .models import TreatmentStage
from .services import NonEngagement, WithdrawalReason

_ICD10_CANCER = re.compile(r"^C[0-9]{2}$")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class HoneypotMixin(forms.Form):
    """A field people never see; automated submissions tend to fill it in.

    The public forms also speak to whoever fills them in: on a self-referral (``kind``
    "self") each form's ``self_wording`` replaces the third person ("them") with "you".
    """

    self_title = ""
    # field name: {"label": …, "help_text": …, "required": …} for a self-referral
    self_wording: dict[str, dict[str, str]] = {}

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "self":
            self.title_text = self.self_title or self.title_text
            for name, words in self.self_wording.items():
                field = self.fields.get(name)
                if field is None:
                    continue
                field.label = words.get("label", field.label)
                field.help_text = words.get("help_text", field.help_text)
                if "required" in words:
                    field.error_messages = {**field.error_messages, "required": words["required"]}

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class DateField(forms.DateField):
    widget = NHSUKDateInput
    # Django's kind of message (the field is named before it on the page).
    default_error_messages = {
        "future": _("The date must be today or in the past."),
        "too_early": _("The year must be %(year)s or later."),
    }

    def __init__(self, *, past_only=True, earliest_year=1900, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Enter a real date, for example 14 5 1970."),
                **kwargs.get("error_messages", {}),
            },
        )
        super().__init__(**kwargs)
        self.past_only = past_only
        self.earliest_year = earliest_year

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.past_only and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")
        if value.year < self.earliest_year:
            raise forms.ValidationError(
                self.error_messages["too_early"] % {"year": self.earliest_year},
                code="too_early",
            )


class PersonForm(HoneypotMixin):
    """About the person being referred."""

    title_text = _("About the person")
    self_title = _("About you")
    self_wording = {
        "first_name": {"label": _("Your first name")},
        "last_name": {"label": _("Your last name")},
        "date_of_birth": {"label": _("Your date of birth")},
        "nhs_number": {"label": _("Your NHS or CHI number")},
        "postcode": {
            "label": _("Your postcode"),
            "help_text": _("We use this to find the service nearest to you."),
        },
        "address": {"label": _("Your address")},
        "phone": {"label": _("Your phone number")},
        "email": {"label": _("Your email address")},
        "contact_methods": {
            "label": _("How may the service contact you?"),
            "required": _("Choose at least one way to contact you."),
        },
        "contact_notes": {"label": _("Anything else about contacting you")},
        "preferred_language": {"label": _("Which language should we write to you in?")},
    }

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = DateField(
        label=_("Date of birth"), help_text=_("For example, 31 3 1980"), earliest_year=1900
    )
    nhs_number = forms.CharField(
        label=_("NHS or CHI number"),
        help_text=_("10 digits, for example 943 476 5919"),
        required=False,
        max_length=14,
        validators=[validate_nhs_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=blank_first(Sex.choices), required=False)
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"), choices=blank_first(Ethnicity.choices), required=False
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        help_text=_("We use this to find the service nearest to them."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}
        ),
    )
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(
        label=_("Phone number"), required=False, max_length=40, validators=[validate_phone]
    )
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    contact_methods = forms.MultipleChoiceField(
        label=_("How may the service contact them?"),
        choices=[("phone", _("Phone")), ("email", _("Email")), ("post", _("Post"))],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way to contact them.")},
    )
    safe_to_leave_message = forms.ChoiceField(
        label=_("Is it safe to leave a message?"), choices=YES_NO, widget=forms.RadioSelect
    )
    contact_notes = forms.CharField(
        label=_("Anything else about contacting them"),
        help_text=_("For example, best times to call."),
        required=False,
        max_length=255,
    )
    preferred_language = forms.ChoiceField(
        label=_("Which language should we write to them in?"),
        help_text=_(
            "For letters, emails and text messages. If you leave this, we use the language "
            "this form is in."
        ),
        choices=Language.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    service = forms.ModelChoiceField(
        label=_("Which service should receive this referral?"),
        help_text=_("Only needed if we cannot tell from the postcode."),
        queryset=Service.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("Choose a service"),
    )

    def __init__(self, *args, choose_service=True, **kwargs):
        super().__init__(*args, **kwargs)
        # The page's language first (Cymraeg first on a Welsh page), as the switch and
        # NHS Wales bilingual pages do.
        self.fields["preferred_language"].choices = Language.page_language_first(get_language())
        if not choose_service:
            del self.fields["service"]
        else:
            # Each service by its name in the page's language (its Welsh name on a Welsh page).
            self.fields["service"].label_from_instance = lambda service: service.local_name

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_nhs_number(self):
        return normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if not is_valid_postcode(value):
            raise forms.ValidationError(
                _("Enter a real postcode, for example G31 2ER."), code="postcode"
            )
        return format_postcode(value)

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born is not None:
            today = timezone.localdate()
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            if age < 16:
                raise forms.ValidationError(
                    _("The service is for people aged 16 or over."), code="too_young"
                )
            if age > 100:
                raise forms.ValidationError(_("Check the year of birth."), code="too_old")
        return born

    def clean(self):
        data = super().clean()
        methods = set(data.get("contact_methods") or ())
        if "phone" in methods and not data.get("phone"):
            self.add_error("phone", _("Enter a phone number, or untick phone."))
        if "email" in methods and not data.get("email"):
            self.add_error("email", _("Enter an email address, or untick email."))
        if "post" in methods and not data.get("address"):
            self.add_error("address", _("Enter an address, or untick post."))
        if "service" in self.fields and data.get("postcode") and not data.get("service"):
            found = services_covering(data["postcode"])
            if len(found) == 1:
                data["service"] = found[0]
            else:
                self.add_error(
                    "service",
                    _("We could not tell which service covers this postcode. Choose a service."),
                )
        return data

    def to_intake(self) -> dict:
        """The cleaned answers in the shape ``services.create_referral`` takes."""
        data = dict(self.cleaned_data)
        methods = set(data.pop("contact_methods", ()))
        data.update(
            contact_by_phone="phone" in methods,
            contact_by_email="email" in methods,
            contact_by_post="post" in methods,
            safe_to_leave_message=data.get("safe_to_leave_message") == "yes",
            # Unanswered: the language the form was filled in (English when staff key it).
            preferred_language=data.get("preferred_language") or Language.of(get_language()),
        )
        data.pop("website", None)
        data.pop("service", None)
        return data


class HealthWorkForm(HoneypotMixin):
    """Their condition, work and what they want help with."""

    title_text = _("Health and work")
    self_title = _("Your health and work")
    self_wording = {
        "condition": {"label": _("Your condition")},
        "work_status_at_referral": {"label": _("Your work situation now")},
        "weeks_absent_at_referral": {
            "label": _("Weeks you have been off sick so far"),
            "help_text": _("Only if you are employed and off sick."),
        },
        "occupation": {"label": _("Your type of job (SOC 2020 group)")},
        "job_title": {"label": _("Your job title")},
        "employer_name": {"label": _("Your employer")},
        "main_reason": {"label": _("What do you most want help with?")},
    }

    condition = forms.ChoiceField(
        label=_("Condition"), choices=Condition.choices, widget=forms.RadioSelect
    )
    condition_detail = forms.CharField(
        label=_("Cancer site (ICD-10 code) or condition details"),
        help_text=_("For cancer, the ICD-10 code if known, for example C50 for breast."),
        required=False,
        max_length=100,
    )
    diagnosis_date = DateField(label=_("Date of diagnosis"), required=False)
    treatment_stage = forms.ChoiceField(
        label=_("Treatment stage"),
        choices=TreatmentStage.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    work_status_at_referral = forms.ChoiceField(
        label=_("Work situation now"),
        choices=[c for c in WorkStatus.choices if c[0] != WorkStatus.DECEASED],
        widget=forms.RadioSelect,
    )
    weeks_absent_at_referral = forms.IntegerField(
        label=_("Weeks off sick so far"),
        help_text=_("Only if they are employed and off sick."),
        required=False,
        min_value=0,
        max_value=520,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
    )
    occupation = forms.ChoiceField(
        label=_("Type of job (SOC 2020 group)"),
        choices=blank_first(Occupation.choices),
        required=False,
    )
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=200)
    employer_name = forms.CharField(label=_("Employer"), required=False, max_length=200)
    main_reason = forms.ChoiceField(
        label=_("Main reason for referral"), choices=MainReason.choices, widget=forms.RadioSelect
    )

    def clean_condition_detail(self):
        return self.cleaned_data.get("condition_detail", "").strip()

    def clean(self):
        data = super().clean()
        detail = data.get("condition_detail", "")
        if data.get("condition") == Condition.CANCER and detail:
            code = detail.upper().replace(".", "")[:3]
            if not _ICD10_CANCER.match(code):
                self.add_error(
                    "condition_detail",
                    _("For cancer, enter the ICD-10 code starting with C, for example C50."),
                )
            else:
                data["condition_detail"] = code
        weeks = data.get("weeks_absent_at_referral")
        if weeks is not None and data.get("work_status_at_referral") != WorkStatus.OFF_SICK:
            self.add_error(
                "weeks_absent_at_referral",
                _("Only give weeks off sick when your work situation is off sick.")
                if self.kind == "self"
                else _("Only give weeks off sick when their work situation is off sick."),
            )
        return data

    def to_intake(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


PROFESSIONAL_SOURCES = [c for c in ReferralSource.choices if c[0] != ReferralSource.SELF]


class ReferrerForm(HoneypotMixin):
    """The professional making the referral."""

    title_text = _("About you")

    referrer_name = forms.CharField(label=_("Your name"), max_length=200)
    referrer_role = forms.CharField(
        label=_("Your job title"), max_length=200, help_text=_("For example, breast care nurse.")
    )
    referrer_organisation = forms.CharField(label=_("Your organisation"), max_length=200)
    referral_source = forms.ChoiceField(
        label=_("Which best describes where you work?"),
        choices=PROFESSIONAL_SOURCES,
        widget=forms.RadioSelect,
    )
    referrer_email = forms.EmailField(
        label=_("Your work email"),
        help_text=_("We send the acknowledgement here."),
        max_length=254,
    )
    referrer_phone = forms.CharField(
        label=_("Your phone number"), required=False, max_length=40, validators=[validate_phone]
    )

    def to_intake(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


class CarerForm(HoneypotMixin):
    """A family member or carer referring someone."""

    title_text = _("About you")

    referrer_name = forms.CharField(label=_("Your name"), max_length=200)
    referrer_role = forms.CharField(
        label=_("Your relationship to them"),
        max_length=200,
        help_text=_("For example, husband, daughter, friend."),
    )
    referrer_email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the acknowledgement here."),
        required=False,
        max_length=254,
    )
    referrer_phone = forms.CharField(
        label=_("Your phone number"), required=False, max_length=40, validators=[validate_phone]
    )

    def to_intake(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data["referral_source"] = ReferralSource.SELF
        return data


class ConsentForm(HoneypotMixin):
    """Consent, asked plainly and recorded as given."""

    title_text = _("Consent")

    consent_to_contact = forms.BooleanField(
        label=_("The person referred agrees to be contacted by the service"),
        error_messages={
            "required": _("We can only accept a referral when the person agrees to be contacted.")
        },
    )
    consent_to_share = forms.ChoiceField(
        label=_(
            "Does the person agree that the service may share information with the "
            "professionals involved in their care?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether they agree to information being shared.")},
    )

    self_wording = {
        "consent_to_contact": {
            "label": _("I agree to be contacted by the service"),
            "required": _("We can only accept your referral if you agree to be contacted."),
        },
        "consent_to_share": {
            "label": _(
                "Do you agree that the service may share information with the professionals "
                "involved in your care?"
            ),
            "required": _("Say whether you agree to information being shared."),
        },
    }

    def to_intake(self) -> dict:
        return {
            "consent_to_contact": bool(self.cleaned_data.get("consent_to_contact")),
            "consent_to_share": self.cleaned_data.get("consent_to_share") == "yes",
        }


class PhoneSourceForm(forms.Form):
    """Phone intake: who referred, when it came in."""

    referral_source = forms.ChoiceField(
        label=_("Referral source"), choices=ReferralSource.choices, widget=forms.RadioSelect
    )
    referrer_name = forms.CharField(label=_("Referrer's name"), required=False, max_length=200)
    referrer_role = forms.CharField(
        label=_("Referrer's role or relationship"), required=False, max_length=200
    )
    referrer_organisation = forms.CharField(
        label=_("Referrer's organisation"), required=False, max_length=200
    )
    referrer_email = forms.EmailField(
        label=_("Email for the acknowledgement"), required=False, max_length=254
    )
    referrer_phone = forms.CharField(
        label=_("Referrer's phone"), required=False, max_length=40, validators=[validate_phone]
    )
    received = DateField(label=_("Date the referral was received"))

    def to_intake(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("received", None)
        return data


# ------------------------------------------------------------------------- triage forms


class DateOnlyForm(forms.Form):
    on = DateField(label=_("Date"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class PauseForm(forms.Form):
    start = DateField(label=_("Paused from"), past_only=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example, the client wants to wait until their treatment ends."),
    )


class ResumeForm(forms.Form):
    end = DateField(label=_("Restart the clock on"), past_only=False)


class TierForm(forms.Form):
    level = forms.ChoiceField(label=_("Tier"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = levels
        self.fields["level"].choices = [
            (self._key(level), f"{level.name} (VRMDS tier {level.vrmds_tier})")
            if level.pk
            else (self._key(level), level.name)
            for level in levels
        ]

    @staticmethod
    def _key(level) -> str:
        return f"level-{level.pk}" if level.pk else f"tier-{level.vrmds_tier}"

    def chosen(self):
        key = self.cleaned_data["level"]
        for level in self.levels:
            if self._key(level) == key:
                return level
        raise forms.ValidationError(_("Choose a tier."))


class AllocateForm(forms.Form):
    worker = forms.ChoiceField(label=_("Allocate to"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (for a transfer)"), required=False, max_length=255)

    def __init__(self, *args, workers, counts, **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = {str(w.pk): w for w in workers}
        self.fields["worker"].choices = [
            (str(w.pk), _("%(name)s (%(n)s open cases)") % {"name": w, "n": counts.get(w.pk, 0)})
            for w in workers
        ]

    def chosen(self):
        return self.workers[self.cleaned_data["worker"]]


class SelfHelpForm(forms.Form):
    material = forms.CharField(
        label=_("Other self-help material sent"),
        help_text=_(
            "Material given from the self-help library is recorded already; describe "
            "anything else here."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    work_status = forms.ChoiceField(
        label=_("Work status at discharge"),
        choices=blank_first(WorkStatus.choices, _("Not known")),
        required=False,
    )
    on = DateField(label=_("Date closed"))


class NotEngagedForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened?"),
        choices=list(NonEngagement.LABELS.items()),
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Why did they withdraw?"),
        choices=blank_first(list(WithdrawalReason.LABELS.items()), _("Not applicable")),
        required=False,
    )
    work_status = forms.ChoiceField(
        label=_("Work status at discharge"),
        choices=blank_first(WorkStatus.choices, _("Not known")),
        required=False,
    )
    on = DateField(label=_("Date closed"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == NonEngagement.WITHDREW and not data.get("reason"):
            self.add_error("reason", _("Choose why they withdrew."))
        return data


class ServiceLevelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    vrmds_tier = forms.ChoiceField(
        label=_("Reported as"),
        help_text=_("The VRMDS tier this level counts as in reports."),
        choices=Tier.choices,
        widget=forms.RadioSelect,
    )
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=99, initial=0)
