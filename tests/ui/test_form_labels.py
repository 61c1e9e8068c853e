"""Every form reads well: no label says "(optional)" twice, no radio offers "---------".

The field template adds "(optional)" to every optional field's label, so a label must
not carry it; and a radio group's choices are real answers, never Django's blank line.
"""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps


def _form_fields():
    for app in apps.get_app_configs():
        if not app.name.startswith("vocrehab."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    yield f"{app.label}.{name}.{field_name}", field


FIELDS = sorted(_form_fields(), key=lambda pair: pair[0])


def test_the_walk_finds_the_forms():
    assert len(FIELDS) > 200


@pytest.mark.parametrize("name,field", FIELDS, ids=[name for name, _ in FIELDS])
def test_label_does_not_say_optional_itself(name, field):
    label = str(field.label or "")
    assert "(optional)" not in label, f"{name}: the template adds it"
    if not field.required:
        assert "(if known" not in label, f"{name}: says optional twice"


RADIOS = [
    (name, field)
    for name, field in FIELDS
    if isinstance(field.widget, forms.RadioSelect)
    and not isinstance(field.widget, forms.CheckboxSelectMultiple)
]


@pytest.mark.parametrize("name,field", RADIOS, ids=[name for name, _ in RADIOS])
def test_radio_groups_offer_no_blank_line(name, field):
    labels = [str(label) for value, label in field.widget.choices]
    assert "---------" not in labels, name
    assert "" not in [value for value, _ in field.widget.choices], name


def _labels_written_in_code():
    """Every label written in a form module's code, fields made in ``__init__`` included
    (the walk above sees only the fields a form class declares)."""
    import ast
    from pathlib import Path

    import vocrehab

    src = Path(vocrehab.__file__).parent
    for path in sorted(src.glob("**/forms.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_label = (isinstance(node, ast.keyword) and node.arg == "label") or (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Attribute) and t.attr == "label" for t in node.targets)
            )
            if not is_label:
                continue
            for inner in ast.walk(node.value):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    yield f"{path.relative_to(src)}:{inner.lineno}", inner.value


def test_no_label_written_in_code_says_optional_itself():
    labels = list(_labels_written_in_code())
    assert len(labels) > 200
    assert [where for where, text in labels if "(optional)" in text] == []
