"""The cost-benefit model of a vocational rehabilitation service.

Pure Python, no database: the inputs are three plain dataclasses (``Parameters``,
``Outcomes``, ``Costs``) and the answer is a ``Result``. Everything the model assumes
is a named parameter (see ``PARAMETER_SPECS``), so that a preset, a sensitivity run or
a user's edited copy differ only in data. ``docs/economics.md`` explains each step and
how the figures compare with Table 12 of the 2014 Glasgow evaluation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

OUTCOME_KINDS = ("stayed_in_work", "returned_to_work", "moved_into_work")
ATTRIBUTION_METHODS = ("counterfactual", "deadweight")
NHS_GROSSING_METHODS = ("factor", "response_rate")
BENEFIT_LINES = ("welfare", "tax_ni", "nhs", "employers")
MONTHS_PER_YEAR = 12


class ModelInputError(ValueError):
    """The inputs cannot be modelled.

    ``messages`` is a list of plain-English sentences, each naming the parameter or
    count at fault, so that a form, a command or an API can show all of them at once.
    """

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class ParameterSpec:
    """What one parameter means and which values it may take."""

    name: str
    kind: str  # percent, money, number, count, choice, flag, bands
    label: str
    unit: str = ""
    minimum: float | None = 0.0
    maximum: float | None = None
    choices: tuple[str, ...] = ()


def _spec(name, kind, label, unit="", minimum=0.0, maximum=None, choices=()):
    if kind == "percent" and maximum is None:
        maximum = 100.0
    return ParameterSpec(name, kind, label, unit, minimum, maximum, tuple(choices))


# Order matters: it is the order of forms, documentation and the tornado chart's legend.
PARAMETER_SPECS: dict[str, ParameterSpec] = {
    s.name: s
    for s in (
        _spec(
            "stayed_in_work_method",
            "choice",
            "How stays in work are attributed",
            choices=ATTRIBUTION_METHODS,
        ),
        _spec(
            "stayed_in_work_rate",
            "percent",
            "Stayed in work: counterfactual rate or deadweight",
            "%",
        ),
        _spec(
            "returned_to_work_method",
            "choice",
            "How returns to work are attributed",
            choices=ATTRIBUTION_METHODS,
        ),
        _spec(
            "returned_to_work_rate",
            "percent",
            "Returned to work: counterfactual rate or deadweight",
            "%",
        ),
        _spec(
            "moved_into_work_method",
            "choice",
            "How moves into work are attributed",
            choices=ATTRIBUTION_METHODS,
        ),
        _spec(
            "moved_into_work_rate",
            "percent",
            "Moved into work: counterfactual rate or deadweight",
            "%",
        ),
        _spec("attribution_to_others", "percent", "Share of benefit owed to others", "%"),
        _spec("displacement", "percent", "Displacement of other job seekers", "%"),
        _spec("drop_off", "percent", "Drop-off of benefit per year after the first", "%"),
        _spec("discount_rate", "percent", "Discount rate per year after the first", "%"),
        _spec("years", "count", "Years over which benefits are counted", "years", 1, 60),
        _spec("round_to_whole_persons", "flag", "Round attributable people to whole persons"),
        _spec("esa_annual_cost", "money", "Annual cost of an ESA claimant", "£/year"),
        _spec("median_earnings", "money", "Median gross annual earnings", "£/year"),
        _spec("personal_allowance", "money", "Income tax personal allowance", "£/year"),
        _spec("income_tax_bands", "bands", "Income tax bands above the allowance"),
        _spec("ni_primary_threshold", "money", "Employee NI primary threshold", "£/year"),
        _spec("ni_upper_earnings_limit", "money", "Employee NI upper earnings limit", "£/year"),
        _spec("ni_main_rate", "percent", "Employee NI main rate", "%"),
        _spec("ni_upper_rate", "percent", "Employee NI rate above the upper limit", "%"),
        _spec("include_employer_ni", "flag", "Count employer NI as a gain to HM Treasury"),
        _spec("employer_ni_threshold", "money", "Employer NI secondary threshold", "£/year"),
        _spec("employer_ni_rate", "percent", "Employer NI rate", "%"),
        _spec("gp_visit_cost", "money", "Cost of a GP surgery consultation", "£"),
        _spec("outpatient_visit_cost", "money", "Cost of an outpatient attendance", "£"),
        _spec(
            "nhs_grossing_method",
            "choice",
            "How respondents' health service use is grossed up",
            choices=NHS_GROSSING_METHODS,
        ),
        _spec("nhs_grossing_factor", "number", "Grossing-up factor for NHS savings", "×"),
        _spec("employer_absence_cost", "money", "Employer's annual cost of absence", "£/year"),
    )
}

NUMERIC_KINDS = ("percent", "money", "number", "count")


@dataclass(frozen=True)
class TaxBand:
    """A slice of taxable income (above the personal allowance) and its rate.

    ``width`` is the size of the slice in pounds; ``None`` means "everything above".
    """

    width: float | None
    rate: float


@dataclass(frozen=True)
class Parameters:
    """Every assumption of the model. Percentages are 0-100, money is pounds."""

    stayed_in_work_method: str
    stayed_in_work_rate: float
    returned_to_work_method: str
    returned_to_work_rate: float
    moved_into_work_method: str
    moved_into_work_rate: float
    attribution_to_others: float
    displacement: float
    drop_off: float
    discount_rate: float
    years: int
    round_to_whole_persons: bool
    esa_annual_cost: float
    median_earnings: float
    personal_allowance: float
    income_tax_bands: tuple[TaxBand, ...]
    ni_primary_threshold: float
    ni_upper_earnings_limit: float
    ni_main_rate: float
    ni_upper_rate: float
    include_employer_ni: bool
    employer_ni_threshold: float
    employer_ni_rate: float
    gp_visit_cost: float
    outpatient_visit_cost: float
    nhs_grossing_method: str
    nhs_grossing_factor: float
    employer_absence_cost: float

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Parameters:
        """Build parameters from plain values (e.g. a preset or a form).

        Raises ``ModelInputError`` listing every missing, unknown or invalid value.
        """
        messages = []
        missing = [name for name in PARAMETER_SPECS if name not in values]
        unknown = sorted(set(values) - set(PARAMETER_SPECS))
        messages += [f"The parameter '{name}' is missing." for name in missing]
        messages += [f"'{name}' is not a parameter of the model." for name in unknown]
        if messages:
            raise ModelInputError(messages)
        coerced = {}
        for name, spec in PARAMETER_SPECS.items():
            try:
                coerced[name] = _coerce(spec, values[name])
            except (TypeError, ValueError):
                messages.append(_type_message(spec))
        if messages:
            raise ModelInputError(messages)
        params = cls(**coerced)
        params.validate()
        return params

    def as_values(self) -> dict[str, Any]:
        """The parameters as plain JSON-ready values (the inverse of ``from_mapping``)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "income_tax_bands":
                value = [{"width": b.width, "rate": b.rate} for b in value]
            out[f.name] = value
        return out

    def validate(self) -> None:
        """Raise ``ModelInputError`` if any value is outside what it may be."""
        messages = []
        for name, spec in PARAMETER_SPECS.items():
            messages += _check_value(spec, getattr(self, name))
        if self.ni_upper_earnings_limit < self.ni_primary_threshold:
            messages.append(
                "The employee NI upper earnings limit ('ni_upper_earnings_limit') "
                "must not be below the primary threshold ('ni_primary_threshold')."
            )
        if messages:
            raise ModelInputError(messages)


