"""A reference implementation of the VRMDS evaluation report in DuckDB SQL.

It reads a VRMDS export folder (``episodes.csv``, ``contacts.csv``, ``onward.csv``,
``measures.csv``) straight from the CSV files and computes the standard report's tables
as ``dataset/VRMDS.md`` defines them, in the report's JSON shape (the same table ids
and the same cell dictionaries, unsuppressed), so that :func:`compare` can hold the
report (``vocrehab.reports.evaluation``) to it cell for cell. It is written from the
standard, not from the report's queries: the two share no query code, only the facts
the standard names (its code lists, here copied from the standard), the published
EQ-5D value sets (``vocrehab.measures.valuesets``, data only) and the bank holidays of
the ``holidays`` package, from which it builds its own working-day calendar.

Two things a VRMDS export does not hold come from the caller: each service's nation
(whose bank holidays the working days leave out) and its own standard limits, for
``service_standards``; and each service's questionnaire schedule, for
``questionnaire_completion``. Without them those tables are not computed.

    python benchmarks/reference_duckdb.py EXPORT_FOLDER [--services A,B] [--as-of DATE]

prints the reference tables as JSON. Tables outside VRMDS (the report's local casework
tables) are not computed: :func:`compare` lists them as not covered.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]

# --- the standard's code lists (dataset/VRMDS.md), in the order it gives them ---------

REFERRAL_SOURCES = (
    "acute_nhs",
    "primary_care",
    "self",
    "macmillan",
    "voluntary",
    "employer",
    "occupational_health",
    "jobcentre",
    "local_authority",
    "other",
)
SEXES = ("female", "male", "other", "not_stated")
ETHNICITIES = tuple("ABCDEFGHJKLMNPRS") + ("Z",)
CONDITIONS = ("cancer", "ms", "ibd", "copd", "other")
OCCUPATIONS = (*(str(n) for n in range(1, 10)), "unemployed", "student", "retired", "other")
OCCUPATIONS = (*OCCUPATIONS, "not_known")
WORK_STATUSES = (
    "at_work",
    "self_employed",
    "off_sick",
    "unemployed",
    "retired",
    "education",
    "volunteering",
    "deceased",
    "not_known",
)
IN_WORK = ("at_work", "self_employed")
MAIN_REASONS = (
    "return_from_sickness",
    "stay_in_work",
    "change_job",
    "leave_work",
    "find_work",
    "third_party",
)
TIERS = ("1", "2", "3")
ENGAGEMENTS = ("engaged", "did_not_engage", "withdrew")
CONTACT_MODES = ("phone", "face_to_face", "home_visit", "video", "email", "letter")
INTERVENTIONS = (
    "assessment",
    "goal_setting",
    "problem_solving",
    "work_readiness",
    "condition_management",
    "phased_return",
    "psychological",
    "rights_disclosure",
    "onward_referral",
    "employer_liaison",
    "workplace_adjustments",
    "supported_withdrawal",
)
ONWARD_KINDS = ("referral", "signpost")
ONWARD_CATEGORIES = (
    "employment",
    "welfare",
    "financial",
    "health_wellbeing",
    "psychological",
    "clinical",
    "careers",
    "legal",
    "self_management",
    "other",
)
DEPRIVATION_AREAS = {
    "simd2020": 6976,
    "imd2019": 32844,
    "imd2025": 33755,
    "wimd2019": 1909,
    "nimdm2017": 890,
}
EQ5D_DIMENSIONS = ("mobility", "self_care", "usual_activities", "pain_discomfort")
EQ5D_DIMENSIONS = (*EQ5D_DIMENSIONS, "anxiety_depression")
# (question, answers from best to worst) of the satisfaction survey.
SATISFACTION = (
    ("overall", (4, 3, 2, 1)),
    ("helpful", (4, 3, 2, 1)),
    ("involved", (4, 3, 2, 1)),
    ("positive_impact", (5, 4, 3, 2, 1)),
    ("recommend", (1, 0)),
    ("use_again", (1, 0)),
)
WORK_CONFIDENCE_ITEMS = ("working", "managing_condition", "work_impact")
HEALTH_USE_ITEMS = ("gp_visits", "outpatient_visits", "hospital_stays")
# Instruments whose total is prorated when one item is missing: (items in the total).
PRORATED = {"phq9": 9, "gad7": 7, "who5": 5}
# Band codes with the lowest score of each band.
HADS_BANDS = (("normal", 0), ("mild", 8), ("moderate", 11), ("severe", 15))
PHQ9_BANDS = (
    ("minimal", 0),
    ("mild", 5),
    ("moderate", 10),
    ("moderately_severe", 15),
    ("severe", 20),
)
GAD7_BANDS = (("minimal", 0), ("mild", 5), ("moderate", 10), ("severe", 15))
NOT_RECORDED = "not_recorded"
NATIONAL_STANDARDS = (("first_contact", 5), ("assessment", 10))
FOLLOWUP_OPENS, FOLLOWUP_CLOSES = 150, 270
TIMEPOINTS = ("entry", "discharge")
COMPLETION_TIMEPOINTS = ("entry", "discharge", "followup")
# Where a nation's bank holidays come from (the "holidays" package, as the project).
HOLIDAY_SUBDIVISIONS = {
    "scotland": "SCT",
    "england": "ENG",
    "wales": "WLS",
    "northern_ireland": "NIR",
}

COVERED = (
    "summary",
    "referral_sources",
    "conditions",
    "sex",
    "age",
    "ethnicity",
    "deprivation",
    "occupations",
    "diagnosis_to_referral",
    "reasons_by_tier",
    "time_to_assessment",
    "engagement",
    "contacts_by_tier",
    "contact_modes",
    "interventions",
    "length_of_stay",
    "onward",
    "work_status",
    "work_status_transitions",
    "work_status_by_tier",
    "work_status_by_deprivation",
    "work_status_by_condition",
    "followup",
    "eq5d_no_problems",
    "eq_vas",
    "eq5d_index",
    "hads_bands",
    "phq9_bands",
    "gad7_bands",
    "who5",
    "copm",
    "work_confidence",
    "health_use",
    "satisfaction",
)
# Computed only when the caller gives what the export lacks (see the module docstring).
COVERED_WITH_SERVICES = ("service_standards", "questionnaire_completion")


# --- loading ----------------------------------------------------------------------------

_EPISODE_COLUMNS = {
    "episode_id": "VARCHAR",
    "client_id": "VARCHAR",
    "service_code": "VARCHAR",
    "referral_date": "DATE",
    "referral_source": "VARCHAR",
    "first_contact_date": "DATE",
    "assessment_date": "DATE",
    "sex": "VARCHAR",
    "age_at_referral": "INTEGER",
    "ethnicity": "VARCHAR",
    "deprivation_index": "VARCHAR",
    "deprivation_rank": "INTEGER",
    "deprivation_decile": "INTEGER",
    "condition": "VARCHAR",
    "condition_detail": "VARCHAR",
    "diagnosis_date": "DATE",
    "occupation": "VARCHAR",
    "work_status_at_referral": "VARCHAR",
    "main_reason": "VARCHAR",
    "tier": "VARCHAR",
    "engagement": "VARCHAR",
    "discharge_date": "DATE",
    "work_status_at_discharge": "VARCHAR",
    "followup_date": "DATE",
    "work_status_at_followup": "VARCHAR",
    "previous_episode_id": "VARCHAR",
}
_CHILD_COLUMNS = {
    "contacts.csv": {
        "episode_id": "VARCHAR",
        "contact_date": "DATE",
        "mode": "VARCHAR",
        "interventions": "VARCHAR",
    },
    "onward.csv": {
        "episode_id": "VARCHAR",
        "date": "DATE",
        "kind": "VARCHAR",
        "category": "VARCHAR",
    },
    "measures.csv": {
        "episode_id": "VARCHAR",
        "timepoint": "VARCHAR",
        "date": "DATE",
        "instrument": "VARCHAR",
        "item": "VARCHAR",
        "value": "DOUBLE",
    },
}


def _select(columns: dict[str, str]) -> str:
    """The columns used, an empty text cell read as NULL as an empty date or number is."""
    return ", ".join(
        f'NULLIF("{name}", \'\') AS "{name}"' if kind == "VARCHAR" else f'"{name}"'
        for name, kind in columns.items()
    )


def _read(path: Path, wanted: dict[str, str]) -> str:
    """``read_csv`` of a VRMDS file with every column typed up front (no sniffing): the
    columns used as ``wanted``, any other (``x_`` extensions, free text) as text."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    columns = ", ".join(
        "'" + name.replace("'", "''") + "': '" + wanted.get(name, "VARCHAR") + "'"
        for name in header
    )
    return (
        f"read_csv('{path.as_posix()}', header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"')"
    )


