"""The rules an episode's recorded facts keep, whichever path records them.

One rule set for the web forms, the API, the VRMDS validator and the services: the order
of an episode's dates (referral ≤ first contact ≤ assessment ≤ discharge ≤ follow-up), no
date in the future, contacts within the episode, return-to-work dates not before the
referral, the outcome a discharge must record, what re-opening a discharge needs, and
the six-month follow-up window of VRMDS v1.1 (150 to 270 days after discharge,
``codes.FOLLOWUP_WINDOW_*``).

Each check returns the rules broken as :class:`Broken` (the episode field and a message
that names the field and the dates), so a caller can show them beside its own fields;
:func:`require` turns them into an :class:`EpisodeFactsError`. The report counts
follow-ups through :func:`followup_in_window`, the same window in SQL; the caseload,
questionnaires overdue and questionnaire completion ask whether a window is still open
on a day through :func:`followup_window_still_open` and :func:`followup_window_closed`,
and whether a follow-up is due and not recorded through :func:`followup_due`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocrehab.codes import (
    FOLLOWUP_WINDOW_CLOSES_DAYS,
    FOLLOWUP_WINDOW_OPENS_DAYS,
    Engagement,
    WorkStatus,
)
from vocrehab.dates import DaysBetween, human_date

# The episode's dates in the order they must run, with what each is called in a message.
DATE_ORDER: tuple[tuple[str, str], ...] = (
    ("referral_date", gettext_lazy("the referral")),
    ("first_contact_date", gettext_lazy("the first contact")),
    ("assessment_date", gettext_lazy("the initial assessment")),
    ("discharge_date", gettext_lazy("the discharge")),
    ("followup_collected_on", gettext_lazy("the six-month follow-up")),
)
DATE_FIELDS = tuple(name for name, _label in DATE_ORDER)
_LABELS = dict(DATE_ORDER)


@dataclass(frozen=True)
class Broken:
    """One rule broken: the episode field it is about, and what to tell the person."""

    field: str
    message: str


class EpisodeFactsError(ValidationError):
    """What was to be recorded breaks the episode's rules; ``message_dict`` names each field."""


def require(broken: Iterable[Broken]) -> None:
    """Raise :class:`EpisodeFactsError` naming every rule broken, or return."""
    errors: dict[str, list[str]] = {}
    for item in broken:
        errors.setdefault(item.field, []).append(item.message)
    if errors:
        raise EpisodeFactsError(errors)


# --------------------------------------------------------------------------- dates


def _not_in_future(field: str, label: str, day: datetime.date, today: datetime.date):
    if day > today:
        yield Broken(
            field,
            _("%(what)s (%(date)s) cannot be in the future.")
            % {"what": capfirst(label), "date": human_date(day)},
        )


def date_order(dates: Mapping[str, datetime.date | None]) -> list[Broken]:
    """The episode's dates, as they would be, out of order: each against the latest
    earlier date recorded (an empty date is skipped, as VRMDS does)."""
    broken = []
    last_field = last = None
    for field in DATE_FIELDS:
        day = dates.get(field)
        if day is None:
            continue
        if last is not None and day < last:
            broken.append(
                Broken(
                    field,
                    _("%(later)s (%(date)s) cannot be before %(earlier)s (%(earlier_date)s).")
                    % {
                        "later": capfirst(_LABELS[field]),
                        "date": human_date(day),
                        "earlier": _LABELS[last_field],
                        "earlier_date": human_date(last),
                    },
                )
            )
        else:
            last_field, last = field, day
    return broken


def check_dates(episode, *, today: datetime.date | None = None, **changes) -> list[Broken]:
    """The dates ``changes`` (field=date) would give the episode: none in the future, each
    after the dates that come before it and before those that come after it. One message
    a date, against the nearest date it crosses."""
    today = today or timezone.localdate()
    dates = {name: getattr(episode, name, None) for name in DATE_FIELDS}
    dates.update(changes)
    broken = []
    for field, day in changes.items():
        if day is None:
            continue
        broken += _not_in_future(field, _LABELS[field], day, today)
        position = DATE_FIELDS.index(field)
        earlier = [(dates[f], f) for f in DATE_FIELDS[:position] if dates[f] and dates[f] > day]
        later = [(dates[f], f) for f in DATE_FIELDS[position + 1 :] if dates[f] and dates[f] < day]
        if earlier:
            other_day, other = max(earlier)
            template = _("%(what)s (%(date)s) cannot be before %(other)s (%(other_date)s).")
        elif later:
            other_day, other = min(later)
            template = _("%(what)s (%(date)s) cannot be after %(other)s (%(other_date)s).")
        else:
            continue
        broken.append(
            Broken(
                field,
                template
                % {
                    "what": capfirst(_LABELS[field]),
                    "date": human_date(day),
                    "other": _LABELS[other],
                    "other_date": human_date(other_day),
                },
            )
        )
    return broken


