"""How much the answer depends on the assumptions.

Four analyses, all on the same validated inputs as ``run_model``:

- ``one_way``: each assumption at the low and the high end of its stated range, the
  others held at their base value (the data of a tornado chart);
- ``monte_carlo``: all ranged assumptions drawn together, reproducible from a seed;
- ``break_even``: the value of one assumption at which benefits equal costs;
- ``roll_out``: unit cost and ratio as more clients are seen by the same staff.

``cost_scale`` is a pseudo-parameter (a multiplier of all costs, base 1) that may be
given a range alongside the model's parameters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from vocrehab.economics.cost_benefit import (
    NUMERIC_KINDS,
    PARAMETER_SPECS,
    Costs,
    ModelInputError,
    Outcomes,
    Parameters,
    evaluate,
    run_model,
)

if TYPE_CHECKING:
    import numpy as np

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 2014
DEFAULT_BREAK_EVEN = (
    "stayed_in_work_rate",
    "returned_to_work_rate",
    "attribution_to_others",
    "esa_annual_cost",
    "cost_scale",
)
DEFAULT_ROLL_OUT = (1, 1.5, 2, 2.5, 3)
_BISECTION_STEPS = 200

Ranges = Mapping[str, tuple[float, float]]


def _base_values(parameters: Parameters) -> dict[str, Any]:
    return parameters.as_values() | {
        "income_tax_bands": parameters.income_tax_bands,
        "cost_scale": 1.0,
    }


def _label(name: str) -> str:
    if name == "cost_scale":
        return "Costs (multiplier)"
    return PARAMETER_SPECS[name].label


def _check_inputs(parameters, outcomes, costs) -> None:
    # run_model validates all three and raises one error listing every problem.
    run_model(parameters, outcomes, costs)


def check_ranges(parameters: Parameters, ranges: Ranges) -> None:
    """Raise ``ModelInputError`` unless every range names a numeric assumption."""
    messages = []
    for name, (low, high) in ranges.items():
        if name == "cost_scale":
            spec_min, spec_max = 0.0, None
        elif name in PARAMETER_SPECS and PARAMETER_SPECS[name].kind in NUMERIC_KINDS:
            spec = PARAMETER_SPECS[name]
            spec_min, spec_max = spec.minimum, spec.maximum
        else:
            messages.append(f"'{name}' is not a numeric assumption that can be varied.")
            continue
        if low > high:
            messages.append(f"The range of '{name}' has 'low' above 'high'.")
        if spec_min is not None and low < spec_min:
            messages.append(f"The range of '{name}' must not go below {spec_min:g}.")
        if spec_max is not None and high > spec_max:
            messages.append(f"The range of '{name}' must not go above {spec_max:g}.")
    if messages:
        raise ModelInputError(messages)


def _value_for(name: str, x: float) -> float | int:
    if name in PARAMETER_SPECS and PARAMETER_SPECS[name].kind == "count":
        return max(1, math.floor(x + 0.5))
    return x


def one_way(
    parameters: Parameters, outcomes: Outcomes, costs: Costs, ranges: Ranges
) -> dict[str, Any]:
    """Ratio and NPV with each ranged assumption at its low and its high end.

    Rows are sorted by swing (the larger difference in ratio, else in NPV, first),
    which is the order of the bars of a tornado chart.
    """
    _check_inputs(parameters, outcomes, costs)
    check_ranges(parameters, ranges)
    base = _base_values(parameters)
    base_run = evaluate(base, outcomes, costs)
    rows = []
    for name, (low, high) in ranges.items():
        runs = {}
        for end, x in (("low", low), ("high", high)):
            runs[end] = evaluate(base | {name: _value_for(name, x)}, outcomes, costs)
        ratio_low, ratio_high = runs["low"]["ratio"], runs["high"]["ratio"]
        swing = (
            abs(ratio_high - ratio_low)
            if ratio_low is not None and ratio_high is not None
            else abs(runs["high"]["npv"] - runs["low"]["npv"])
        )
        rows.append(
            {
                "parameter": name,
                "label": _label(name),
                "base": base[name],
                "low": low,
                "high": high,
                "ratio_low": _round(ratio_low),
                "ratio_high": _round(ratio_high),
                "npv_low": round(runs["low"]["npv"], 2),
                "npv_high": round(runs["high"]["npv"], 2),
                "swing": round(swing, 6),
            }
        )
    rows.sort(key=lambda r: -r["swing"])
    return {
        "base_ratio": _round(base_run["ratio"]),
        "base_npv": round(base_run["npv"], 2),
        "rows": rows,
    }


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def monte_carlo(
    parameters: Parameters,
    outcomes: Outcomes,
    costs: Costs,
    ranges: Ranges,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
) -> dict[str, Any]:
    """Draw every ranged assumption together ``draws`` times and summarise the ratio.

    Each assumption is drawn from a triangular distribution from its low to its high
    end with the mode at its base value (clamped into the range), independently of
    the others, by a ``numpy.random.Generator`` seeded with ``seed``: the same seed
    gives the same answer. Returns the 95% interval (2.5th and 97.5th percentiles) of
    the ratio and of the NPV, their mean and median, and the share of draws with a
    ratio below 1. The ratio is ``None`` throughout when there are no costs.
    """
    _check_inputs(parameters, outcomes, costs)
    check_ranges(parameters, ranges)
    if not isinstance(draws, int) or draws < 1 or draws > 1_000_000:
        raise ModelInputError(["The number of draws must be a whole number from 1 to 1,000,000."])
    # NumPy is imported here, when a simulation runs, so that loading the economics
    # pages and commands does not load it (issue 21: start-up time).
    import numpy as np

    rng = np.random.default_rng(seed)
    base = _base_values(parameters)
    # A fixed order makes the draws independent of how the ranges dict was built.
    order = [n for n in (*PARAMETER_SPECS, "cost_scale") if n in ranges]
    samples = {}
    for name in order:
        low, high = ranges[name]
        if high <= low:
            samples[name] = np.full(draws, low, dtype=float)
        else:
            mode = min(max(float(base[name]), low), high)
            samples[name] = rng.triangular(low, mode, high, size=draws)
    ratios = np.empty(draws)
    npvs = np.empty(draws)
    has_ratio = True
    for i in range(draws):
        values = dict(base)
        for name in order:
            values[name] = _value_for(name, float(samples[name][i]))
        run = evaluate(values, outcomes, costs)
        npvs[i] = run["npv"]
        if run["ratio"] is None:
            has_ratio = False
        else:
            ratios[i] = run["ratio"]
    out: dict[str, Any] = {
        "draws": draws,
        "seed": seed,
        "distribution": "triangular(low, base, high), independent",
        "varied": order,
        "npv": _summary(npvs, 2),
    }
    if has_ratio:
        out["ratio"] = _summary(ratios, 4)
        out["probability_ratio_below_1"] = round(float(np.mean(ratios < 1)), 4)
        counts, edges = np.histogram(ratios, bins=20)
        out["ratio_histogram"] = {
            "edges": [round(float(e), 4) for e in edges],
            "counts": [int(c) for c in counts],
        }
    else:
        out["ratio"] = None
        out["probability_ratio_below_1"] = None
    return out


def _summary(values: np.ndarray, digits: int) -> dict[str, float]:
    import numpy as np  # already loaded by the simulation that calls this

    low, median, high = np.percentile(values, [2.5, 50, 97.5])
    return {
        "mean": round(float(np.mean(values)), digits),
        "median": round(float(median), digits),
        "low_95": round(float(low), digits),
        "high_95": round(float(high), digits),
    }


def break_even(
    parameters: Parameters,
    outcomes: Outcomes,
    costs: Costs,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    tolerance: float = 1e-7,
) -> dict[str, Any]:
    """The value of assumption ``name`` at which the ratio crosses 1 (NPV crosses 0).

    Searches ``low``..``high`` (by default the whole allowed range of a percentage,
    0 to 100 times the base for money, 0 to 1000 for ``cost_scale``) by bisection,
    which also finds the step where rounding to whole persons tips the balance. When
    the ratio stays on one side of 1 over the whole search range, ``value`` is
    ``None`` and ``reason`` says which side.
    """
    _check_inputs(parameters, outcomes, costs)
    base = _base_values(parameters)
    if name != "cost_scale" and (
        name not in PARAMETER_SPECS or PARAMETER_SPECS[name].kind not in ("percent", "money")
    ):
        raise ModelInputError([f"'{name}' is not a percentage, an amount or 'cost_scale'."])
    if low is None or high is None:
        default_low, default_high = _default_bounds(name, base[name])
        low = default_low if low is None else low
        high = default_high if high is None else high
    result = {
        "parameter": name,
        "label": _label(name),
        "base": base[name],
        "value": None,
        "search": [low, high],
        "reason": "",
    }

    def npv_at(x: float) -> float:
        return evaluate(base | {name: x}, outcomes, costs)["npv"]

    if evaluate(base, outcomes, costs)["costs"] <= 0:
        result["reason"] = "There are no costs, so there is no break-even point."
        return result
    f_low, f_high = npv_at(low), npv_at(high)
    if f_low == 0:
        result["value"] = low
        return result
    if f_high == 0:
        result["value"] = high
        return result
    if (f_low > 0) == (f_high > 0):
        side = "above" if f_low > 0 else "below"
        result["reason"] = f"The ratio stays {side} 1 for every value from {low:g} to {high:g}."
        return result
    a, b = low, high
    for _ in range(_BISECTION_STEPS):
        mid = (a + b) / 2
        f_mid = npv_at(mid)
        if (f_mid > 0) == (f_low > 0):
            a, f_low = mid, f_mid
        else:
            b = mid
        if b - a <= tolerance * max(1.0, abs(a)):
            break
    result["value"] = round((a + b) / 2, 6)
    return result


def _default_bounds(name: str, base: float) -> tuple[float, float]:
    if name == "cost_scale":
        return 0.0, 1000.0
    spec = PARAMETER_SPECS[name]
    if spec.kind == "percent":
        return 0.0, 100.0
    return 0.0, max(100 * base, 1.0)


def roll_out(
    parameters: Parameters,
    outcomes: Outcomes,
    costs: Costs,
    *,
    clients: Iterable[float] | None = None,
    extra_cost_per_client: float = 0.0,
) -> list[dict[str, Any]]:
    """Unit cost and ratio if the same staff saw more (or fewer) clients.

    Every outcome count (including the people at risk and the health-use totals and
    respondents) scales with the number of clients, so the rates of success stay as
    observed; costs stay fixed apart from ``extra_cost_per_client`` for each client
    above the observed number. ``clients`` defaults to 1, 1.5, 2, 2.5 and 3 times the
    observed number.
    """
    _check_inputs(parameters, outcomes, costs)
    if extra_cost_per_client < 0:
        raise ModelInputError(["The extra cost per client must not be negative."])
    observed = outcomes.client_count
    if observed <= 0:
        raise ModelInputError(["A roll-out needs at least one client in the observed period."])
    wanted = [observed * m for m in DEFAULT_ROLL_OUT] if clients is None else list(clients)
    if any(n <= 0 for n in wanted):
        raise ModelInputError(["Every roll-out client number must be above 0."])
    base = _base_values(parameters)
    base_costs = costs.total
    rows = []
    for n in wanted:
        scale = n / observed
        scaled = _scale_outcomes(outcomes, scale)
        values = dict(base)
        if base_costs > 0:
            values["cost_scale"] = (base_costs + extra_cost_per_client * (n - observed)) / (
                base_costs
            )
        run = evaluate(values, scaled, costs)
        rows.append(
            {
                "clients": round(n, 2),
                "scale": round(scale, 4),
                "costs": round(run["costs"], 2),
                "unit_cost": round(run["costs"] / n, 2),
                "benefits": round(run["benefits"]["total"], 2),
                "ratio": _round(run["ratio"]),
                "npv": round(run["npv"], 2),
            }
        )
    return rows


def _scale_outcomes(outcomes: Outcomes, scale: float) -> Outcomes:
    counts = outcomes.as_values()
    counts["clients"] = outcomes.client_count
    return replace(outcomes, **{k: v * scale for k, v in counts.items() if v is not None})


def analyse(
    parameters: Parameters,
    outcomes: Outcomes,
    costs: Costs,
    ranges: Ranges,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    break_even_names: Iterable[str] = DEFAULT_BREAK_EVEN,
    roll_out_clients: Iterable[float] | None = None,
) -> dict[str, Any]:
    """All four analyses in one JSON-ready dict (the ``sensitivity`` of a result)."""
    return {
        "ranges": {k: [lo, hi] for k, (lo, hi) in ranges.items()},
        "one_way": one_way(parameters, outcomes, costs, ranges),
        "monte_carlo": monte_carlo(parameters, outcomes, costs, ranges, draws=draws, seed=seed),
        "break_even": [break_even(parameters, outcomes, costs, name) for name in break_even_names],
        "roll_out": roll_out(parameters, outcomes, costs, clients=roll_out_clients),
    }
