"""Template tags that render Django forms and data with NHS.UK frontend markup.

Load with ``{% load nhsuk %}``. The tags build plain dictionaries and hand them to
templates under ``templates/forms/`` and ``templates/includes/``, so the markup lives in
one place and can be read by designers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vocrehab import dates
from vocrehab.forms_rendering import named_errors

register = template.Library()

# Marks a form whose errors were already summarised on this page, so that the
# `{{ form }}` template does not show a second summary.
_SUMMARISED = "_nhsuk_error_summary_rendered"

# NHS.UK class for each kind of widget, and the modifier added when it has errors.
_WIDGET_CLASSES: dict[str, tuple[str, str]] = {
    "select": ("nhsuk-select", "nhsuk-select--error"),
    "selectmultiple": ("nhsuk-select", "nhsuk-select--error"),
    "nullbooleanselect": ("nhsuk-select", "nhsuk-select--error"),
    "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
    "checkbox": ("nhsuk-checkboxes__input", ""),
    "file": ("nhsuk-file-upload__input", ""),
    "clearablefile": ("nhsuk-file-upload__input", ""),
}
_DEFAULT_WIDGET_CLASSES = ("nhsuk-input", "nhsuk-input--error")

# Which template under templates/forms/ renders a field, by BoundField.widget_type.
_FIELD_TEMPLATES: dict[str, str] = {
    "hidden": "forms/widgets/hidden.html",
    "multiplehidden": "forms/widgets/hidden.html",
    "radioselect": "forms/widgets/choices.html",
    "checkboxselectmultiple": "forms/widgets/choices.html",
    "checkbox": "forms/widgets/checkbox.html",
    "select": "forms/widgets/single.html",
    "selectmultiple": "forms/widgets/single.html",
    "nullbooleanselect": "forms/widgets/single.html",
    "textarea": "forms/widgets/single.html",
}


def _widget(field: BoundField) -> forms.Widget:
    return field.field.widget


@register.filter
def nhsuk_field_template(field: BoundField) -> str:
    """Return the template that renders ``field``.

    A widget may choose its own by setting ``nhsuk_template_name``; widgets made of
    several inputs (MultiWidget, SelectDateWidget) are grouped in a fieldset.
    """
    own = getattr(_widget(field), "nhsuk_template_name", None)
    if own:
        return own
    if field.widget_type in _FIELD_TEMPLATES:
        return _FIELD_TEMPLATES[field.widget_type]
    if isinstance(_widget(field), forms.MultiWidget | forms.SelectDateWidget):
        return "forms/widgets/multi.html"
    return "forms/widgets/single.html"


@register.filter
def nhsuk_anchor(field: BoundField) -> str:
    """Return the id of the first input of ``field``, the target of error-summary links.

    Empty when the form was built with ``auto_id=False``: the summary then shows the
    message without a link rather than a broken one.
    """
    if not field.auto_id:
        return ""
    widget = _widget(field)
    if isinstance(widget, forms.RadioSelect | forms.MultiWidget):
        # Django's option and sub-widget ids count from zero.
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def nhsuk_widget(field: BoundField, extra_classes: str = "") -> SafeString:
    """Render the input element of ``field`` with NHS.UK classes.

    Classes already set on the widget (such as ``nhsuk-input--width-10``) are kept.
    Django supplies ``aria-describedby`` (hint and error ids) and ``aria-invalid``.
    """
    widget = _widget(field)
    base, error = _WIDGET_CLASSES.get(field.widget_type, _DEFAULT_WIDGET_CLASSES)
    if isinstance(widget, forms.MultiWidget | forms.SelectDateWidget):
        # Sub-widgets receive the same attrs; a multi widget of text inputs and a
        # date of selects both look right with the input class only for inputs.
        base, error = ("", "")
    classes = [widget.attrs.get("class", ""), base, extra_classes]
    if field.errors and error:
        classes.append(error)
    attrs = {"class": " ".join(c for c in classes if c)} if any(classes) else {}
    return field.as_widget(attrs=attrs)


@register.filter
def nhsuk_choice_kind(field: BoundField) -> str:
    """Return ``"checkboxes"`` for a multiple-choice widget, ``"radios"`` otherwise."""
    return "checkboxes" if getattr(_widget(field), "allow_multiple_selected", False) else "radios"


@register.simple_tag
def nhsuk_choices(field: BoundField) -> list[dict[str, Any]]:
    """Return one dictionary per radio or checkbox option of ``field``.

    Each has ``id``, ``name``, ``value``, ``label``, ``checked``, ``disabled`` and
    ``lang`` (the label's language when the field says it differs from the page's, in
    ``choice_langs`` by value; else empty).
    """
    widget = _widget(field)
    disabled_choices = set(getattr(widget, "disabled_choices", ()) or ())
    langs = getattr(field.field, "choice_langs", None) or {}
    options = []
    for sub in field.subwidgets:
        data = sub.data
        value = "" if data["value"] is None else str(data["value"])
        options.append(
            {
                "id": sub.id_for_label,
                "name": data["name"],
                "value": value,
                "label": data["label"],
                "checked": bool(data["selected"]),
                "disabled": field.field.disabled
                or bool(data["attrs"].get("disabled"))
                or value in disabled_choices,
                "lang": langs.get(value, ""),
            }
        )
    return options


_DATE_PARTS = {"day": 2, "month": 2, "year": 4}


@register.simple_tag
def nhsuk_date_parts(field: BoundField) -> list[dict[str, Any]]:
    """Return the day, month and year boxes of an ``NHSUKDateInput`` field.

    Each has ``id``, ``name``, ``value``, ``label``, ``width`` (NHS.UK width class) and
    ``autocomplete`` (``bday-day`` and so on when the widget has ``autocomplete="bday"``).
    """
    widget = _widget(field)
    attrs = {"id": field.auto_id} if field.auto_id else {}
    context = widget.get_context(field.html_name, field.value(), attrs)
    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
    prefix = widget.attrs.get("autocomplete", "")
    parts = []
    for part, sub in zip(_DATE_PARTS, context["widget"]["subwidgets"], strict=True):
        parts.append(
            {
                "id": sub["attrs"].get("id", ""),
                "name": sub["name"],
                "value": "" if sub["value"] is None else sub["value"],
                "label": labels[part],
                "width": _DATE_PARTS[part],
                "autocomplete": f"{prefix}-{part}" if prefix else "",
            }
        )
    return parts


@register.filter(name="named_errors")
def named_errors_filter(field: BoundField) -> list[str]:
    """The field's errors, each naming the field (``forms_rendering.named_errors``)."""
    return named_errors(field)


