"""The standard VRMDS evaluation report, computed in the database.

:func:`build_evaluation` returns the report in the JSON shape of ``dataset/VRMDS.md``
("Standard report: evaluation") for a set of services and a period. Every number comes
from an aggregate query (``Count``, ``Avg``, ``Sum``, conditional aggregation); Python
only turns the handful of aggregate rows into cells and percentages. The number of
queries does not depend on the amount of data.

Small-number suppression is a separate step (:mod:`vocrehab.reports.suppression`), so
the same figures can be shown in full to a service manager and suppressed for a
commissioner or a publication.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import In

from vocrehab.casework.models import OnwardReferral
from vocrehab.clients.postcodes import most_deprived_cutoff
from vocrehab.codes import (
    DEPRIVATION_AREAS,
    IN_WORK,
    VRMDS_VERSION,
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
from vocrehab.dates import DaysBetween
from vocrehab.episodes.facts import followup_in_window
from vocrehab.episodes.models import Episode
from vocrehab.episodes.standards import STANDARDS, calendar_gaps, count_standards
from vocrehab.episodes.tiers import highest_tier_reached
from vocrehab.measures.instruments import (
    HADS,
    WHO5_PERCENT_PER_POINT,
    WHO5_POOR_WELLBEING_AT_MOST,
    band_limits,
    get_instrument,
    hads_subscale_expression,
    prorated_total_expression,
)
from vocrehab.measures.models import AdministrationStatus, QuestionnairePair, QuestionnaireScores
from vocrehab.measures.scores import SATISFACTION_QUESTIONS
from vocrehab.measures.valuesets import (
    DEFAULT_VALUE_SETS,
    DIMENSIONS,
    AdditiveValueSet,
    get_value_set,
)

from . import casework_tables, snapshot
from .completeness import completion
from .sql import RoundHalfUp1
from .tables import NOT_RECORDED, TABLES

__all__ = ["ReportError", "build_evaluation"]

ENTRY, DISCHARGE = Timepoint.ENTRY.value, Timepoint.DISCHARGE.value
TIMEPOINTS = (ENTRY, DISCHARGE)
INTERVALS = (("lt_6m", 183), ("6_12m", 365), ("1_2y", 730), ("2_5y", 1826))
ASSESSMENT_WITHIN = (("same_day", 0), ("7_days", 7), ("14_days", 14), ("28_days", 28))
STAY_WITHIN = (("4_weeks", 28), ("12_weeks", 84), ("16_weeks", 112))
# Anxiety and depression share their bands.
HADS_BANDS = band_limits(HADS.bands["anxiety"])
WORK_CONFIDENCE_ITEMS = ("working", "managing_condition", "work_impact")
HEALTH_USE_ITEMS = ("gp_visits", "outpatient_visits", "hospital_stays")
IN_WORK_CODES = sorted(str(s) for s in IN_WORK)
NOT_ALLOCATED = "not_allocated"
PROFILE_FIELDS = ("referral_source", "sex", "ethnicity", "occupation")
# The questionnaires whose tables pair entry with discharge values, read in one pass.
MEASURE_INSTRUMENTS = (
    "eq5d5l",
    "eq5d3l",
    "hads",
    "copm",
    "phq9",
    "gad7",
    "who5",
    "work_confidence",
    "health_use",
)


# A LIMIT no table reaches: see _measures.
EVERY_ROW = 2**62


class ReportError(ValueError):
    """The report cannot be produced as asked (for example an unusable value set)."""


def _percent(count, total):
    if count is None or not total:
        return None
    return 100.0 * count / total


def _num(value):
    """Database numbers (Decimal on PostgreSQL) as plain floats; None stays None.

    Rounded to 9 decimal places to drop binary float noise (0.7120000000000001), far
    below anything a report shows.
    """
    return None if value is None else round(float(value), 9)


def _code(value) -> str:
    return NOT_RECORDED if value in (None, "") else str(value)


def _table(table_id: str, n, cells: list[dict], **extra) -> dict:
    for cell in cells:
        cell.setdefault("suppressed", False)
    return {"title": str(TABLES[table_id].title), "n": n, **extra, "cells": cells}


def _count_cells(dim: str, codes: Iterable[str], counts: dict, total: int, **fixed) -> list:
    """One cell per code (zeros included) plus not_recorded when anything lacks a code."""
    cells = []
    seen = set()
    for code in codes:
        seen.add(code)
        count = counts.get(code, 0)
        cells.append({**fixed, dim: code, "count": count, "percent": _percent(count, total)})
    for code in sorted(set(counts) - seen):
        count = counts[code]
        cells.append({**fixed, dim: code, "count": count, "percent": _percent(count, total)})
    return cells


def _grouped(queryset, *names, **expressions) -> dict:
    """{key tuple (or value for one name): count} from one GROUP BY query."""
    rows = (
        queryset.annotate(**expressions)
        .values(*names)
        .annotate(_n=Count("pk"))
        .order_by()
        .values_list(*names, "_n")
    )
    out: dict = {}
    for *key, n in rows:
        k = tuple(_code(v) for v in key) if len(key) > 1 else _code(key[0])
        out[k] = out.get(k, 0) + n
    return out


def _deprivation_expressions():
    """(decile, most deprived 15%) expressions for an Episode query."""
    decile_whens, most_whens = [], []
    for index, areas in DEPRIVATION_AREAS.items():
        has_rank = Q(deprivation_index=index, deprivation_rank__isnull=False)
        decile_whens.append(When(has_rank, then=(F("deprivation_rank") * 10 + (areas - 1)) / areas))
        cutoff = most_deprived_cutoff(index)
        most_whens.append(When(has_rank & Q(deprivation_rank__lte=cutoff), then=Value("yes")))
        most_whens.append(When(has_rank, then=Value("no")))
    decile = Case(*decile_whens, default=F("deprivation_decile"), output_field=IntegerField())
    most = Case(*most_whens, default=Value(""), output_field=CharField())
    return decile, most


def _paired(prefix: str, name: str) -> Q:
    """Per-episode rows with both ``{prefix}entry_{name}`` and ``{prefix}discharge_{name}``."""
    return Q(
        **{f"{prefix}{ENTRY}_{name}__isnull": False, f"{prefix}{DISCHARGE}_{name}__isnull": False}
    )


def _episodes_where(condition: Q) -> Count:
    """How many per-episode rows meet ``condition``."""
    return Count("pk", filter=condition)


def _where(function, condition: Q, column: str):
    """``function`` (Avg, Sum) of ``column`` over the per-episode rows meeting ``condition``."""
    return function(Case(When(condition, then=F(column)), output_field=FloatField()))


@dataclass
class _MeasurePart:
    """One instrument's share of the single questionnaire query, and its tables."""

    columns: dict  # per (episode, instrument): its entry and discharge scores
    derived: dict  # per (episode, instrument): expressions over those columns
    aggregates: dict  # over all the per-episode rows
    tables: Callable[[dict], dict]  # the aggregates' values -> {table id: table}


