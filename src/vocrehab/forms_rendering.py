"""Form rendering with NHS.UK frontend markup.

Point ``FORM_RENDERER`` at :class:`NHSUKFormRenderer` and ``{{ form }}`` (and
``{{ form.field.as_field_group }}``) render the NHS.UK way: an error summary, then each
field as a form group with label, hint, error message and NHS.UK classes.
"""

import datetime
import functools
import re

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CHOOSE = _("Choose…")


def blank_first(choices, label=CHOOSE):
    """Choices led by an empty one, so that a select starts unanswered.

    Nothing is recorded that did not happen: a select that records a fact (an outcome, a
    status, a category) must not arrive with its first option already chosen.
    """
    return [("", label), *choices]


def show_refusal(form, error, fields=None) -> None:
    """Put a service's refusal (a ValidationError) on ``form``: a message about a field
    beside that field (by its name, or the form's name for it in ``fields``), any other
    at the top of the form."""
    fields = fields or {}
    if not hasattr(error, "error_dict"):
        for message in getattr(error, "messages", [str(error)]):
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        target = fields.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


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


def radios_without_blank(db_field, **kwargs):
    """``formfield_callback`` for model forms: a radio group offers real answers only.

    Django leads a model field's choices with "---------" when it has no default; as a
    radio that is an answer nobody means (an optional group simply stays unanswered).
    """
    field = db_field.formfield(**kwargs)
    widget = getattr(field, "widget", None)
    if isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    ):
        field.choices = [choice for choice in field.choices if choice[0] not in ("", None)]
    return field


def _default_message_patterns(field: forms.Field) -> list[re.Pattern]:
    """Django's own wording of the field's errors (its own and its validators'), as
    patterns with the placeholders filled in by anything."""
    texts = set()
    for cls in type(field).__mro__:
        texts.update(_wordings(m) for m in getattr(cls, "default_error_messages", {}).values())
    texts.update(_wordings(v.message) for v in field.validators if getattr(v, "message", None))
    return [
        re.compile(re.sub(r"%\\\(\w+\\\)[sd]", ".+", re.escape(text)) + r"\Z", re.S)
        for wordings in texts
        for text in wordings
        if text
    ]


# Numbers that between them reach every plural form of the languages offered (Welsh
# has four: 1, 2, 3 and 8).
_PLURAL_SAMPLES = (0, 1, 2, 3, 8, 11)


def _wordings(message) -> tuple[str, ...]:
    """A message's wordings in the page's language: one, or each plural form of a
    message that counts (``ngettext_lazy``, as the length validators' are)."""
    forms_of = getattr(message, "_kw", {})
    if "singular" in forms_of and "plural" in forms_of:
        return tuple(
            {ngettext(forms_of["singular"], forms_of["plural"], n) for n in _PLURAL_SAMPLES}
        )
    return (str(message),)


def label_in_a_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "First name" becomes "first name"; "GP
    visits" stays as it is."""
    label = label.strip().rstrip("?:").strip()
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _is_a_choice(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField)


def named_errors(bound_field) -> list[str]:
    """The field's error messages, each saying which field it is about.

    A message the project wrote already names what to do ("Enter a real postcode…").
    Django's generic ones do not ("This field is required."), so they are reworded with
    the field's label: "Enter first name", "Answer “Is it safe to leave a message?”",
    "Date of birth: enter a valid date."
    """
    field = bound_field.field
    label = str(bound_field.label or bound_field.name)
    generic = _default_message_patterns(field)
    required = str(forms.Field.default_error_messages["required"])
    messages = []
    for message in bound_field.errors:
        text = str(message)
        if text == required:
            if isinstance(field, forms.BooleanField):
                text = _("Tick the box to confirm: %(field)s") % {"field": label.strip()}
            elif not _is_a_choice(field):
                text = _("Enter %(field)s") % {"field": label_in_a_sentence(label)}
            elif label.rstrip().endswith("?"):
                text = _("Answer “%(question)s”") % {"question": label.strip()}
            else:
                text = _("Choose %(field)s") % {"field": label_in_a_sentence(label)}
        elif any(pattern.match(text) for pattern in generic):
            text = f"{label.strip().rstrip('?:')}: {text[:1].lower()}{text[1:]}"
        messages.append(text)
    return messages