def load(con, folder: Path, services: list[str] | None = None) -> None:
    """Tables ``ep`` (the episodes of ``services``, all when None), ``ct`` (their
    contacts), ``cc`` (one row per contact and intervention code), ``onw``
    and ``ms`` (their onward rows and item values) in ``con``."""
    where = ""
    if services is not None:
        quoted = ", ".join("'" + code.replace("'", "''") + "'" for code in services)
        where = f"WHERE service_code IN ({quoted})"
    episodes = _read(folder / "episodes.csv", _EPISODE_COLUMNS)
    con.execute(
        f"CREATE TABLE ep AS SELECT * FROM "  # noqa: S608 - paths and codes only
        f"(SELECT {_select(_EPISODE_COLUMNS)} FROM {episodes}) {where}"
    )
    duplicated = con.execute("SELECT count(*) - count(DISTINCT episode_id) FROM ep").fetchone()[0]
    if duplicated:
        raise ValueError(
            "episode_id is not unique across the services of this export, so contacts, "
            "onward rows and measures cannot be matched to their episode"
        )
    for name, columns in _CHILD_COLUMNS.items():
        table = {"contacts.csv": "ct", "onward.csv": "onw", "measures.csv": "ms"}[name]
        path = folder / name
        if path.exists():
            source = f"SELECT {_select(columns)} FROM {_read(path, columns)}"
        else:
            source = (
                "SELECT "
                + ", ".join(f'CAST(NULL AS {kind}) AS "{c}"' for c, kind in columns.items())
                + " WHERE false"
            )
        # Only a chosen few services' episodes leave rows of other services to drop.
        keep = "SEMI JOIN ep USING (episode_id)" if services is not None else ""
        con.execute(f"CREATE TABLE {table} AS SELECT x.* FROM ({source}) x {keep}")  # noqa: S608
    # One row per contact and intervention code (a code repeated in one contact twice:
    # the tables count distinct contacts). A contact is known by its row.
    con.execute(
        "CREATE TABLE cc AS SELECT row_no, episode_id, TRIM(code) AS code FROM ("
        "  SELECT rowid AS row_no, episode_id, UNNEST(string_split(interventions, ';')) AS code "
        "  FROM ct WHERE interventions IS NOT NULL) WHERE TRIM(code) <> ''"
    )


# --- helpers ----------------------------------------------------------------------------


def _percent(part, whole):
    if part is None or not whole:
        return None
    return 100.0 * part / whole


def _code(value) -> str:
    return NOT_RECORDED if value in (None, "") else str(value)


def _counts(con, sql: str) -> dict:
    """{key (a tuple when more than one column before the count): count} of a GROUP BY."""
    out: dict = {}
    for *key, n in con.execute(sql).fetchall():
        k = tuple(_code(v) for v in key) if len(key) > 1 else _code(key[0])
        out[k] = out.get(k, 0) + n
    return out


def _code_cells(dim, codes, counts, total, **fixed) -> list[dict]:
    """A cell for every code of the list (zero or not), then any other code found."""
    listed = list(codes)
    cells = []
    for code in [*listed, *sorted(set(counts) - set(listed))]:
        n = counts.get(code, 0)
        cells.append({**fixed, dim: code, "count": n, "percent": _percent(n, total)})
    return cells


def _one(con, sql: str):
    return con.execute(sql).fetchone()


def _round9(value):
    return None if value is None else round(float(value), 9)


# --- the tables -------------------------------------------------------------------------


def _profile(con, tables: dict) -> int:
    referred, discharged, re_referrals = _one(
        con,
        "SELECT count(*), count(discharge_date), count(previous_episode_id) FROM ep",
    )
    tables["summary"] = {
        "n": referred,
        "cells": [
            {"metric": "referred", "count": referred},
            {"metric": "discharged", "count": discharged},
            {"metric": "open", "count": referred - discharged},
            {"metric": "re_referrals", "count": re_referrals},
        ],
    }
    for table_id, column, codes in (
        ("referral_sources", "referral_source", REFERRAL_SOURCES),
        ("sex", "sex", SEXES),
        ("ethnicity", "ethnicity", ETHNICITIES),
        ("occupations", "occupation", OCCUPATIONS),
    ):
        counts = _counts(con, f"SELECT {column}, count(*) FROM ep GROUP BY 1")  # noqa: S608
        tables[table_id] = {
            "n": referred,
            "cells": _code_cells(column, codes, counts, referred),
        }

    by_detail = _counts(con, "SELECT condition, condition_detail, count(*) FROM ep GROUP BY 1, 2")
    by_condition: dict[str, int] = defaultdict(int)
    for (condition, _detail), n in by_detail.items():
        by_condition[condition] += n
    cells = []
    for condition in [*CONDITIONS, *sorted(set(by_condition) - set(CONDITIONS))]:
        n = by_condition.get(condition, 0)
        cells.append(
            {
                "condition": condition,
                "condition_detail": "",
                "count": n,
                "percent": _percent(n, referred),
            }
        )
        details = [
            (detail, n)
            for (c, detail), n in by_detail.items()
            if c == condition and detail != NOT_RECORDED
        ]
        for detail, count in sorted(details, key=lambda d: (-d[1], d[0])):
            cells.append(
                {
                    "condition": condition,
                    "condition_detail": detail,
                    "count": count,
                    "percent": _percent(count, referred),
                }
            )
    tables["conditions"] = {"n": referred, "cells": cells}

    n, mean, median, low, high = _one(
        con,
        "SELECT count(age_at_referral), avg(age_at_referral), median(age_at_referral), "
        "min(age_at_referral), max(age_at_referral) FROM ep",
    )
    tables["age"] = {
        "n": n,
        "cells": [
            {
                "mean": _round9(mean),
                "median": None if median is None else float(median),
                "min": low,
                "max": high,
            }
        ],
    }
    return referred