def _coerce(spec: ParameterSpec, value: Any) -> Any:
    if spec.kind == "bands":
        bands = []
        for band in value:
            width = band["width"] if isinstance(band, Mapping) else band[0]
            rate = band["rate"] if isinstance(band, Mapping) else band[1]
            bands.append(TaxBand(None if width is None else float(width), float(rate)))
        return tuple(bands)
    if spec.kind == "flag":
        if not isinstance(value, bool):
            raise TypeError(spec.name)
        return value
    if spec.kind == "choice":
        if not isinstance(value, str):
            raise TypeError(spec.name)
        return value
    if value is None or isinstance(value, bool):
        raise TypeError(spec.name)
    number = float(value)
    if spec.kind == "count":
        if number != int(number):
            raise ValueError(spec.name)
        return int(number)
    return number


def _type_message(spec: ParameterSpec) -> str:
    expected = {
        "bands": "a list of bands, each with a width and a rate",
        "flag": "true or false",
        "choice": "one of " + ", ".join(spec.choices),
        "count": "a whole number",
    }.get(spec.kind, "a number")
    return f"{spec.label} ('{spec.name}') must be {expected}."


def _check_value(spec: ParameterSpec, value: Any) -> list[str]:
    where = f"{spec.label} ('{spec.name}')"
    if spec.kind == "choice":
        if value not in spec.choices:
            return [f"{where} must be one of {', '.join(spec.choices)}, not '{value}'."]
        return []
    if spec.kind == "flag":
        return [] if isinstance(value, bool) else [f"{where} must be true or false."]
    if spec.kind == "bands":
        return _check_bands(where, value)
    messages = []
    if not isinstance(value, int | float) or math.isnan(value) or math.isinf(value):
        return [f"{where} must be a number."]
    if spec.minimum is not None and value < spec.minimum:
        if spec.minimum == 0:
            messages.append(f"{where} must not be negative (it is {value:g}).")
        else:
            messages.append(f"{where} must be at least {spec.minimum:g} (it is {value:g}).")
    if spec.maximum is not None and value > spec.maximum:
        if spec.kind == "percent":
            messages.append(f"{where} is a percentage and must not be over 100 (it is {value:g}).")
        else:
            messages.append(f"{where} must be at most {spec.maximum:g} (it is {value:g}).")
    return messages