def check_contact_date(
    episode, day: datetime.date, *, today: datetime.date | None = None, what: str = ""
) -> list[Broken]:
    """A contact falls within the episode: from the referral to the discharge."""
    what = what or _("the contact")
    broken = list(_not_in_future("contact_date", what, day, today or timezone.localdate()))
    if day < episode.referral_date:
        broken.append(
            Broken(
                "contact_date",
                _("%(what)s (%(date)s) cannot be before the referral (%(referral)s).")
                % {
                    "what": capfirst(what),
                    "date": human_date(day),
                    "referral": human_date(episode.referral_date),
                },
            )
        )
    if episode.discharge_date is not None and day > episode.discharge_date:
        broken.append(
            Broken(
                "contact_date",
                _(
                    "%(what)s (%(date)s) cannot be after the discharge (%(discharge)s); "
                    "re-open the episode to record it."
                )
                % {
                    "what": capfirst(what),
                    "date": human_date(day),
                    "discharge": human_date(episode.discharge_date),
                },
            )
        )
    return broken


def check_return_to_work_date(
    episode, day: datetime.date | None, *, field: str, what: str
) -> list[Broken]:
    """A return-to-work date (the return itself, a plan's start or agreement) is not
    before the referral. It may be ahead: a return is planned."""
    if day is None or day >= episode.referral_date:
        return []
    return [
        Broken(
            field,
            _("%(what)s (%(date)s) cannot be before the referral (%(referral)s).")
            % {
                "what": capfirst(what),
                "date": human_date(day),
                "referral": human_date(episode.referral_date),
            },
        )
    ]


# ------------------------------------------------------------------------ discharge


