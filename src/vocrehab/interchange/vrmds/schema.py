"""The files and columns of VRMDS v1 (``dataset/VRMDS.md``), as data.

The validator, the parsing helpers, the importer, the exporter and the synthetic data
generator all read these tables, so a column's type or code list is stated once. Code
lists come from :mod:`vocrehab.codes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from vocrehab import codes
from vocrehab.episodes import facts


class Kind:
    TEXT = "text"
    DATE = "date"
    INT = "int"
    CODE = "code"
    CODES = "codes"  # ";"-separated list of codes
    NHS = "nhs"  # NHS or CHI number
    NUMBER = "number"  # decimal; measures values, range checked per instrument item


@dataclass(frozen=True)
class Column:
    """One VRMDS column. ``what`` names the code list in messages ("referral source")."""

    name: str
    kind: str = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    what: str = ""


def _choices(text_choices) -> tuple[str, ...]:
    return tuple(str(v) for v in text_choices.values)


EPISODES = "episodes.csv"
CONTACTS = "contacts.csv"
ONWARD = "onward.csv"
MEASURES = "measures.csv"

FILE_NAMES = (EPISODES, CONTACTS, ONWARD, MEASURES)
REQUIRED_FILES = (EPISODES,)
EXTENSION_PREFIX = "x_"

_WORK_STATUS = _choices(codes.WorkStatus)

COLUMNS: dict[str, tuple[Column, ...]] = {
    EPISODES: (
        Column("episode_id", required=True, max_length=64),
        Column("client_id", required=True, max_length=64),
        Column("service_code", required=True, max_length=32),
        Column("nhs_number", Kind.NHS),
        Column("referral_date", Kind.DATE, required=True),
        Column(
            "referral_source",
            Kind.CODE,
            required=True,
            choices=_choices(codes.ReferralSource),
            what="referral source",
        ),
        Column("first_contact_date", Kind.DATE),
        Column("assessment_date", Kind.DATE),
        Column("sex", Kind.CODE, choices=_choices(codes.Sex), what="sex"),
        Column("age_at_referral", Kind.INT, min=16, max=100),
        Column("ethnicity", Kind.CODE, choices=_choices(codes.Ethnicity), what="ethnic category"),
        Column("area_code"),
        Column(
            "deprivation_index",
            Kind.CODE,
            choices=_choices(codes.DeprivationIndex),
            what="deprivation index",
        ),
        Column("deprivation_rank", Kind.INT, min=1),
        Column("deprivation_decile", Kind.INT, min=1, max=10),
        Column(
            "condition",
            Kind.CODE,
            required=True,
            choices=_choices(codes.Condition),
            what="condition",
        ),
        Column("condition_detail"),
        Column("diagnosis_date", Kind.DATE),
        Column("occupation", Kind.CODE, choices=_choices(codes.Occupation), what="occupation"),
        Column(
            "work_status_at_referral",
            Kind.CODE,
            required=True,
            choices=_WORK_STATUS,
            what="work status",
        ),
        Column("weeks_absent_at_referral", Kind.INT, min=0),
        Column(
            "main_reason",
            Kind.CODE,
            required=True,
            choices=_choices(codes.MainReason),
            what="main reason",
        ),
        Column("tier", Kind.CODE, choices=_choices(codes.Tier), what="tier"),
        Column("engagement", Kind.CODE, choices=_choices(codes.Engagement), what="engagement"),
        Column("discharge_date", Kind.DATE),
        Column("work_status_at_discharge", Kind.CODE, choices=_WORK_STATUS, what="work status"),
        Column("followup_date", Kind.DATE),
        Column("work_status_at_followup", Kind.CODE, choices=_WORK_STATUS, what="work status"),
        Column("previous_episode_id"),
    ),
    CONTACTS: (
        Column("episode_id", required=True),
        Column("contact_date", Kind.DATE, required=True),
        Column("mode", Kind.CODE, required=True, choices=_choices(codes.ContactMode), what="mode"),
        Column("with", Kind.CODE, choices=_choices(codes.ContactWith), what="contact-with"),
        Column("minutes", Kind.INT, min=0),
        Column(
            "interventions",
            Kind.CODES,
            choices=_choices(codes.Intervention),
            what="intervention",
        ),
    ),
    ONWARD: (
        Column("episode_id", required=True),
        Column("date", Kind.DATE, required=True),
        Column("kind", Kind.CODE, required=True, choices=_choices(codes.OnwardKind), what="kind"),
        Column(
            "category",
            Kind.CODE,
            required=True,
            choices=_choices(codes.OnwardCategory),
            what="category",
        ),
        Column("service_name"),
        Column("service_ref"),
    ),
    MEASURES: (
        Column("episode_id", required=True),
        Column(
            "timepoint",
            Kind.CODE,
            required=True,
            choices=tuple(str(t) for t in codes.VRMDS_TIMEPOINTS),
            what="timepoint",
        ),
        Column("date", Kind.DATE, required=True),
        Column("instrument", required=True),
        Column("item", required=True),
        Column("value", Kind.NUMBER, required=True),
    ),
}

HEADERS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in columns) for name, columns in COLUMNS.items()
}

# Episode dates that must not come before referral and must run in this order: the
# episode core's order (episodes.facts), under VRMDS names (its followup_date is the date
# the follow-up status was collected).
_VRMDS_DATE_NAMES = {"followup_collected_on": "followup_date"}
DATE_ORDER = tuple(_VRMDS_DATE_NAMES.get(name, name) for name in facts.DATE_FIELDS)
