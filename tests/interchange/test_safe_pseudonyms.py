"""Pseudonymised exports that are safe to share: dates shifted per person (or to the
month), age as a band, deprivation as a decile, rare values grouped, and k reported
before anything is written (web and command line)."""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.interchange.exporter import ExportError, export_dataset
from vocrehab.interchange.vrmds.validate import validate_dataset

from .helpers import EXAMPLE, TODAY, read_example
from .importing import example_service, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(organisation):
    example_service(organisation)
    assert run_import(EXAMPLE).ok


def _read(folder, name="episodes.csv"):
    with (folder / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


def test_dates_move_by_one_secret_offset_per_person(imported, tmp_path, settings):
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 1
    export_dataset(tmp_path / "out", fmt="csv", pseudonymise=True, dates="shift")
    original = {r["referral_date"]: r for r in read_example()["episodes.csv"]}
    exported = _read(tmp_path / "out")
    offsets = {}
    for row in exported:
        shifted = _day(row["referral_date"])
        # Find the original episode by its intervals, which the shift keeps exactly.
        matches = [
            o
            for o in original.values()
            if o["sex"] == row["sex"]
            and (_day(o["discharge_date"]) or TODAY) - _day(o["referral_date"])
            == (_day(row["discharge_date"]) or TODAY - (_day(o["referral_date"]) - shifted))
            - shifted
        ]
        assert matches, row
        source = matches[0]
        offset = (_day(source["referral_date"]) - shifted).days
        assert 1 <= offset <= 365
        for column in ("first_contact_date", "assessment_date", "discharge_date"):
            if source[column]:
                assert (_day(source[column]) - _day(row[column])).days == offset, column
        offsets.setdefault(row["client_id"], set()).add(offset)
    # One offset per person, whatever the number of their episodes.
    assert all(len(found) == 1 for found in offsets.values())
    # Contacts move with their person too: no contact is dated as in the source.
    source_days = {r["contact_date"] for r in read_example()["contacts.csv"]}
    assert not source_days & {r["contact_date"] for r in _read(tmp_path / "out", "contacts.csv")}
    assert validate_dataset(tmp_path / "out", today=TODAY).is_valid


def test_month_level_dates(imported, tmp_path, settings):
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 1
    export_dataset(tmp_path / "out", fmt="csv", pseudonymise=True, dates="month")
    for name, column in (("episodes.csv", "referral_date"), ("contacts.csv", "contact_date")):
        days = [r[column] for r in _read(tmp_path / "out", name) if r[column]]
        assert days and all(day.endswith("-01") for day in days)
    result = validate_dataset(tmp_path / "out", today=TODAY)
    assert result.is_valid, [str(e) for e in result.errors]


def test_age_band_and_deprivation_decile_only(imported, tmp_path, settings):
    from vocrehab.episodes.models import Episode

    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 1
    Episode.objects.update(deprivation_index="simd2020", deprivation_rank=300, deprivation_decile=1)
    export_dataset(tmp_path / "out", fmt="csv", pseudonymise=True)
    rows = _read(tmp_path / "out")
    assert all(r["age_at_referral"] == "" and r["deprivation_rank"] == "" for r in rows)
    source = read_example()["episodes.csv"]
    assert sorted(r["x_age_band"] for r in rows) == sorted(
        _band(int(r["age_at_referral"])) for r in source
    )
    assert {(r["deprivation_index"], r["deprivation_decile"]) for r in rows} == {("simd2020", "1")}


def _band(age):
    from vocrehab.interchange.pseudonyms import age_band

    return age_band(age)


def test_rare_values_are_grouped(imported, tmp_path, settings):
    # Four episodes: with a threshold of 5 every area, condition, ethnic group and
    # occupation is rare, so every one is grouped.
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 5
    export_dataset(tmp_path / "out", fmt="csv", pseudonymise=True)
    rows = _read(tmp_path / "out")
    assert {r["condition"] for r in rows} == {"other"}
    assert {r["condition_detail"] for r in rows} == {""}
    for column in ("area_code", "ethnicity", "occupation"):
        assert {r[column] for r in rows} == {""}, column
    assert validate_dataset(tmp_path / "out", today=TODAY).is_valid


def test_k_is_reported_and_a_small_k_refused_before_writing(imported, tmp_path, settings):
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 1
    summary = export_dataset(tmp_path / "ok", fmt="csv", pseudonymise=True)
    k = summary.profile.k
    assert 1 <= k <= 4 and f"k = {k}" in str(summary)
    # k and the group named are those of the episodes as written.
    written = Counter(
        (r["x_age_band"], r["sex"], r["area_code"], r["condition"]) for r in _read(tmp_path / "ok")
    )
    (smallest, size), *_ = sorted(written.items(), key=lambda item: (item[1], item[0]))
    assert size == k
    named = ", ".join(
        f"{name} {value or '-'}"
        for name, value in zip(("age_band", "sex", "area_code", "condition"), smallest, strict=True)
    )
    assert f"sharing age band, sex, area and condition: {named})" in str(summary)
    event = AccessEvent.objects.filter(action=Action.EXPORT).latest("pk")
    assert f"k={k}" in event.detail
    before = AccessEvent.objects.count()
    with pytest.raises(ExportError, match=f"k = {k}.*nothing was written"):
        export_dataset(tmp_path / "refused", fmt="csv", pseudonymise=True, min_k=k + 1)
    assert not (tmp_path / "refused").exists()
    assert AccessEvent.objects.count() == before


def test_command_line_reports_k_and_refuses(imported, tmp_path, settings):
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 1
    out = io.StringIO()
    call_command(
        "dataset",
        "export",
        "--out",
        str(tmp_path / "a"),
        "--pseudonymise",
        "--dates",
        "month",
        stdout=out,
    )
    assert "k-anonymity: k = " in out.getvalue()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "dataset", "export", "--out", str(tmp_path / "b"), "--pseudonymise", "--min-k", "50"
        )
    assert not (tmp_path / "b").exists()


def test_web_export_names_k_and_refuses_a_small_k(signed_in, service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    assert run_import(EXAMPLE, service_code=service.code).ok
    http, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("interchange:export")
    form = {"services": [service.pk], "format": "zip", "pseudonymise": "on"}
    refused = http.post(url, form)  # the default k (5) cannot be met by four episodes
    assert refused.status_code == 200
    assert "nothing was written" in refused.content.decode()
    response = http.post(url, {**form, "min_k": 1, "dates": "month"})
    assert response.status_code == 200
    assert "-pseudonymised-k" in response["Content-Disposition"]
