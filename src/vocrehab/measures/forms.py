"""Forms generated from instrument definitions, for staff entry and client pages.

Each item becomes one field named by its code. Values are checked by the instrument
engine (``Instrument.value_problem``) so that the rules are the same as for imports;
the messages name the question as the page shows it, not its code.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import Timepoint, WorkStatus
from vocrehab.forms_rendering import NHSUKDateInput, label_in_a_sentence

from .instruments import (
    HNA_CONCERN_AREAS,
    INSTRUMENTS,
    Instrument,
    Item,
    ItemKind,
    ValueProblem,
    get_instrument,
)
from .models import Channel, MeasureSchedule

# Rating scales with at most this many points are radios; longer ones a number box.
MAX_RADIO_POINTS = 11


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def client_items(instrument: Instrument) -> list[Item]:
    """The items a client answers: recorded totals (HADS) are for staff and imports."""
    return [item for item in instrument.items if item.group != "total"]


# Neutral anchors from VRMDS (not the instruments' copyrighted wording), shown when a
# service has not loaded licensed wording.
_NEUTRAL_HINTS = {
    "eq5d5l": _("1 means no problems, 5 the most severe problems."),
    "eq5d3l": _("1 means no problems, 3 the most severe problems."),
    "hads": _("0 is the best answer, 3 the worst."),
    "work_confidence": _("0 means not at all confident, 10 completely confident."),
    "work_ability": _("0 means unable to work at all, 10 your best work ability ever."),
}


def _wording_lang(wording) -> str:
    """The HTML ``lang`` of ``wording`` when it is not in the page's language (the
    published English of a questionnaire not yet translated, on a Welsh page), so that
    a screen reader reads it in its own language; empty when it is the page's."""
    if wording is None:
        return ""
    language = (wording.language or "en-gb").lower()
    if language.split("-")[0] == (get_language() or "en-gb").lower().split("-")[0]:
        return ""
    base, _dash, region = language.partition("-")
    return f"{base}-{region.upper()}" if region else base


def field_for(
    item: Item, wording=None, *, inline: bool = False, instrument: str = ""
) -> forms.Field:
    """A form field for ``item``; ``wording`` (an ItemWording) replaces the neutral label.

    The parts taken from ``wording`` in another language than the page's are marked
    with their language (``label_lang``, ``hint_lang``, ``choice_langs`` by value), for
    the form templates to put on those parts only: what the project says around them
    ("(optional)", error messages, neutral hints) stays in the page's language.
    """
    field = _field_for(item, wording, inline=inline, instrument=instrument)
    lang = _wording_lang(wording)
    if lang:
        field.label_lang = lang
        field.hint_lang = lang if wording.hint else ""
        field.choice_langs = {str(value): lang for value in wording.options}
    return field


def _field_for(item: Item, wording, *, inline: bool, instrument: str) -> forms.Field:
    label = wording.text if wording is not None else item.label
    options = dict(wording.options) if wording is not None else {}
    hint = wording.hint if wording is not None and wording.hint else ""
    if not hint and wording is None and item.code != "vas":
        hint = _NEUTRAL_HINTS.get(instrument, "")
    radio_attrs = {"class": "nhsuk-radios--inline"} if inline else {}
    if item.kind is ItemKind.TEXT:
        return forms.CharField(
            label=label,
            required=False,
            max_length=item.max_length or None,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=hint,
        )
    if item.kind is ItemKind.CODE:
        labels = dict(WorkStatus.choices) if item.code == "work_status" else {}
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[(c, options.get(c) or labels.get(c, c)) for c in item.choices],
            widget=forms.RadioSelect,
            help_text=hint,
        )
    if item.kind is ItemKind.YES_NO:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("1", options.get("1") or _("Yes")), ("0", options.get("0") or _("No"))],
            widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
            help_text=hint,
        )
    points = None
    if item.integer and item.min is not None and item.max is not None:
        points = int(item.max - item.min) + 1
    if points is not None and points <= MAX_RADIO_POINTS:
        values = [_number_text(item.min + n) for n in range(points)]
        if set(options) == set(values):
            # Published answers in their published order (WHO-5: the best answer first).
            values = list(options)
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[(v, options.get(v, v)) for v in values],
            widget=forms.RadioSelect(attrs=radio_attrs),
            help_text=hint
            or _("From %(low)s to %(high)s.") % {"low": values[0], "high": values[-1]},
        )
    if item.max is not None:
        range_hint = _("A number from %(low)s to %(high)s.") % {
            "low": _number_text(item.min or 0),
            "high": _number_text(item.max),
        }
    else:
        range_hint = _("A whole number, 0 or more.")
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric" if item.integer else "decimal",
                "class": "nhsuk-input--width-4",
                "autocomplete": "off",
            }
        ),
        help_text=hint or range_hint,
    )