def check_discharge(
    episode,
    *,
    on: datetime.date,
    work_status: str,
    engagement: str = "",
    last_contact_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[Broken]:
    """A discharge on ``on`` with its outcome: an open episode, the dates in order, no
    contact left after it, the work status at discharge (VRMDS requires it), and an
    engagement that agrees with the assessment."""
    if episode.discharge_date is not None:
        return [Broken("discharge_date", _("This episode is already discharged."))]
    broken = check_dates(episode, today=today, discharge_date=on)
    if last_contact_date is not None and last_contact_date > on:
        broken.append(
            Broken(
                "discharge_date",
                _("The discharge (%(date)s) cannot be before the last contact (%(contact)s).")
                % {"date": human_date(on), "contact": human_date(last_contact_date)},
            )
        )
    if work_status not in WorkStatus.values:
        broken.append(
            Broken("work_status_at_discharge", _("Choose the client's work status at discharge."))
        )
    if engagement == Engagement.DID_NOT_ENGAGE and episode.assessment_date:
        broken.append(
            Broken(
                "engagement",
                _(
                    "Did not engage means never assessed, but the initial assessment was "
                    "on %(date)s: choose withdrew or engaged."
                )
                % {"date": human_date(episode.assessment_date)},
            )
        )
    return broken


def check_reopen(episode, *, reason: str) -> list[Broken]:
    """Re-opening an episode: it is discharged, and the reason is given (it is kept)."""
    if episode.discharge_date is None:
        return [Broken("discharge_date", _("This episode is open."))]
    if not reason.strip():
        return [Broken("reason", _("Say why the episode is re-opened."))]
    return []


# ------------------------------------------------------------------------ follow-up


@dataclass(frozen=True)
class FollowupWindow:
    """The days on which a six-month follow-up status counts (VRMDS v1.1), ends included."""

    opens: datetime.date
    closes: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.opens <= day <= self.closes


def followup_window(discharge_date: datetime.date) -> FollowupWindow:
    return FollowupWindow(
        opens=discharge_date + datetime.timedelta(days=FOLLOWUP_WINDOW_OPENS_DAYS),
        closes=discharge_date + datetime.timedelta(days=FOLLOWUP_WINDOW_CLOSES_DAYS),
    )


def window_open_since(day: datetime.date) -> datetime.date:
    """The earliest discharge date whose follow-up window is still open on ``day``: an
    episode discharged before it has had its window close (``followup_window(d).closes``
    is before ``day``). For filters over many episodes."""
    return day - datetime.timedelta(days=FOLLOWUP_WINDOW_CLOSES_DAYS)


def followup_window_still_open(day: datetime.date, prefix: str = "") -> Q:
    """Discharged episodes (``prefix`` leads to one, as ``"episode__"``) whose follow-up
    window has not closed by ``day``, in SQL: a follow-up can still be collected and
    counted. Its negation among discharged episodes is "the window closed"."""
    return Q(**{f"{prefix}discharge_date__gte": window_open_since(day)})


def followup_window_closed(day: datetime.date, prefix: str = "") -> Q:
    """Discharged episodes whose follow-up window closed before ``day``, in SQL: a
    follow-up is no longer due, and only a service manager records one (with a reason)."""
    return Q(**{f"{prefix}discharge_date__lt": window_open_since(day)})


def followup_due(day: datetime.date, prefix: str = "") -> Q:
    """Discharged episodes whose six-month follow-up came due by ``day`` (its date
    reached) and is not recorded, while its window is still open, in SQL: the caseload's
    "Follow-up due" and the data-quality page's overdue follow-ups."""
    return Q(
        followup_window_still_open(day, prefix),
        **{
            f"{prefix}discharge_date__isnull": False,
            f"{prefix}followup_date__lte": day,
            f"{prefix}work_status_at_followup": "",
        },
    )


def followup_window_closed_on(episode, day: datetime.date) -> datetime.date | None:
    """For one episode: the day its follow-up window closed, if that was before ``day``
    with no follow-up recorded (:func:`followup_window_closed` for many, in SQL)."""
    if not episode.discharge_date or episode.work_status_at_followup:
        return None
    closes = followup_window(episode.discharge_date).closes
    return closes if closes < day else None


def check_followup(
    episode,
    *,
    on: datetime.date | None,
    work_status: str,
    may_override: bool = False,
    reason: str = "",
    today: datetime.date | None = None,
) -> list[Broken]:
    """A follow-up status collected on ``on``: after a discharge, with a work status, and
    inside the window, unless a manager (``may_override``) gives the ``reason`` for
    recording it outside."""
    if episode.discharge_date is None:
        return [Broken("followup_collected_on", _("Record the discharge before the follow-up."))]
    broken = []
    if work_status not in WorkStatus.values:
        broken.append(
            Broken("work_status_at_followup", _("Choose the client's work status at follow-up."))
        )
    if on is None:
        return [
            *broken,
            Broken("followup_collected_on", _("Give the date the follow-up status was collected.")),
        ]
    order = check_dates(episode, today=today, followup_collected_on=on)
    if order:
        return broken + order
    window = followup_window(episode.discharge_date)
    if on in window:
        return broken
    if may_override and reason.strip():
        return broken
    if on < window.opens:
        message = _(
            "The follow-up window opens on %(opens)s, %(days)s days after discharge "
            "(%(discharge)s); a follow-up collected on %(date)s is too early to count."
        ) % {
            "opens": human_date(window.opens),
            "days": FOLLOWUP_WINDOW_OPENS_DAYS,
            "discharge": human_date(episode.discharge_date),
            "date": human_date(on),
        }
    else:
        message = _(
            "The follow-up window closed on %(closes)s, %(days)s days after discharge "
            "(%(discharge)s); a follow-up collected on %(date)s is too late to count."
        ) % {
            "closes": human_date(window.closes),
            "days": FOLLOWUP_WINDOW_CLOSES_DAYS,
            "discharge": human_date(episode.discharge_date),
            "date": human_date(on),
        }
    if may_override:
        broken.append(
            Broken(
                "followup_outside_window_reason",
                message + " " + _("To record it all the same, give the reason."),
            )
        )
    else:
        broken.append(
            Broken(
                "followup_collected_on",
                message + " " + _("Only a service manager may record one outside the window."),
            )
        )
    return broken


def followup_left_out(episode) -> bool:
    """For one episode: a follow-up status is recorded but was not collected inside the
    window (or on a day not known), so the report leaves it out and counts it as
    ``out_of_window`` (:func:`followup_in_window` for many, in SQL)."""
    if not episode.work_status_at_followup or not episode.discharge_date:
        return False
    day = episode.followup_collected_on
    return day is None or day not in followup_window(episode.discharge_date)


def followup_in_window(prefix: str = "") -> Q:
    """Episodes whose follow-up status was collected inside the window, in SQL."""
    days = DaysBetween(f"{prefix}followup_collected_on", f"{prefix}discharge_date")
    return Q(
        GreaterThanOrEqual(days, FOLLOWUP_WINDOW_OPENS_DAYS),
        LessThanOrEqual(days, FOLLOWUP_WINDOW_CLOSES_DAYS),
    )
