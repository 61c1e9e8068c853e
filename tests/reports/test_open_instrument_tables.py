"""VRMDS v1.1 tables of the openly licensed questionnaires: ``phq9_bands``,
``gad7_bands`` (paired, per timepoint and band) and ``who5`` (paired mean percentage
score, n, and how many scored 50 or less), computed in SQL by the instruments' rules."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from vocrehab.accounts.models import Role

from .helpers import cell, give_measure, make_episode

pytestmark = pytest.mark.django_db


def items(values):
    return {f"q{n}": v for n, v in enumerate(values, start=1) if v is not None}


def counts(table):
    return {(c["timepoint"], c["band"]): c["count"] for c in table["cells"] if c["count"]}


def test_phq9_bands_pair_prorate_and_leave_out_difficulty(service, report):
    a = make_episode(service)
    # 9 items adding up to 20 (severe); difficulty 3 is not in the total.
    give_measure(a, "phq9", "entry", {**items([3, 3, 3, 3, 2, 2, 2, 1, 1]), "difficulty": 3})
    # Eight items adding up to 4: 4.5 rounds half up to 5, mild.
    give_measure(a, "phq9", "discharge", items([1, 1, 1, 1, 0, 0, 0, 0]))
    b = make_episode(service)
    give_measure(b, "phq9", "entry", items([2] * 7 + [1, 1]))  # 16: moderately severe
    give_measure(b, "phq9", "discharge", items([0] * 9))  # 0: minimal
    c = make_episode(service)  # two missing at discharge: not scored, so not paired
    give_measure(c, "phq9", "entry", items([3] * 9))
    give_measure(c, "phq9", "discharge", items([1] * 7))
    d = make_episode(service)  # entry only
    give_measure(d, "phq9", "entry", items([1] * 9))
    table = report([service])["tables"]["phq9_bands"]
    assert table["n"] == 2
    assert counts(table) == {
        ("entry", "severe"): 1,
        ("entry", "moderately_severe"): 1,
        ("discharge", "mild"): 1,
        ("discharge", "minimal"): 1,
    }
    assert len(table["cells"]) == 10  # every band at both timepoints, zeros included
    assert set(table["cells"][0]) == {"timepoint", "band", "count", "suppressed"}


def test_gad7_band_boundaries_in_sql(service, report):
    for entry_total, discharge_total in ((4, 5), (9, 10), (14, 15)):
        e = make_episode(service)
        give_measure(
            e, "gad7", "entry", items([min(3, max(0, entry_total - 3 * i)) for i in range(7)])
        )
        give_measure(
            e,
            "gad7",
            "discharge",
            items([min(3, max(0, discharge_total - 3 * i)) for i in range(7)]),
        )
    table = report([service])["tables"]["gad7_bands"]
    assert table["n"] == 3
    assert counts(table) == {
        ("entry", "minimal"): 1,
        ("entry", "mild"): 1,
        ("entry", "moderate"): 1,
        ("discharge", "mild"): 1,
        ("discharge", "moderate"): 1,
        ("discharge", "severe"): 1,
    }


def test_who5_mean_percentage_and_poor_wellbeing(service, report):
    a = make_episode(service)
    give_measure(a, "who5", "entry", items([1, 1, 1, 2, 2]))  # 7 -> 28%
    give_measure(a, "who5", "discharge", items([3, 3, 3, 3]))  # 12 x 5/4 = 15 -> 60%
    b = make_episode(service)
    give_measure(b, "who5", "entry", items([2, 2, 2, 3, 3]))  # 12 -> 48%
    give_measure(b, "who5", "discharge", items([5, 5, 5, 5, 5]))  # 100%
    c = make_episode(service)  # not paired
    give_measure(c, "who5", "entry", items([0, 0, 0, 0, 0]))
    table = report([service])["tables"]["who5"]
    assert table["n"] == 2
    entry = cell(table, timepoint="entry")
    assert entry == {
        "timepoint": "entry",
        "mean": 38.0,
        "n": 2,
        "poor_wellbeing": 2,
        "suppressed": False,
    }
    discharge = cell(table, timepoint="discharge")
    assert (discharge["mean"], discharge["poor_wellbeing"]) == (80.0, 0)


def test_no_answers_give_empty_tables(service, report):
    tables = report([service])["tables"]
    assert tables["phq9_bands"]["n"] == 0
    assert all(c["count"] == 0 for c in tables["gad7_bands"]["cells"])
    assert cell(tables["who5"], timepoint="entry")["mean"] is None


def test_the_report_says_vrmds_1_1(service, report):
    assert report([service])["vrmds_version"] == "1.1"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pdf"])
def test_the_tables_are_in_every_download(signed_in, service, fmt):
    e = make_episode(service)
    give_measure(e, "phq9", "entry", items([3] * 9))
    give_measure(e, "phq9", "discharge", items([1] * 9))
    give_measure(e, "who5", "entry", items([1] * 5))
    give_measure(e, "who5", "discharge", items([4] * 5))
    client, _ = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("reports:download"), {"services": service.pk, "format": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "json":
        text = body.decode()
        assert "phq9_bands" in text and "gad7_bands" in text and "who5" in text
        assert "moderately_severe" in text
    elif fmt == "csv":
        names = {n.rsplit("/", 1)[-1] for n in zipfile.ZipFile(io.BytesIO(body)).namelist()}
        assert {"phq9_bands.csv", "gad7_bands.csv", "who5.csv"} <= names
    elif fmt == "xlsx":
        assert "phq9_bands" in load_workbook(io.BytesIO(body)).sheetnames
    else:
        assert body.startswith(b"%PDF")


def test_the_web_report_shows_the_tables_with_labels(signed_in, service):
    e = make_episode(service)
    give_measure(e, "phq9", "entry", items([3] * 9))
    give_measure(e, "phq9", "discharge", items([1] * 9))
    client, _ = signed_in(Role.SERVICE_MANAGER)
    html = client.get(
        reverse("reports:evaluation"), {"services": service.pk, "section": "questionnaires"}
    ).content.decode()
    assert "PHQ-9 bands" in html and "GAD-7 bands" in html and "WHO-5 wellbeing" in html
    assert "moderately severe" in html  # a label, not the code
