"""docs/economics.md explains every parameter and states the model's own Table 12 figures."""

import re
from pathlib import Path

import pytest

from vocrehab.economics.cost_benefit import PARAMETER_SPECS, run_model

DOC = Path(__file__).resolve().parents[2] / "docs" / "economics.md"


@pytest.fixture(scope="module")
def doc():
    return DOC.read_text(encoding="utf-8")


def test_every_parameter_is_documented(doc):
    for name in PARAMETER_SPECS:
        assert f"| `{name}` |" in doc, name


def reproduction_rows(doc):
    section = doc.split("## Reproducing Table 12", 1)[1]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[\d,.]+", cells[1]):
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def test_the_reproduction_table_states_what_the_model_gives(doc, glasgow, glasgow_outcomes):
    result = run_model(glasgow.parameters, glasgow_outcomes, glasgow.costs)
    rows = reproduction_rows(doc)
    ours = {
        "Savings in welfare payments (DWP)": result.benefits["welfare"],
        "Tax and National Insurance (HM Treasury)": result.benefits["tax_ni"],
        "Reduced health service usage (NHS)": result.benefits["nhs"],
        "Reduction in absence (employers)": result.benefits["employers"],
        "Total benefits": result.benefits["total"],
        "VR costs": result.total_costs,
    }
    for label, value in ours.items():
        table12, documented, difference = rows[label]
        assert documented == f"{round(value):,}", label
        expected = 100 * (value / float(table12.replace(",", "")) - 1)
        assert difference.replace("−", "-") == f"{expected:+.1f}%", label
    table12_ratio, documented_ratio, _ = rows["Benefit-cost ratio"]
    assert documented_ratio == f"{result.ratio:.2f}"