def _deprivation_sql() -> tuple[str, str]:
    """SQL for an episode's decile (from its rank when it has one) and its "most deprived
    15%" code (yes, no; NULL without a rank)."""
    decile = ["CASE"]
    most = ["CASE"]
    for index, areas in DEPRIVATION_AREAS.items():
        has_rank = f"deprivation_index = '{index}' AND deprivation_rank IS NOT NULL"
        decile.append(f"WHEN {has_rank} THEN CAST(ceil(10.0 * deprivation_rank / {areas}) AS INT)")
        most.append(
            f"WHEN {has_rank} THEN CASE WHEN deprivation_rank <= 0.15 * {areas} "
            "THEN 'yes' ELSE 'no' END"
        )
    decile.append("ELSE deprivation_decile END")
    most.append("END")
    return " ".join(decile), " ".join(most)


def _deprivation(con, tables: dict) -> None:
    decile, most = _deprivation_sql()
    rows = con.execute(
        f"SELECT CAST(ceil(d / 2.0) AS INT) AS quintile, m, count(*) FROM "  # noqa: S608
        f"(SELECT {decile} AS d, {most} AS m FROM ep) WHERE d IS NOT NULL OR m IS NOT NULL "
        "GROUP BY 1, 2"
    ).fetchall()
    population = sum(n for *_k, n in rows)
    quintiles: dict[str, int] = defaultdict(int)
    mosts: dict[str, int] = defaultdict(int)
    for quintile, m, n in rows:
        if quintile is not None:
            quintiles[str(quintile)] += n
        if m is not None:
            mosts[m] += n
    with_rank, with_quintile = sum(mosts.values()), sum(quintiles.values())
    cells = [
        {
            "most_deprived_15pct": code,
            "count": mosts.get(code, 0),
            "percent": _percent(mosts.get(code, 0), with_rank),
        }
        for code in ("yes", "no")
    ]
    cells += [
        {
            "deprivation_quintile": str(q),
            "count": quintiles.get(str(q), 0),
            "percent": _percent(quintiles.get(str(q), 0), with_quintile),
        }
        for q in range(1, 6)
    ]
    tables["deprivation"] = {"n": population, "cells": cells}


def _diagnosis_to_referral(con, tables: dict) -> None:
    counts = _counts(
        con,
        "SELECT condition, CASE "
        "WHEN diagnosis_date IS NULL OR referral_date < diagnosis_date THEN 'not_known' "
        "WHEN referral_date - diagnosis_date < 183 THEN 'lt_6m' "
        "WHEN referral_date - diagnosis_date < 365 THEN '6_12m' "
        "WHEN referral_date - diagnosis_date < 730 THEN '1_2y' "
        "WHEN referral_date - diagnosis_date < 1826 THEN '2_5y' "
        "ELSE 'gt_5y' END, count(*) FROM ep GROUP BY 1, 2",
    )
    intervals = ("lt_6m", "6_12m", "1_2y", "2_5y", "gt_5y", "not_known")
    totals: dict[str, int] = defaultdict(int)
    for (condition, _interval), n in counts.items():
        totals[condition] += n
    cells = [
        {
            "condition": condition,
            "interval": interval,
            "count": counts.get((condition, interval), 0),
            "percent": _percent(counts.get((condition, interval), 0), totals.get(condition, 0)),
        }
        for condition in [*CONDITIONS, *sorted(set(totals) - set(CONDITIONS))]
        for interval in intervals
    ]
    tables["diagnosis_to_referral"] = {"n": sum(totals.values()), "cells": cells}


def _reasons_by_tier(con, tables: dict) -> None:
    counts = _counts(con, "SELECT tier, main_reason, count(*) FROM ep GROUP BY 1, 2")
    rows: dict[str, dict[str, int]] = {"2": {}, "3": {}, "all": {}}
    for (tier, reason), n in counts.items():
        for row in (tier, "all"):
            if row in rows:
                rows[row][reason] = rows[row].get(reason, 0) + n
    cells = []
    for tier, reasons in rows.items():
        cells += _code_cells("main_reason", MAIN_REASONS, reasons, sum(reasons.values()), tier=tier)
    tables["reasons_by_tier"] = {"n": sum(rows["all"].values()), "cells": cells}


def _within(con, tables: dict) -> None:
    """time_to_assessment and length_of_stay: cumulative counts within so many days."""
    assessed, *to_assessment = _one(
        con,
        "SELECT count(assessment_date), "
        + ", ".join(
            f"count(*) FILTER (WHERE assessment_date - referral_date <= {days})"
            for days in (0, 7, 14, 28)
        )
        + " FROM ep",
    )
    tables["time_to_assessment"] = {
        "n": assessed,
        "cells": [
            {"within": code, "count": n, "percent": _percent(n, assessed)}
            for code, n in zip(
                ("same_day", "7_days", "14_days", "28_days"), to_assessment, strict=True
            )
        ],
    }
    discharged, *stays = _one(
        con,
        "SELECT count(discharge_date), "
        + ", ".join(
            f"count(*) FILTER (WHERE discharge_date - referral_date <= {days})"
            for days in (28, 84, 112)
        )
        + " FROM ep",
    )
    codes = ("4_weeks", "12_weeks", "16_weeks", "over_16_weeks")
    counts = [*stays, discharged - stays[-1]]
    tables["length_of_stay"] = {
        "n": discharged,
        "cells": [
            {"within": code, "count": n, "percent": _percent(n, discharged)}
            for code, n in zip(codes, counts, strict=True)
        ],
    }


# The contacts_by_tier row of an episode: third_party first, then tier 2 or 3.
_ROW = (
    "CASE WHEN main_reason = 'third_party' THEN 'third_party' "
    "WHEN tier IN ('2', '3') THEN tier ELSE 'other' END"
)


def _contacts(con, tables: dict) -> None:
    discharged = _one(con, "SELECT count(*) FROM ep WHERE discharge_date IS NOT NULL")[0]
    per_row = {
        row: (clients, contacts)
        for row, clients, contacts in con.execute(
            f"SELECT {_ROW} AS row_code, count(DISTINCT client_id), "  # noqa: S608
            "  sum(n) FROM ep LEFT JOIN (SELECT episode_id, count(*) AS n FROM ct GROUP BY 1) "
            "  USING (episode_id) WHERE discharge_date IS NOT NULL GROUP BY 1"
        ).fetchall()
    }
    all_contacts = sum(int(c or 0) for _p, c in per_row.values())
    cells = []
    for row in ("2", "3", "third_party"):
        clients, contacts = per_row.get(row, (0, 0))
        contacts = int(contacts or 0)
        cells.append(
            {
                "tier": row,
                "clients": clients,
                "contacts": contacts,
                "mean_per_client": contacts / clients if clients else None,
                "percent_of_contacts": _percent(contacts, all_contacts),
            }
        )
    tables["contacts_by_tier"] = {"n": discharged, "cells": cells}

    modes = _counts(con, "SELECT mode, count(*) FROM ct GROUP BY 1")
    total = sum(modes.values())
    tables["contact_modes"] = {
        "n": total,
        "cells": _code_cells("mode", CONTACT_MODES, modes, total),
    }

    found = {
        (row, code): (n, clients)
        for row, code, n, clients in con.execute(
            f"SELECT {_ROW}, cc.code, count(DISTINCT cc.row_no), "  # noqa: S608
            "  count(DISTINCT ep.client_id) "
            "FROM cc JOIN ep USING (episode_id) WHERE ep.discharge_date IS NOT NULL "
            "GROUP BY 1, 2"
        ).fetchall()
    }
    contacts = _one(
        con,
        "SELECT count(DISTINCT cc.row_no) FROM cc JOIN ep USING (episode_id) "
        "WHERE ep.discharge_date IS NOT NULL",
    )[0]
    tables["interventions"] = {
        "n": contacts,
        "cells": [
            {
                "tier": row,
                "intervention": code,
                "count": found.get((row, code), (0, 0))[0],
                "clients": found.get((row, code), (0, 0))[1],
            }
            for row in ("2", "3", "third_party")
            for code in INTERVENTIONS
        ],
    }


