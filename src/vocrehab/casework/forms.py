"""Forms for casework. Validation of shape lives here; rules live in services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.models import WITHHELD_LETTER_DAYS_MAX, Service
from vocrehab.codes import (
    ContactMode,
    ContactWith,
    Engagement,
    Intervention,
    OnwardCategory,
    OnwardKind,
    Tier,
    WorkStatus,
)
from vocrehab.episodes.models import Episode
from vocrehab.forms_rendering import blank_first, radios_without_blank

from .letters import check_template
from .models import (
    AdjustmentStatus,
    Assessment,
    Employer,
    EmployerContact,
    EmployerMeeting,
    Goal,
    GoalStatus,
    OnwardOutcome,
    ReasonableAdjustment,
)
from .queries import STATUSES, flag_labels


class DateInput(forms.DateInput):
    """A native date picker: quickest to fill in, and what the browser test types into."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


def _date(label, required=True, initial=None, help_text=""):
    return forms.DateField(
        label=label, required=required, initial=initial, widget=DateInput(), help_text=help_text
    )


class VersionedForm(forms.Form):
    """Carries the version of the record the form was opened on (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionedModelForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ContactForm(forms.Form):
    contact_date = _date(_("Date"), initial=timezone.localdate)
    mode = forms.ChoiceField(label=_("How"), choices=ContactMode.choices, widget=forms.RadioSelect)
    contact_with = forms.ChoiceField(
        label=_("With"), choices=ContactWith.choices, widget=forms.RadioSelect
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600, required=False)
    interventions = forms.MultipleChoiceField(
        label=_("Interventions delivered"),
        choices=Intervention.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuickContactForm(ContactForm):
    """The caseload's inline form: selects rather than radios, so it fits in a table row."""

    mode = forms.ChoiceField(label=_("How"), choices=blank_first(ContactMode.choices))
    contact_with = forms.ChoiceField(label=_("With"), choices=blank_first(ContactWith.choices))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EpisodeFactsForm(VersionedModelForm):
    class Meta:
        model = Episode
        fields = [
            "job_title",
            "employer_name",
            "occupation",
            "work_status_at_referral",
            "weeks_absent_at_referral",
            "main_reason",
            "condition_detail",
            "engagement",
        ]


class ReferrerForm(VersionedModelForm):
    """Who referred, and how to reach them: corrected or completed after the referral."""

    class Meta:
        model = Episode
        fields = [
            "referrer_name",
            "referrer_role",
            "referrer_organisation",
            "referrer_email",
            "referrer_phone",
        ]


