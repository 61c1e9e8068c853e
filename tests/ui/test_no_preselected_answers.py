"""No form arrives with a fact already chosen: nothing is recorded that did not happen.

Walks every form class of every app (and every questionnaire item's field): a select or
radio group that records something (an outcome, a status, a category, an answer) starts
empty. The few that may start with a value record nothing about a person, each named
below with the reason.
"""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps

from vocrehab.measures.forms import field_for
from vocrehab.measures.instruments import INSTRUMENTS

# form.field: why a starting value records nothing false.
MAY_START_WITH_A_VALUE = {
    "clients.ClientForm.preferred_language": (
        "the form edits a stored record: it shows the language already on it"
    ),
    "casework.CaseloadFilterForm.status": "a filter of the caseload page",
    "casework.CaseloadFilterForm.sort": "the caseload page's sort order",
    "casework.CaseloadFilterForm.worker": "a filter (choices set per request)",
    "economics.AnalysisForm.preset": "which assumptions to run (choices set per request)",
    "economics.AnalysisForm.output": "the output format",
    "interchange.ExportForm.format": "the file format",
    "interchange.ExportForm.dates": "how a pseudonymised export shows dates",
    "interchange.ImportForm.service": "where to import (choices set per request)",
    "measures.ChooseQuestionnaireForm.instrument": "which questionnaire to send",
    "measures.HNAForm.timepoint": "'during the episode' claims no entry or discharge measure",
    "reports.DownloadForm.format": "the file format",
}


def _single_choice_fields():
    for app in apps.get_app_configs():
        if not app.name.startswith("vocrehab."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) and not isinstance(
                    field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
                ):
                    yield f"{app.label}.{name}.{field_name}", field


def _starts_with_a_value(field) -> bool:
    if field.initial is not None:
        return True
    if isinstance(field.widget, forms.RadioSelect):
        return False
    if isinstance(field, forms.ModelChoiceField):
        return field.empty_label is None
    choices = list(field.choices)
    return not choices or choices[0][0] not in ("", None)


FIELDS = sorted(_single_choice_fields())


def test_the_walk_finds_the_forms_that_record_outcomes():
    names = {name for name, _ in FIELDS}
    assert {
        "casework.DischargeForm.work_status",
        "casework.FollowupForm.work_status",
        "casework.OnwardOutcomeForm.outcome",
        "casework.GoalReviewForm.status",
        "casework.AdjustmentStatusForm.status",
        "casework.SignOffDecisionForm.decision",
    } <= names


@pytest.mark.parametrize("name,field", FIELDS, ids=[name for name, _ in FIELDS])
def test_no_choice_starts_answered(name, field):
    if name in MAY_START_WITH_A_VALUE:
        assert _starts_with_a_value(field), f"{name} no longer needs its exception: remove it"
        return
    assert not _starts_with_a_value(field), (
        f"{name} starts with a value chosen; lead its choices with blank_first() "
        "(vocrehab.forms_rendering) and give it no initial"
    )


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_no_questionnaire_answer_starts_answered(code):
    for item in INSTRUMENTS[code].items:
        field = field_for(item, instrument=code)
        if isinstance(field, forms.ChoiceField):
            assert not _starts_with_a_value(field), f"{code} {item.code}"