def _engagement(con, tables: dict) -> None:
    counts = _counts(
        con, "SELECT engagement, count(*) FROM ep WHERE discharge_date IS NOT NULL GROUP BY 1"
    )
    total = sum(counts.values())
    tables["engagement"] = {
        "n": total,
        "cells": _code_cells("engagement", ENGAGEMENTS, counts, total),
    }


def _onward(con, tables: dict) -> None:
    found = {
        (kind, category): (n, clients)
        for kind, category, n, clients in con.execute(
            "SELECT kind, category, count(*), count(DISTINCT ep.client_id) "
            "FROM onw JOIN ep USING (episode_id) GROUP BY 1, 2"
        ).fetchall()
    }
    tables["onward"] = {
        "n": sum(n for n, _c in found.values()),
        "cells": [
            {
                "kind": kind,
                "category": category,
                "count": found.get((kind, category), (0, 0))[0],
                "clients": found.get((kind, category), (0, 0))[1],
            }
            for kind in ONWARD_KINDS
            for category in ONWARD_CATEGORIES
        ],
    }


def _statuses(found) -> list[str]:
    return [*WORK_STATUSES, *sorted(set(found) - set(WORK_STATUSES))]


def _outcomes(con, tables: dict) -> None:
    _decile, most = _deprivation_sql()
    cohort = "FROM ep WHERE discharge_date IS NOT NULL AND main_reason <> 'third_party'"
    n = _one(con, f"SELECT count(*) {cohort}")[0]  # noqa: S608

    def grouped(*columns):
        names = ", ".join(columns)
        keys = ", ".join(str(i + 1) for i in range(len(columns)))
        return _counts(con, f"SELECT {names}, count(*) {cohort} GROUP BY {keys}")  # noqa: S608

    entry = grouped("work_status_at_referral")
    discharge = grouped("work_status_at_discharge")
    cells = []
    for timepoint, found in (("entry", entry), ("discharge", discharge)):
        cells += _code_cells("work_status", _statuses(found), found, n, timepoint=timepoint)
    tables["work_status"] = {"n": n, "cells": cells}

    transitions = grouped(
        "CASE WHEN work_status_at_referral IN ('at_work', 'self_employed') THEN 'in_work' "
        "WHEN work_status_at_referral = 'off_sick' THEN 'off_sick' ELSE 'not_in_work' END",
        "work_status_at_discharge",
    )
    tables["work_status_transitions"] = {
        "n": n,
        "cells": [
            {
                "entry_group": group,
                "discharge_status": code,
                "count": transitions.get((group, code), 0),
            }
            for group in ("in_work", "off_sick", "not_in_work")
            for code in _statuses(discharge)
        ],
    }

    def crosstab(first_dim, firsts, by_entry, by_discharge):
        cells = []
        for first in firsts:
            for timepoint, found in (("entry", by_entry), ("discharge", by_discharge)):
                sub = {status: c for (f, status), c in found.items() if f == first}
                cells += _code_cells(
                    "work_status",
                    _statuses(sub),
                    sub,
                    sum(sub.values()),
                    **{first_dim: first, "timepoint": timepoint},
                )
        return cells

    tier = "COALESCE(NULLIF(tier, ''), 'not_allocated')"
    tier_entry = grouped(tier, "work_status_at_referral")
    tier_discharge = grouped(tier, "work_status_at_discharge")
    present = {t for t, _s in tier_entry}
    tiers = [t for t in (*TIERS, "not_allocated") if t in present or t in ("2", "3")]
    tables["work_status_by_tier"] = {
        "n": n,
        "cells": crosstab("tier", tiers, tier_entry, tier_discharge),
    }

    most_entry = grouped(most, "work_status_at_referral")
    most_discharge = grouped(most, "work_status_at_discharge")
    most_entry = {k: v for k, v in most_entry.items() if k[0] != NOT_RECORDED}
    most_discharge = {k: v for k, v in most_discharge.items() if k[0] != NOT_RECORDED}
    tables["work_status_by_deprivation"] = {
        "n": sum(most_entry.values()),
        "cells": crosstab("most_deprived_15pct", ("yes", "no"), most_entry, most_discharge),
    }

    by_condition = grouped("condition", "work_status_at_discharge")
    conditions = [*CONDITIONS, *sorted({c for c, _s in by_condition} - set(CONDITIONS))]
    cells = []
    for condition in conditions:
        sub = {status: c for (cond, status), c in by_condition.items() if cond == condition}
        cells += _code_cells(
            "work_status", _statuses(sub), sub, sum(sub.values()), condition=condition
        )
    tables["work_status_by_condition"] = {"n": n, "cells": cells}

    in_work_d = "work_status_at_discharge IN ('at_work', 'self_employed')"
    in_work_f = "work_status_at_followup IN ('at_work', 'self_employed')"
    window = f"followup_date - discharge_date BETWEEN {FOLLOWUP_OPENS} AND {FOLLOWUP_CLOSES}"
    with_status, respondents, at_discharge, at_followup, still = _one(
        con,
        "SELECT count(work_status_at_followup), "  # noqa: S608
        f"count(work_status_at_followup) FILTER (WHERE {window}), "
        f"count(*) FILTER (WHERE {window} AND work_status_at_followup IS NOT NULL "
        f"  AND {in_work_d}), "
        f"count(*) FILTER (WHERE {window} AND {in_work_f}), "
        f"count(*) FILTER (WHERE {window} AND {in_work_d} AND {in_work_f}) {cohort}",
    )
    tables["followup"] = {
        "n": respondents,
        "cells": [
            {
                "respondents": respondents,
                "in_work_at_discharge": at_discharge,
                "still_in_work": still,
                "percent_sustained": _percent(still, at_discharge),
                "percent_in_work_at_discharge": _percent(at_discharge, respondents),
                "percent_in_work_at_followup": _percent(at_followup, respondents),
                "out_of_window": with_status - respondents,
            }
        ],
    }


# --- questionnaires ---------------------------------------------------------------------


