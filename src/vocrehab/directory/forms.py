"""Forms of the directory pages. Validation of codes and files is shared with services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import Condition, ContactMode, Intervention, OnwardCategory
from vocrehab.forms_rendering import CHOOSE, NHSUKDateInput, blank_first, radios_without_blank
from vocrehab.uploads import allowed_extensions

from .areas import parse_areas
from .models import (
    Audience,
    AwarenessSession,
    Cohort,
    DirectoryService,
    GivenChannel,
    Programme,
    ProgrammeTopic,
    SelfHelpMaterial,
)

_ANY = _("Any")


class SearchForm(forms.Form):
    area_code = forms.CharField(
        label=_("Client's local authority or health board code"),
        required=False,
        max_length=9,
        help_text=_("The GSS code, for example S12000049."),
    )
    postcode = forms.CharField(label=_("Client's postcode"), required=False, max_length=8)
    category = forms.ChoiceField(
        label=_("Need"), required=False, choices=blank_first(OnwardCategory.choices, _ANY)
    )
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=blank_first(Condition.choices, _ANY)
    )
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)

    def clean_area_code(self):
        value = re.sub(r"\s+", "", self.cleaned_data["area_code"]).upper()
        if value and not re.match(r"^[EJKLMNSW]\d{8}$", value):
            raise ValidationError(_("Enter a GSS code: a letter and eight digits."))
        return value


def _url_field(label):
    # Addresses typed without a scheme are taken as https, as Django 6 will by default.
    return forms.URLField(label=label, required=False, max_length=200, assume_scheme="https")


class DirectoryServiceForm(forms.ModelForm):
    website = _url_field(_("website"))
    categories = forms.MultipleChoiceField(
        label=_("Needs it meets"),
        choices=OnwardCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    conditions = forms.MultipleChoiceField(
        label=_("Only for people with"),
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty if the service is for people with any condition."),
    )
    areas = forms.CharField(
        label=_("Areas covered"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "GSS codes of local authorities or health boards (S12000049), a nation "
            "(S92000003) or the UK (K02000001), or postcode districts (G12) or areas (G), "
            "separated by commas or new lines."
        ),
    )

    class Meta:
        formfield_callback = radios_without_blank
        model = DirectoryService
        fields = [
            "name",
            "reference",
            "provider_type",
            "description",
            "eligibility",
            "how_to_refer",
            "phone",
            "email",
            "website",
            "address",
            "opening_times",
            "last_verified",
            "active",
        ]
        widgets = {
            "provider_type": forms.RadioSelect,
            "last_verified": NHSUKDateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "how_to_refer": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["categories"].initial = self.instance.category_codes
            self.fields["conditions"].initial = self.instance.condition_codes
            self.fields["areas"].initial = ", ".join(self.instance.area_codes)

    def clean_areas(self):
        return parse_areas(self.cleaned_data["areas"])

    def clean_last_verified(self):
        value = self.cleaned_data["last_verified"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date the details were checked cannot be in the future."))
        return value

    def validate_unique(self):
        # The organisation is set by the view; services.save_directory_service checks
        # that the reference is unused within it.
        pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with the columns of the export, at most 5 MB."),
    )


class MaterialForm(forms.ModelForm):
    link = _url_field(_("web link"))
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"),
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty if it suits any condition."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        help_text=_("Separated by commas, for example fatigue, talking to your employer."),
    )
    upload = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("One of %(types)s, at most the size limit.")
        % {"types": ", ".join(allowed_extensions())},
    )

    class Meta:
        formfield_callback = radios_without_blank
        model = SelfHelpMaterial
        fields = ["title", "summary", "audience", "link", "active"]
        widgets = {"audience": forms.RadioSelect, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["conditions"].initial = self.instance.conditions
            self.fields["topics"].initial = ", ".join(self.instance.topics)

    def clean_topics(self):
        return [t.strip() for t in self.cleaned_data["topics"].split(",") if t.strip()][:20]


class LibraryFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=blank_first(Audience.choices, _ANY)
    )
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=blank_first(Condition.choices, _ANY)
    )
    topic = forms.CharField(label=_("Topic"), required=False, max_length=60)


class GiveMaterialForm(forms.Form):
    material = forms.ModelChoiceField(
        label=_("Material"), queryset=SelfHelpMaterial.objects.none(), widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("How"), choices=GivenChannel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials


class ProgrammeForm(forms.ModelForm):
    conditions = forms.MultipleChoiceField(
        label=_("Only for people with"),
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        formfield_callback = radios_without_blank
        model = Programme
        fields = [
            "title",
            "topic",
            "description",
            "sessions",
            "delivery",
            "completion_sessions",
            "active",
        ]
        widgets = {
            "topic": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["conditions"].initial = self.instance.conditions

    def clean(self):
        data = super().clean()
        sessions, needed = data.get("sessions"), data.get("completion_sessions")
        if sessions and needed and needed > sessions:
            self.add_error(
                "completion_sessions",
                _("A participant cannot attend more sessions than the course has."),
            )
        return data

    def save(self, commit=True):
        self.instance.conditions = self.cleaned_data["conditions"]
        return super().save(commit)


class CohortForm(forms.ModelForm):
    online_link = _url_field(_("online link"))

    class Meta:
        model = Cohort
        fields = ["name", "start_date", "capacity", "venue", "online_link"]
        widgets = {"start_date": NHSUKDateInput}
        help_texts = {"start_date": _("Sessions are weekly from this date.")}

    def clean(self):
        data = super().clean()
        if not data.get("venue") and not data.get("online_link"):
            raise ValidationError(_("Give a venue or an online link."))
        return data


class PreCourseForm(forms.Form):
    date = forms.DateField(label=_("Date of the one-to-one"), widget=NHSUKDateInput)
    needs = forms.MultipleChoiceField(
        label=_("Needs a course could meet"),
        choices=ProgrammeTopic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StartInWorkForm(forms.Form):
    return_date = forms.DateField(label=_("Date of return to work"), widget=NHSUKDateInput)


class ReviewForm(forms.Form):
    date = forms.DateField(label=_("Date of the review"), widget=NHSUKDateInput)
    mode = forms.ChoiceField(label=_("How"), choices=ContactMode.choices, widget=forms.RadioSelect)
    minutes = forms.IntegerField(label=_("Minutes"), required=False, min_value=1, max_value=600)
    interventions = forms.MultipleChoiceField(
        label=_("Interventions"), choices=Intervention.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ScheduleForm(forms.Form):
    weeks = forms.CharField(
        label=_("Review weeks after the return to work"),
        help_text=_("Separated by commas, for example 2, 6, 12."),
    )
    three_way_weeks = forms.CharField(
        label=_("Weeks with a three-way review with the employer"),
        required=False,
        help_text=_("Each must be one of the review weeks."),
    )

    @staticmethod
    def _numbers(text):
        try:
            return [int(t) for t in re.split(r"[\s,;]+", text or "") if t]
        except ValueError as exc:
            raise ValidationError(_("Use whole numbers separated by commas.")) from exc

    def clean_weeks(self):
        return self._numbers(self.cleaned_data["weeks"])

    def clean_three_way_weeks(self):
        return self._numbers(self.cleaned_data["three_way_weeks"])


class AwarenessSessionForm(forms.ModelForm):
    """A session given to health professionals; the service is asked only of staff who
    work in more than one."""

    service = forms.ModelChoiceField(
        label=_("Service that gave it"), queryset=None, empty_label=CHOOSE
    )

    class Meta:
        formfield_callback = radios_without_blank
        model = AwarenessSession
        fields = ["service", "date", "audience", "professionals", "topic"]
        widgets = {"date": NHSUKDateInput, "audience": forms.RadioSelect}

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if services.count() == 1:
            self.only_service = services.first()
            del self.fields["service"]
        else:
            self.only_service = None

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("The date of the session cannot be in the future."))
        return date
