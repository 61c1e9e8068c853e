"""Forms of the web import and export pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vocrehab.disclosure import threshold
from vocrehab.interchange.models import Hub
from vocrehab.interchange.periods import PeriodError, parse_period
from vocrehab.interchange.submitting import check_hub

UPLOAD_SUFFIXES = (".zip", ".xlsx")


class ImportForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=None,
        empty_label=None,
        help_text=_("Episodes of other services in the file are left out."),
    )
    file = forms.FileField(
        label=_("Dataset"),
        help_text=_(
            "A .zip of the VRMDS CSV files (episodes.csv and, if you have them, "
            "contacts.csv, onward.csv, measures.csv) or one .xlsx workbook with a sheet per file."
        ),
    )

    def __init__(self, *args, services, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _("Upload a .zip of the CSV files or an .xlsx workbook."), code="type"
            )
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; ask an administrator to import it.")
                % {"mb": self.max_bytes // (1024 * 1024)},
                code="size",
            )
        return upload


class ExportForm(forms.Form):
    FORMAT_CHOICES = (
        ("zip", _("A .zip of CSV files")),
        ("xlsx", _("One .xlsx workbook")),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, initial="zip", widget=forms.RadioSelect
    )
    pseudonymise = forms.BooleanField(
        label=_("Pseudonymise (for research)"),
        required=False,
        help_text=_(
            "Leaves out NHS numbers, free text and local columns, and replaces client and "
            "episode ids with keyed codes that stay the same between exports. Ages are "
            "given as bands, deprivation as deciles, and rare values are grouped."
        ),
    )
    dates = forms.ChoiceField(
        label=_("Dates in a pseudonymised export"),
        choices=(
            ("shift", _("Shifted: each person's dates move by the same secret number of days")),
            ("month", _("Month only: every date becomes the first of its month")),
        ),
        initial="shift",
        required=False,
        widget=forms.RadioSelect,
    )
    min_k = forms.IntegerField(
        label=_("Smallest group allowed (k)"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_(
            "A pseudonymised export is refused, before anything is written, when fewer "
            "episodes than this share an age band, sex, area and condition. Leave empty "
            "for %(k)s."
        ),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services
        field = self.fields["min_k"]
        field.help_text = field.help_text % {"k": default_min_k()}

    def clean_dates(self):
        return self.cleaned_data.get("dates") or "shift"

    def clean_min_k(self):
        value = self.cleaned_data.get("min_k")
        return default_min_k() if value is None else value


def default_min_k() -> int:
    """The k a pseudonymised export from the web needs unless told: the suppression threshold."""
    return threshold()


class HubForm(forms.Form):
    """A hub a service sends to; the token is entered once and never shown again."""

    service = forms.ModelChoiceField(label=_("Service that sends"), queryset=None)
    name = forms.SlugField(
        label=_("Short name"),
        max_length=40,
        help_text=_("Used by the submit command, e.g. london. Letters, digits and hyphens."),
    )
    url = forms.URLField(
        label=_("Hub's web address"),
        assume_scheme="https",
        help_text=_("As the hub gave it, e.g. https://hub.example.nhs.uk"),
    )
    token = forms.CharField(
        label=_("Token from the hub"),
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "The hub's submissions token for this service (starts vrt_). It is kept for "
            "sending and never shown again; to change it, add the hub again with the same "
            "short name."
        ),
    )
    monthly = forms.BooleanField(
        label=_("Send last month's submission at the start of every month"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if len(services) == 1:
            # A manager of one service has nothing to choose.
            self.fields["service"].initial = services[0].pk
            self.fields["service"].empty_label = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        hub = Hub(service=data["service"], name=data["name"], url=data["url"], token=data["token"])
        try:
            check_hub(hub)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return data


class SendForm(forms.Form):
    hub = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A month (2026-11) or a quarter (2026-Q4)."),
    )

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