def _score_table(con) -> None:
    """``sc``: one row per episode, instrument and timepoint with its items (``i_`` and
    the item's name) and its scores."""
    items = {*EQ5D_DIMENSIONS, "vas", *WORK_CONFIDENCE_ITEMS, *HEALTH_USE_ITEMS}
    items |= {"performance", "satisfaction", "anxiety", "depression"}
    items |= {question for question, _answers in SATISFACTION}
    hads_items = {p: [f"i_{p}{n}" for n in range(1, 8)] for p in ("a", "d")}
    questions = [f"i_q{n}" for n in range(1, 10)]
    columns = sorted({f"i_{i}" for i in items} | {*hads_items["a"], *hads_items["d"], *questions})
    listed = ", ".join(f"'{c}'" for c in columns)
    con.execute(
        "CREATE TABLE raw AS PIVOT (SELECT episode_id, instrument, timepoint, "  # noqa: S608
        f"'i_' || item AS item, value FROM ms) ON item IN ({listed}) USING max(value) "
        "GROUP BY episode_id, instrument, timepoint"
    )

    def total(names):
        return " + ".join(f"COALESCE({n}, 0)" for n in names)

    def answered(names):
        return " + ".join(f"CAST({n} IS NOT NULL AS INTEGER)" for n in names)

    sums = (
        f"SELECT *, {total(hads_items['a'])} AS a_sum, {answered(hads_items['a'])} AS a_n, "
        f"{total(hads_items['d'])} AS d_sum, {answered(hads_items['d'])} AS d_n, "
        f"{total(questions)} AS q_sum, {answered(questions)} AS q_n FROM raw"
    )

    def hads(prefix):
        # Seven items: their sum; six: the mean of the six times seven, rounded half up;
        # otherwise the recorded total.
        return (
            f"CASE WHEN {prefix}_n = 7 THEN {prefix}_sum "
            f"WHEN {prefix}_n = 6 THEN floor({prefix}_sum * 7 / 6 + 0.5) END"
        )

    prorated = " ".join(
        f"WHEN instrument = '{code}' AND q_n = {n} THEN q_sum "
        f"WHEN instrument = '{code}' AND q_n = {n - 1} THEN floor(q_sum * {n} / {n - 1} + 0.5)"
        for code, n in PRORATED.items()
    )
    con.execute(
        "CREATE TABLE sc AS SELECT *, "
        f"COALESCE({hads('a')}, i_anxiety) AS hads_anxiety, "
        f"COALESCE({hads('d')}, i_depression) AS hads_depression, "
        f"CASE {prorated} END AS total, "
        "floor(i_performance * 10 + 0.5) / 10 AS copm_performance, "
        "floor(i_satisfaction * 10 + 0.5) / 10 AS copm_satisfaction "
        f"FROM ({sums})"
    )


def _paired(con, instruments: tuple[str, ...], columns) -> None:
    """``pr``: one row per episode and instrument with each of ``columns`` (a list, or
    {name: column}) at entry (``e_`` name) and at discharge (``d_`` name)."""
    named = columns if isinstance(columns, dict) else {c: c for c in columns}
    listed = ", ".join(f"'{i}'" for i in instruments)
    select = ", ".join(
        f"max({column}) FILTER (WHERE timepoint = '{tp}') AS {tp[0]}_{name}"
        for name, column in named.items()
        for tp in TIMEPOINTS
    )
    con.execute("DROP TABLE IF EXISTS pr")
    con.execute(
        f"CREATE TABLE pr AS SELECT episode_id, instrument, {select} FROM sc "  # noqa: S608
        f"WHERE instrument IN ({listed}) GROUP BY 1, 2"
    )


def _both(column: str) -> str:
    return f"(e_{column} IS NOT NULL AND d_{column} IS NOT NULL)"


def _band_counts(con, column: str, bands) -> dict:
    """{(timepoint, band): paired rows whose ``column`` at the timepoint is in the band}."""
    keys, counts = [], []
    for tp in TIMEPOINTS:
        for i, (band, low) in enumerate(bands):
            high = bands[i + 1][1] if i + 1 < len(bands) else None
            condition = f"{_both(column)} AND {tp[0]}_{column} >= {low}"
            if high is not None:
                condition += f" AND {tp[0]}_{column} < {high}"
            keys.append((tp, band))
            counts.append(f"count(*) FILTER (WHERE {condition})")
    values = _one(con, f"SELECT {', '.join(counts)} FROM pr")  # noqa: S608
    return dict(zip(keys, values, strict=True))


def _value_sets():
    # The published EQ-5D value sets are data the project keeps in one place; the
    # reference reads them from there (imported here, so the script runs without
    # Django until it is used).
    sys.path.insert(0, str(ROOT / "src"))
    from vocrehab.measures.valuesets import ENGLAND_5L_2018, UK_3L_1997

    return ENGLAND_5L_2018, UK_3L_1997


def _index_sql(value_set, tp: str) -> str:
    """The index of the profile at ``tp`` by an additive value set (unrounded)."""
    terms = ["1.0"]
    for dim in EQ5D_DIMENSIONS:
        whens = " ".join(
            f"WHEN {tp[0]}_{dim} = {level + 2} THEN {decrement}"
            for level, decrement in enumerate(value_set.decrements[dim])
        )
        terms.append(f"(CASE {whens} ELSE 0 END)")
    dims = EQ5D_DIMENSIONS
    not_full = " OR ".join(f"{tp[0]}_{d} <> 1" for d in dims)
    any_3 = " OR ".join(f"{tp[0]}_{d} = 3" for d in dims)
    sql = " - ".join(terms)
    sql += f" - (CASE WHEN {not_full} THEN {value_set.constant} ELSE 0 END)"
    sql += f" - (CASE WHEN {any_3} THEN {value_set.n3} ELSE 0 END)"
    return sql


