"""The choice of services and period for the evaluation report and benchmarking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vocrehab.measures.valuesets import VALUE_SETS, AdditiveValueSet

from .exports import FORMATS
from .models import Frequency
from .queries import reportable_services


class EvaluationForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the services you may report on are listed."),
        error_messages={"required": _("Choose at least one service.")},
    )
    date_from = forms.DateField(
        label=_("Referred from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example, 2024-04-01. Leave empty for the first referral."),
    )
    date_to = forms.DateField(
        label=_("Referred to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Inclusive. Leave empty for today."),
    )
    value_set = forms.ChoiceField(
        label=_("EQ-5D value set"),
        required=False,
        choices=[("", _("Default (England 5L, or UK 3L for 3L responses)"))]
        + [(code, vs.name) for code, vs in VALUE_SETS.items() if isinstance(vs, AdditiveValueSet)],
    )
    publication = forms.BooleanField(
        label=_("For publication: suppress small numbers"),
        required=False,
        help_text=_("Counts from 1 to 4, and cells that would reveal them, are hidden."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = reportable_services(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned


class DownloadForm(EvaluationForm):
    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS])


class DashboardForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class SubscriptionForm(forms.Form):
    """The name and frequency of a scheduled report; the report's choices come with it
    from the evaluation page's address."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("For you to recognise it, for example 'Quarterly board report'."),
        error_messages={"required": _("Enter a name for the scheduled report.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A monthly report covers the last complete calendar month; a quarterly one "
            "the last complete quarter (January to March, April to June, July to "
            "September, October to December)."
        ),
        error_messages={"required": _("Choose monthly or quarterly.")},
    )
