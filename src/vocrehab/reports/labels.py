"""What a person reads for each code and column of the report's tables.

One place for every label: the web page and the PDF show labels only; the spreadsheet
and the CSV files keep each code and put a ``<column>_label`` column beside it; the
JSON keeps codes (machines read it). Code lists come from ``codes.py`` and the
questionnaires' own definitions, so a new code is labelled where it is defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocrehab.casework.models import GoalTerm
from vocrehab.codes import (
    Condition,
    ContactMode,
    Engagement,
    Ethnicity,
    Intervention,
    MainReason,
    Occupation,
    OnwardCategory,
    OnwardKind,
    ReferralSource,
    Sex,
    Tier,
    Timepoint,
    WorkStatus,
)
from vocrehab.directory.models import ProfessionalGroup, ProgrammeTopic
from vocrehab.episodes.standards import STANDARDS
from vocrehab.measures.instruments import INSTRUMENTS

# Values that are not in a code list of their own.
_WORDS = {
    "interval": {
        "lt_6m": gettext_lazy("Under 6 months"),
        "6_12m": gettext_lazy("6 to 12 months"),
        "1_2y": gettext_lazy("1 to 2 years"),
        "2_5y": gettext_lazy("2 to 5 years"),
        "gt_5y": gettext_lazy("5 years or more"),
        "not_known": gettext_lazy("Not known"),
    },
    "within": {
        "same_day": gettext_lazy("The same day"),
        "7_days": gettext_lazy("Within 7 days"),
        "14_days": gettext_lazy("Within 14 days"),
        "28_days": gettext_lazy("Within 28 days"),
        "4_weeks": gettext_lazy("Within 4 weeks"),
        "12_weeks": gettext_lazy("Within 12 weeks"),
        "16_weeks": gettext_lazy("Within 16 weeks"),
        "over_16_weeks": gettext_lazy("Over 16 weeks"),
    },
    "metric": {
        "referred": gettext_lazy("Referrals"),
        "discharged": gettext_lazy("Discharged"),
        "open": gettext_lazy("Still open"),
        "re_referrals": gettext_lazy("Re-referrals"),
        "plans_written": gettext_lazy("Plan written"),
        "plans_agreed": gettext_lazy("Plan agreed"),
        "plans_completed": gettext_lazy("Plan completed (last planned week reached)"),
        "employer_contacts": gettext_lazy("Contacts with the employer"),
        "employer_meetings": gettext_lazy("Meetings with the employer"),
    },
    "entry_group": {
        "in_work": gettext_lazy("In work at entry"),
        "off_sick": gettext_lazy("Off sick at entry"),
        "not_in_work": gettext_lazy("Not in work at entry"),
    },
    "most_deprived_15pct": {
        "yes": gettext_lazy("In the most deprived 15% of areas"),
        "no": gettext_lazy("Not in the most deprived 15%"),
    },
    "deprivation_quintile": {
        "1": gettext_lazy("1 (most deprived)"),
        "2": "2",
        "3": "3",
        "4": "4",
        "5": gettext_lazy("5 (least deprived)"),
    },
    "subscale": {"anxiety": gettext_lazy("Anxiety"), "depression": gettext_lazy("Depression")},
    "score": {
        "performance": gettext_lazy("Performance"),
        "satisfaction": gettext_lazy("Satisfaction"),
    },
    "tier": {
        "all": gettext_lazy("All tiers"),
        "not_allocated": gettext_lazy("No tier given"),
        "third_party": gettext_lazy("Support for a family member or carer"),
    },
}
_NOT_RECORDED = {"not_recorded": gettext_lazy("Not recorded"), "": "–"}

# The satisfaction survey's answers in words, where VRMDS names them.
_SATISFACTION_ANSWERS = {
    "overall": {
        "4": gettext_lazy("Excellent"),
        "3": gettext_lazy("Good"),
        "2": gettext_lazy("Fair"),
        "1": gettext_lazy("Poor"),
    },
    "helpful": {"4": gettext_lazy("Very helpful"), "1": gettext_lazy("Not at all helpful")},
    "involved": {"4": gettext_lazy("Very involved"), "1": gettext_lazy("Not at all involved")},
    "positive_impact": {
        "5": gettext_lazy("Strongly agree"),
        "4": gettext_lazy("Agree"),
        "3": gettext_lazy("Neither agree nor disagree"),
        "2": gettext_lazy("Disagree"),
        "1": gettext_lazy("Strongly disagree"),
    },
    "recommend": {"1": gettext_lazy("Yes"), "0": gettext_lazy("No")},
    "use_again": {"1": gettext_lazy("Yes"), "0": gettext_lazy("No")},
}

# The questionnaire whose items a table's ``item``, ``dimension`` or ``question`` names.
_TABLE_INSTRUMENT = {
    "work_confidence": "work_confidence",
    "health_use": "health_use",
    "satisfaction": "satisfaction",
    "eq5d_no_problems": "eq5d5l",
}

_CODE_LISTS = {
    "referral_source": ReferralSource,
    "sex": Sex,
    "ethnicity": Ethnicity,
    "condition": Condition,
    "occupation": Occupation,
    "work_status": WorkStatus,
    "discharge_status": WorkStatus,
    "main_reason": MainReason,
    "tier": Tier,
    "intervention": Intervention,
    "engagement": Engagement,
    "mode": ContactMode,
    "kind": OnwardKind,
    "category": OnwardCategory,
    "timepoint": Timepoint,
    "term": GoalTerm,
    "topic": ProgrammeTopic,
    "audience": ProfessionalGroup,
}

_STANDARD_NAME = re.compile(r"^(?P<code>[a-z_]+)_(?P<days>\d+)_working_days$")


def _standard(value: str) -> str | None:
    match = _STANDARD_NAME.match(value)
    if not match:
        return None
    titles = {
        "first_contact": _("First contact within %(days)s working days"),
        "assessment": _("Assessment within %(days)s working days"),
    }
    if match["code"] not in {s.code for s in STANDARDS} or match["code"] not in titles:
        return None
    return titles[match["code"]] % {"days": match["days"]}


def _band(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _instrument(value: str) -> str | None:
    instrument = INSTRUMENTS.get(value)
    return str(instrument.name) if instrument else None


def _item(table_id: str, value: str) -> str | None:
    instrument = INSTRUMENTS.get(_TABLE_INSTRUMENT.get(table_id, ""))
    if instrument is None:
        return None
    try:
        text = str(instrument.item(value).label)
    except KeyError:
        return None
    # Item labels may carry their scale in brackets, which the table's answers give.
    return text.split(" (")[0]


def _answer(cell: dict, value: str) -> str | None:
    words = _SATISFACTION_ANSWERS.get(str(cell.get("question", "")), {}).get(value)
    return f"{value} – {words}" if words else None


_SPECIAL: dict[str, Callable[[str], str | None]] = {
    "standard": _standard,
    "band": _band,
    "instrument": _instrument,
}


def label(column: str, value, *, table_id: str = "", cell: dict | None = None) -> str:
    """The words a person reads for ``value`` in ``column`` of table ``table_id``.

    A value with no label of its own is shown as written (an ICD-10 code, a service
    code, a number), underscores as spaces.
    """
    if value is None:
        return "–"
    found = known_label(column, value, table_id=table_id, cell=cell)
    return found if found is not None else str(value).replace("_", " ")


def known_label(column: str, value, *, table_id: str = "", cell: dict | None = None):
    """The label of ``value`` from a code list or the words above, or None if it has none."""
    text = str(value)
    if text in _NOT_RECORDED:
        return str(_NOT_RECORDED[text])
    found: str | None = None
    if column in _WORDS and text in _WORDS[column]:
        found = str(_WORDS[column][text])
    elif column in _CODE_LISTS and text in _CODE_LISTS[column].values:
        found = str(_CODE_LISTS[column](text).label)
    elif column in _SPECIAL:
        found = _SPECIAL[column](text)
    elif column in ("item", "dimension", "question"):
        found = _item(table_id, text)
    elif column == "answer":
        found = _answer(cell or {}, text)
    return found


def has_label(column: str) -> bool:
    """Does ``column`` hold codes that a person reads as words?"""
    return (
        column in _WORDS
        or column in _CODE_LISTS
        or column in _SPECIAL
        or column in ("item", "dimension", "question", "answer")
    )


_HEADERS = {
    "count": gettext_lazy("Count"),
    "percent": gettext_lazy("Percent"),
    "clients": gettext_lazy("Clients"),
    "mean": gettext_lazy("Mean"),
    "median": gettext_lazy("Median"),
    "n": gettext_lazy("Number"),
    "met": gettext_lazy("Met"),
    "eligible": gettext_lazy("Eligible"),
    "not_yet_due": gettext_lazy("Not yet due"),
    "out_of_window": gettext_lazy("Left out: collected outside the window"),
    "total": gettext_lazy("Total"),
    "most_deprived_15pct": gettext_lazy("Most deprived 15%"),
    "deprivation_quintile": gettext_lazy("Deprivation quintile"),
    "condition_detail": gettext_lazy("Condition detail"),
    "discharge_status": gettext_lazy("Work status at discharge"),
    "entry_group": gettext_lazy("At entry"),
    "within": gettext_lazy("Within"),
    "interval": gettext_lazy("Time since diagnosis"),
    "value_set": gettext_lazy("Value set"),
    "main_reason": gettext_lazy("Main reason for referral"),
    "referral_source": gettext_lazy("Referral source"),
    "term": gettext_lazy("Goal"),
    "topic": gettext_lazy("Course topic"),
    "audience": gettext_lazy("Audience"),
    "percent_achieved": gettext_lazy("Percent achieved"),
    "professionals": gettext_lazy("Professionals attending"),
}


def header(column: str) -> str:
    """A column's heading in words: ``percent_sustained`` reads "Percent sustained"."""
    if column in _HEADERS:
        return str(_HEADERS[column])
    return column.replace("_", " ").capitalize()