def _check_bands(where: str, bands: tuple[TaxBand, ...]) -> list[str]:
    messages = []
    if not bands:
        messages.append(f"{where} needs at least one band.")
    for i, band in enumerate(bands, 1):
        if band.width is None and i != len(bands):
            messages.append(f"{where}: only the last band may be open-ended (band {i} is).")
        if band.width is not None and band.width < 0:
            messages.append(f"{where}: band {i} has a negative width.")
        if not 0 <= band.rate <= 100:
            messages.append(f"{where}: the rate of band {i} must be between 0 and 100.")
    return messages


@dataclass(frozen=True)
class Outcomes:
    """What happened to the clients of the services over the period.

    The three entry groups are the people at risk for each outcome: in work at entry
    (at risk of not staying in work), off sick at entry, and not in work at entry. The
    health-use totals are monthly visits summed over the ``respondents`` who answered
    the health service use questionnaire both at entry and at discharge, out of a
    ``cohort_size`` who were asked.
    """

    in_work_at_entry: int
    stayed_in_work: int
    off_sick_at_entry: int
    returned_to_work: int
    not_in_work_at_entry: int = 0
    moved_into_work: int = 0
    gp_visits_before: float = 0
    gp_visits_after: float = 0
    outpatient_visits_before: float = 0
    outpatient_visits_after: float = 0
    respondents: int = 0
    cohort_size: int = 0
    clients: int | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Outcomes:
        """Build outcomes from plain values; raises ``ModelInputError`` on bad input."""
        names = {f.name for f in fields(cls)}
        required = {f.name for f in fields(cls) if f.default is MISSING}
        messages = [f"The outcome count '{n}' is missing." for n in sorted(required - set(values))]
        messages += [f"'{n}' is not an outcome count." for n in sorted(set(values) - names)]
        if messages:
            raise ModelInputError(messages)
        try:
            outcomes = cls(**{k: v for k, v in values.items() if k in names})
        except TypeError as exc:  # pragma: no cover - names are filtered above
            raise ModelInputError([str(exc)]) from exc
        outcomes.validate()
        return outcomes

    @property
    def client_count(self) -> int:
        """Clients served; defaults to everyone in the three entry groups."""
        if self.clients is not None:
            return self.clients
        return self.in_work_at_entry + self.off_sick_at_entry + self.not_in_work_at_entry

    def at_risk(self, kind: str) -> int:
        return {
            "stayed_in_work": self.in_work_at_entry,
            "returned_to_work": self.off_sick_at_entry,
            "moved_into_work": self.not_in_work_at_entry,
        }[kind]

    def observed(self, kind: str) -> int:
        return getattr(self, kind)

    def as_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def validate(self) -> None:
        """Raise ``ModelInputError`` unless the counts are consistent and non-empty."""
        messages = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name == "clients":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                messages.append(f"The outcome count '{f.name}' must be a number.")
            elif math.isnan(value) or value < 0:
                messages.append(f"The outcome count '{f.name}' must not be negative.")
        if messages:
            raise ModelInputError(messages)
        for kind in OUTCOME_KINDS:
            if self.observed(kind) > self.at_risk(kind):
                group = _AT_RISK_NAMES[kind]
                messages.append(
                    f"'{kind}' ({self.observed(kind)}) cannot exceed '{group}' "
                    f"({self.at_risk(kind)}), the people it is counted from."
                )
        if self.respondents > self.cohort_size and self.cohort_size:
            messages.append(
                f"'respondents' ({self.respondents}) cannot exceed 'cohort_size' "
                f"({self.cohort_size}), the people asked about their health service use."
            )
        visits = (
            self.gp_visits_before,
            self.gp_visits_after,
            self.outpatient_visits_before,
            self.outpatient_visits_after,
        )
        if self.respondents == 0 and any(visits):
            messages.append(
                "Health service visits are given but 'respondents' is 0: say how many "
                "people the visit totals come from."
            )
        if self.client_count == 0 and self.respondents == 0:
            messages.append(
                "The period has no outcomes: nobody is in any entry group and nobody "
                "answered the health service use questions."
            )
        if messages:
            raise ModelInputError(messages)


