import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from vocrehab.economics.cost_benefit import PARAMETER_SPECS
from vocrehab.economics.models import ServiceCostYear
from vocrehab.economics.presets import available
from vocrehab.economics.queries import preset_choices
from vocrehab.economics.sensitivity import DEFAULT_DRAWS, DEFAULT_SEED
from vocrehab.forms_rendering import NHSUKDateInput

FORMATS = [
    ("html", _("Show on screen")),
    ("json", _("Download JSON")),
    ("xlsx", _("Download spreadsheet (XLSX)")),
    ("pdf", _("Download PDF")),
]


def _preset_field_choices():
    return [
        (f"{c.name}@{c.version}", f"{c.title} ({c.name}, version {c.version})")
        for c in preset_choices()
    ]


class AnalysisForm(forms.Form):
    preset = forms.ChoiceField(label=_("Preset of assumptions"))
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Outcomes of every episode discharged in the period are added up."),
    )
    date_from = forms.DateField(label=_("Discharged from"), required=False, widget=NHSUKDateInput)
    date_to = forms.DateField(label=_("Discharged to"), required=False, widget=NHSUKDateInput)
    costs_file = forms.FileField(
        label=_("Costs of the services (JSON or CSV)"),
        required=False,
        help_text=_(
            "Columns year, service, role, fte, annual_cost, non_staff, overhead_pct. "
            "Leave empty to use the costs entered on the service costs page, or else the "
            "preset's own costs, where it has them."
        ),
    )
    draws = forms.IntegerField(
        label=_("Monte Carlo draws"), min_value=100, max_value=100_000, initial=DEFAULT_DRAWS
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        min_value=0,
        initial=DEFAULT_SEED,
        help_text=_("The same seed gives the same answer."),
    )
    output = forms.ChoiceField(
        label=_("Output"), choices=FORMATS, initial="html", widget=forms.RadioSelect
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services
        self.fields["preset"].choices = _preset_field_choices()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def preset_name_version(self):
        name, _sep, version = self.cleaned_data["preset"].partition("@")
        return name, int(version)


class PresetCopyForm(forms.Form):
    """Copy of a preset with every parameter editable; built from the preset's values."""

    name = forms.SlugField(
        label=_("Name of your copy"),
        max_length=64,
        help_text=_("Lower-case letters, digits and hyphens. Keep the name for a new version."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    note = forms.CharField(
        label=_("What you changed and why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, preset, **kwargs):
        super().__init__(*args, **kwargs)
        self.preset = preset

        # A stored preset is edited into its next version; a shipped one needs a new name.
        shipped = preset.name in available()
        self.fields["name"].initial = f"{preset.name}-local" if shipped else preset.name
        self.fields["title"].initial = preset.title
        values = preset.parameters.as_values()
        for name, spec in PARAMETER_SPECS.items():
            label = f"{spec.label} ({name})"
            initial = values[name]
            if spec.kind == "choice":
                field = forms.ChoiceField(label=label, choices=[(c, c) for c in spec.choices])
            elif spec.kind == "flag":
                field = forms.BooleanField(label=label, required=False)
            elif spec.kind == "bands":
                field = forms.CharField(
                    label=label,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_(
                        'JSON list, e.g. [{"width": 37700, "rate": 20}, '
                        '{"width": null, "rate": 40}]'
                    ),
                )
                initial = json.dumps(initial)
            elif spec.kind == "count":
                field = forms.IntegerField(label=label)
            else:
                field = forms.FloatField(label=label)
            field.initial = initial
            self.fields[f"p_{name}"] = field
            self.fields[f"s_{name}"] = forms.CharField(
                label=_("Source of %(name)s (if you changed it)") % {"name": name},
                required=False,
                max_length=500,
            )

    def clean(self):
        data = super().clean()
        for name, spec in PARAMETER_SPECS.items():
            key = f"p_{name}"
            if spec.kind == "bands" and key in data:
                try:
                    data[key] = json.loads(data[key])
                except json.JSONDecodeError:
                    self.add_error(key, _("Give the bands as a JSON list."))
        return data

    def changes(self) -> dict:
        """Parameter values that differ from the preset's."""
        values = self.preset.parameters.as_values()
        out = {}
        for name in PARAMETER_SPECS:
            new = self.cleaned_data[f"p_{name}"]
            if new != values[name]:
                out[name] = new
        return out

    def sources(self) -> dict:
        return {
            name: self.cleaned_data[f"s_{name}"]
            for name in PARAMETER_SPECS
            if self.cleaned_data.get(f"s_{name}")
        }


class CostYearForm(forms.ModelForm):
    """One year of a service's costs; its staff lines are ``StaffLinesFormSet``."""

    class Meta:
        model = ServiceCostYear
        fields = ["year", "label", "non_staff", "overhead_pct"]
        widgets = {
            "year": forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
            "label": forms.TextInput(attrs={"class": "nhsuk-input--width-30"}),
            "non_staff": forms.NumberInput(attrs={"class": "nhsuk-input--width-10"}),
            "overhead_pct": forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
        }


class StaffLineForm(forms.Form):
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    fte = forms.DecimalField(
        label=_("Whole-time equivalents"),
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    annual_cost = forms.DecimalField(
        label=_("Annual cost of one WTE (£)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Salary with on-costs (employer's pension and National Insurance)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widths = {"role": "nhsuk-input--width-20", "fte": "nhsuk-input--width-4"}
        for name, field in self.fields.items():
            # A line is filled in whole or left empty; its parts are not "optional".
            field.show_optional = False
            field.widget.attrs["class"] = widths.get(name, "nhsuk-input--width-10")

    def clean(self):
        data = super().clean()
        given = [data.get(name) not in (None, "") for name in ("role", "fte", "annual_cost")]
        if any(given) and not all(given):
            # Each missing part is named on its own field.
            for name, field_label in (
                ("role", _("the role")),
                ("fte", _("the whole-time equivalents")),
                ("annual_cost", _("the annual cost")),
            ):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(
                        name, _("Give %(what)s for this staff line.") % {"what": field_label}
                    )
        return data

    def line(self) -> dict | None:
        """The staff line, or None for a row left empty."""
        data = self.cleaned_data
        if not data.get("role"):
            return None
        return {"role": data["role"], "fte": data["fte"], "annual_cost": data["annual_cost"]}


# Three empty rows below the lines already entered; save to get three more.
StaffLinesFormSet = forms.formset_factory(StaffLineForm, extra=3, max_num=30, validate_max=True)
