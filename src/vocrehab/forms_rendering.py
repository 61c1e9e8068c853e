"""Form rendering with NHS.UK frontend markup.

Point ``FORM_RENDERER`` at :class:`NHSUKFormRenderer` and ``{{ form }}`` (and
``{{ form.field.as_field_group }}``) render the NHS.UK way: an error summary, then each
field as a form group with label, hint, error message and NHS.UK classes.
"""

import datetime
import functools

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext_lazy as _

CHOOSE = _("Choose…")


def blank_first(choices, label=CHOOSE):
    """Choices led by an empty one, so that a select starts unanswered.

    Nothing is recorded that did not happen: a select that records a fact (an outcome, a
    status, a category) must not arrive with its first option already chosen.
    """
    return [("", label), *choices]


class NHSUKFormRenderer(TemplatesSetting):
    """Render forms and fields through ``templates/forms/`` of the project's engines.

    Django's own widget templates (``django/forms/widgets/*.html``) are found even when
    ``django.forms`` is not in INSTALLED_APPS, so the renderer works in any settings.
    """

    form_template_name = "forms/nhsuk_form.html"
    field_template_name = "forms/nhsuk_field.html"

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return _django_forms_renderer().get_template(template_name)


@functools.cache
def _django_forms_renderer() -> DjangoTemplates:
    return DjangoTemplates()


class NHSUKDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year boxes, for a ``forms.DateField``.

    The three boxes are joined into ``YYYY-MM-DD`` text that DateField parses, so what
    the person typed is shown back to them when the date is not valid. Use it where
    people know the date (date of birth, date of referral); use a select or radios for
    approximate answers.
    """

    nhsuk_template_name = "forms/widgets/date.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__({part: forms.TextInput(attrs=numeric) for part in self.parts}, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            (widget.value_from_datadict(data, files, name + suffix) or "").strip()
            for widget, suffix in zip(self.widgets, self.widgets_names, strict=True)
        )
        if not (day or month or year):
            return None
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name):
        return all(
            widget.value_omitted_from_data(data, files, name + suffix)
            for widget, suffix in zip(self.widgets, self.widgets_names, strict=True)
        )