def _questionnaires(con, tables: dict) -> None:
    _score_table(con)

    # EQ-5D (5L or 3L): per episode and version.
    _paired(con, ("eq5d5l", "eq5d3l"), {d: f"i_{d}" for d in (*EQ5D_DIMENSIONS, "vas")})
    cells, n_dims = [], []
    for dim in EQ5D_DIMENSIONS:
        n, at_entry, at_discharge = _one(
            con,
            f"SELECT count(*) FILTER (WHERE {_both(dim)}), "  # noqa: S608
            f"count(*) FILTER (WHERE {_both(dim)} AND e_{dim} = 1), "
            f"count(*) FILTER (WHERE {_both(dim)} AND d_{dim} = 1) FROM pr",
        )
        n_dims.append(n)
        cells += [
            {"dimension": dim, "timepoint": "entry", "count": at_entry, "n": n},
            {"dimension": dim, "timepoint": "discharge", "count": at_discharge, "n": n},
        ]
    tables["eq5d_no_problems"] = {"n": max(n_dims), "cells": cells}
    n, entry, discharge = _one(
        con,
        f"SELECT count(*) FILTER (WHERE {_both('vas')}), "
        f"avg(e_vas) FILTER (WHERE {_both('vas')}), avg(d_vas) FILTER (WHERE {_both('vas')}) "
        "FROM pr",
    )
    tables["eq_vas"] = {
        "n": n,
        "cells": [
            {"timepoint": "entry", "mean": _round9(entry), "n": n},
            {"timepoint": "discharge", "mean": _round9(discharge), "n": n},
        ],
    }
    five, three = _value_sets()
    rows_5l, rows_3l = _one(
        con,
        "SELECT count(*) FILTER (WHERE instrument = 'eq5d5l'), "
        "count(*) FILTER (WHERE instrument = 'eq5d3l') FROM pr",
    )
    chosen = three if not rows_5l and rows_3l else five
    profile = " AND ".join(_both(d) for d in EQ5D_DIMENSIONS)
    profile += f" AND instrument = '{chosen.instrument}'"
    n, entry, discharge = _one(
        con,
        f"SELECT count(*) FILTER (WHERE {profile}), "  # noqa: S608
        f"avg({_index_sql(chosen, 'entry')}) FILTER (WHERE {profile}), "
        f"avg({_index_sql(chosen, 'discharge')}) FILTER (WHERE {profile}) FROM pr",
    )
    tables["eq5d_index"] = {
        "n": n,
        "value_set": chosen.code,
        "cells": [
            {"timepoint": "entry", "mean": _round9(entry), "n": n},
            {"timepoint": "discharge", "mean": _round9(discharge), "n": n},
        ],
    }

    # HADS: both subscales.
    _paired(con, ("hads",), ["hads_anxiety", "hads_depression"])
    anxiety = _band_counts(con, "hads_anxiety", HADS_BANDS)
    depression = _band_counts(con, "hads_depression", HADS_BANDS)
    n = _one(
        con,
        f"SELECT count(*) FROM pr WHERE {_both('hads_anxiety')} "  # noqa: S608
        f"OR {_both('hads_depression')}",
    )[0]
    tables["hads_bands"] = {
        "n": n,
        "cells": [
            {"subscale": sub, "timepoint": tp, "band": band, "count": found[(tp, band)]}
            for sub, found in (("anxiety", anxiety), ("depression", depression))
            for tp in TIMEPOINTS
            for band, _low in HADS_BANDS
        ],
    }

    for code, bands in (("phq9", PHQ9_BANDS), ("gad7", GAD7_BANDS)):
        _paired(con, (code,), ["total"])
        found = _band_counts(con, "total", bands)
        n = _one(con, f"SELECT count(*) FROM pr WHERE {_both('total')}")[0]  # noqa: S608
        tables[f"{code}_bands"] = {
            "n": n,
            "cells": [
                {"timepoint": tp, "band": band, "count": found[(tp, band)]}
                for tp in TIMEPOINTS
                for band, _low in bands
            ],
        }

    _paired(con, ("who5",), ["total"])
    both = _both("total")
    n, entry, discharge, poor_e, poor_d = _one(
        con,
        f"SELECT count(*) FILTER (WHERE {both}), "  # noqa: S608
        f"avg(e_total * 4) FILTER (WHERE {both}), avg(d_total * 4) FILTER (WHERE {both}), "
        f"count(*) FILTER (WHERE {both} AND e_total * 4 <= 50), "
        f"count(*) FILTER (WHERE {both} AND d_total * 4 <= 50) FROM pr",
    )
    tables["who5"] = {
        "n": n,
        "cells": [
            {"timepoint": "entry", "mean": _round9(entry), "n": n, "poor_wellbeing": poor_e},
            {
                "timepoint": "discharge",
                "mean": _round9(discharge),
                "n": n,
                "poor_wellbeing": poor_d,
            },
        ],
    }

    _paired(con, ("copm",), ["copm_performance", "copm_satisfaction"])
    cells, ns = [], []
    for score in ("performance", "satisfaction"):
        column = f"copm_{score}"
        both = _both(column)
        n, entry, discharge, improved = _one(
            con,
            f"SELECT count(*) FILTER (WHERE {both}), "  # noqa: S608
            f"avg(e_{column}) FILTER (WHERE {both}), avg(d_{column}) FILTER (WHERE {both}), "
            # In tenths, where the scores are whole numbers.
            f"count(*) FILTER (WHERE {both} AND round(d_{column} * 10) >= "
            f"round(e_{column} * 10) + 20) FROM pr",
        )
        ns.append(n)
        cells += [
            {
                "score": score,
                "timepoint": "entry",
                "mean": _round9(entry),
                "n": n,
                "improved_2_or_more": None,
            },
            {
                "score": score,
                "timepoint": "discharge",
                "mean": _round9(discharge),
                "n": n,
                "improved_2_or_more": improved,
            },
        ]
    tables["copm"] = {"n": max(ns), "cells": cells}

    for instrument, items, measure in (
        ("work_confidence", WORK_CONFIDENCE_ITEMS, "mean"),
        ("health_use", HEALTH_USE_ITEMS, "total"),
    ):
        _paired(con, (instrument,), [f"i_{i}" for i in items])
        function = "avg" if measure == "mean" else "sum"
        cells, ns = [], []
        for item in items:
            both = _both(f"i_{item}")
            n, entry, discharge = _one(
                con,
                f"SELECT count(*) FILTER (WHERE {both}), "  # noqa: S608
                f"{function}(e_i_{item}) FILTER (WHERE {both}), "
                f"{function}(d_i_{item}) FILTER (WHERE {both}) FROM pr",
            )
            ns.append(n)
            for tp, value in (("entry", entry), ("discharge", discharge)):
                if measure == "total" and value is None:
                    value = 0
                cells.append({"item": item, "timepoint": tp, measure: _round9(value), "n": n})
        tables[instrument] = {"n": max(ns), "cells": cells}


def _satisfaction(con, tables: dict) -> None:
    surveys = (
        "FROM sc JOIN ep USING (episode_id) WHERE sc.instrument = 'satisfaction' "
        "AND sc.timepoint = 'discharge' AND ep.discharge_date IS NOT NULL"
    )
    answered_any = " OR ".join(f"i_{q} IS NOT NULL" for q, _a in SATISFACTION)
    surveyed = _one(con, f"SELECT count(*) {surveys} AND ({answered_any})")[0]  # noqa: S608
    cells = []
    for question, answers in SATISFACTION:
        found = {}
        for value, n in con.execute(
            f"SELECT i_{question}, count(*) {surveys} AND i_{question} IS NOT NULL "  # noqa: S608
            "GROUP BY 1"
        ).fetchall():
            code = str(int(value)) if float(value).is_integer() else str(value)
            found[code] = found.get(code, 0) + n
        answered = sum(found.values())
        listed = [str(a) for a in answers]
        for answer in [*listed, *sorted(set(found) - set(listed))]:
            n = found.get(answer, 0)
            cells.append(
                {
                    "question": question,
                    "answer": answer,
                    "count": n,
                    "percent": _percent(n, answered),
                }
            )
    tables["satisfaction"] = {"n": surveyed, "cells": cells}


# --- what needs the services' settings -----------------------------------------------------