def _field_label(field: BoundField) -> str:
    return str(field.label or field.name)


def _errors_of_form(form: forms.BaseForm) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for message in form.non_field_errors():
        items.append({"text": str(message), "href": ""})
    for field in form:
        if field.is_hidden:
            # A hidden field has nothing to jump to; name it so the message makes sense.
            for message in field.errors:
                items.append({"text": f"{_field_label(field)}: {message}", "href": ""})
            continue
        anchor = nhsuk_anchor(field)
        for message in named_errors(field):
            items.append({"text": message, "href": f"#{anchor}" if anchor else ""})
    return items


def error_summary_items(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Return the error-summary entries for forms and formsets, in page order.

    Each entry has ``text`` and ``href`` (``"#<input id>"``, or empty for errors that
    belong to no single input: non-field, hidden-field and formset-level errors).
    """
    items: list[dict[str, str]] = []
    for thing in forms_or_formsets:
        if thing is None or thing == "":
            continue
        if isinstance(thing, BaseFormSet):
            if not thing.is_bound:
                continue
            for message in thing.non_form_errors():
                items.append({"text": str(message), "href": ""})
            for form in thing.forms:
                items.extend(_errors_of_form(form))
        elif isinstance(thing, forms.BaseForm):
            if thing.is_bound:
                items.extend(_errors_of_form(thing))
    return items


@register.simple_tag
def error_summary(*forms_or_formsets: Any, title: str = "") -> SafeString:
    """Render the NHS.UK error summary for one or more forms or formsets.

    Renders nothing when there are no errors. Put it at the top of the main content;
    the forms it covers then render without a summary of their own.
    """
    items = error_summary_items(*forms_or_formsets)
    for thing in forms_or_formsets:
        if isinstance(thing, forms.BaseForm | BaseFormSet):
            setattr(thing, _SUMMARISED, True)
    if not items:
        return mark_safe("")  # noqa: S308 - a constant empty string
    return render_to_string(
        "forms/error_summary.html",
        {"items": items, "title": title or _("There is a problem")},
    )


@register.filter
def error_summary_pending(form: Any) -> bool:
    """True when ``form`` has errors that no ``{% error_summary %}`` has shown yet."""
    return bool(form.errors) and not getattr(form, _SUMMARISED, False)


def _row(row: Any) -> dict[str, Any]:
    if isinstance(row, Mapping):
        key = row.get("key", "")
        return {
            "key": key,
            "value": row.get("value", ""),
            "url": row.get("url") or row.get("change_url") or "",
            "action": row.get("action") or _("Change"),
            "hidden": row.get("hidden") or str(key).lower(),
            # The language of the key and value when it is not the page's (published
            # questionnaire wording shown in English on a Welsh page).
            "lang": row.get("lang", ""),
            "value_lang": row.get("value_lang", row.get("lang", "")),
        }
    key, value, *rest = row
    return {
        "key": key,
        "value": value,
        "url": rest[0] if rest else "",
        "action": _("Change"),
        "hidden": str(key).lower(),
        "lang": "",
        "value_lang": "",
    }


@register.inclusion_tag("includes/summary_list.html")
def summary_list(rows: Iterable[Any], no_border: bool = False) -> dict[str, Any]:
    """Render an NHS.UK summary list (a check-your-answers block).

    ``rows`` holds dictionaries with ``key``, ``value`` and optionally ``url`` (the
    change link), ``action`` (link text, default "Change"), ``hidden`` (what the
    link changes, for screen readers; default the key) and ``lang`` / ``value_lang``
    (the language of the key and of the value, when not the page's), or tuples
    ``(key, value[, url])``.
    """
    prepared = [_row(r) for r in rows or ()]
    return {
        "rows": prepared,
        "any_actions": any(r["url"] for r in prepared),
        "no_border": no_border,
    }


def _cell(cell: Any, numeric: bool) -> dict[str, Any]:
    if isinstance(cell, Mapping):
        return {
            "value": cell.get("html") if "html" in cell else cell.get("text", ""),
            "numeric": cell.get("numeric", numeric),
            "header": bool(cell.get("header")),
        }
    return {"value": cell, "numeric": numeric, "header": False}


@register.inclusion_tag("includes/table.html")
def table(
    headers: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    caption: str = "",
    first_column_header: bool = False,
) -> dict[str, Any]:
    """Render an NHS.UK table.

    ``headers`` are strings or ``{"text", "numeric"}`` dictionaries (numeric columns are
    right-aligned, headers and cells alike). Each row is a list of cells: plain values
    (escaped), or ``{"text"|"html", "numeric", "header"}``; pass ``html`` through
    ``format_html``/``mark_safe`` first, as anything else is escaped.
    """
    heads = []
    for h in headers or ():
        if isinstance(h, Mapping):
            heads.append({"text": h.get("text", ""), "numeric": bool(h.get("numeric"))})
        else:
            heads.append({"text": h, "numeric": False})
    body = []
    for row in rows or ():
        cells = []
        for index, cell in enumerate(row):
            numeric = heads[index]["numeric"] if index < len(heads) else False
            prepared = _cell(cell, numeric)
            if first_column_header and index == 0:
                prepared["header"] = True
            cells.append(prepared)
        body.append(cells)
    caption_id = f"table-{slugify(str(caption))[:40] or 'caption'}-caption" if caption else ""
    return {"headers": heads, "rows": body, "caption": caption, "caption_id": caption_id}


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: template.Context, page_obj: Any, param: str = "page") -> dict[str, Any]:
    """Render NHS.UK numbered pagination for a Django ``Page``.

    Links keep the request's other query parameters (filters, sort order) and change
    only ``param``. Renders nothing when there is a single page.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)

    def url_for(number: int) -> str:
        query[param] = str(number)
        return f"?{query.urlencode()}"

    paginator = page_obj.paginator
    items = []
    for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {"number": number, "url": url_for(number), "current": number == page_obj.number}
            )
    return {
        "show": paginator.num_pages > 1,
        "items": items,
        "previous_url": url_for(page_obj.previous_page_number()) if page_obj.has_previous() else "",
        "next_url": url_for(page_obj.next_page_number()) if page_obj.has_next() else "",
    }


@register.simple_tag
def current_nav_url(nav_items: Iterable[Mapping[str, Any]] | None, path: str = "") -> str:
    """Return the URL of the one navigation entry to mark as current, or "".

    The entry for exactly this page wins; otherwise the most specific active entry, so
    that "/referrals/phone/" is current rather than its parent "/referrals/" as well.
    """
    items = list(nav_items or ())
    urls = [str(item.get("url", "")) for item in items]
    if path and path in urls:
        return path
    active = [url for item, url in zip(items, urls, strict=True) if item.get("active") and url]
    return max(active, key=len, default="")


@register.simple_tag
def visually_hidden(text: str) -> SafeString:
    """Wrap ``text`` in the NHS.UK visually-hidden span (read by screen readers only)."""
    return format_html('<span class="nhsuk-u-visually-hidden">{}</span>', text)


@register.filter
def human_date(value) -> str:
    """A date, or an ISO date string, as "6 Dec 2026"."""
    return dates.human_date(value)