class TierForm(forms.Form):
    to_tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.ModelForm):
    key_issues = forms.CharField(
        label=_("Key issues, most important first"),
        help_text=_("One issue a line, in the order the client puts them."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = Assessment
        fields = ["assessed_on"] + [n for _l, names in Assessment.AREAS for n in names]
        widgets = {
            "assessed_on": DateInput(),
            "sick_pay_end_date": DateInput(),
            **{
                n: forms.Textarea(attrs={"rows": 2})
                for _l, names in Assessment.AREAS
                for n in names
                if n not in ("sick_pay_end_date", "contracted_hours", "shifts")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["key_issues"] = "\n".join(k.text for k in self.instance.key_issues.all())
        elif not self.instance.pk:
            self.initial.setdefault("assessed_on", timezone.localdate())

    def key_issue_lines(self) -> list[str]:
        return self.cleaned_data.get("key_issues", "").splitlines()

    def areas(self):
        """The fields grouped by the biopsychosocial areas, for the template."""
        return [(label, [self[n] for n in names]) for label, names in Assessment.AREAS]


class AssessmentEditForm(AssessmentForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class GoalForm(forms.ModelForm):
    class Meta:
        formfield_callback = radios_without_blank
        model = Goal
        fields = ["description", "term", "target_date"]
        widgets = {"target_date": DateInput(), "term": forms.RadioSelect}


class GoalReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Status now"), choices=blank_first(GoalStatus.choices))
    note = forms.CharField(
        label=_("Progress"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OnwardForm(forms.Form):
    date = _date(_("Date"), initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind"), choices=OnwardKind.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"), choices=blank_first(OnwardCategory.choices))
    service_name = forms.CharField(
        label=_("Service"),
        max_length=200,
        required=False,
        help_text=_("Choose from the directory above, or type the service's name."),
    )
    service_ref = forms.CharField(
        label=_("Directory reference"),
        max_length=64,
        required=False,
        help_text=_("Filled in when you choose a service from the directory."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Not known yet"))] + OnwardOutcome.choices,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("service_name") and not data.get("service_ref"):
            self.add_error("service_name", _("Enter the service."))
        return data


class OnwardOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OnwardOutcome.choices, widget=forms.RadioSelect
    )


class EmployerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Employer
        fields = ["name", "address", "consent_to_contact", "consent_note"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class EmployerContactForm(forms.ModelForm):
    class Meta:
        model = EmployerContact
        fields = ["role", "name", "phone", "email"]


class MeetingForm(forms.ModelForm):
    class Meta:
        model = EmployerMeeting
        fields = ["date", "attendees", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class AdjustmentForm(forms.ModelForm):
    status = forms.ChoiceField(label=_("Status"), choices=blank_first(AdjustmentStatus.choices))

    class Meta:
        model = ReasonableAdjustment
        fields = ["description", "status", "agreed_on", "review_on"]
        widgets = {"agreed_on": DateInput(), "review_on": DateInput()}


class AdjustmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status now"), choices=blank_first(AdjustmentStatus.choices))


class ReturnPlanForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none(), required=False
    )
    start_date = _date(_("Start date"))
    usual_hours = forms.DecimalField(
        label=_("Usual hours a week"), max_digits=4, decimal_places=1, min_value=0, required=False
    )
    adjustments = forms.CharField(
        label=_("Adjustments during the return"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_dates = forms.CharField(
        label=_("Review dates"),
        help_text=_("One a line, as YYYY-MM-DD or DD/MM/YYYY."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreed_by_client = forms.BooleanField(label=_("The client agrees this plan"), required=False)
    agreed_by_employer = forms.CharField(
        label=_("Agreed for the employer by (name and role)"), max_length=200, required=False
    )
    agreed_on = _date(_("Date agreed"), required=False)

    def __init__(self, *args, episode=None, **kwargs):
        super().__init__(*args, **kwargs)
        if episode is not None:
            self.fields["employer"].queryset = Employer.objects.filter(episode=episode)

    def clean_review_dates(self):
        dates = []
        for line in self.cleaned_data["review_dates"].split():
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    dates.append(datetime.datetime.strptime(line, fmt).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(
                    _("%(value)s is not a date; write it as YYYY-MM-DD or DD/MM/YYYY."),
                    params={"value": line},
                )
        return dates


class PhaseForm(forms.Form):
    """One week of the plan; a row left without hours is not part of the plan."""

    week = forms.IntegerField(label=_("Week"), min_value=1, max_value=52, required=False)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=0, required=False
    )
    days = forms.CharField(label=_("Days"), max_length=100, required=False)
    duties = forms.CharField(
        label=_("Duties, tasks and responsibilities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("hours") is not None and data.get("week") is None:
            self.add_error("week", _("Enter the week number for these hours."))
        return data

    def phase(self) -> dict | None:
        """The week as the plan service takes it, or None for a row left empty."""
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("hours") is None:
            return None
        return {k: data.get(k) or "" for k in ("week", "hours", "days", "duties")}


PhaseFormSet = forms.formset_factory(PhaseForm, extra=2, max_num=52)


class ProgressForm(forms.Form):
    week = forms.IntegerField(label=_("Week"), min_value=1, max_value=52)
    hours_worked = forms.DecimalField(
        label=_("Hours worked"), max_digits=4, decimal_places=1, min_value=0
    )
    note = forms.CharField(
        label=_("How it went"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanReviewDoneForm(forms.Form):
    note = forms.CharField(
        label=_("Outcome of the review"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DischargeForm(VersionedForm):
    discharge_date = _date(_("Discharge date"), initial=timezone.localdate)
    work_status = forms.ChoiceField(
        label=_("Work status at discharge"), choices=blank_first(WorkStatus.choices)
    )
    engagement = forms.ChoiceField(
        label=_("Engagement"),
        choices=[("", _("Leave as recorded"))] + Engagement.choices,
        required=False,
    )
    reason = forms.CharField(label=_("Reason for discharge"), max_length=255)


class FollowupForm(forms.Form):
    collected_on = _date(
        _("Date the follow-up status was collected"),
        initial=timezone.localdate,
        help_text=_("The day the client (or someone for them) told you their work status."),
    )
    work_status = forms.ChoiceField(
        label=_("Work status at follow-up"), choices=blank_first(WorkStatus.choices)
    )
    reason = forms.CharField(
        label=_("Reason, if collected outside the six-month window"),
        max_length=255,
        required=False,
        help_text=_("Kept on the episode and in its change history."),
    )

    def __init__(self, *args, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a service manager records a follow-up outside the window.
        if not may_override:
            del self.fields["reason"]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why re-open this episode"),
        max_length=255,
        error_messages={"required": _("Say why the episode is re-opened.")},
    )


class ReReferForm(forms.Form):
    referral_date = _date(_("Date of the new referral"), initial=timezone.localdate)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    upload = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), OpenDocument text, plain text, PNG or JPEG."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))


class ReminderForm(forms.Form):
    text = forms.CharField(label=_("What to do"), max_length=300)
    due_on = _date(_("Due"))


class SignOffDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Sign off")), ("decline", _("Do not sign off"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Show"), choices=list(STATUSES.items()), required=False)
    tier = forms.ChoiceField(
        label=_("Tier"),
        choices=[("", _("Any tier"))] + Tier.choices + [("none", _("Not yet tiered"))],
        required=False,
    )
    flag = forms.ChoiceField(
        label=_("Needs attention"),
        choices=[("", _("Anything"))],  # every flag, set per request (flag_labels)
        required=False,
    )
    search = forms.CharField(label=_("Name or reference"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("next_action", _("Next action due")),
            ("-days_open", _("Days open (longest first)")),
            ("days_open", _("Days open (newest first)")),
            ("last_contact", _("Last contact (longest ago first)")),
            ("tier", _("Tier")),
            ("name", _("Name")),
        ],
        required=False,
    )
    worker = forms.TypedChoiceField(label=_("Worker"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [("", _("Anything")), *flag_labels().items()]
        if workers is None:
            del self.fields["worker"]
        else:
            self.fields["worker"].choices = [("", _("Everyone"))] + [
                (w.pk, str(w)) for w in workers
            ]


class LetterTemplateForm(forms.Form):
    """A service's wording of one letter; each placeholder must be one of the list."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Letter"),
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_("Plain text. Leave an empty line between paragraphs."),
    )

    def _checked(self, name):
        value = self.cleaned_data.get(name, "")
        problems = check_template(value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_subject(self):
        return self._checked("subject")

    def clean_body(self):
        return self._checked("body")


class LettersByPostForm(forms.Form):
    """How the service's letters with no email address go: printed here, or by Notify."""

    letters_by_post = forms.ChoiceField(
        label=_("Letters with a postal address and no email"),
        widget=forms.RadioSelect,
        help_text=_(
            "GOV.UK Notify prints and posts the letter's PDF (second class unless your "
            "administrator set otherwise). A letter Notify cannot take stays on Letters to "
            "print, saying why."
        ),
    )

    def __init__(self, *args, notify_ready: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.notify_ready = notify_ready
        self.fields["letters_by_post"].choices = Service._meta.get_field("letters_by_post").choices

    def clean_letters_by_post(self):
        value = self.cleaned_data["letters_by_post"]
        if value == "notify" and not self.notify_ready:
            raise forms.ValidationError(
                _(
                    "GOV.UK Notify is not set up on this installation: ask your administrator "
                    "to set VOCREHAB_NOTIFY_API_KEY first."
                )
            )
        return value


class WithheldLetterDaysForm(forms.Form):
    """How long after it was withheld a letter is still written once the record allows it."""

    withheld_letter_days = forms.IntegerField(
        label=_("Write a withheld letter later if it was withheld within (days)"),
        help_text=_(
            "For example 90. A letter withheld longer ago than this stays withheld when "
            "consent or an address is added, and its timeline entry says why (0: only on "
            "the day it was withheld)."
        ),
        error_messages={
            "required": _("Enter a number of days, for example 90."),
            "invalid": _("Enter a whole number of days, for example 90."),
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )

    def clean_withheld_letter_days(self):
        days = self.cleaned_data["withheld_letter_days"]
        if not 0 <= days <= WITHHELD_LETTER_DAYS_MAX:
            raise forms.ValidationError(
                _("Give a number of days from 0 to %(most)s."),
                params={"most": WITHHELD_LETTER_DAYS_MAX},
            )
        return days