class _Evaluation:
    def __init__(self, services, date_from, date_to, value_set, as_of):
        self.services = list(services)
        self.service_ids = [s.pk for s in self.services]
        self.date_from = date_from
        self.date_to = date_to
        # The report date (VRMDS v1.1): the end of the period, or today if sooner.
        self.as_of = as_of or min(filter(None, (date_to, dt.date.today())))
        self.value_set_code = value_set
        if value_set:
            try:
                chosen = get_value_set(value_set)
            except KeyError as exc:
                raise ReportError(str(exc.args[0])) from None
            if not isinstance(chosen, AdditiveValueSet):
                raise ReportError(
                    f"value set {value_set} is a lookup table that reports cannot use; "
                    "choose one of " + ", ".join(sorted(DEFAULT_VALUE_SETS.values()))
                )

        # The report's episodes, as Episode lookups; and the same lookups from a record
        # that hangs off an episode (``episode__…``).
        self.episode_lookups = {
            "service_id__in": self.service_ids,
            **({"referral_date__gte": date_from} if date_from else {}),
            **({"referral_date__lte": date_to} if date_to else {}),
        }
        self.episodes = Episode.objects.filter(**self.episode_lookups).order_by()
        self.discharged = self.episodes.filter(discharge_date__isnull=False)
        self.cohort = self.discharged.exclude(main_reason=MainReason.THIRD_PARTY)
        self.episode_filter = {f"episode__{k}": v for k, v in self.episode_lookups.items()}
        self.administration_filter = {
            f"administration__{k}": v for k, v in self.episode_filter.items()
        }

    # -- the report -----------------------------------------------------------------

    def build(self, *, shared: bool = False) -> dict:
        """Every table. ``shared``: the queries after the scalars run side by side on
        connections reading this transaction's snapshot (:mod:`.snapshot`)."""
        scalars = self._scalars()
        tables: dict[str, dict] = {
            "summary": self._summary(scalars),
            "time_to_assessment": self._cumulative(
                "time_to_assessment", scalars, "assessed", ASSESSMENT_WITHIN, remainder=None
            ),
            "length_of_stay": self._cumulative(
                "length_of_stay", scalars, "discharged", STAY_WITHIN, remainder="over_16_weeks"
            ),
            "followup": self._followup(scalars),
        }
        tasks = self._queries(scalars)
        if shared:
            # The helpers only read: the calendar the standards join must be there.
            if calendar_gaps({s.nation for s in self.services}, *self._standards_span(scalars)):
                raise CalendarShort
            snapshot.one_core_each()  # the report's own settings are in place already
            results = snapshot.run_all(tasks, prepare=_tune_for_sharing)
        else:
            results = [task() for task in tasks]
        for result in results:
            tables.update(result)
        return {
            "report": "evaluation",
            "vrmds_version": VRMDS_VERSION,
            "filters": {
                "services": [s.code for s in self.services],
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
            },
            "tables": {table_id: tables[table_id] for table_id in TABLES},
        }

    def _queries(self, s) -> list[Callable[[], dict]]:
        """The tables that need queries of their own, each {table id: table}, the
        longest first (they may be run side by side, taken in this order)."""
        referred, discharged = s["referred"], s["discharged"]
        return [
            self._measures,
            lambda: {"questionnaire_completion": self._questionnaire_completion(s)},
            lambda: self._contacts(discharged),  # and interventions
            lambda: {"onward": self._onward()},
            self._outcomes,
            lambda: casework_tables.build(self, TABLES),
            lambda: {"service_standards": self._service_standards(s)},
            lambda: {"satisfaction": self._satisfaction()},
            lambda: self._profile(referred),
            lambda: {"conditions": self._conditions(referred)},
            lambda: {"deprivation": self._deprivation()},
            lambda: {"diagnosis_to_referral": self._diagnosis_to_referral()},
            lambda: {"reasons_by_tier": self._reasons_by_tier()},
            lambda: {"engagement": self._engagement(discharged)},
            lambda: {"age": self._age(s)},
        ]

    def _profile(self, referred) -> dict:
        """Referral sources, sex, ethnicity and occupations from ONE GROUP BY over the
        four code lists (a few thousand groups at most) rather than a scan for each."""
        profile = _grouped(self.episodes, *PROFILE_FIELDS)
        return {
            "referral_sources": self._simple(
                "referral_sources", "referral_source", ReferralSource.values, referred, profile
            ),
            "sex": self._simple("sex", "sex", Sex.values, referred, profile),
            "ethnicity": self._simple(
                "ethnicity", "ethnicity", Ethnicity.values, referred, profile
            ),
            "occupations": self._simple(
                "occupations", "occupation", Occupation.values, referred, profile
            ),
        }

    # -- one pass of scalar aggregates over the episodes ------------------------------

    def _scalars(self) -> dict:
        discharged = Q(discharge_date__isnull=False)
        assessed = Q(assessment_date__isnull=False)
        # VRMDS v1.1: a follow-up status counts only when collected inside the window;
        # the others are counted as left out (the window is the episode core's rule).
        with_status = (
            discharged
            & ~Q(main_reason=MainReason.THIRD_PARTY)
            & ~Q(work_status_at_followup="")
            & Q(work_status_at_followup__isnull=False)
        )
        cohort_fu = with_status & followup_in_window()
        in_work_d = Q(work_status_at_discharge__in=IN_WORK_CODES)
        in_work_f = Q(work_status_at_followup__in=IN_WORK_CODES)
        aggregates = {
            "referred": Count("pk"),
            "first_referral": Min("referral_date"),
            "last_date": Max(
                Greatest(
                    "referral_date",
                    Coalesce("first_contact_date", "referral_date"),
                    Coalesce("assessment_date", "referral_date"),
                )
            ),
            "discharged": Count("pk", filter=discharged),
            "re_referrals": Count("pk", filter=Q(previous_episode__isnull=False)),
            "age_n": Count("age_at_referral"),
            "age_mean": Avg("age_at_referral"),
            "age_min": Min("age_at_referral"),
            "age_max": Max("age_at_referral"),
            "assessed": Count("pk", filter=assessed),
            "fu_respondents": Count("pk", filter=cohort_fu),
            # Out of the window: any other status, one with no date known included.
            "fu_with_status": Count("pk", filter=with_status),
            "fu_in_work_d": Count("pk", filter=cohort_fu & in_work_d),
            "fu_in_work_f": Count("pk", filter=cohort_fu & in_work_f),
            "fu_still": Count("pk", filter=cohort_fu & in_work_d & in_work_f),
        }
        for code, days in ASSESSMENT_WITHIN:
            aggregates[f"time_to_assessment:{code}"] = Count(
                "pk", filter=assessed & Q(to_assessment__lte=days)
            )
        for code, days in STAY_WITHIN:
            aggregates[f"length_of_stay:{code}"] = Count(
                "pk", filter=discharged & Q(stay__lte=days)
            )
        return self.episodes.annotate(
            to_assessment=DaysBetween(F("assessment_date"), F("referral_date")),
            stay=DaysBetween(F("discharge_date"), F("referral_date")),
        ).aggregate(**aggregates)

    def _summary(self, s) -> dict:
        referred, discharged = s["referred"], s["discharged"]
        cells = [
            {"metric": "referred", "count": referred},
            {"metric": "discharged", "count": discharged},
            {"metric": "open", "count": referred - discharged},
            {"metric": "re_referrals", "count": s["re_referrals"]},
        ]
        return _table("summary", referred, cells)

    def _simple(self, table_id, field, codes, total, profile) -> dict:
        """One code list's table, summed from the profile counts."""
        position = PROFILE_FIELDS.index(field)
        counts: dict[str, int] = defaultdict(int)
        for key, n in profile.items():
            counts[key[position]] += n
        return _table(table_id, total, _count_cells(field, codes, counts, total))

    def _conditions(self, total) -> dict:
        counts = _grouped(self.episodes, "condition", "condition_detail")
        by_condition: dict[str, int] = defaultdict(int)
        details: dict[str, list] = defaultdict(list)
        for (condition, detail), n in counts.items():
            by_condition[condition] += n
            if detail != NOT_RECORDED:
                details[condition].append((detail, n))
        cells = []
        for condition in [*Condition.values, *sorted(set(by_condition) - set(Condition.values))]:
            n = by_condition.get(condition, 0)
            cells.append(
                {
                    "condition": condition,
                    "condition_detail": "",
                    "count": n,
                    "percent": _percent(n, total),
                }
            )
            for detail, count in sorted(details.get(condition, []), key=lambda d: (-d[1], d[0])):
                cells.append(
                    {
                        "condition": condition,
                        "condition_detail": detail,
                        "count": count,
                        "percent": _percent(count, total),
                    }
                )
        return _table("conditions", total, cells)

    def _age(self, s) -> dict:
        n = s["age_n"]
        # The median is not a portable SQL aggregate: fetch only the middle one or two
        # ages of the ordered column. The query runs even when empty, so the number of
        # queries does not depend on the data.
        middle = list(
            self.episodes.filter(age_at_referral__isnull=False)
            .order_by("age_at_referral")
            .values_list("age_at_referral", flat=True)[max(n - 1, 0) // 2 : max(n - 1, 0) // 2 + 2]
        )
        median = None
        if n and middle:
            median = float(middle[0]) if n % 2 else (middle[0] + middle[1]) / 2
        cell = {
            "mean": _num(s["age_mean"]),
            "median": median,
            "min": s["age_min"],
            "max": s["age_max"],
        }
        return _table("age", n, [cell])

    def _deprivation(self) -> dict:
        decile, most = _deprivation_expressions()
        counts = _grouped(
            self.episodes.annotate(decile=decile),
            "quintile",
            "most",
            quintile=(F("decile") + 1) / 2,
            most=most,
        )
        quintiles: dict[str, int] = defaultdict(int)
        most_counts: dict[str, int] = defaultdict(int)
        population = 0
        for (quintile, most_code), n in counts.items():
            if quintile == NOT_RECORDED and most_code == NOT_RECORDED:
                continue
            population += n
            if quintile != NOT_RECORDED:
                quintiles[quintile] += n
            if most_code != NOT_RECORDED:
                most_counts[most_code] += n
        with_rank = sum(most_counts.values())
        with_quintile = sum(quintiles.values())
        cells = [
            {
                "most_deprived_15pct": code,
                "count": most_counts.get(code, 0),
                "percent": _percent(most_counts.get(code, 0), with_rank),
            }
            for code in ("yes", "no")
        ] + [
            {
                "deprivation_quintile": str(q),
                "count": quintiles.get(str(q), 0),
                "percent": _percent(quintiles.get(str(q), 0), with_quintile),
            }
            for q in range(1, 6)
        ]
        return _table("deprivation", population, cells)

    def _interval_expression(self):
        whens = [
            When(diagnosis_date__isnull=True, then=Value("not_known")),
            When(gap__lt=0, then=Value("not_known")),
        ]
        whens += [When(gap__lt=days, then=Value(code)) for code, days in INTERVALS]
        return Case(*whens, default=Value("gt_5y"), output_field=CharField())

    def _diagnosis_to_referral(self) -> dict:
        counts = _grouped(
            self.episodes.annotate(gap=DaysBetween(F("referral_date"), F("diagnosis_date"))),
            "condition",
            "interval",
            interval=self._interval_expression(),
        )
        codes = [code for code, _days in INTERVALS] + ["gt_5y", "not_known"]
        totals: dict[str, int] = defaultdict(int)
        for (condition, _interval), n in counts.items():
            totals[condition] += n
        cells = []
        for condition in [*Condition.values, *sorted(set(totals) - set(Condition.values))]:
            for code in codes:
                n = counts.get((condition, code), 0)
                cells.append(
                    {
                        "condition": condition,
                        "interval": code,
                        "count": n,
                        "percent": _percent(n, totals.get(condition, 0)),
                    }
                )
        return _table("diagnosis_to_referral", sum(totals.values()), cells)

    def _reasons_by_tier(self) -> dict:
        counts = _grouped(
            self.episodes, "tier_code", "main_reason", tier_code=highest_tier_reached()
        )
        rows: dict[str, dict[str, int]] = {"2": {}, "3": {}, "all": {}}
        for (tier, reason), n in counts.items():
            if tier in rows:
                rows[tier][reason] = rows[tier].get(reason, 0) + n
            rows["all"][reason] = rows["all"].get(reason, 0) + n
        cells = []
        for tier, reasons in rows.items():
            total = sum(reasons.values())
            cells += _count_cells("main_reason", MainReason.values, reasons, total, tier=tier)
        return _table("reasons_by_tier", sum(rows["all"].values()), cells)

    def _cumulative(self, table_id, s, population_key, bands, remainder) -> dict:
        n = s[population_key]
        cells = []
        for code, _days in bands:
            count = s[f"{table_id}:{code}"]
            cells.append({"within": code, "count": count, "percent": _percent(count, n)})
        if remainder:
            rest = n - cells[-1]["count"]
            cells.append({"within": remainder, "count": rest, "percent": _percent(rest, n)})
        return _table(table_id, n, cells)

    def _standards_span(self, scalars) -> tuple[dt.date, dt.date]:
        """The dates the calendar must cover: every date compared (referrals, contacts,
        assessments) and the report date."""
        first = min(filter(None, (scalars["first_referral"], self.as_of)))
        last = max(filter(None, (scalars["last_date"], self.as_of)))
        return first, last

    def _service_standards(self, scalars) -> dict:
        """The VRMDS national standards for every service, named so (comparable between
        services), then each service's own standard where it differs from the national."""
        counts = count_standards(
            self.episodes,
            services=self.services,
            as_of=self.as_of,
            span=self._standards_span(scalars),
        )

        def cell(name, tallies, **dimensions):
            met, eligible = sum(c.met for c in tallies), sum(c.eligible for c in tallies)
            return {
                "standard": name,
                **dimensions,
                "met": met,
                "eligible": eligible,
                "percent": _percent(met, eligible),
                "not_yet_due": sum(c.not_yet_due for c in tallies),
            }

        cells = [
            cell(
                standard.name(standard.national_days),
                [c for c in counts if c.national and c.standard == standard],
            )
            for standard in STANDARDS
        ]
        for service in sorted(self.services, key=lambda s: s.code):
            for standard in STANDARDS:
                days = standard.limit_for(service)
                if days != standard.national_days:
                    own = [
                        c
                        for c in counts
                        if not c.national and c.standard == standard and c.service_id == service.pk
                    ]
                    cells.append(cell(standard.name(days), own, service=service.code))
        return _table("service_standards", scalars["referred"], cells)

    def _engagement(self, discharged) -> dict:
        counts = _grouped(self.discharged, "engagement")
        return _table(
            "engagement",
            discharged,
            _count_cells("engagement", Engagement.values, counts, discharged),
        )

    @staticmethod
    def _contact_row(prefix=""):
        """The contacts_by_tier row of an episode: third_party, 2, 3, or "" for others."""
        reached = highest_tier_reached(prefix)
        return Case(
            When(Q(**{f"{prefix}main_reason": MainReason.THIRD_PARTY}), then=Value("third_party")),
            When(In(reached, [Tier.TWO, Tier.THREE]), then=reached),
            default=Value(""),
            output_field=CharField(),
        )

    def _contacts(self, discharged) -> dict:
        """contacts_by_tier, contact_modes and interventions (VRMDS v1.1) from one GROUP
        BY of the episodes by the row they fall in (open episodes apart), over their
        stored contact counts (:class:`~vocrehab.casework.models.EpisodeContactCounts`),
        not the contacts. Interventions count the discharged episodes' rows only."""
        modes = {f"mode:{code}": Sum(f"contact_counts__mode_{code}") for code in ContactMode.values}
        interventions = {}
        for code in Intervention.values:
            column = f"contact_counts__intervention_{code}"
            interventions[f"count:{code}"] = Sum(column)
            interventions[f"clients:{code}"] = Count(
                "client", distinct=True, filter=Q(**{f"{column}__gt": 0})
            )
        rows = (
            self.episodes.annotate(
                row=Case(
                    When(discharge_date__isnull=True, then=Value("open")),
                    default=self._contact_row(),
                    output_field=CharField(),
                )
            )
            .values("row")
            .annotate(
                contacts=Sum("contact_counts__contacts"),
                clients=Count("client", distinct=True),
                coded=Sum("contact_counts__with_interventions"),
                **modes,
                **interventions,
            )
            .order_by()
        )
        found = {r["row"]: r for r in rows}
        by_mode: dict[str, int] = defaultdict(int)
        for r in found.values():
            for code in ContactMode.values:
                by_mode[code] += r[f"mode:{code}"] or 0
        all_contacts = sum(r["contacts"] or 0 for row, r in found.items() if row != "open")
        cells = []
        for code in ("2", "3", "third_party"):
            r = found.get(code, {})
            people, contacts = r.get("clients", 0), r.get("contacts") or 0
            cells.append(
                {
                    "tier": code,
                    "clients": people,
                    "contacts": contacts,
                    "mean_per_client": contacts / people if people else None,
                    "percent_of_contacts": _percent(contacts, all_contacts),
                }
            )
        total = sum(by_mode.values())
        return {
            "contacts_by_tier": _table("contacts_by_tier", discharged, cells),
            "contact_modes": _table(
                "contact_modes", total, _count_cells("mode", ContactMode.values, by_mode, total)
            ),
            "interventions": self._interventions(found),
        }

    @staticmethod
    def _interventions(found) -> dict:
        """The interventions table from the discharged rows of :meth:`_contacts`."""
        cells = []
        for tier in ("2", "3", "third_party"):
            r = found.get(tier, {})
            for code in Intervention.values:
                cells.append(
                    {
                        "tier": tier,
                        "intervention": code,
                        "count": r.get(f"count:{code}") or 0,
                        "clients": r.get(f"clients:{code}") or 0,
                    }
                )
        contacts = sum(r["coded"] or 0 for row, r in found.items() if row != "open")
        return _table("interventions", contacts, cells)

    def _onward(self) -> dict:
        rows = (
            OnwardReferral.objects.filter(**self.episode_filter)
            .values("kind", "category")
            .annotate(count=Count("pk"), clients=Count("episode__client", distinct=True))
            .order_by()
        )
        found = {(r["kind"], r["category"]): r for r in rows}
        cells = []
        for kind in OnwardKind.values:
            for category in OnwardCategory.values:
                r = found.get((kind, category), {"count": 0, "clients": 0})
                cells.append(
                    {
                        "kind": kind,
                        "category": category,
                        "count": r["count"],
                        "clients": r["clients"],
                    }
                )
        return _table("onward", sum(r["count"] for r in found.values()), cells)

    # -- outcomes: one GROUP BY feeds five tables -------------------------------------

    def _outcomes(self) -> dict:
        _decile, most = _deprivation_expressions()
        counts = _grouped(
            self.cohort,
            "work_status_at_referral",
            "work_status_at_discharge",
            "tier_code",
            "condition",
            "most",
            tier_code=highest_tier_reached(),
            most=most,
        )
        n = sum(counts.values())
        statuses = WorkStatus.values
        entry: dict[str, int] = defaultdict(int)
        discharge: dict[str, int] = defaultdict(int)
        transitions: dict[tuple, int] = defaultdict(int)
        by_tier: dict[tuple, int] = defaultdict(int)
        by_most: dict[tuple, int] = defaultdict(int)
        by_condition: dict[tuple, int] = defaultdict(int)
        for (at_entry, at_discharge, tier, condition, most_code), c in counts.items():
            entry[at_entry] += c
            discharge[at_discharge] += c
            group = (
                "in_work"
                if at_entry in IN_WORK_CODES
                else "off_sick"
                if at_entry == WorkStatus.OFF_SICK
                else "not_in_work"
            )
            transitions[(group, at_discharge)] += c
            tier = NOT_ALLOCATED if tier == NOT_RECORDED else tier
            by_tier[(tier, ENTRY, at_entry)] += c
            by_tier[(tier, DISCHARGE, at_discharge)] += c
            if most_code != NOT_RECORDED:
                by_most[(most_code, ENTRY, at_entry)] += c
                by_most[(most_code, DISCHARGE, at_discharge)] += c
            by_condition[(condition, at_discharge)] += c

        def status_codes(found):
            extra = sorted({k for k in found if k not in statuses})
            return [*statuses, *extra]

        work_status = []
        for timepoint, found in ((ENTRY, entry), (DISCHARGE, discharge)):
            work_status += _count_cells(
                "work_status", status_codes(found), found, n, timepoint=timepoint
            )
        trans_cells = []
        dis_codes = status_codes(discharge)
        for group in ("in_work", "off_sick", "not_in_work"):
            for code in dis_codes:
                trans_cells.append(
                    {
                        "entry_group": group,
                        "discharge_status": code,
                        "count": transitions.get((group, code), 0),
                    }
                )

        def crosstab(table_id, first_dim, firsts, found, population):
            cells = []
            for first in firsts:
                for timepoint in TIMEPOINTS:
                    sub = {k[2]: v for k, v in found.items() if k[0] == first and k[1] == timepoint}
                    total = sum(sub.values())
                    cells += _count_cells(
                        "work_status",
                        status_codes(sub),
                        sub,
                        total,
                        **{first_dim: first, "timepoint": timepoint},
                    )
            return _table(table_id, population, cells)

        tiers_present = {k[0] for k in by_tier}
        tiers = [t for t in [*Tier.values, NOT_ALLOCATED] if t in tiers_present or t in ("2", "3")]
        most_n = sum(v for k, v in by_most.items() if k[1] == ENTRY)
        conditions = [
            *Condition.values,
            *sorted({k[0] for k in by_condition} - set(Condition.values)),
        ]
        cond_cells = []
        for condition in conditions:
            sub = {k[1]: v for k, v in by_condition.items() if k[0] == condition}
            cond_cells += _count_cells(
                "work_status", status_codes(sub), sub, sum(sub.values()), condition=condition
            )
        return {
            "work_status": _table("work_status", n, work_status),
            "work_status_transitions": _table("work_status_transitions", n, trans_cells),
            "work_status_by_tier": crosstab("work_status_by_tier", "tier", tiers, by_tier, n),
            "work_status_by_deprivation": crosstab(
                "work_status_by_deprivation",
                "most_deprived_15pct",
                ("yes", "no"),
                by_most,
                most_n,
            ),
            "work_status_by_condition": _table("work_status_by_condition", n, cond_cells),
        }

    def _followup(self, s) -> dict:
        respondents = s["fu_respondents"]
        in_work_d, in_work_f, still = s["fu_in_work_d"], s["fu_in_work_f"], s["fu_still"]
        cell = {
            "respondents": respondents,
            "in_work_at_discharge": in_work_d,
            "still_in_work": still,
            "percent_sustained": _percent(still, in_work_d),
            "percent_in_work_at_discharge": _percent(in_work_d, respondents),
            "percent_in_work_at_followup": _percent(in_work_f, respondents),
            "out_of_window": s["fu_with_status"] - respondents,
        }
        return _table("followup", respondents, [cell])

    # -- measures ----------------------------------------------------------------------

    def _pairs(self):
        """The entry and discharge scores, side by side, of the report's episodes: one
        row per (episode, instrument), kept as questionnaires change."""
        return QuestionnairePair.objects.filter(
            instrument__in=MEASURE_INSTRUMENTS, **self.episode_filter
        ).order_by()

    @staticmethod
    def _at(timepoint, column, instruments):
        """The ``column`` of ``instruments``' questionnaire at ``timepoint``, per row."""
        return Case(
            When(Q(instrument__in=instruments), then=F(f"{timepoint}_{column}")),
            output_field=FloatField(),
        )

    def _measures(self) -> dict:
        """Every paired questionnaire table from ONE query.

        :class:`QuestionnairePair` holds one row per (episode, instrument) with the
        entry and discharge scores side by side (kept as questionnaires change), and
        each instrument's tables are aggregates over those rows. Pivoting every
        questionnaire's scores at each report, or reading the item values, would read
        the national tables again for each report.
        """
        parts = [self._eq5d(), self._hads(), self._copm()]
        parts += [self._total_bands("phq9"), self._total_bands("gad7"), self._who5()]
        parts.append(self._item_means("wc_", "work_confidence", WORK_CONFIDENCE_ITEMS, "mean"))
        parts.append(self._item_means("hu_", "health_use", HEALTH_USE_ITEMS, "total"))
        columns, derived, aggregates = {}, {}, {}
        for part in parts:
            columns.update(part.columns)
            derived.update(part.derived)
            aggregates.update(part.aggregates)
        # Sliced beyond any table's size, the rows become a subquery of their own: each
        # pair's columns are then worked out once, not again inside every one of the
        # hundred or so aggregates that read them (the database folds a plain subquery
        # into its outer query, but not one with a LIMIT). Half the query's time.
        rows = self._pairs().annotate(**columns).annotate(**derived)[:EVERY_ROW]
        agg = rows.aggregate(**aggregates)
        tables = {}
        for part in parts:
            tables.update(part.tables(agg))
        return tables

    def _eq5d(self) -> _MeasurePart:
        eq5d = ("eq5d5l", "eq5d3l")
        columns = {}
        for tp in TIMEPOINTS:
            for item in (*DIMENSIONS, "vas"):
                columns[f"eq_{tp}_{item}"] = self._at(tp, item, eq5d)
        # 1 for a 5L row, 0 for a 3L row, NULL for other instruments' rows.
        columns["eq_is_5l"] = Case(
            When(instrument="eq5d5l", then=Value(1)),
            When(instrument="eq5d3l", then=Value(0)),
            output_field=IntegerField(),
        )

        aggregates = {"eq_rows_5l": _episodes_where(Q(eq_is_5l=1))}
        aggregates["eq_rows_3l"] = _episodes_where(Q(eq_is_5l=0))
        for dim in DIMENSIONS:
            aggregates[f"eq_n_{dim}"] = _episodes_where(_paired("eq_", dim))
            for tp in TIMEPOINTS:
                aggregates[f"eq_{tp}_{dim}_none"] = _episodes_where(
                    _paired("eq_", dim) & Q(**{f"eq_{tp}_{dim}": 1})
                )
        aggregates["eq_n_vas"] = _episodes_where(_paired("eq_", "vas"))
        for tp in TIMEPOINTS:
            aggregates[f"eq_{tp}_vas_mean"] = _where(Avg, _paired("eq_", "vas"), f"eq_{tp}_vas")
        if self.value_set_code:
            candidates = [get_value_set(self.value_set_code)]
        else:
            candidates = [get_value_set(DEFAULT_VALUE_SETS[i]) for i in ("eq5d5l", "eq5d3l")]
        profile = Q(**{f"eq_{tp}_{d}__isnull": False for tp in TIMEPOINTS for d in DIMENSIONS})
        for vs in candidates:
            pairs = profile & Q(eq_is_5l=1 if vs.instrument == "eq5d5l" else 0)
            aggregates[f"eq_index_n:{vs.code}"] = _episodes_where(pairs)
            for tp in TIMEPOINTS:
                aggregates[f"eq_index_{tp}:{vs.code}"] = Avg(
                    Case(
                        When(pairs, then=vs.index_expression(lambda dim, tp=tp: f"eq_{tp}_{dim}")),
                        output_field=FloatField(),
                    )
                )

        def tables(agg) -> dict:
            eq5d_cells = []
            for dim in DIMENSIONS:
                for tp in TIMEPOINTS:
                    eq5d_cells.append(
                        {
                            "dimension": dim,
                            "timepoint": tp,
                            "count": agg[f"eq_{tp}_{dim}_none"],
                            "n": agg[f"eq_n_{dim}"],
                        }
                    )
            vas_cells = [
                {"timepoint": tp, "mean": _num(agg[f"eq_{tp}_vas_mean"]), "n": agg["eq_n_vas"]}
                for tp in TIMEPOINTS
            ]
            n_eq5d = max((agg[f"eq_n_{d}"] for d in DIMENSIONS), default=0)
            # The 5L default unless the episodes hold 3L responses only.
            chosen = candidates[0]
            if len(candidates) > 1 and not agg["eq_rows_5l"] and agg["eq_rows_3l"]:
                chosen = candidates[1]
            n = agg[f"eq_index_n:{chosen.code}"]
            index_cells = [
                {"timepoint": tp, "mean": _num(agg[f"eq_index_{tp}:{chosen.code}"]), "n": n}
                for tp in TIMEPOINTS
            ]
            return {
                "eq5d_no_problems": _table("eq5d_no_problems", n_eq5d, eq5d_cells),
                "eq_vas": _table("eq_vas", agg["eq_n_vas"], vas_cells),
                "eq5d_index": _table("eq5d_index", n, index_cells, value_set=chosen.code),
            }

        return _MeasurePart(columns, {}, aggregates, tables)

    def _hads(self) -> _MeasurePart:
        columns = {}
        for subscale in ("anxiety", "depression"):
            for tp in TIMEPOINTS:
                name = f"hads_{tp}_{subscale}"
                for part in ("sum", "items"):
                    columns[f"{name}_{part}"] = self._at(tp, f"hads_{subscale}_{part}", ("hads",))
                columns[f"{name}_total"] = self._at(tp, f"hads_{subscale}", ("hads",))

        def score(tp, subscale):
            name = f"hads_{tp}_{subscale}"
            return hads_subscale_expression(
                item_sum=f"{name}_sum",
                items_answered=f"{name}_items",
                recorded_total=f"{name}_total",
            )

        derived = {
            f"hads_x_{tp}_{sub}": score(tp, sub)
            for tp in TIMEPOINTS
            for sub in ("anxiety", "depression")
        }

        aggregates = {}
        for sub in ("anxiety", "depression"):
            for tp in TIMEPOINTS:
                lower = None
                for band, upper in HADS_BANDS:
                    cond = _paired("hads_x_", sub)
                    if lower is not None:
                        cond &= Q(**{f"hads_x_{tp}_{sub}__gte": lower})
                    if upper is not None:
                        cond &= Q(**{f"hads_x_{tp}_{sub}__lt": upper})
                    aggregates[f"hads_{sub}_{tp}_{band}"] = _episodes_where(cond)
                    lower = upper
        aggregates["hads_n_any"] = _episodes_where(
            _paired("hads_x_", "anxiety") | _paired("hads_x_", "depression")
        )

        def tables(agg) -> dict:
            cells = [
                {
                    "subscale": sub,
                    "timepoint": tp,
                    "band": band,
                    "count": agg[f"hads_{sub}_{tp}_{band}"],
                }
                for sub in ("anxiety", "depression")
                for tp in TIMEPOINTS
                for band, _upper in HADS_BANDS
            ]
            return {"hads_bands": _table("hads_bands", agg["hads_n_any"], cells)}

        return _MeasurePart(columns, derived, aggregates, tables)

    def _prorated_totals(self, code: str) -> tuple[dict, dict]:
        """Columns and the SQL total (prorated by the instrument's rule) of a
        prorated-total instrument at entry and discharge, named ``{code}_x_{tp}_total``."""
        columns, derived = {}, {}
        for tp in TIMEPOINTS:
            name = f"{code}_{tp}"
            columns[f"{name}_sum"] = self._at(tp, "summed_total", (code,))
            columns[f"{name}_items"] = self._at(tp, "summed_answered", (code,))
            derived[f"{code}_x_{tp}_total"] = prorated_total_expression(
                get_instrument(code), item_sum=f"{name}_sum", items_answered=f"{name}_items"
            )
        return columns, derived

    def _total_bands(self, code: str) -> _MeasurePart:
        """``phq9_bands`` and ``gad7_bands``: paired totals counted per band."""
        columns, derived = self._prorated_totals(code)
        limits = band_limits(get_instrument(code).bands["total"])
        paired = _paired(f"{code}_x_", "total")
        aggregates = {f"{code}_n": _episodes_where(paired)}
        for tp in TIMEPOINTS:
            lower = None
            for band, upper in limits:
                cond = paired
                if lower is not None:
                    cond &= Q(**{f"{code}_x_{tp}_total__gte": lower})
                if upper is not None:
                    cond &= Q(**{f"{code}_x_{tp}_total__lt": upper})
                aggregates[f"{code}_{tp}_{band}"] = _episodes_where(cond)
                lower = upper

        def tables(agg) -> dict:
            cells = [
                {"timepoint": tp, "band": band, "count": agg[f"{code}_{tp}_{band}"]}
                for tp in TIMEPOINTS
                for band, _upper in limits
            ]
            table_id = f"{code}_bands"
            return {table_id: _table(table_id, agg[f"{code}_n"], cells)}

        return _MeasurePart(columns, derived, aggregates, tables)

    def _who5(self) -> _MeasurePart:
        """``who5``: the paired mean percentage score and how many were 50 or less."""
        columns, derived = self._prorated_totals("who5")
        paired = _paired("who5_x_", "total")
        # A raw total at or below this is a percentage score at or below 50.
        poor_raw = WHO5_POOR_WELLBEING_AT_MOST / WHO5_PERCENT_PER_POINT
        aggregates = {"who5_n": _episodes_where(paired)}
        for tp in TIMEPOINTS:
            aggregates[f"who5_{tp}_mean_raw"] = _where(Avg, paired, f"who5_x_{tp}_total")
            aggregates[f"who5_{tp}_poor"] = _episodes_where(
                paired & Q(**{f"who5_x_{tp}_total__lte": poor_raw})
            )

        def tables(agg) -> dict:
            cells = []
            for tp in TIMEPOINTS:
                mean_raw = agg[f"who5_{tp}_mean_raw"]
                cells.append(
                    {
                        "timepoint": tp,
                        "mean": None
                        if mean_raw is None
                        else _num(mean_raw * WHO5_PERCENT_PER_POINT),
                        "n": agg["who5_n"],
                        "poor_wellbeing": agg[f"who5_{tp}_poor"],
                    }
                )
            return {"who5": _table("who5", agg["who5_n"], cells)}

        return _MeasurePart(columns, derived, aggregates, tables)

    def _copm(self) -> _MeasurePart:
        columns = {}
        for tp in TIMEPOINTS:
            for score in ("performance", "satisfaction"):
                for part, column in (
                    ("problems", f"copm_{score}_problems"),
                    ("recorded", f"copm_{score}"),
                ):
                    columns[f"copm_{tp}_{score}_{part}"] = self._at(tp, column, ("copm",))
        derived = {
            f"copm_{tp}_{score}": RoundHalfUp1(
                Coalesce(F(f"copm_{tp}_{score}_problems"), F(f"copm_{tp}_{score}_recorded")),
                output_field=FloatField(),
            )
            for tp in TIMEPOINTS
            for score in ("performance", "satisfaction")
        }
        aggregates = {}
        for score in ("performance", "satisfaction"):
            paired = _paired("copm_", score)
            aggregates[f"copm_n_{score}"] = _episodes_where(paired)
            for tp in TIMEPOINTS:
                aggregates[f"copm_{tp}_{score}_mean"] = _where(Avg, paired, f"copm_{tp}_{score}")
            entry, discharge = f"copm_{ENTRY}_{score}", f"copm_{DISCHARGE}_{score}"
            aggregates[f"copm_{score}_improved"] = _episodes_where(
                paired & Q(**{f"{discharge}__gte": F(entry) + 2})
            )

        def tables(agg) -> dict:
            cells = []
            for score in ("performance", "satisfaction"):
                for tp in TIMEPOINTS:
                    cell = {
                        "score": score,
                        "timepoint": tp,
                        "mean": _num(agg[f"copm_{tp}_{score}_mean"]),
                        "n": agg[f"copm_n_{score}"],
                    }
                    cell["improved_2_or_more"] = (
                        agg[f"copm_{score}_improved"] if tp == DISCHARGE else None
                    )
                    cells.append(cell)
            n = max(agg["copm_n_performance"], agg["copm_n_satisfaction"])
            return {"copm": _table("copm", n, cells)}

        return _MeasurePart(columns, derived, aggregates, tables)

    def _item_means(self, prefix, instrument, items, measure) -> _MeasurePart:
        """Per item, the mean (or total) at entry and discharge of those with both (the
        table has the instrument's name)."""
        columns = {
            f"{prefix}{tp}_{item}": self._at(tp, item, (instrument,))
            for tp in TIMEPOINTS
            for item in items
        }
        aggregates = {}
        function = Avg if measure == "mean" else Sum
        for item in items:
            paired = _paired(prefix, item)
            aggregates[f"{prefix}n_{item}"] = _episodes_where(paired)
            for tp in TIMEPOINTS:
                aggregates[f"{prefix}m_{tp}_{item}"] = _where(
                    function, paired, f"{prefix}{tp}_{item}"
                )

        def tables(agg) -> dict:
            cells = []
            for item in items:
                n_item = agg[f"{prefix}n_{item}"]
                for tp in TIMEPOINTS:
                    value = _num(agg[f"{prefix}m_{tp}_{item}"])
                    if measure == "total" and value is None and n_item == 0:
                        value = 0
                    cells.append({"item": item, "timepoint": tp, measure: value, "n": n_item})
            n = max((agg[f"{prefix}n_{item}"] for item in items), default=0)
            return {instrument: _table(instrument, n, cells)}

        return _MeasurePart(columns, {}, aggregates, tables)

    def _satisfaction(self) -> dict:
        # One row per combination of answers (a few thousand at most), from the stored
        # scores: one answer per question per survey (unique constraints), so the
        # counts are counts of people.
        columns = [f"satisfaction_{q}" for q in SATISFACTION_QUESTIONS]
        any_answer = Q()
        for column in columns:
            any_answer |= Q(**{f"{column}__isnull": False})
        combinations = (
            QuestionnaireScores.objects.filter(
                any_answer,
                administration__instrument="satisfaction",
                administration__status=AdministrationStatus.COMPLETED,
                administration__timepoint=DISCHARGE,
                administration__episode__discharge_date__isnull=False,
                **self.administration_filter,
            )
            .values(*columns)
            .annotate(count=Count("pk"))
            .order_by()
        )
        found: dict[tuple[str, str], int] = defaultdict(int)
        surveyed = 0
        for combination in combinations:
            surveyed += combination["count"]
            for question, column in zip(SATISFACTION_QUESTIONS, columns, strict=True):
                answer = combination[column]
                if answer is None:
                    continue
                code = str(int(answer)) if float(answer).is_integer() else str(answer)
                found[(question, code)] += combination["count"]
        instrument = get_instrument("satisfaction")
        cells = []
        for question in SATISFACTION_QUESTIONS:
            item = instrument.item(question)
            answers = [str(v) for v in range(int(item.max), int(item.min) - 1, -1)]
            answered = sum(v for (q, _a), v in found.items() if q == question)
            extra = sorted(a for (q, a) in found if q == question and a not in answers)
            for answer in [*answers, *extra]:
                count = found.get((question, answer), 0)
                cells.append(
                    {
                        "question": question,
                        "answer": answer,
                        "count": count,
                        "percent": _percent(count, answered),
                    }
                )
        return _table("satisfaction", surveyed, cells)

    def _questionnaire_completion(self, scalars) -> dict:
        cells = []
        for row in completion(self.episode_lookups, self.services, self.as_of):
            cells.append(
                {
                    "instrument": row.instrument,
                    "timepoint": row.timepoint,
                    "eligible": row.eligible,
                    "completed": row.completed,
                    "percent": row.percent,
                    "sent": row.sent,
                    "paired": row.paired,
                }
            )
        return _table("questionnaire_completion", scalars["referred"], cells)


def build_evaluation(
    services,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    value_set: str | None = None,
    as_of: dt.date | None = None,
) -> dict:
    """The standard evaluation report for ``services`` (Service objects) and a period.

    Episodes count when their referral date is within ``date_from``..``date_to``
    (inclusive; either may be None for an open end). ``value_set`` chooses the EQ-5D
    value set (default: England 5L, or UK 3L when only 3L responses exist); ``as_of``
    is the report date, on which service standards and questionnaire completion are
    judged (default: the end of the period, or today if sooner). Figures are
    unsuppressed: pass the result to :func:`vocrehab.reports.suppression.suppress`
    before showing it to a commissioner or publishing it. Raises ReportError for an
    unusable option.
    """
    evaluation = _Evaluation(services, date_from, date_to, value_set, as_of)
    if snapshot.may_share():
        try:
            with transaction.atomic():
                snapshot.begin()
                _tune_for_reporting()
                return evaluation.build(shared=True)
        except CalendarShort:
            pass  # filled below, in a transaction that may write; next time, shared
    with transaction.atomic():
        _tune_for_reporting()
        return evaluation.build()


class CalendarShort(Exception):
    """The working-day calendar lacks dates the report compares; the connections that
    share a snapshot only read, so the report fills it in a transaction of its own."""


# PostgreSQL settings for the report's transaction only (SET LOCAL). Its aggregate
# queries over a national dataset sort and hash far more than the default 4 MB of
# working memory, and spill to disk; and the just-in-time compiler spends longer
# compiling each of the report's wide aggregate queries than it saves running it.
REPORTING_SETTINGS = {"work_mem": "64MB", "jit": "off"}


def _tune_for_reporting() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, value in REPORTING_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _tune_for_sharing() -> None:
    """The report's settings, on a connection that runs its queries beside others."""
    _tune_for_reporting()
    snapshot.one_core_each()
