"""The choice of services and period for the evaluation report and benchmarking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.access import is_aggregate_only, services_beneath
from vocrehab.accounts.models import Area
from vocrehab.measures.valuesets import VALUE_SETS, AdditiveValueSet

from .exports import FORMATS
from .models import Frequency
from .queries import areas_for, reportable_services


class AreaChoiceField(forms.ModelChoiceField):
    """A node of the commissioning hierarchy, among those the user may see."""

    default_error_messages = {
        "invalid_choice": _("Choose one of the areas listed: that one is not one you may see.")
    }

    def label_from_instance(self, obj):
        return str(obj)


class EvaluationForm(forms.Form):
    """Which services, which period. The services are ticked one by one or given as a
    node of the commissioning hierarchy (``area``: every service beneath it); either way
    the choice is plain GET parameters, so a saved query string gives the same report."""

    area = AreaChoiceField(
        label=_("Commissioning area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("None: I will tick the services"),
        help_text=_(
            "A nation, region or area: every service beneath it, together. "
            "Leave as none to tick services instead."
        ),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the services you may report on are listed."),
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
        areas = areas_for(user)
        if areas:
            field = self.fields["area"]
            field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
            # In tree order (a nation, its regions, each followed by its areas).
            field.choices = [("", field.empty_label)] + [(a.pk, str(a)) for a in areas]
            if is_aggregate_only(user):
                # A commissioner granted a node starts from it (the top one they may see).
                field.initial = areas[0].pk
            services = self.fields["services"]
            services.label = _("Or services")
            services.help_text = _("Tick services instead of choosing an area.")
        else:
            del self.fields["area"]
            # With no area to choose, services are the one way to say what to report on.
            self.fields["services"].required = True
            self.fields["services"].error_messages["required"] = _("Choose at least one service.")

    def clean(self):
        cleaned = super().clean()
        area, services = cleaned.get("area"), cleaned.get("services")
        if "services" in cleaned and "area" not in self.errors:
            if area is not None and services:
                self.add_error(
                    "services",
                    _("Choose a commissioning area or tick services, not both."),
                )
            elif area is not None:
                # Every active service beneath the node (all of them the user's: the node
                # is offered only when they are).
                cleaned["services"] = list(
                    self.fields["services"].queryset.filter(services_beneath(area))
                )
            elif not services:
                # Only with an area to choose: otherwise the field itself requires services.
                self.add_error(
                    "services", _("Choose a commissioning area, or at least one service.")
                )
        cleaned.setdefault("area", None)
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned


class DownloadForm(EvaluationForm):
    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS])


class DashboardForm(forms.Form):
    """One service, or a node of the commissioning hierarchy (all its services)."""

    area = AreaChoiceField(
        label=_("Commissioning area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("None: show one service"),
        help_text=_("A nation, region or area: every service beneath it, together."),
    )
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)

    def __init__(self, *args, services, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if areas:
            field = self.fields["area"]
            field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
            field.choices = [("", field.empty_label)] + [(a.pk, str(a)) for a in areas]
            self.fields["service"].empty_label = _("None: show the area chosen above")
        else:
            del self.fields["area"]
            self.fields["service"].empty_label = _("Choose a service")


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
