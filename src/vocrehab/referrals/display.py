"""Turning forms and records into the rows of an NHS.UK summary list."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def display_value(field: forms.Field, value) -> str:
    """A cleaned value as a person reads it: choice labels, dates written out, Yes/No."""
    if value in (None, "", [], ()):
        return _("Not given")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "pk"):
        # A chosen record as the form labels it (a service by its name in the page's language).
        label = getattr(field, "label_from_instance", str)
        return str(label(value))
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    choices = dict(getattr(field, "choices", ()) or ())
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if choices and str(value) in {str(k) for k in choices}:
        return str({str(k): v for k, v in choices.items()}[str(value)])
    return str(value)


def summary_rows(form: forms.Form, change_url: str = "") -> list[dict]:
    """One row per visible answered-or-asked field, with a change link."""
    rows = []
    for name, field in form.fields.items():
        if name == "website" or isinstance(field.widget, forms.HiddenInput):
            continue
        rows.append(
            {
                "key": field.label,
                "value": display_value(field, form.cleaned_data.get(name)),
                "url": change_url,
                "hidden": str(field.label).lower(),
            }
        )
    return rows