def item_error(problem: ValueProblem, label: str) -> str:
    """The message beside a question whose answer does not fit it, naming the question
    as the page does (not its code) in the page's language."""
    field = label_in_a_sentence(label)
    params = {"field": field, **problem.params}
    if problem.reason == "not_a_number":
        return _("Enter %(field)s as a number") % params
    if problem.reason == "not_whole":
        return _("Enter %(field)s as a whole number") % params
    if problem.reason == "too_many_decimals":
        return (
            ngettext(
                "Enter %(field)s with no more than %(decimals)s decimal place",
                "Enter %(field)s with no more than %(decimals)s decimal places",
                problem.params["decimals"],
            )
            % params
        )
    if problem.reason == "below_min":
        return _("Enter %(field)s as a number, %(min)s or more") % params
    if problem.reason == "out_of_range":
        return _("Enter %(field)s as a number from %(min)s to %(max)s") % params
    if problem.reason == "too_long":
        return _("Enter %(field)s in %(max)s characters or fewer") % params
    if problem.reason == "not_a_choice":
        return _("Choose one of the answers to %(field)s") % params
    return _("Enter %(field)s as text") % params


class InstrumentItemsForm(forms.Form):
    """Fields for some items of one instrument, validated by the engine."""

    def __init__(
        self, *args, instrument: Instrument, items=None, wording=None, for_client=False, **kwargs
    ):
        self.instrument = instrument
        self.items = list(items if items is not None else instrument.items)
        super().__init__(*args, **kwargs)
        wording = wording or {}
        inline = len(self.items) > 3
        for item in self.items:
            self.fields[item.code] = field_for(
                item, wording.get(item.code), inline=inline, instrument=instrument.code
            )
            if for_client and item.code == "work_status":
                # Staff may record a death; a client is never asked whether they died.
                field = self.fields[item.code]
                field.choices = [c for c in field.choices if c[0] != WorkStatus.DECEASED]

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            if item.code not in cleaned:
                continue  # the field refused it already, with its own message
            problem = self.instrument.value_problem(item, cleaned[item.code])
            if problem:
                label = str(self.fields[item.code].label or item.code)
                self.add_error(item.code, item_error(problem, label))
        return cleaned

    def item_values(self) -> dict:
        return {item.code: self.cleaned_data.get(item.code) for item in self.items}


