"""One call from a preset and outcomes to a full, JSON-ready cost-benefit analysis.

This is what the management command, the web page and the API call, so that they
all give the same answer for the same inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vocrehab.economics import sensitivity
from vocrehab.economics.cost_benefit import Costs, ModelInputError, Outcomes, Result, run_model
from vocrehab.economics.presets import Preset, load_preset, preset_from_data, with_values


def run_analysis(
    preset: str | Preset | Mapping[str, Any],
    outcomes: Outcomes,
    costs: Costs | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    with_sensitivity: bool = True,
    draws: int = sensitivity.DEFAULT_DRAWS,
    seed: int | None = sensitivity.DEFAULT_SEED,
    roll_out_clients: Iterable[float] | None = None,
) -> Result:
    """Run the model with a preset (by name, loaded, or as raw data).

    ``costs`` defaults to the preset's own costs; ``overrides`` replaces parameter
    values without touching the preset. Raises ``ModelInputError`` on bad input,
    including when neither the call nor the preset gives costs.
    """
    if isinstance(preset, str):
        preset = load_preset(preset)
    elif not isinstance(preset, Preset):
        preset = preset_from_data(dict(preset))
    if overrides:
        preset = preset_from_data(with_values(preset.data, dict(overrides)))
    if costs is None:
        if preset.costs is None:
            raise ModelInputError(
                [
                    f"The preset '{preset.name}' has no costs of its own: enter the costs of "
                    "the services on the service costs page, or upload a costs file."
                ]
            )
        costs = preset.costs
    result = run_model(preset.parameters, outcomes, costs, preset=preset.name)
    result.preset_version = preset.version
    if with_sensitivity:
        result.sensitivity = sensitivity.analyse(
            preset.parameters,
            outcomes,
            costs,
            preset.ranges,
            draws=draws,
            seed=seed,
            roll_out_clients=roll_out_clients,
        )
    return result
