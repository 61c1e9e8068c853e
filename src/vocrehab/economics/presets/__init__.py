"""Parameter presets: every figure of the model as data, each with its source and year.

A preset is a JSON document (the files next to this module, or a copy stored in the
database later) of the form::

    {"name": ..., "version": 1, "title": ..., "description": ...,
     "parameters": {NAME: {"value": ..., "source": ..., "year": ...,
                           "low": ..., "high": ...}, ...},
     "extra_ranges": {"cost_scale": {"low": ..., "high": ..., "source": ...}},
     "costs": {"value": [cost rows], "source": ..., "year": ...},          # optional
     "example_outcomes": {"value": {counts}, "source": ..., "year": ...}}  # optional

``low``/``high`` are the stated range used by sensitivity analysis; a parameter
without them is held fixed.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from vocrehab.economics.cost_benefit import (
    NUMERIC_KINDS,
    PARAMETER_SPECS,
    Costs,
    ModelInputError,
    Outcomes,
    Parameters,
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EXTRA_RANGE_NAMES = ("cost_scale",)


@dataclass(frozen=True)
class Preset:
    """A loaded, validated preset."""

    name: str
    version: int
    title: str
    description: str
    parameters: Parameters
    sources: dict[str, dict[str, Any]]
    ranges: dict[str, tuple[float, float]]
    costs: Costs | None = None
    example_outcomes: Outcomes | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def available() -> list[str]:
    """Names of the presets shipped with vocrehab, sorted."""
    folder = resources.files(__name__)
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def load_data(name: str) -> dict[str, Any]:
    """The raw JSON of a shipped preset (a fresh copy the caller may edit)."""
    if not _NAME.match(name or "") or name not in available():
        raise ModelInputError(
            [f"There is no preset called '{name}'. Presets: {', '.join(available())}."]
        )
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def load_preset(name: str) -> Preset:
    """Load and validate a shipped preset by name."""
    return preset_from_data(load_data(name))


def preset_from_data(data: dict[str, Any]) -> Preset:
    """Validate preset data (shipped or user-edited) and build a ``Preset``.

    Raises ``ModelInputError`` listing every problem, each naming the parameter.
    """
    messages = []
    raw = data.get("parameters")
    if not isinstance(raw, dict):
        raise ModelInputError(["The preset has no 'parameters' section."])
    values = {}
    ranges: dict[str, tuple[float, float]] = {}
    sources = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or "value" not in entry:
            messages.append(f"The parameter '{name}' needs a 'value'.")
            continue
        for key in ("source", "year"):
            if not entry.get(key):
                messages.append(f"The parameter '{name}' needs a '{key}'.")
        values[name] = entry["value"]
        sources[name] = {k: entry.get(k) for k in ("source", "year")}
        if "low" in entry or "high" in entry:
            spec = PARAMETER_SPECS.get(name)
            if spec is None or spec.kind not in NUMERIC_KINDS:
                messages.append(f"The parameter '{name}' cannot have a range.")
                continue
            try:
                ranges[name] = _range(name, entry, spec.minimum, spec.maximum)
            except ModelInputError as exc:
                messages += exc.messages
    for name, entry in (data.get("extra_ranges") or {}).items():
        if name not in EXTRA_RANGE_NAMES:
            messages.append(f"'{name}' is not a range the model knows.")
            continue
        try:
            ranges[name] = _range(name, entry, 0.0, None)
        except ModelInputError as exc:
            messages += exc.messages
    parameters = None
    try:
        parameters = Parameters.from_mapping(values)
    except ModelInputError as exc:
        messages += exc.messages
    costs = outcomes = None
    if data.get("costs") is not None:
        try:
            costs = Costs.from_list(data["costs"].get("value", []))
        except (ModelInputError, AttributeError) as exc:
            messages += getattr(exc, "messages", [str(exc)])
    if data.get("example_outcomes") is not None:
        try:
            outcomes = Outcomes.from_mapping(data["example_outcomes"].get("value", {}))
        except (ModelInputError, AttributeError) as exc:
            messages += getattr(exc, "messages", [str(exc)])
    name = data.get("name", "")
    if not _NAME.match(str(name)):
        messages.append("The preset 'name' must be lower-case letters, digits and hyphens.")
    if messages:
        raise ModelInputError(messages)
    assert parameters is not None
    return Preset(
        name=name,
        version=int(data.get("version", 1)),
        title=str(data.get("title", name)),
        description=str(data.get("description", "")),
        parameters=parameters,
        sources=sources,
        ranges=ranges,
        costs=costs,
        example_outcomes=outcomes,
        data=copy.deepcopy(data),
    )


def _range(name, entry, minimum, maximum) -> tuple[float, float]:
    try:
        low, high = float(entry["low"]), float(entry["high"])
    except (KeyError, TypeError, ValueError):
        raise ModelInputError(
            [f"The range of '{name}' needs both a 'low' and a 'high' number."]
        ) from None
    messages = []
    if low > high:
        messages.append(f"The range of '{name}' has 'low' ({low:g}) above 'high' ({high:g}).")
    if minimum is not None and low < minimum:
        messages.append(f"The range of '{name}' must not go below {minimum:g}.")
    if maximum is not None and high > maximum:
        messages.append(f"The range of '{name}' must not go above {maximum:g}.")
    if messages:
        raise ModelInputError(messages)
    return low, high


def with_values(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of preset ``data`` with some parameter values replaced.

    The original is never changed. Unknown names raise ``ModelInputError``.
    """
    unknown = sorted(set(changes) - set(PARAMETER_SPECS))
    if unknown:
        raise ModelInputError([f"'{n}' is not a parameter of the model." for n in unknown])
    out = copy.deepcopy(data)
    for name, value in changes.items():
        out["parameters"].setdefault(name, {})["value"] = value
    return out
