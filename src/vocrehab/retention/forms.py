from django import forms

from .models import RetentionSchedule


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = RetentionSchedule
        fields = [
            "closed_episode_years",
            "unassessed_referral_years",
            "cancer_years",
            "cancer_after_death_years",
        ]
        # Years are one to three digits: a box that size says so.
        widgets = {
            name: forms.NumberInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"})
            for name in fields
        }


class ConfirmForm(forms.Form):
    """The manager confirms the list they were shown, not one that changed since."""

    shown = forms.CharField(widget=forms.HiddenInput)
