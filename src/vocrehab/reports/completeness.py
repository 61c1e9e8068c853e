"""How complete the outcome data is: the ``questionnaire_completion`` table of VRMDS v1.1
and the checks of the data-quality page, each with the episodes behind its count.

For each instrument a service uses at a timepoint (its questionnaire schedule, and any
instrument it holds answers of there, such as imported history):

* eligible: at ``entry`` the assessed episodes, at ``discharge`` the discharged ones, at
  ``followup`` the discharged ones whose six-month window closed by the report date;
* sent: eligible episodes whose questionnaire went beyond being scheduled (invited,
  started, completed or expired; one entered by staff counts as sent);
* completed: eligible episodes with a scorable questionnaire there
  (:func:`vocrehab.measures.scores.scorable`);
* paired (on the discharge cell): discharged episodes scorable at entry and discharge.

:func:`completion` counts them in two aggregate queries whatever the number of
episodes; :func:`episodes_behind` gives the episodes behind any count, for the people
allowed to see them. ``tests/reports/test_questionnaire_completion.py`` holds the two to
each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import VRMDS_TIMEPOINTS
from vocrehab.episodes.facts import followup_due, followup_window_closed, window_open_since
from vocrehab.episodes.models import Episode
from vocrehab.measures.instruments import INSTRUMENTS
from vocrehab.measures.models import Administration, AdministrationStatus, QuestionnairePair
from vocrehab.measures.scores import scorable, stored_scorable
from vocrehab.measures.services import schedule_for

from .labels import label

ENTRY, DISCHARGE, FOLLOWUP = (str(t) for t in VRMDS_TIMEPOINTS)
TIMEPOINTS = (ENTRY, DISCHARGE, FOLLOWUP)
MEASURES = ("eligible", "sent", "completed", "paired")
MEASURE_LABELS = {
    "eligible": _("eligible"),
    "sent": _("sent"),
    "completed": _("completed with a score"),
    "paired": _("scored at entry and discharge"),
}
# Beyond scheduled: the client was asked, or staff entered the answers.
SENT_STATUSES = (
    AdministrationStatus.INVITED,
    AdministrationStatus.IN_PROGRESS,
    AdministrationStatus.COMPLETED,
    AdministrationStatus.EXPIRED,
)


def window_closed_before(as_of: dt.date) -> dt.date:
    """Discharges before this date have had their follow-up window close by ``as_of``."""
    return window_open_since(as_of)


def eligible(timepoint: str, as_of: dt.date, prefix: str = "") -> Q:
    """Episodes (``prefix`` leads to one, as ``"episode__"``) owed a questionnaire at
    ``timepoint`` by the report date ``as_of``."""
    if timepoint == ENTRY:
        return Q(**{f"{prefix}assessment_date__isnull": False})
    if timepoint == DISCHARGE:
        return Q(**{f"{prefix}discharge_date__isnull": False})
    return followup_window_closed(as_of, prefix)


@dataclass
class Completion:
    """One instrument at one timepoint, over the chosen services."""

    instrument: str
    timepoint: str
    eligible: int = 0
    sent: int = 0
    completed: int = 0
    paired: int | None = None  # on the discharge row only

    @property
    def percent(self) -> float | None:
        return 100.0 * self.completed / self.eligible if self.eligible else None

    @property
    def counts(self) -> list[tuple[str, int | None]]:
        """(measure, count) in :data:`MEASURES` order, for a page."""
        return [(measure, getattr(self, measure)) for measure in MEASURES]

    @property
    def query(self) -> str:
        """The list behind a count, as a query string wanting only its measure."""
        fixed = urlencode(
            {"check": "completion", "instrument": self.instrument, "timepoint": self.timepoint}
        )
        return f"{fixed}&measure="

    @property
    def instrument_label(self) -> str:
        return label("instrument", self.instrument)

    @property
    def timepoint_label(self) -> str:
        return label("timepoint", self.timepoint)


def _instrument_order(code: str) -> tuple:
    codes = list(INSTRUMENTS)
    return (codes.index(code) if code in codes else len(codes), code)


def completion(lookups: dict, services, as_of: dt.date) -> list[Completion]:
    """Every instrument the ``services`` use at each timepoint, counted over the
    episodes that ``lookups`` (Episode field lookups, such as ``{"service": s}``)
    choose, in instrument then timepoint order."""
    services = list(services)
    episodes = Episode.objects.filter(**lookups).order_by()
    # The same episodes seen from their questionnaires: a join, not a second pass over
    # the episodes for an IN list.
    on_episode = {f"episode__{lookup}": value for lookup, value in lookups.items()}
    population = {
        row["service_id"]: row
        for row in episodes.values("service_id")
        .annotate(**{tp: Count("pk", filter=eligible(tp, as_of)) for tp in TIMEPOINTS})
        .order_by()
    }
    # One row per (service, instrument, timepoint): the unique constraint makes every
    # count of administrations a count of episodes. The scoring rule's verdict is read
    # as stored with the scores, and pairs from the stored entry/discharge pairs.
    owed = Q()
    for tp in TIMEPOINTS:
        owed |= Q(timepoint=tp) & eligible(tp, as_of, "episode__")
    found = (
        Administration.objects.filter(timepoint__in=TIMEPOINTS, **on_episode)
        .values("episode__service_id", "instrument", "timepoint")
        .annotate(
            sent=Count("pk", filter=owed & Q(status__in=SENT_STATUSES)),
            completed=Count("pk", filter=owed & stored_scorable()),
        )
        .order_by()
    )
    paired = {
        (r["episode__service_id"], r["instrument"]): r["n"]
        for r in QuestionnairePair.objects.filter(
            eligible(DISCHARGE, as_of, "episode__"),
            entry_scorable=True,
            **on_episode,
            discharge_scorable=True,
        )
        .values("episode__service_id", "instrument")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows: dict[tuple[str, str], Completion] = {}
    used: dict[int, dict[str, set[str]]] = {
        s.pk: {tp: set(schedule_for(s).instruments_for(tp)) for tp in TIMEPOINTS} for s in services
    }
    for row in found:
        service_id, key = row["episode__service_id"], (row["instrument"], row["timepoint"])
        used.setdefault(service_id, {tp: set() for tp in TIMEPOINTS})[row["timepoint"]].add(
            row["instrument"]
        )
        cell = rows.setdefault(key, Completion(*key))
        cell.sent += row["sent"]
        cell.completed += row["completed"]
        if row["timepoint"] == DISCHARGE:
            cell.paired = (cell.paired or 0) + paired.get((service_id, row["instrument"]), 0)
    for service_id, by_timepoint in used.items():
        counts = population.get(service_id, {})
        for tp, instruments in by_timepoint.items():
            for code in instruments:
                cell = rows.setdefault((code, tp), Completion(code, tp))
                cell.eligible += counts.get(tp, 0)
    for (_code, tp), cell in rows.items():
        if tp == DISCHARGE and cell.paired is None:
            cell.paired = 0
    return sorted(
        rows.values(),
        key=lambda c: (_instrument_order(c.instrument), TIMEPOINTS.index(c.timepoint)),
    )


# --- the data-quality page's other checks ---------------------------------------------

# The required columns of VRMDS episodes.csv that an episode can lack (its ids and
# service it cannot). The schema is interchange's, beside this app, so it is not read
# here: tests/reports/test_required_fields.py holds this list to it.
REQUIRED_FIELDS = (
    "referral_date",
    "referral_source",
    "condition",
    "work_status_at_referral",
    "main_reason",
)


def _missing(field: str) -> Q:
    empty = Q(**{f"{field}__isnull": True})
    if Episode._meta.get_field(field).get_internal_type() == "CharField":
        empty |= Q(**{field: ""})
    return empty


def _field_label(field: str) -> str:
    return str(Episode._meta.get_field(field).verbose_name).capitalize()


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    condition: Q  # on Episode


def checks(as_of: dt.date) -> tuple[Check, ...]:
    """The data-quality checks besides questionnaire completion, each a filter on
    episodes: no discharge outcome, each VRMDS required field missing, the six-month
    follow-up due and not recorded while its window is open (the caseload's "Follow-up
    due"), follow-up questionnaires overdue."""
    overdue_followups = Administration.objects.overdue(as_of).filter(
        episode_id=OuterRef("pk"), timepoint=FOLLOWUP
    )
    return (
        Check(
            "no_discharge_outcome",
            _("Discharged without a work status at discharge"),
            Q(discharge_date__isnull=False) & _missing("work_status_at_discharge"),
        ),
        *(
            Check(
                f"missing_{field}",
                format_lazy(_("{field} not recorded"), field=_field_label(field)),
                _missing(field),
            )
            for field in REQUIRED_FIELDS
        ),
        Check(
            "followup_status_overdue",
            _("Six-month follow-up due and not recorded"),
            followup_due(as_of),
        ),
        Check(
            "followup_overdue",
            _("Follow-up questionnaire overdue"),
            Q(Exists(overdue_followups)),
        ),
    )


def check_counts(episodes, as_of: dt.date) -> list[tuple[Check, int]]:
    """Each check with the number of ``episodes`` it finds: one aggregate query."""
    found = checks(as_of)
    counts = episodes.order_by().aggregate(
        **{c.code: Count("pk", filter=c.condition) for c in found}
    )
    return [(c, counts[c.code]) for c in found]


def describe(
    as_of: dt.date, check: str, *, instrument: str = "", timepoint: str = "", measure: str = ""
) -> str:
    """What one count of the page counts, in words (for the list behind it)."""
    if check != "completion":
        return next(str(c.label) for c in checks(as_of) if c.code == check)
    return gettext("%(instrument)s at %(timepoint)s: %(measure)s") % {
        "instrument": label("instrument", instrument),
        "timepoint": label("timepoint", timepoint).lower(),
        "measure": str(MEASURE_LABELS[measure]),
    }


def episodes_behind(
    episodes,
    as_of: dt.date,
    check: str,
    *,
    instrument: str = "",
    timepoint: str = "",
    measure: str = "",
):
    """The ``episodes`` behind one count of the page, or None for an unknown check.

    ``check`` is a :func:`checks` code, or ``"completion"`` with ``instrument``,
    ``timepoint`` and one of :data:`MEASURES`.
    """
    if check != "completion":
        found = {c.code: c for c in checks(as_of)}
        return episodes.filter(found[check].condition) if check in found else None
    if timepoint not in TIMEPOINTS or measure not in MEASURES:
        return None
    if measure == "paired" and timepoint != DISCHARGE:
        return None

    def having(*conditions, at=timepoint):
        return Exists(
            Administration.objects.filter(
                *conditions, episode_id=OuterRef("pk"), instrument=instrument, timepoint=at
            )
        )

    chosen = episodes.filter(eligible(timepoint, as_of))
    if measure == "sent":
        return chosen.filter(having(Q(status__in=SENT_STATUSES)))
    if measure == "completed":
        return chosen.filter(having(scorable()))
    if measure == "paired":
        return chosen.filter(having(scorable()), having(scorable(), at=ENTRY))
    return chosen