_AT_RISK_NAMES = {
    "stayed_in_work": "in_work_at_entry",
    "returned_to_work": "off_sick_at_entry",
    "moved_into_work": "not_in_work_at_entry",
}


@dataclass(frozen=True)
class StaffCost:
    """One staff line: a role, whole-time equivalents and the annual cost of one WTE."""

    role: str
    fte: float
    annual_cost: float

    @property
    def total(self) -> float:
        return self.fte * self.annual_cost


@dataclass(frozen=True)
class CostYear:
    """What one service cost in one year of the period (year 1 = the first year).

    Overhead is a percentage added on top of staff and non-staff costs.
    """

    year: int
    staff: tuple[StaffCost, ...] = ()
    non_staff: float = 0.0
    overhead_pct: float = 0.0
    service: str = ""
    label: str = ""

    @property
    def total(self) -> float:
        direct = sum(s.total for s in self.staff) + self.non_staff
        return direct * (1 + self.overhead_pct / 100)


@dataclass(frozen=True)
class Costs:
    """The costs of the services over the period, by service and year."""

    years: tuple[CostYear, ...] = ()

    @classmethod
    def from_list(cls, rows: Iterable[Mapping[str, Any]]) -> Costs:
        """Build costs from plain rows; raises ``ModelInputError`` on bad input."""
        messages = []
        built = []
        for i, row in enumerate(rows, 1):
            try:
                staff = tuple(
                    StaffCost(str(s["role"]), float(s["fte"]), float(s["annual_cost"]))
                    for s in row.get("staff", ())
                )
                built.append(
                    CostYear(
                        year=int(row["year"]),
                        staff=staff,
                        non_staff=float(row.get("non_staff", 0)),
                        overhead_pct=float(row.get("overhead_pct", 0)),
                        service=str(row.get("service", "")),
                        label=str(row.get("label", "")),
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                messages.append(
                    f"Cost row {i} is incomplete or not a number ({exc}): each row needs "
                    "'year' and may have 'staff' (role, fte, annual_cost), 'non_staff' "
                    "and 'overhead_pct'."
                )
        if messages:
            raise ModelInputError(messages)
        costs = cls(tuple(built))
        costs.validate()
        return costs

    def as_list(self) -> list[dict[str, Any]]:
        return [
            {
                "year": y.year,
                "service": y.service,
                "label": y.label,
                "staff": [
                    {"role": s.role, "fte": s.fte, "annual_cost": s.annual_cost} for s in y.staff
                ],
                "non_staff": y.non_staff,
                "overhead_pct": y.overhead_pct,
                "total": y.total,
            }
            for y in self.years
        ]

    @property
    def total(self) -> float:
        return sum(y.total for y in self.years)

    def by_year(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for y in self.years:
            out[y.year] = out.get(y.year, 0.0) + y.total
        return out

    def validate(self) -> None:
        """Raise ``ModelInputError`` on negative or impossible costs."""
        messages = []
        for y in self.years:
            where = f"Costs for year {y.year}" + (f" of {y.service}" if y.service else "")
            if y.year < 1:
                messages.append(f"{where}: the year must be 1 or later (1 = first year).")
            if y.non_staff < 0:
                messages.append(f"{where}: non-staff costs ('non_staff') must not be negative.")
            if y.overhead_pct < 0:
                messages.append(f"{where}: overhead ('overhead_pct') must not be negative.")
            for s in y.staff:
                if s.fte < 0:
                    messages.append(f"{where}: the FTE of '{s.role}' must not be negative.")
                if s.annual_cost < 0:
                    messages.append(f"{where}: the annual cost of '{s.role}' must not be negative.")
        if messages:
            raise ModelInputError(messages)


@dataclass
class Result:
    """The answer of the model. Money is in pounds at present value."""

    preset: str | None
    parameters: Parameters
    outcomes: Outcomes
    costs: Costs
    attributable: dict[str, float]
    per_person: dict[str, float]
    nhs: dict[str, float]
    benefits: dict[str, float]
    total_costs: float
    ratio: float | None
    npv: float
    by_year: list[dict[str, Any]]
    sensitivity: dict[str, Any] = field(default_factory=dict)
    preset_version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (money rounded to pence, ratio to 3 dp)."""
        return {
            "preset": self.preset,
            "preset_version": self.preset_version,
            "parameters": self.parameters.as_values(),
            "outcomes": self.outcomes.as_values(),
            "attributable": {k: _r(v, 3) for k, v in self.attributable.items()},
            "per_person": {k: _r(v, 2) for k, v in self.per_person.items()},
            "nhs": {k: _r(v, 2) for k, v in self.nhs.items()},
            "benefits": {k: _r(v, 2) for k, v in self.benefits.items()},
            "costs": _r(self.total_costs, 2),
            "cost_items": self.costs.as_list(),
            "ratio": None if self.ratio is None else _r(self.ratio, 3),
            "npv": _r(self.npv, 2),
            "by_year": [
                {k: (_r(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.by_year
            ],
            "sensitivity": self.sensitivity,
        }


def _r(value: float, digits: int) -> float:
    return round(float(value), digits)


def income_tax(earnings: float, allowance: float, bands: Iterable[TaxBand]) -> float:
    """Income tax on ``earnings`` above ``allowance``, slice by slice through ``bands``.

    The taper of the allowance above £100,000 is not modelled (see docs/economics.md).
    """
    remaining = max(0.0, earnings - allowance)
    tax = 0.0
    for band in bands:
        slice_ = remaining if band.width is None else min(remaining, band.width)
        tax += slice_ * band.rate / 100
        remaining -= slice_
        if remaining <= 0:
            break
    return tax


def employee_ni(earnings: float, threshold: float, upper: float, main: float, above: float):
    """Employee Class 1 NI on annual ``earnings`` (rates in percent)."""
    main_slice = max(0.0, min(earnings, upper) - threshold)
    upper_slice = max(0.0, earnings - max(upper, threshold))
    return main_slice * main / 100 + upper_slice * above / 100


def employer_ni(earnings: float, threshold: float, rate: float) -> float:
    """Employer Class 1 NI on annual ``earnings`` (no upper limit; allowance ignored)."""
    return max(0.0, earnings - threshold) * rate / 100


def attributable_people(method: str, rate: float, observed: float, at_risk: float) -> float:
    """People whose outcome is owed to the service, before others and displacement.

    ``counterfactual``: ``rate``% of the people at risk would have had the outcome
    anyway; the rest of those observed count, never fewer than none.
    ``deadweight``: ``rate``% of those observed would have had it anyway.
    """
    if method == "counterfactual":
        return max(0.0, observed - rate / 100 * at_risk)
    if method == "deadweight":
        return observed * (1 - rate / 100)
    raise ModelInputError([f"Unknown attribution method '{method}'."])


def _half_up(x: float) -> float:
    # Python's round() rounds halves to even; people count halves up, as the evaluation did.
    return float(math.floor(x + 0.5))


def evaluate(values: Mapping[str, Any], outcomes: Outcomes, costs: Costs) -> dict[str, Any]:
    """The arithmetic of the model on already-validated inputs.

    ``values`` holds every parameter by name, plus an optional ``cost_scale``
    multiplier used by sensitivity analysis. Kept free of validation so that Monte
    Carlo can call it ten thousand times cheaply; ``run_model`` is the public entry.
    """
    others = values["attribution_to_others"] / 100
    displacement = values["displacement"] / 100
    attributable = {}
    for kind in OUTCOME_KINDS:
        gross = attributable_people(
            values[f"{kind}_method"],
            values[f"{kind}_rate"],
            outcomes.observed(kind),
            outcomes.at_risk(kind),
        )
        net = gross * (1 - others) * (1 - displacement)
        if values["round_to_whole_persons"]:
            net = _half_up(net)
        attributable[kind] = net
    in_work = sum(attributable.values())
    # Moves into work came from outside employment, so no employer saved absence costs.
    with_employer = attributable["stayed_in_work"] + attributable["returned_to_work"]

    earnings = values["median_earnings"]
    bands = values["income_tax_bands"]
    if bands and not isinstance(bands[0], TaxBand):
        bands = _coerce(PARAMETER_SPECS["income_tax_bands"], bands)
    per_person = {
        "welfare": values["esa_annual_cost"],
        "income_tax": income_tax(earnings, values["personal_allowance"], bands),
        "employee_ni": employee_ni(
            earnings,
            values["ni_primary_threshold"],
            values["ni_upper_earnings_limit"],
            values["ni_main_rate"],
            values["ni_upper_rate"],
        ),
        "employer_ni": (
            employer_ni(earnings, values["employer_ni_threshold"], values["employer_ni_rate"])
            if values["include_employer_ni"]
            else 0.0
        ),
        "employers": values["employer_absence_cost"],
    }
    exchequer = per_person["income_tax"] + per_person["employee_ni"] + per_person["employer_ni"]

    monthly_nhs = (outcomes.gp_visits_before - outcomes.gp_visits_after) * values[
        "gp_visit_cost"
    ] + (outcomes.outpatient_visits_before - outcomes.outpatient_visits_after) * values[
        "outpatient_visit_cost"
    ]
    if values["nhs_grossing_method"] == "response_rate":
        # No respondents means no measured change, so nothing to gross up.
        # An unknown cohort (0) means only the respondents are known: no grossing up.
        cohort = max(outcomes.cohort_size, outcomes.respondents)
        gross_up = cohort / outcomes.respondents if outcomes.respondents else 0.0
    else:
        gross_up = values["nhs_grossing_factor"]
    # The before/after change has no comparison group; only credit-sharing applies to it.
    annual_nhs = monthly_nhs * MONTHS_PER_YEAR * gross_up * (1 - others)
    nhs = {"monthly_change": monthly_nhs, "gross_up": gross_up, "annual": annual_nhs}

    retention = 1 - values["drop_off"] / 100
    rate = values["discount_rate"] / 100
    cost_scale = values.get("cost_scale", 1.0)
    cost_by_year = costs.by_year()
    last_year = max([int(values["years"]), *cost_by_year])
    totals = dict.fromkeys(BENEFIT_LINES, 0.0)
    total_costs = 0.0
    by_year = []
    for year in range(1, last_year + 1):
        factor = 1 / (1 + rate) ** (year - 1)
        kept = retention ** (year - 1) if year <= values["years"] else 0.0
        row = {
            "year": year,
            "discount_factor": factor,
            "people_in_work": in_work * kept,
            "welfare": in_work * kept * per_person["welfare"] * factor,
            "tax_ni": in_work * kept * exchequer * factor,
            "nhs": annual_nhs * kept * factor,
            "employers": with_employer * kept * per_person["employers"] * factor,
        }
        row["total"] = sum(row[line] for line in BENEFIT_LINES)
        row["costs"] = cost_by_year.get(year, 0.0) * cost_scale * factor
        by_year.append(row)
        for line in BENEFIT_LINES:
            totals[line] += row[line]
        total_costs += row["costs"]
    totals["total"] = sum(totals[line] for line in BENEFIT_LINES)
    ratio = totals["total"] / total_costs if total_costs > 0 else None
    return {
        "attributable": attributable,
        "per_person": per_person,
        "nhs": nhs,
        "benefits": totals,
        "costs": total_costs,
        "ratio": ratio,
        "npv": totals["total"] - total_costs,
        "by_year": by_year,
    }


def run_model(
    parameters: Parameters,
    outcomes: Outcomes,
    costs: Costs,
    *,
    preset: str | None = None,
) -> Result:
    """Run the cost-benefit model.

    Validates all three inputs first and raises ``ModelInputError`` listing every
    problem. Never divides by zero: with no costs the ratio is ``None``.
    """
    messages = []
    for part in (parameters, outcomes, costs):
        try:
            part.validate()
        except ModelInputError as exc:
            messages += exc.messages
    if messages:
        raise ModelInputError(messages)
    values = parameters.as_values() | {"income_tax_bands": parameters.income_tax_bands}
    numbers = evaluate(values, outcomes, costs)
    return Result(
        preset=preset,
        parameters=parameters,
        outcomes=outcomes,
        costs=costs,
        attributable=numbers["attributable"],
        per_person=numbers["per_person"],
        nhs=numbers["nhs"],
        benefits=numbers["benefits"],
        total_costs=numbers["costs"],
        ratio=numbers["ratio"],
        npv=numbers["npv"],
        by_year=numbers["by_year"],
    )
