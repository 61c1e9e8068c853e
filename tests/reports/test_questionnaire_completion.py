"""The questionnaire_completion table (VRMDS v1.1): who is owed each questionnaire, how
many were sent, completed with a score, and paired; worked out by hand, then held to a
plain Python count of a random dataset (scoring with the instruments' own scorers) and
to the episodes each count lists."""

import csv
import datetime as dt
import io
import json
import random
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from vocrehab.accounts.models import Role
from vocrehab.episodes.models import Episode
from vocrehab.measures.instruments import INSTRUMENTS
from vocrehab.measures.models import Administration
from vocrehab.measures.services import schedule_for
from vocrehab.measures.valuesets import DIMENSIONS
from vocrehab.reports.completeness import episodes_behind, window_closed_before

from .conftest import AS_OF
from .helpers import cell, give_measure, make_episode

pytestmark = pytest.mark.django_db
D = dt.date
HADS_FULL = {**{f"a{i}": 1 for i in range(1, 8)}, **{f"d{i}": 2 for i in range(1, 8)}}
HADS_FIVE = {f"a{i}": 1 for i in range(1, 6)}  # five items of one subscale: no score


def _completion(report, instrument, timepoint):
    c = cell(report, "questionnaire_completion", instrument=instrument, timepoint=timepoint)
    return c["eligible"], c["sent"], c["completed"], c["paired"]


def test_completion_counts_what_each_questionnaire_could_have_been(service, report):
    # Report date 3 June 2024: the follow-up window of a discharge closed by then if the
    # discharge was before 7 September 2023.
    assert window_closed_before(AS_OF) == D(2023, 9, 7)
    paired = make_episode(
        service,
        assessment_date=D(2023, 1, 10),
        discharge_date=D(2023, 5, 1),
        work_status_at_discharge="at_work",
    )
    give_measure(paired, "hads", "entry", HADS_FULL)
    give_measure(paired, "hads", "discharge", HADS_FULL)
    give_measure(paired, "followup_survey", "followup", {"hours_per_week": 30})
    unscorable = make_episode(
        service,
        assessment_date=D(2023, 1, 10),
        discharge_date=D(2023, 10, 1),  # the follow-up window is still open
        work_status_at_discharge="at_work",
    )
    give_measure(unscorable, "hads", "entry", HADS_FIVE)  # completed, but no score
    give_measure(unscorable, "hads", "discharge", HADS_FULL)
    waiting = make_episode(service, assessment_date=D(2024, 5, 1))
    give_measure(waiting, "hads", "entry", {}, status="invited")
    # Not assessed: owed nothing, whatever it holds.
    give_measure(make_episode(service), "hads", "entry", HADS_FULL)
    r = report([service])
    assert r["tables"]["questionnaire_completion"]["n"] == 4
    assert _completion(r, "hads", "entry") == (3, 3, 1, None)
    assert _completion(r, "hads", "discharge") == (2, 2, 2, 1)
    assert _completion(r, "followup_survey", "followup") == (1, 1, 1, None)
    # The schedule's other questionnaires are owed too, though none was given.
    assert _completion(r, "phq9", "entry") == (3, 0, 0, None)
    assert _completion(r, "satisfaction", "discharge") == (2, 0, 0, 0)
    assert cell(r, "questionnaire_completion", instrument="hads", timepoint="entry")[
        "percent"
    ] == pytest.approx(100 / 3)


def test_an_instrument_held_but_not_scheduled_is_counted(service, report):
    episode = make_episode(service, assessment_date=D(2024, 1, 10))
    give_measure(episode, "copm", "entry", {"performance": 4.5})
    assert "copm" not in schedule_for(service).instruments_for("entry")
    assert _completion(report([service]), "copm", "entry") == (1, 1, 1, None)


def _python_completion(services, as_of):
    """The table counted in plain Python: each questionnaire scored by its instrument."""
    owed_on = {
        "entry": lambda e: e.assessment_date is not None,
        "discharge": lambda e: e.discharge_date is not None,
        "followup": lambda e: e.discharge_date is not None
        and (as_of - e.discharge_date).days > 270,
    }
    got = {}
    episodes = list(Episode.objects.filter(service__in=services))
    held = {
        (a.episode_id, a.instrument, a.timepoint): a
        for a in Administration.objects.filter(episode__in=episodes).prefetch_related("values")
    }

    def scores(a):
        if a is None or a.status != "completed":
            return False
        values = {v.item: v.answer for v in a.values.all()}
        instrument = INSTRUMENTS[a.instrument]
        score = instrument.score(values).scores
        if instrument.total_items:  # PHQ-9, GAD-7, WHO-5 count by their total
            return score["total"] is not None
        return any(s is not None for s in score.values())

    for service in services:
        mine = [e for e in episodes if e.service_id == service.pk]
        for tp, owed in owed_on.items():
            used = set(schedule_for(service).instruments_for(tp))
            used |= {i for (e, i, t) in held if t == tp and e in {x.pk for x in mine}}
            for code in used:
                row = got.setdefault((code, tp), [0, 0, 0, 0 if tp == "discharge" else None])
                for e in (e for e in mine if owed(e)):
                    a = held.get((e.pk, code, tp))
                    row[0] += 1
                    row[1] += a is not None and a.status in (
                        "invited",
                        "in_progress",
                        "completed",
                        "expired",
                    )
                    row[2] += scores(a)
                    if tp == "discharge":
                        row[3] += scores(a) and scores(held.get((e.pk, code, "entry")))
    return {k: tuple(v) for k, v in got.items()}


