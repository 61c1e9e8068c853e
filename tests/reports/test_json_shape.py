"""Every table has the VRMDS shape: title, n, and cells holding dimension codes (strings),
measures (numbers or null) and ``suppressed``."""

import json

import pytest

from vocrehab.accounts.models import Service
from vocrehab.codes import Nation
from vocrehab.reports.suppression import suppress
from vocrehab.reports.tables import TABLES

from .helpers import DATA, load_vrmds

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suppressed", [False, True])
def test_every_cell_has_the_standard_shape(organisation, report, suppressed):
    service = Service.objects.create(
        organisation=organisation, code="DEMO-SCOT", name="Demo", nation=Nation.SCOTLAND
    )
    load_vrmds(DATA, {"DEMO-SCOT": service})
    r = report([service])
    if suppressed:
        r = suppress(r)
    r = json.loads(json.dumps(r))  # what a JSON reader sees
    assert set(r) == {"report", "vrmds_version", "filters", "tables"}
    assert list(r["tables"]) == list(TABLES)
    for table_id, table in r["tables"].items():
        spec = TABLES[table_id]
        extra = {"value_set"} if table_id == "eq5d_index" else set()
        assert set(table) == {"title", "n", "cells"} | extra, table_id
        assert isinstance(table["title"], str) and table["title"]
        assert table["n"] is None or isinstance(table["n"], int)
        assert table["cells"], table_id
        for cell in table["cells"]:
            keys = set(cell) - {"suppressed"}
            dims = keys - set(spec.measures)
            assert dims <= set(spec.dimensions), (table_id, cell)
            assert keys - dims == set(spec.measures), (table_id, cell)
            assert all(isinstance(cell[d], str) for d in dims), (table_id, cell)
            for m in spec.measures:
                assert cell[m] is None or isinstance(cell[m], int | float), (table_id, m)
            assert isinstance(cell["suppressed"], bool)
            if cell["suppressed"]:
                assert all(cell[m] is None for m in spec.measures)


def test_a_report_over_no_services_is_empty_not_an_error():
    from vocrehab.reports.evaluation import build_evaluation

    r = build_evaluation([])
    assert list(r["tables"]) == list(TABLES)
    assert r["tables"]["summary"]["n"] == 0
    assert all(cell["eligible"] == 0 for cell in r["tables"]["service_standards"]["cells"])
