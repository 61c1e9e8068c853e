"""The layer contract (docs/development.md) covers every app and has no exceptions.

`make lint`, and so CI, runs lint-imports, which checks the imports against it; an app
left out of every layer would be checked against nothing, and an ignored import would be
a sibling coupling let through.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "vocrehab"


def _contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def _layered() -> set[str]:
    names = set()
    for contract in _contracts():
        for layer in contract.get("layers", []):
            names.update(n.strip() for n in layer.replace(":", "|").split("|"))
    return names


def test_the_contract_lists_no_exceptions():
    for contract in _contracts():
        assert not contract.get("ignore_imports"), contract["name"]
        assert not contract.get("unmatched_ignore_imports_alerting"), contract["name"]


def test_every_app_is_in_a_layer():
    apps = {p.parent.name for p in SOURCE.glob("*/apps.py")}
    assert apps, SOURCE
    assert apps <= _layered(), sorted(apps - _layered())
