"""Editing a client's record."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vocrehab.forms_rendering import NHSUKDateInput

from .identifiers import normalise_nhs_number, validate_nhs_number
from .models import Client, Language
from .postcodes import format_postcode, is_valid_postcode

GP_CONSENT_CHOICES = [
    ("yes", _("Yes, the client agreed that the service writes to their GP")),
    ("no", _("No, the client does not want their GP to get letters")),
]


class ClientForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # No answer is chosen for the client: empty means "not asked yet" (no GP letters).
    consent_to_share_with_gp = forms.TypedChoiceField(
        label=_("May the service send letters about this referral to the client's GP?"),
        choices=GP_CONSENT_CHOICES,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Leave unanswered until the client has been asked."),
    )

    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "nhs_number",
            "sex",
            "ethnicity",
            "address",
            "postcode",
            "phone",
            "email",
            "contact_by_phone",
            "contact_by_email",
            "contact_by_post",
            "safe_to_leave_message",
            "contact_notes",
            "preferred_language",
            "gp_practice",
            "gp_address",
            "gp_email",
            "consent_to_share_with_gp",
        ]
        widgets = {
            "date_of_birth": NHSUKDateInput(attrs={"autocomplete": "bday"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "preferred_language": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d"]
        self.fields["nhs_number"].max_length = 14
        self.fields["nhs_number"].widget.attrs["maxlength"] = 14
        self.fields["nhs_number"].validators = [validate_nhs_number]
        self.fields["postcode"].max_length = 10
        self.fields["postcode"].widget.attrs["maxlength"] = 10
        self.fields["gp_address"].widget.attrs["rows"] = 3
        # The page's language first, as on the referral forms.
        self.fields["preferred_language"].choices = Language.page_language_first(get_language())
        if not self.is_bound:
            self.initial["version"] = self.instance.version
            consent = self.instance.consent_to_share_with_gp
            self.initial["consent_to_share_with_gp"] = (
                "" if consent is None else ("yes" if consent else "no")
            )

    def clean_nhs_number(self):
        return normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        if value and not is_valid_postcode(value):
            raise forms.ValidationError(_("Enter a real postcode, for example G31 2ER."))
        return format_postcode(value) if value else ""

    def clean(self):
        data = super().clean()
        for method, field, message in (
            ("contact_by_phone", "phone", _("Enter a phone number, or untick phone.")),
            ("contact_by_email", "email", _("Enter an email address, or untick email.")),
            ("contact_by_post", "address", _("Enter an address, or untick post.")),
        ):
            if data.get(method) and not data.get(field):
                self.add_error(field, message)
        if (data.get("gp_email") or data.get("gp_address")) and not data.get("gp_practice"):
            self.add_error("gp_practice", _("Enter the name of the GP practice."))
        return data


class RightsForm(forms.Form):
    """Restriction of processing and disputed accuracy (UK GDPR articles 18 and 16)."""

    processing_restricted = forms.BooleanField(
        label=_("Restrict processing"),
        required=False,
        help_text=_(
            "The record is kept but not used: it is left out of dataset exports and no "
            "questionnaire invitations are sent until the restriction is lifted."
        ),
    )
    restriction_reason = forms.CharField(
        label=_("Why processing is restricted"), max_length=255, required=False
    )
    accuracy_disputed = forms.BooleanField(
        label=_("The person disputes the accuracy of the record"),
        required=False,
        help_text=_("Shown on the record until it is corrected or the dispute is resolved."),
    )
    dispute_note = forms.CharField(
        label=_("What the person says is wrong"), max_length=255, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
