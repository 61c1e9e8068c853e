"""Writes for the cost-benefit analysis: copying and editing presets, service costs.

A preset is never changed in place. ``copy_preset`` makes a new stored version: of the
same name when editing a stored preset, or the first version of a new name. Shipped
presets keep their names; edits of them must be saved under a new name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from vocrehab.economics.cost_benefit import ModelInputError
from vocrehab.economics.presets import available, preset_from_data, with_values
from vocrehab.economics.queries import get_preset

from .models import CostPreset, ServiceCostYear, ServiceStaffCost


def copy_preset(
    *,
    source: str,
    source_version: int | None = None,
    name: str | None = None,
    title: str = "",
    changes: Mapping[str, Any] | None = None,
    sources: Mapping[str, str] | None = None,
    note: str = "",
    user=None,
) -> CostPreset:
    """Save an edited copy of preset ``source`` as a new version; the original stays.

    ``name`` defaults to the source's name (a new version of it); shipped names are
    reserved. Every changed value gets a source note: the one in ``sources`` if given,
    otherwise one saying who changed it from what, and when. Raises ``ModelInputError``
    if the edited preset is invalid.
    """
    original = get_preset(source, source_version)
    name = name or original.name
    if name in available():
        raise ModelInputError([f"'{name}' is a shipped preset: save your copy under a new name."])
    changes = dict(changes or {})
    data = with_values(original.data, changes)
    today = timezone.localdate().isoformat()
    who = getattr(user, "email", "") or "unknown user"
    for pname, value in changes.items():
        entry = data["parameters"][pname]
        old = original.data["parameters"].get(pname, {}).get("value")
        if sources and sources.get(pname):
            entry["source"] = sources[pname]
        elif value != old:
            entry["source"] = f"Changed from {old!r} by {who} on {today}." + (
                f" {note}" if note else ""
            )
        if value != old:
            entry["year"] = timezone.localdate().year
    data["name"] = name
    if title:
        data["title"] = title
    # Shipped names are reserved, so a stored row with this name and version is the source.
    stored_parent = CostPreset.objects.filter(name=original.name, version=original.version).first()
    with transaction.atomic():
        latest = CostPreset.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
        data["version"] = latest + 1
        preset_from_data(data)  # validates; raises ModelInputError listing every problem
        try:
            return CostPreset.objects.create(
                name=name,
                version=latest + 1,
                title=data.get("title", name)[:200],
                parent=stored_parent,
                parent_shipped="" if stored_parent else original.name,
                parameters=data,
                note=note[:500],
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
        except IntegrityError:
            # Two people saved a version of the same name at once; the second retries.
            raise ModelInputError(
                ["Someone else saved a version of this preset just now; please try again."]
            ) from None


@transaction.atomic
def save_cost_year(
    service,
    *,
    year: int,
    label: str = "",
    non_staff=0,
    overhead_pct=0,
    staff: list[Mapping[str, Any]],
    by=None,
    replacing: ServiceCostYear | None = None,
) -> ServiceCostYear:
    """Store one year of a service's costs with its staff lines, replacing the old lines.

    ``replacing`` is the year being edited (its number may change). A year number the
    service already has is refused rather than silently overwritten.
    """
    taken = ServiceCostYear.objects.filter(service=service, year=year)
    if replacing is not None:
        taken = taken.exclude(pk=replacing.pk)
    if taken.exists():
        raise ModelInputError(
            [f"Year {year} of this service's costs is already entered: change that year instead."]
        )
    cost_year = replacing or ServiceCostYear(service=service)
    cost_year.year = year
    cost_year.label = label
    cost_year.non_staff = non_staff
    cost_year.overhead_pct = overhead_pct
    cost_year.updated_by = by
    cost_year.save()
    cost_year.staff.all().delete()
    # One by one, not in bulk, so that the change history records each line.
    for position, line in enumerate(staff, start=1):
        ServiceStaffCost.objects.create(cost_year=cost_year, position=position, **line)
    return cost_year