def _random_dataset(services):
    rng = random.Random(15)
    answers = {
        "hads": [HADS_FULL, HADS_FIVE, {"anxiety": 9}],
        "eq5d5l": [
            {"vas": 70},
            {"mobility": 2},
            dict.fromkeys(DIMENSIONS, 1),
        ],
        "work_ability": [{"score": 6}, {}],
        "copm": [{"performance": 3.5}, {}],
    }
    for n in range(50):
        service = services[n % 2]
        referred = D(2022, 1, 3) + dt.timedelta(days=rng.randint(0, 800))
        assessed = referred + dt.timedelta(days=7) if rng.random() < 0.8 else None
        discharged = (
            referred + dt.timedelta(days=rng.randint(30, 200)) if rng.random() < 0.6 else None
        )
        episode = make_episode(
            service,
            referral_date=referred,
            assessment_date=assessed,
            discharge_date=discharged,
            work_status_at_discharge="at_work" if discharged else "",
        )
        for timepoint in ("entry", "discharge", "followup"):
            for code, choices in answers.items():
                if rng.random() < 0.5:
                    status = rng.choice(["completed", "completed", "invited", "scheduled"])
                    give_measure(episode, code, timepoint, rng.choice(choices), status=status)


def test_sql_agrees_with_python_and_with_the_lists(service, other_service, report):
    services = [service, other_service]
    _random_dataset(services)
    r = report(services)
    got = {
        (c["instrument"], c["timepoint"]): (c["eligible"], c["sent"], c["completed"], c["paired"])
        for c in r["tables"]["questionnaire_completion"]["cells"]
    }
    assert got == _python_completion(services, AS_OF)
    assert any(row[2] for row in got.values()) and any(row[3] for row in got.values() if row[3])
    # Every count of one service is the number of episodes its list shows.
    one = report([service])
    episodes = Episode.objects.filter(service=service)
    for c in one["tables"]["questionnaire_completion"]["cells"]:
        for measure in ("eligible", "sent", "completed", "paired"):
            if c[measure] is None:
                continue
            listed = episodes_behind(
                episodes,
                AS_OF,
                "completion",
                instrument=c["instrument"],
                timepoint=c["timepoint"],
                measure=measure,
            )
            assert listed.count() == c[measure], (c, measure)


def test_small_numbers_are_suppressed_for_a_commissioner(service, report):
    from vocrehab.reports.suppression import suppress

    for _ in range(6):
        give_measure(
            make_episode(service, assessment_date=D(2024, 1, 10)), "hads", "entry", HADS_FULL
        )
    episode = make_episode(service, assessment_date=D(2024, 1, 10))
    give_measure(episode, "work_ability", "entry", {"score": 5})
    r = suppress(report([service]))
    hads = cell(r, "questionnaire_completion", instrument="hads", timepoint="entry")
    assert (hads["eligible"], hads["completed"], hads["suppressed"]) == (7, 6, False)
    was = cell(r, "questionnaire_completion", instrument="work_ability", timepoint="entry")
    assert was["suppressed"] is True and was["completed"] is None


@pytest.fixture
def completed(service):
    episode = make_episode(service, assessment_date=D(2024, 1, 10))
    give_measure(episode, "hads", "entry", HADS_FULL)
    return service


def test_the_report_page_shows_the_table_with_names(signed_in, completed):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(
        reverse("reports:evaluation"), {"services": completed.pk, "section": "completeness"}
    )
    page = response.content.decode()
    assert "Questionnaire completion" in page
    assert "Hospital Anxiety and Depression Scale (HADS)" in page
    assert "Entry" in page


def _download(client, service, fmt):
    response = client.get(reverse("reports:download"), {"services": service.pk, "format": fmt})
    assert response.status_code == 200
    return response.content


def test_the_table_is_in_every_download(signed_in, completed):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    report = json.loads(_download(client, completed, "json"))
    hads = cell(report, "questionnaire_completion", instrument="hads", timepoint="entry")
    assert (hads["eligible"], hads["completed"], hads["percent"]) == (1, 1, 100.0)

    files = zipfile.ZipFile(io.BytesIO(_download(client, completed, "csv")))
    rows = list(
        csv.DictReader(io.StringIO(files.read("evaluation/questionnaire_completion.csv").decode()))
    )
    hads_row = next(r for r in rows if (r["instrument"], r["timepoint"]) == ("hads", "entry"))
    assert (hads_row["eligible"], hads_row["completed"]) == ("1", "1")

    workbook = load_workbook(io.BytesIO(_download(client, completed, "xlsx")))
    sheet = workbook["questionnaire_completion"]
    header = [c.value for c in sheet[3]]
    assert header[:6] == [
        "Instrument (code)",
        "Instrument",
        "Timepoint (code)",
        "Timepoint",
        "Eligible",
        "Completed",
    ]
    hads_name = str(INSTRUMENTS["hads"].name)
    assert ["hads", hads_name, "entry", "Entry", 1, 1] in [
        [c.value for c in row][:6] for row in sheet.iter_rows(min_row=4)
    ]
    assert hads_row["instrument_label"] == hads_name

    assert _download(client, completed, "pdf").startswith(b"%PDF")