def _calendar(con, nations: set[str], first: dt.date, last: dt.date) -> None:
    """``cal``: per nation and date, the number of working days (Monday to Friday less
    the nation's bank holidays) up to and including that date, counted from ``first``."""
    import holidays  # the project's source of bank holidays; needed for this table only

    closed_nations, closed_days = [], []
    for nation in sorted(nations):
        found = holidays.country_holidays(
            "GB",
            subdiv=HOLIDAY_SUBDIVISIONS.get(nation, "ENG"),
            years=range(first.year, last.year + 1),
        )
        closed_nations += [nation] * len(found)
        closed_days += sorted(found)
    con.execute(
        "CREATE TABLE hol AS SELECT unnest(CAST(? AS VARCHAR[])) AS nation, "
        "unnest(CAST(? AS DATE[])) AS day",
        [closed_nations, closed_days],
    )
    con.execute(
        "CREATE TABLE cal AS SELECT n.nation, CAST(d.day AS DATE) AS day, "
        "sum(CASE WHEN isodow(d.day) <= 5 AND h.day IS NULL THEN 1 ELSE 0 END) "
        "  OVER (PARTITION BY n.nation ORDER BY d.day) AS idx "
        "FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS nation) n "
        "CROSS JOIN generate_series(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), "
        "  INTERVAL 1 DAY) d(day) "
        "LEFT JOIN hol h ON h.nation = n.nation AND h.day = CAST(d.day AS DATE)",
        [sorted(nations), first, last],
    )


def _service_standards(con, tables: dict, services: dict, as_of: dt.date) -> None:
    """``services``: {code: {"nation": ..., "first_contact": days, "assessment": days}}."""
    first, last = _one(
        con,
        "SELECT min(referral_date), max(greatest(referral_date, "
        "coalesce(first_contact_date, referral_date), coalesce(assessment_date, referral_date))) "
        "FROM ep",
    )
    first = min(filter(None, (first, as_of)))
    last = max(filter(None, (last, as_of)))
    _calendar(con, {s["nation"] for s in services.values()}, first, last)
    codes = sorted(services)
    con.execute(
        "CREATE TABLE svc AS SELECT unnest(CAST(? AS VARCHAR[])) AS code, "
        "unnest(CAST(? AS VARCHAR[])) AS nation, unnest(CAST(? AS INTEGER[])) AS fc, "
        "unnest(CAST(? AS INTEGER[])) AS asm",
        [
            codes,
            [services[c]["nation"] for c in codes],
            [services[c]["first_contact"] for c in codes],
            [services[c]["assessment"] for c in codes],
        ],
    )
    referred = _one(con, "SELECT count(*) FROM ep")[0]
    base = (
        "FROM ep JOIN svc ON svc.code = ep.service_code "
        "LEFT JOIN cal r ON r.nation = svc.nation AND r.day = ep.referral_date "
        "LEFT JOIN cal f ON f.nation = svc.nation AND f.day = ep.first_contact_date "
        "LEFT JOIN cal a ON a.nation = svc.nation AND a.day = ep.assessment_date "
        "LEFT JOIN cal t ON t.nation = svc.nation AND t.day = ?"
    )

    def tally(standard: str, limit: str, group: str):
        alias, column = {
            "first_contact": ("f", "first_contact_date"),
            "assessment": ("a", "assessment_date"),
        }[standard]
        done = f"({column} IS NOT NULL AND {column} <= ?)"
        owed = "discharge_date IS NULL" if standard == "assessment" else "true"
        passed = f"t.idx - r.idx > {limit}"
        sql = (
            f"SELECT {group}, "  # noqa: S608
            f"count(*) FILTER (WHERE {done} AND {alias}.idx - r.idx <= {limit}), "
            f"count(*) FILTER (WHERE {done} OR ({owed} AND {passed})), "
            f"count(*) FILTER (WHERE NOT {done} AND {owed} AND NOT {passed}) "
            f"{base} GROUP BY 1"
        )
        return con.execute(sql, [as_of, as_of, as_of, as_of]).fetchall()

    def cell(name, rows, **dims):
        met = sum(r[1] for r in rows)
        eligible = sum(r[2] for r in rows)
        return {
            "standard": name,
            **dims,
            "met": met,
            "eligible": eligible,
            "percent": _percent(met, eligible),
            "not_yet_due": sum(r[3] for r in rows),
        }

    cells = []
    for standard, days in NATIONAL_STANDARDS:
        cells.append(cell(f"{standard}_{days}_working_days", tally(standard, str(days), "1")))
    for code in sorted(services):
        for standard, days in NATIONAL_STANDARDS:
            own = services[code][standard]
            if own != days:
                limit = {"first_contact": "svc.fc", "assessment": "svc.asm"}[standard]
                rows = [r for r in tally(standard, limit, "ep.service_code") if r[0] == code]
                cells.append(cell(f"{standard}_{own}_working_days", rows, service=code))
    tables["service_standards"] = {"n": referred, "cells": cells}


def _questionnaire_completion(con, tables: dict, schedules: dict, as_of: dt.date) -> None:
    """``schedules``: {service code: {timepoint: [instrument, ...]}}, what each service
    asks for; any instrument found in the export at a timepoint counts as used there."""
    closed_before = as_of - dt.timedelta(days=FOLLOWUP_CLOSES)
    eligible_sql = {
        "entry": "assessment_date IS NOT NULL",
        "discharge": "discharge_date IS NOT NULL",
        "followup": f"discharge_date < DATE '{closed_before.isoformat()}'",
    }
    population = {
        row[0]: dict(zip(COMPLETION_TIMEPOINTS, row[1:], strict=True))
        for row in con.execute(
            "SELECT service_code, "  # noqa: S608
            + ", ".join(
                f"count(*) FILTER (WHERE {eligible_sql[tp]})" for tp in COMPLETION_TIMEPOINTS
            )
            + " FROM ep GROUP BY 1"
        ).fetchall()
    }
    # Scorable: the questionnaire gives at least one score by its instrument's rule.
    any_of = {
        "hads": ["hads_anxiety", "hads_depression"],
        "copm": ["copm_performance", "copm_satisfaction"],
        "work_confidence": [f"i_{i}" for i in WORK_CONFIDENCE_ITEMS],
        "health_use": [f"i_{i}" for i in HEALTH_USE_ITEMS],
        "satisfaction": [f"i_{q}" for q, _a in SATISFACTION],
        **{code: ["total"] for code in PRORATED},
    }
    whole_profile = " AND ".join(f"i_{d} IS NOT NULL" for d in EQ5D_DIMENSIONS)
    rules = [f"WHEN instrument IN ('eq5d5l', 'eq5d3l') THEN i_vas IS NOT NULL OR ({whole_profile})"]
    rules += [
        f"WHEN instrument = '{code}' THEN "
        + " OR ".join(f"{column} IS NOT NULL" for column in columns)
        for code, columns in any_of.items()
    ]
    # Every questionnaire of the export (all completed), and whether it can be scored.
    con.execute(
        "CREATE TABLE ad AS SELECT episode_id, instrument, timepoint, "  # noqa: S608
        f"CASE {' '.join(rules)} ELSE true END AS scorable FROM sc"
    )
    # Which (instrument, timepoint) each service holds answers of.
    used: dict[str, dict[str, set[str]]] = {
        code: {tp: set(schedule.get(tp, ())) for tp in COMPLETION_TIMEPOINTS}
        for code, schedule in schedules.items()
    }
    for code, instrument, tp in con.execute(
        "SELECT DISTINCT ep.service_code, ad.instrument, ad.timepoint "
        "FROM ad JOIN ep USING (episode_id)"
    ).fetchall():
        used.setdefault(code, {t: set() for t in COMPLETION_TIMEPOINTS})[tp].add(instrument)
    owed = " OR ".join(f"(ad.timepoint = '{tp}' AND {eligible_sql[tp]})" for tp in eligible_sql)
    completed = {}
    for instrument, tp, sent, n, paired in con.execute(
        "SELECT ad.instrument, ad.timepoint, "  # noqa: S608
        f"count(*) FILTER (WHERE {owed}), count(*) FILTER (WHERE ({owed}) AND ad.scorable), "
        "count(*) FILTER (WHERE ad.timepoint = 'discharge' AND discharge_date IS NOT NULL "
        "  AND ad.scorable AND EXISTS (SELECT 1 FROM ad e WHERE e.episode_id = ad.episode_id "
        "  AND e.instrument = ad.instrument AND e.timepoint = 'entry' AND e.scorable)) "
        "FROM ad JOIN ep USING (episode_id) GROUP BY 1, 2"
    ).fetchall():
        completed[(instrument, tp)] = (sent, n, paired)
    eligible: dict[tuple[str, str], int] = defaultdict(int)
    for code, by_tp in used.items():
        for tp, instruments in by_tp.items():
            for instrument in instruments:
                eligible[(instrument, tp)] += population.get(code, {}).get(tp, 0)
    cells = []
    for instrument, tp in sorted(eligible):
        sent, n, paired = completed.get((instrument, tp), (0, 0, 0))
        cells.append(
            {
                "instrument": instrument,
                "timepoint": tp,
                "eligible": eligible[(instrument, tp)],
                "completed": n,
                "percent": _percent(n, eligible[(instrument, tp)]),
                # An export holds completed questionnaires only: every one was sent
                # (an invitation still open, or expired, is not in it).
                "sent": sent,
                "paired": paired if tp == "discharge" else None,
            }
        )
    tables["questionnaire_completion"] = {
        "n": _one(con, "SELECT count(*) FROM ep")[0],
        "cells": cells,
    }


