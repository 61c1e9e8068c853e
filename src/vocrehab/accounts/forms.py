"""The API token form. Its rules (services the owner holds, a year at most) are in tokens.py."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TOKEN_MAX_DAYS, Scope
from .tokens import services_holdable, validate_token_request


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "nhsuk-input--width-10"}, format="%Y-%m-%d")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, for example “Outcomes dashboard”. The access log shows it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose only what the program needs."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services it covers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("It sees records of these services only, and only what its owner may."),
    )
    expires_on = forms.DateField(
        label=_("Last day it works"),
        widget=_DateInput(),
        help_text=_("At most a year from today."),
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["services"].queryset = services_holdable(owner).order_by("name")
        self.fields["expires_on"].widget.attrs["max"] = (
            timezone.localdate() + datetime.timedelta(days=TOKEN_MAX_DAYS)
        ).isoformat()

    def clean(self):
        data = super().clean()
        if {"scopes", "services", "expires_on"} <= set(data):
            problems = validate_token_request(
                owner=self.owner,
                scopes=data["scopes"],
                services=list(data["services"]),
                expires_on=data["expires_on"],
            )
            for field, messages in problems.items():
                for message in messages:
                    self.add_error(field, message)
        return data