class StaffEntryForm(InstrumentItemsForm):
    """A whole questionnaire entered by staff, with the date it was completed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "date": forms.DateField(
                label=_("Date completed"),
                widget=NHSUKDateInput,
                help_text=_("For example, 27 3 2026"),
            ),
            **self.fields,
            "comment": forms.CharField(
                label=_("Comments"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            ),
        }
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date completed cannot be in the future."))
        return value


class ChooseQuestionnaireForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=(), widget=forms.Select)
    timepoint = forms.ChoiceField(
        label=_("When"), choices=Timepoint.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [
            (code, instrument.name) for code, instrument in INSTRUMENTS.items()
        ]

    def clean(self):
        cleaned = super().clean()
        code, timepoint = cleaned.get("instrument"), cleaned.get("timepoint")
        if code and timepoint and timepoint not in get_instrument(code).timepoints:
            allowed = ", ".join(
                str(Timepoint(t).label).lower() for t in get_instrument(code).timepoints
            )
            self.add_error(
                "timepoint",
                _("%(name)s is given at %(allowed)s only.")
                % {"name": get_instrument(code).name, "allowed": allowed},
            )
        return cleaned


class SendLinkForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send by"), choices=Channel.choices, widget=forms.RadioSelect
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enter the code from your letter"),
        help_text=_("It is 10 letters and numbers, for example K7QM-2XP9-4T."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "nhsuk-input--width-10"}
        ),
    )
    # Honeypot: people never see or fill it; form-filling bots often do.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


def _instrument_choices(timepoint: str) -> list[tuple[str, str]]:
    return [
        (code, instrument.name)
        for code, instrument in INSTRUMENTS.items()
        if timepoint in instrument.timepoints
    ]


class ScheduleForm(forms.ModelForm):
    """A service's questionnaire schedule: what goes out at each timepoint, and when."""

    entry_instruments = forms.MultipleChoiceField(
        label=_("At entry (sent at assessment)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    discharge_instruments = forms.MultipleChoiceField(
        label=_("At discharge"), required=False, widget=forms.CheckboxSelectMultiple
    )
    followup_instruments = forms.MultipleChoiceField(
        label=_("At follow-up"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MeasureSchedule
        fields = [
            "entry_instruments",
            "discharge_instruments",
            "followup_instruments",
            "followup_months",
            "link_days",
            "reminder_after_days",
            "max_reminders",
            "send_to_clients",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry_instruments"].choices = _instrument_choices(Timepoint.ENTRY)
        self.fields["discharge_instruments"].choices = _instrument_choices(Timepoint.DISCHARGE)
        self.fields["followup_instruments"].choices = _instrument_choices(Timepoint.FOLLOWUP)
        # The work status at follow-up counts in the evaluation only inside the VRMDS
        # window; 5 to 8 months after discharge always falls inside it.
        self.fields["followup_months"].help_text = _(
            "The work status at follow-up counts in the evaluation only when collected 150 "
            "to 270 days after discharge: 5 to 8 months always falls inside. Outside it, "
            "only a service manager may record a follow-up, with the reason."
        )
        for name in ("followup_months", "link_days", "reminder_after_days", "max_reminders"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "nhsuk-input--width-3"}
            )

    def _between(self, name: str, low: int, high: int, message: str) -> int:
        value = self.cleaned_data[name]
        if not low <= value <= high:
            raise forms.ValidationError(message)
        return value

    def clean_followup_months(self):
        return self._between(
            "followup_months", 1, 24, _("Follow-up must be between 1 and 24 months.")
        )

    def clean_link_days(self):
        return self._between("link_days", 1, 60, _("Links must last between 1 and 60 days."))

    def clean_reminder_after_days(self):
        return self._between("reminder_after_days", 1, 30, _("Send reminders after 1 to 30 days."))

    def clean_max_reminders(self):
        return self._between("max_reminders", 0, 3, _("Send at most 3 reminders."))


class HNAForm(forms.Form):
    """The holistic needs concerns checklist and the distress thermometer, entered by staff."""

    date = forms.DateField(
        label=_("Date completed"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"class": "nhsuk-input--width-10"}, format="%Y-%m-%d"),
    )
    timepoint = forms.ChoiceField(
        label=_("When"),
        choices=[
            (Timepoint.AD_HOC, _("During the episode")),
            (Timepoint.ENTRY, Timepoint.ENTRY.label),
            (Timepoint.DISCHARGE, Timepoint.DISCHARGE.label),
        ],
        initial=Timepoint.AD_HOC,
    )
    distress = forms.IntegerField(
        label=_("Distress thermometer"),
        help_text=_("0 no distress to 10 extreme distress, over the past week."),
        min_value=0,
        max_value=10,
        required=False,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.input_type = "date"
        instrument = get_instrument("hna")
        for area in HNA_CONCERN_AREAS:
            self.fields[f"concern_{area}"] = forms.BooleanField(
                label=str(instrument.item(area).label), required=False
            )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date completed cannot be in the future."))
        return date

    def concerns(self) -> dict[str, bool]:
        return {
            name.removeprefix("concern_"): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("concern_")
        }