def services_from_database(services) -> tuple[dict, dict]:
    """What a VRMDS export does not hold, from the project's Service objects:
    ``(service_settings, schedules)`` for :func:`reference_report`."""
    # Django must be set up by the caller; the reference alone runs without it.
    from vocrehab.codes import VRMDS_TIMEPOINTS
    from vocrehab.measures.services import schedule_for

    settings, schedules = {}, {}
    for service in services:
        settings[service.code] = {
            "nation": str(service.nation),
            "first_contact": service.first_contact_standard_days,
            "assessment": service.assessment_standard_days,
        }
        schedule = schedule_for(service)
        schedules[service.code] = {
            str(tp): list(schedule.instruments_for(tp)) for tp in VRMDS_TIMEPOINTS
        }
    return settings, schedules


# --- the reference ------------------------------------------------------------------------


def reference_report(
    folder: str | Path,
    *,
    services: list[str] | None = None,
    as_of: dt.date | None = None,
    service_settings: dict | None = None,
    schedules: dict | None = None,
) -> dict:
    """The evaluation report's tables computed from the VRMDS export at ``folder``.

    ``services`` narrows to those service codes (None: every service in the export);
    ``as_of`` is the report date (default today). ``service_settings`` ({code:
    {"nation", "first_contact", "assessment"}}) adds ``service_standards`` and
    ``schedules`` ({code: {timepoint: [instruments]}}) ``questionnaire_completion``.
    Returns ``{"tables": {table id: {"n": ..., "cells": [...]}}}``, timed with the load.
    """
    as_of = as_of or dt.date.today()
    con = duckdb.connect(":memory:")
    try:
        load(con, Path(folder), services)
        tables: dict[str, dict] = {}
        _profile(con, tables)
        _deprivation(con, tables)
        _diagnosis_to_referral(con, tables)
        _reasons_by_tier(con, tables)
        _within(con, tables)
        _engagement(con, tables)
        _contacts(con, tables)
        _onward(con, tables)
        _outcomes(con, tables)
        _questionnaires(con, tables)
        _satisfaction(con, tables)
        if service_settings is not None:
            _service_standards(con, tables, service_settings, as_of)
        if schedules is not None:
            _questionnaire_completion(con, tables, schedules, as_of)
    finally:
        con.close()
    return {"tables": tables}


# --- comparing ------------------------------------------------------------------------------

IGNORED_FIELDS = {"suppressed", "title", "cells"}
# How compare() names a report table the reference does not compute.
NOT_COVERED = "not covered by the reference"


def _cell_key(cell: dict) -> tuple:
    """A cell's dimensions: its text-valued fields."""
    return tuple(sorted((k, v) for k, v in cell.items() if isinstance(v, str)))


def _differ(a, b, rel: float) -> bool:
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a != b
    if isinstance(a, bool) or isinstance(b, bool):
        return a != b
    return not math.isclose(float(a), float(b), rel_tol=rel, abs_tol=rel)


def compare(report: dict, reference: dict, *, rel: float = 1e-9) -> list[str]:
    """Every difference between the report and the reference, one line each: a table-
    level field (``n``, ``value_set``), a cell only one of them has, or a cell's measure
    that differs (numbers to ``rel`` relative tolerance). Report tables the reference
    does not compute are listed as not covered."""
    out = []
    ours = reference["tables"]
    for table_id, table in report["tables"].items():
        if table_id not in ours:
            out.append(f"{table_id}: {NOT_COVERED}")
            continue
        theirs = ours[table_id]
        for field in sorted((set(table) | set(theirs)) - IGNORED_FIELDS):
            if _differ(table.get(field), theirs.get(field), rel):
                out.append(
                    f"{table_id}: {field}: report {table.get(field)!r}, "
                    f"reference {theirs.get(field)!r}"
                )
        mine = {_cell_key(c): c for c in theirs["cells"]}
        seen = set()
        for cell in table["cells"]:
            key = _cell_key(cell)
            seen.add(key)
            label = ", ".join(f"{k}={v}" for k, v in key) or "(the one cell)"
            other = mine.get(key)
            if other is None:
                out.append(f"{table_id} [{label}]: only in the report")
                continue
            for field in sorted((set(cell) | set(other)) - IGNORED_FIELDS):
                if isinstance(cell.get(field), str):
                    continue
                if _differ(cell.get(field), other.get(field), rel):
                    out.append(
                        f"{table_id} [{label}] {field}: report {cell.get(field)!r}, "
                        f"reference {other.get(field)!r}"
                    )
        for key in mine.keys() - seen:
            label = ", ".join(f"{k}={v}" for k, v in key)
            out.append(f"{table_id} [{label}]: only in the reference")
    return out


def coverage(report: dict, reference: dict) -> tuple[list[str], list[str], int]:
    """(tables compared, report tables not covered, cells compared)."""
    compared = [t for t in report["tables"] if t in reference["tables"]]
    missing = [t for t in report["tables"] if t not in reference["tables"]]
    cells = sum(len(report["tables"][t]["cells"]) for t in compared)
    return compared, missing, cells


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--services", help="comma-separated service codes (default: all)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, help="report date (default today)")
    args = parser.parse_args(argv)
    services = args.services.split(",") if args.services else None
    result = reference_report(args.folder, services=services, as_of=args.as_of)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
