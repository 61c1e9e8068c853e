"""Reads for outcome measures: what staff see on an episode, and pre/post for reports.

Every function that returns a person's data takes the user (or a queryset already
limited by ``services_for``), so another service's records are never reachable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, services_for
from vocrehab.codes import Timepoint
from vocrehab.episodes.access import check_may_record
from vocrehab.episodes.models import Episode

from .instruments import (
    INSTRUMENTS,
    SUMMED,
    Flag,
    InvalidValues,
    Score,
    Translation,
    get_instrument,
)
from .models import (
    Administration,
    AdministrationStatus,
    DeliveryStatus,
    ItemValue,
    ItemWording,
    QuestionnaireLink,
)
from .statistics import PairedChange, paired_change
from .valuesets import DEFAULT_VALUE_SETS, ValueSetError, ValueSetNotLoaded

__all__ = [
    "TIMEPOINT_ORDER",
    "episode_for",
    "episode_measures",
    "headline_scores",
    "pre_post",
    "paired_values",
    "score_of",
    "values_of",
    "not_sent_to_clients",
    "wording_status",
    "shipped_wording",
    "wording_for",
]

TIMEPOINT_ORDER = {
    Timepoint.ENTRY: 0,
    Timepoint.AD_HOC: 1,
    Timepoint.DISCHARGE: 2,
    Timepoint.FOLLOWUP: 3,
}


def episode_for(user, episode_id: int, perm: Perm = Perm.VIEW_PERSON) -> Episode:
    """The episode if ``user`` may ``perm`` in its service; Http404 otherwise.

    To record (``EDIT_PERSON``), a supervised support worker must also hold the episode
    (``episodes.access.may_record``): PermissionDenied otherwise.
    """
    episode = (
        Episode.objects.select_related("client", "service", "case_manager")
        .filter(pk=episode_id, service__in=services_for(user, perm))
        .first()
    )
    if episode is None:
        raise Http404
    if perm == Perm.EDIT_PERSON:
        check_may_record(user, episode)
    return episode


def administration_for(user, administration_id: int, perm: Perm) -> Administration:
    administration = (
        Administration.objects.select_related("episode__client", "episode__service")
        .filter(pk=administration_id, episode__service__in=services_for(user, perm))
        .first()
    )
    if administration is None:
        raise Http404
    if perm == Perm.EDIT_PERSON:
        check_may_record(user, administration.episode)
    return administration


def link_for(user, link_id: int, perm: Perm) -> QuestionnaireLink:
    link = (
        QuestionnaireLink.objects.select_related("episode__client", "episode__service")
        .filter(pk=link_id, episode__service__in=services_for(user, perm))
        .first()
    )
    if link is None:
        raise Http404
    if perm == Perm.EDIT_PERSON:
        check_may_record(user, link.episode)
    return link


def values_of(administration: Administration) -> dict[str, Any]:
    """Item code -> stored answer (number or text), using prefetched values if there."""
    return {v.item: v.answer for v in administration.values.all()}


def score_of(
    administration: Administration,
    *,
    baseline: Score | None = None,
    value_set: str | None = None,
    age: int | None = None,
    sex: str | None = None,
    answers: dict[str, Any] | None = None,
) -> Score | None:
    """Score an administration; None if it cannot be scored.

    EQ-5D uses ``value_set`` (with ``age`` and ``sex`` for the DSU mapping) or the
    instrument's default; COPM takes ``baseline`` for change. A value set that is not
    loaded, or a state it cannot value, gives None rather than an error. ``answers`` are
    its :func:`values_of` where the caller has read them already (a bulk export).
    """
    instrument = get_instrument(administration.instrument)
    if answers is None:
        answers = values_of(administration)
    codes = instrument.item_codes
    values = {k: v for k, v in answers.items() if k in codes}
    options: dict[str, Any] = {}
    if administration.instrument == "copm" and baseline is not None:
        options["baseline"] = baseline
    if administration.instrument.startswith("eq5d") and value_set:
        options.update(value_set=value_set, age=age, sex=sex or None)
    try:
        return instrument.score(values, **options)
    except ValueSetNotLoaded as exc:
        # Keep the VAS and the profile; only the index needs the missing table.
        fallback = score_of(administration, answers=answers)
        if fallback is None:
            return None
        return replace(
            fallback,
            scores={**fallback.scores, "index": None},
            value_set=value_set,
            notes=(*fallback.notes, f"index not computed: {exc}"),
        )
    except (InvalidValues, ValueSetError, ValueError):
        return None


def headline_scores(instrument_code: str) -> list[str]:
    """The scores shown and compared over time for an instrument (direction known)."""
    instrument = get_instrument(instrument_code)
    if instrument.higher_is_better:
        return list(instrument.higher_is_better)
    if instrument_code == "followup_survey":
        return ["in_work", "hours_per_week", "more_support_needed"]
    return []


@dataclass
class ScoreCell:
    name: str
    value: Any
    band: str | None = None
    band_label: str | None = None
    flags: frozenset = frozenset()
    change: float | None = None
    improved: bool | None = None
    clinically_significant: bool = False


@dataclass
class AdministrationRow:
    administration: Administration
    score: Score | None
    cells: list[ScoreCell] = field(default_factory=list)


@dataclass
class InstrumentSummary:
    code: str
    name: str
    rows: list[AdministrationRow]
    score_names: list[str]
    mcid: dict[str, float]
    higher_is_better: dict[str, bool]
    value_set: str | None = None

    def series(self, score_name: str) -> list[tuple[str, float]]:
        """(label, value) points of one score over completed administrations."""
        points = []
        for row in self.rows:
            cell = next((c for c in row.cells if c.name == score_name), None)
            if cell is not None and isinstance(cell.value, int | float):
                label = str(row.administration.get_timepoint_display())
                points.append((label, float(cell.value)))
        return points


def _band_label(instrument, score_name: str, code: str | None) -> str | None:
    for band in instrument.bands.get(score_name, ()):
        if band.code == code:
            return str(band.label)
    return None


def episode_measures(
    episode: Episode, *, value_sets: dict[str, str] | None = None
) -> list[InstrumentSummary]:
    """Completed questionnaires of an episode by instrument, scored, with change.

    Change is from the earliest completed administration (usually entry). A change is
    clinically significant when the instrument sets a minimal important change (COPM:
    2) and the change reaches it, or for HADS when the band moves. ``value_sets``
    chooses an EQ-5D value set per instrument (default: the instrument's). Two queries.
    """
    value_sets = value_sets or {}
    administrations = (
        Administration.objects.filter(episode=episode, status=AdministrationStatus.COMPLETED)
        .prefetch_related(Prefetch("values", queryset=ItemValue.objects.order_by("pk")))
        .order_by("date", "pk")
    )
    by_instrument: dict[str, list[Administration]] = defaultdict(list)
    for administration in administrations:
        if administration.instrument in INSTRUMENTS:
            by_instrument[administration.instrument].append(administration)
    summaries = []
    for code in INSTRUMENTS:
        given = sorted(
            by_instrument.get(code, []),
            key=lambda a: (a.date or a.created_at.date(), TIMEPOINT_ORDER.get(a.timepoint, 9)),
        )
        if not given:
            continue
        instrument = get_instrument(code)
        names = headline_scores(code)
        rows: list[AdministrationRow] = []
        first: Score | None = None
        for administration in given:
            score = score_of(
                administration,
                baseline=first if code == "copm" else None,
                value_set=value_sets.get(code),
                age=episode.age_at_referral,
                sex=episode.sex,
            )
            row = AdministrationRow(administration, score)
            for name in names:
                value = score.get(name) if score else None
                cell = ScoreCell(name=name, value=value)
                if score:
                    cell.band = score.bands.get(name)
                    cell.band_label = _band_label(instrument, name, cell.band)
                    cell.flags = score.flags.get(name, frozenset())
                before = first.get(name) if first is not None and rows else None
                if isinstance(value, int | float) and isinstance(before, int | float):
                    cell.change = round(float(value) - float(before), 3)
                    better = instrument.higher_is_better.get(name)
                    if better is not None and cell.change != 0:
                        cell.improved = (cell.change > 0) == better
                    threshold = instrument.mcid.get(name)
                    if threshold is not None:
                        cell.clinically_significant = abs(cell.change) >= threshold - 1e-9
                    elif instrument.bands.get(name) and first is not None:
                        cell.clinically_significant = cell.band != first.bands.get(name)
                row.cells.append(cell)
            if score and code == "copm":
                for name in ("performance", "satisfaction"):
                    flagged = score.flags.get(f"{name}_change", frozenset())
                    for cell in row.cells:
                        if cell.name == name and (
                            Flag.CHANGE_2_OR_MORE in flagged or Flag.DECLINE_2_OR_MORE in flagged
                        ):
                            cell.clinically_significant = True
            rows.append(row)
            if first is None and score is not None:
                first = score
        summaries.append(
            InstrumentSummary(
                code=code,
                name=str(instrument.name),
                rows=rows,
                score_names=names,
                mcid=dict(instrument.mcid),
                higher_is_better=dict(instrument.higher_is_better),
                value_set=value_sets.get(code)
                or next((r.score.value_set for r in rows if r.score), None)
                or DEFAULT_VALUE_SETS.get(code),
            )
        )
    return summaries


# --------------------------------------------------------------------- pre / post


def paired_values(
    episodes: QuerySet[Episode] | Iterable[Episode],
    instrument: str,
    score: str,
    *,
    before: str = Timepoint.ENTRY,
    after: str = Timepoint.DISCHARGE,
    value_set: str | None = None,
) -> list[tuple[float | None, float | None]]:
    """One (before, after) pair of ``score`` per episode that has either side.

    ``episodes`` must already be limited to what the caller may see (reports pass a
    queryset filtered by ``services_for``). Only completed administrations count;
    a side that cannot be scored (too many items missing) is None, so
    :func:`paired_change` counts it as incomplete. EQ-5D uses ``value_set`` or the
    instrument's default. COPM change is the plain difference of the means.
    """
    definition = get_instrument(instrument)
    if isinstance(episodes, QuerySet):
        episode_filter = {"episode__in": episodes.values("pk")}
    else:
        episode_filter = {"episode__in": [e.pk for e in episodes]}
    administrations = (
        Administration.objects.filter(
            instrument=instrument,
            timepoint__in=(before, after),
            status=AdministrationStatus.COMPLETED,
            **episode_filter,
        )
        .prefetch_related("values")
        .only("pk", "episode_id", "timepoint", "instrument")
    )
    sides: dict[int, dict[str, float | None]] = defaultdict(dict)
    for administration in administrations:
        values = {k: v for k, v in values_of(administration).items() if k in definition.item_codes}
        options = {"value_set": value_set} if value_set and instrument.startswith("eq5d") else {}
        try:
            result = definition.score(values, **options).get(score)
        except (InvalidValues, ValueSetError, ValueError):
            result = None
        sides[administration.episode_id][administration.timepoint] = (
            float(result) if isinstance(result, int | float) else None
        )
    return [(s.get(before), s.get(after)) for _, s in sorted(sides.items())]


def pre_post(
    episodes: QuerySet[Episode] | Iterable[Episode],
    instrument: str,
    score: str,
    *,
    before: str = Timepoint.ENTRY,
    after: str = Timepoint.DISCHARGE,
    value_set: str | None = None,
) -> PairedChange:
    """Paired change of ``score`` between two timepoints, with the instrument's
    direction of benefit and minimal important change (COPM: 2) applied.

    Mean difference with 95% t interval, Wilcoxon signed-rank p value, proportion
    improved with its Wilson interval: see :class:`statistics.PairedChange`.
    """
    definition = get_instrument(instrument)
    return paired_change(
        paired_values(episodes, instrument, score, before=before, after=after, value_set=value_set),
        higher_is_better=definition.higher_is_better.get(score, True),
        mcid=definition.mcid.get(score),
    )


# ------------------------------------------------------------------------ wording


def shipped_wording(instrument: str, language: str = "en-gb") -> dict[str, ItemWording]:
    """The wording shipped with an openly licensed instrument (PHQ-9, GAD-7, WHO-5) as
    unsaved ItemWording rows: the language's own if published, else English."""
    definition = INSTRUMENTS.get(instrument)
    if definition is None or not definition.wording:
        return {}
    published = definition.wording.get(language) or definition.wording["en-gb"]
    return {
        code: ItemWording(
            instrument=instrument,
            item=code,
            language=language if language in definition.wording else "en-gb",
            text=text,
            # The recall period goes with every question: clients see one at a time.
            hint=published.instructions if definition.item(code).group == SUMMED else "",
            options=dict(published.answers.get(code, {})),
            licence=definition.licence,
        )
        for code, text in published.items.items()
    }


def wording_for(instrument: str, language: str = "en-gb") -> dict[str, ItemWording]:
    """The wording clients and staff read for ``instrument``: item -> ItemWording.

    Wording loaded by the service (licensed, or a translation) over the wording shipped
    with the instrument; the language's own over English.
    """
    found = shipped_wording(instrument, language)
    rows = ItemWording.objects.filter(instrument=instrument, language__in={language, "en-gb"})
    loaded: dict[str, ItemWording] = {}
    for row in rows:
        if row.item not in loaded or row.language == language:
            loaded[row.item] = row
    return found | loaded


def english_only(instruments: Iterable[str], language: str) -> set[str]:
    """The instruments among ``instruments`` a client reads in English although the page
    or message is in ``language``: they have published wording (shipped or loaded), none
    of it in that language (PHQ-9, GAD-7 and WHO-5 in Welsh until a service loads the
    published translation). Pages and messages mark them as English. One query; empty
    for English. The project's own questions are translated with the interface."""
    if (language or "en").split("-")[0] == "en":
        return set()
    codes = set(instruments)
    loaded: dict[str, set[str]] = defaultdict(set)
    rows = ItemWording.objects.filter(instrument__in=codes, language__in={language, "en-gb"})
    for code, loaded_language in rows.values_list("instrument", "language").distinct():
        loaded[code].add(loaded_language)
    found = set()
    for code in codes:
        definition = INSTRUMENTS.get(code)
        languages = set(definition.wording) if definition is not None else set()
        languages |= loaded[code]
        if languages and language not in languages:
            found.add(code)
    return found


# ------------------------------------------------------------------- service work


def may_manage(user, service) -> bool:
    return services_for(user, Perm.MANAGE_SERVICE).filter(pk=service.pk).exists()


def work_to_do(user, *, limit: int = 100) -> dict:
    """Letters to print, sends that failed or are being retried, and overdue
    questionnaires, in the services where ``user`` may see people. Five queries.
    """
    visible = services_for(user, Perm.VIEW_PERSON)
    now = timezone.now()
    base = (
        QuestionnaireLink.objects.filter(
            episode__service__in=visible,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("episode")
        .prefetch_related(Prefetch("administrations", Administration.objects.order_by("pk")))
    )
    letters = list(
        base.filter(delivery_status=DeliveryStatus.TO_PRINT).order_by("created_at")[:limit]
    )
    failing = list(
        base.filter(
            Q(delivery_status=DeliveryStatus.FAILED)
            | Q(delivery_status=DeliveryStatus.PENDING, attempts__gt=0)
        ).order_by("created_at")[:limit]
    )
    overdue = list(
        Administration.objects.filter(
            episode__service__in=visible,
            status__in=(
                AdministrationStatus.INVITED,
                AdministrationStatus.IN_PROGRESS,
                AdministrationStatus.EXPIRED,
            ),
        )
        .select_related("episode")
        .order_by("due_date", "pk")[:limit]
    )
    return {"letters": letters, "failing": failing, "overdue": overdue}


# Instruments whose copyrighted wording ships with none: a licensed service loads it.
LICENSED_INSTRUMENTS = tuple(code for code, i in INSTRUMENTS.items() if i.licensed_wording)
# Given in an interview, never sent, whatever wording is loaded.
INTERVIEW_INSTRUMENTS = ("copm",)


def instruments_without_wording() -> set[str]:
    """Copyrighted instruments for which no licensed wording is loaded (one query)."""
    loaded = set(
        ItemWording.objects.filter(instrument__in=LICENSED_INSTRUMENTS)
        .values_list("instrument", flat=True)
        .distinct()
    )
    return set(LICENSED_INSTRUMENTS) - loaded


@dataclass(frozen=True)
class InstrumentWording:
    """Where one questionnaire's wording stands, for a manager choosing a schedule."""

    code: str
    name: str
    wording: str
    welsh: str
    licence: str


def wording_status() -> list[InstrumentWording]:
    """Each questionnaire with the wording clients read and its Welsh status (one query)."""
    unloaded = instruments_without_wording()
    welsh_loaded = set(
        ItemWording.objects.filter(language="cy").values_list("instrument", flat=True).distinct()
    )
    rows = []
    for code, instrument in INSTRUMENTS.items():
        if instrument.wording:
            wording = _("Published wording included")
        elif code in unloaded:
            wording = _("Licensed wording not loaded: entered by staff, not sent")
        elif instrument.licensed_wording:
            wording = _("Licensed wording loaded")
        else:
            wording = _("The service's own questions")
        if code in welsh_loaded or instrument.welsh == Translation.PUBLISHED:
            welsh = _("Welsh wording available")
        elif instrument.welsh == Translation.AWAITING:
            welsh = _("Awaiting the published Welsh translation: shown in English")
        else:
            welsh = _("No Welsh wording loaded")
        rows.append(
            InstrumentWording(
                code, str(instrument.name), str(wording), str(welsh), instrument.licence
            )
        )
    return rows


def not_sent_to_clients() -> set[str]:
    """Instruments never sent to a client now: interviews, and copyrighted instruments
    without their wording (a client must never read "HADS item A1"). Staff enter them."""
    return set(INTERVIEW_INSTRUMENTS) | instruments_without_wording()
