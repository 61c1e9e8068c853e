"""Reads for the cost-benefit analysis: outcomes aggregated in the database, presets.

Callers pass the services they are allowed to see (``services_for(user,
Perm.RUN_ECONOMICS)``); nothing here returns a person's record, only counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum

from vocrehab.codes import IN_WORK, MainReason, Timepoint, WorkStatus
from vocrehab.economics.cost_benefit import Costs, ModelInputError, Outcomes
from vocrehab.economics.models import CostPreset, ServiceCostYear, ServiceStaffCost
from vocrehab.economics.presets import Preset, available, load_data, preset_from_data
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue

HEALTH_USE = "health_use"
_IN_WORK = [str(s) for s in IN_WORK]
# Neither in work nor off sick, and known: the people who could move into work.
_NOT_IN_WORK = [
    str(s)
    for s in WorkStatus
    if s not in IN_WORK and s not in (WorkStatus.OFF_SICK, WorkStatus.NOT_KNOWN)
]


def outcome_episodes(*, services, date_from=None, date_to=None):
    """Episodes whose outcomes count: discharged in the period, in the given services.

    Support for a family member or carer (main reason ``third_party``) is left out, as
    the 2014 evaluation left out its 3 carers: their work status is not the client's.
    """
    episodes = Episode.objects.filter(service__in=services, discharge_date__isnull=False)
    if date_from:
        episodes = episodes.filter(discharge_date__gte=date_from)
    if date_to:
        episodes = episodes.filter(discharge_date__lte=date_to)
    return episodes.exclude(main_reason=MainReason.THIRD_PARTY)


def outcomes_for(
    *,
    services,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Outcomes:
    """The outcome counts of the given services' episodes discharged in the period.

    Entry groups by work status at referral, outcomes by work status at discharge
    ("in work" = at work or self-employed). Health service use: monthly GP and
    outpatient visits summed over the episodes that completed the health service use
    questionnaire at both entry and discharge (``respondents``), out of the episodes
    that were given it at either timepoint (``cohort_size``). Counted in the database.
    Raises ``ModelInputError`` when the period has no outcomes.
    """
    episodes = outcome_episodes(services=services, date_from=date_from, date_to=date_to)
    in_work_after = Q(work_status_at_discharge__in=_IN_WORK)
    counts = episodes.aggregate(
        clients=Count("pk"),
        in_work_at_entry=Count("pk", filter=Q(work_status_at_referral__in=_IN_WORK)),
        stayed_in_work=Count("pk", filter=Q(work_status_at_referral__in=_IN_WORK) & in_work_after),
        off_sick_at_entry=Count("pk", filter=Q(work_status_at_referral=WorkStatus.OFF_SICK)),
        returned_to_work=Count(
            "pk", filter=Q(work_status_at_referral=WorkStatus.OFF_SICK) & in_work_after
        ),
        not_in_work_at_entry=Count("pk", filter=Q(work_status_at_referral__in=_NOT_IN_WORK)),
        moved_into_work=Count(
            "pk", filter=Q(work_status_at_referral__in=_NOT_IN_WORK) & in_work_after
        ),
    )
    counts |= _health_use(episodes)
    if counts["clients"] == 0:
        raise ModelInputError(
            [
                "The period has no outcomes: no episode of these services was discharged "
                "between these dates."
            ]
        )
    return Outcomes.from_mapping(counts)


def _completed(timepoint):
    return Administration.objects.filter(
        episode=OuterRef("pk"),
        instrument=HEALTH_USE,
        timepoint=timepoint,
        status=AdministrationStatus.COMPLETED,
        values__item="gp_visits",
    ).filter(
        Exists(ItemValue.objects.filter(administration=OuterRef("pk"), item="outpatient_visits"))
    )


def _health_use(episodes) -> dict[str, float | int]:
    asked = Administration.objects.filter(
        episode=OuterRef("pk"),
        instrument=HEALTH_USE,
        timepoint__in=[Timepoint.ENTRY, Timepoint.DISCHARGE],
    ).exclude(status=AdministrationStatus.CANCELLED)
    cohort_size = episodes.filter(Exists(asked)).count()
    paired = episodes.filter(
        Exists(_completed(Timepoint.ENTRY)), Exists(_completed(Timepoint.DISCHARGE))
    )
    values = ItemValue.objects.filter(
        administration__episode__in=paired.values("pk"),
        administration__instrument=HEALTH_USE,
        administration__status=AdministrationStatus.COMPLETED,
    )
    sums = values.aggregate(
        gp_visits_before=Sum(
            "value", filter=Q(item="gp_visits", administration__timepoint=Timepoint.ENTRY)
        ),
        gp_visits_after=Sum(
            "value", filter=Q(item="gp_visits", administration__timepoint=Timepoint.DISCHARGE)
        ),
        outpatient_visits_before=Sum(
            "value",
            filter=Q(item="outpatient_visits", administration__timepoint=Timepoint.ENTRY),
        ),
        outpatient_visits_after=Sum(
            "value",
            filter=Q(item="outpatient_visits", administration__timepoint=Timepoint.DISCHARGE),
        ),
    )
    out: dict[str, float | int] = {k: v or 0 for k, v in sums.items()}
    out["respondents"] = paired.count()
    out["cohort_size"] = cohort_size
    return out


@dataclass(frozen=True)
class PresetChoice:
    name: str
    version: int
    title: str
    stored: bool


def preset_choices() -> list[PresetChoice]:
    """Every preset a user can run: shipped ones, then the latest version of stored ones."""
    choices = []
    for name in available():
        data = load_data(name)
        choices.append(PresetChoice(name, int(data.get("version", 1)), data["title"], False))
    latest: dict[str, CostPreset] = {}
    for row in CostPreset.objects.order_by("name", "-version"):
        latest.setdefault(row.name, row)
    choices += [PresetChoice(r.name, r.version, r.title or r.name, True) for r in latest.values()]
    return choices


def get_preset(name: str, version: int | None = None) -> Preset:
    """A preset by name: a stored one (latest version unless ``version``), else shipped.

    Raises ``ModelInputError`` if there is no such preset or version.
    """
    rows = CostPreset.objects.filter(name=name)
    if version is not None:
        rows = rows.filter(version=version)
    row = rows.order_by("-version").first()
    if row is not None:
        return preset_from_data(row.parameters)
    if name in available() and (version is None or version == load_data(name).get("version", 1)):
        return preset_from_data(load_data(name))
    suffix = f" version {version}" if version is not None else ""
    raise ModelInputError([f"There is no preset called '{name}'{suffix}."])


def preset_data(name: str, version: int | None = None) -> dict:
    """The raw data of a preset (stored or shipped), as ``get_preset`` finds it."""
    return get_preset(name, version).data


def cost_years(service) -> list[ServiceCostYear]:
    """A service's cost years with their staff lines, in year order (two queries)."""
    return list(
        ServiceCostYear.objects.filter(service=service).prefetch_related(
            Prefetch("staff", queryset=ServiceStaffCost.objects.order_by("position", "pk"))
        )
    )


def stored_costs(services) -> Costs | None:
    """The costs entered on screen for ``services``, or None if none of them has any.

    When some of the services have costs and others none, the analysis would set every
    benefit against part of the cost: that is refused with the names of those missing.
    """
    years = list(
        ServiceCostYear.objects.filter(service__in=services)
        .select_related("service")
        .prefetch_related(
            Prefetch("staff", queryset=ServiceStaffCost.objects.order_by("position", "pk"))
        )
        .order_by("service__name", "year")
    )
    if not years:
        return None
    costed = {y.service_id for y in years}
    missing = sorted(s.name for s in services if s.pk not in costed)
    if missing:
        raise ModelInputError(
            [
                "No costs are entered for "
                + ", ".join(missing)
                + ": enter them on the service costs page, or upload a costs file."
            ]
        )
    costs = Costs(tuple(y.cost_year() for y in years))
    costs.validate()
    return costs
