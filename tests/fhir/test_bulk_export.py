"""Bulk export: $export and Group/{service}/$export per the Bulk Data Access IG, run by the
worker, and `vocrehab fhir export` from the command line."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fhir.helpers import validate
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.fhir import export, queries
from vocrehab.fhir.export import _adopting, write_ndjson
from vocrehab.fhir.models import ExportJob, ExportStatus
from vocrehab.fhir.queries import ALL_TYPES, PERSON_TYPES

ASYNC = {"HTTP_PREFER": "respond-async"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def record(make_record, service):
    return make_record(service)


def _kick_off(client, url, capture):
    with capture(execute=True):
        response = client.get(url, **ASYNC)
    assert response.status_code == 202, response.content
    return response["Content-Location"]


def _lines(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


@pytest.mark.django_db
def test_kick_off_poll_manifest_and_download(
    signed_in, record, make_record, other_service, django_capture_on_commit_callbacks
):
    make_record(other_service, reference="OTHER1")  # not one of the manager's services
    client, user = signed_in(Role.SERVICE_MANAGER)
    status_url = _kick_off(client, "/fhir/r4/$export", django_capture_on_commit_callbacks)
    response = client.get(status_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    manifest = response.json()
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/r4/$export")
    assert manifest["transactionTime"]
    assert [o["type"] for o in manifest["output"]] == list(ALL_TYPES)
    for output in manifest["output"]:
        resources = _lines(client, output["url"])
        assert len(resources) == output["count"]
        for resource in resources:
            validate(resource)
    patients = _lines(client, manifest["output"][0]["url"])
    assert [p["id"] for p in patients] == [str(record.client_id)]
    kick_off = AccessEvent.objects.get(
        user=user,
        detail__startswith="FHIR bulk export",
        action=Action.EXPORT,
        detail__contains=": Patient,",
    )
    assert kick_off.service_id == record.service_id
    assert AccessEvent.objects.filter(
        user=user, detail__endswith="Patient.ndjson downloaded"
    ).exists()


@pytest.mark.django_db
def test_only_the_requester_may_poll_or_download(
    signed_in, record, make_staff, service, client, django_capture_on_commit_callbacks
):
    _client, _user = signed_in(Role.SERVICE_MANAGER)
    status_url = _kick_off(
        client, "/fhir/r4/$export?_type=Patient", django_capture_on_commit_callbacks
    )
    file_url = client.get(status_url).json()["output"][0]["url"]
    colleague = make_staff(Role.SERVICE_MANAGER, service)
    client.force_login(colleague, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get(status_url).status_code == 404
    assert client.get(file_url).status_code == 404


@pytest.mark.django_db
def test_polling_reports_progress_until_done_and_delete_cancels(signed_in, record):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get("/fhir/r4/Group/GGC-VR/$export?_type=Patient,Encounter", **ASYNC)
    status_url = response["Content-Location"]  # the worker has not run it yet
    job = ExportJob.objects.get()
    assert job.types == ["Patient", "Encounter"]
    polled = client.get(status_url)
    assert polled.status_code == 202
    assert polled["X-Progress"] == "Waiting for the worker"
    assert client.delete(status_url).status_code == 202
    assert ExportJob.objects.get().status == ExportStatus.CANCELLED
    assert client.get(status_url).status_code == 404
    from vocrehab.fhir.services import run_export

    assert run_export(job.pk) is None  # a cancelled export is never run


@pytest.mark.django_db
def test_type_and_since_narrow_the_export(signed_in, record, django_capture_on_commit_callbacks):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = _kick_off(
        client,
        "/fhir/r4/$export?_type=Goal,Patient&_since=2999-01-01T00:00:00Z",
        django_capture_on_commit_callbacks,
    )
    output = client.get(url).json()["output"]
    assert [(o["type"], o["count"]) for o in output] == [("Patient", 0), ("Goal", 0)]


@pytest.mark.django_db
def test_restricted_clients_are_left_out(signed_in, record, django_capture_on_commit_callbacks):
    record.client.processing_restricted = True
    record.client.restriction_reason = "Asked us to"
    record.client.save()
    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = _kick_off(client, "/fhir/r4/$export", django_capture_on_commit_callbacks)
    counts = {o["type"]: o["count"] for o in client.get(url).json()["output"]}
    assert counts.pop("Questionnaire") > 0
    assert set(counts.values()) == {0}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,headers,words",
    [
        ("", {}, "Prefer: respond-async"),
        ("?_type=Practitioner", ASYNC, "Unknown resource type Practitioner"),
        ("?_since=last week", ASYNC, "is not a FHIR instant"),
        ("?_outputFormat=text/csv", ASYNC, "application/fhir+ndjson only"),
        ("?_typeFilter=Patient?x=1", ASYNC, "does not support _typeFilter"),
    ],
)
def test_bad_export_requests_say_why(signed_in, record, query, headers, words):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(f"/fhir/r4/$export{query}", **headers)
    assert response.status_code == 400
    assert words in response.json()["issue"][0]["diagnostics"]
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_who_may_export(signed_in, record, other_service):
    client, _user = signed_in(Role.CASE_MANAGER)  # sees people, may not export them
    assert client.get("/fhir/r4/$export", **ASYNC).status_code == 403
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(f"/fhir/r4/Group/{other_service.code}/$export", **ASYNC)
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_command_line_export(record, tmp_path, capsys):
    call_command("fhir", "export", "--out", str(tmp_path / "out"), "--service", "GGC-VR")
    printed = capsys.readouterr().out.splitlines()
    counts = dict(line.split(": ") for line in printed)
    assert list(counts) == list(ALL_TYPES)
    for type_name, count in counts.items():
        lines = (tmp_path / "out" / f"{type_name}.ndjson").read_text().splitlines()
        assert len(lines) == int(count)
    assert counts["Encounter"] == "2"
    assert AccessEvent.objects.filter(action=Action.EXPORT, service_id=record.service_id).exists()
    call_command("fhir", "export", "--out", str(tmp_path / "two"), "--type", "Goal")
    assert [p.name for p in (tmp_path / "two").iterdir()] == ["Goal.ndjson"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,words",
    [
        (["--service", "NOPE"], "Unknown service NOPE"),
        (["--type", "Patient,Nope"], "Unknown resource type Nope"),
        (["--since", "soon"], "is not a date"),
    ],
)
def test_command_line_mistakes_say_what_is_wrong(record, tmp_path, args, words):
    with pytest.raises(CommandError, match=words):
        call_command("fhir", "export", "--out", str(tmp_path / "out"), *args)


def _exported(out, service, type_name) -> tuple[list[dict], int]:
    """The resources of ``type_name`` a bulk export writes, and the queries it took."""
    with CaptureQueriesContext(connection) as run:
        write_ndjson(out, [service], types=[type_name])
    lines = (out / f"{type_name}.ndjson").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], len(run)


@pytest.mark.django_db
@pytest.mark.parametrize("type_name", PERSON_TYPES)
def test_bulk_resources_match_the_read_and_cost_no_query_per_record(
    type_name, record, service, make_record, make_staff, tmp_path
):
    """The export loads only some columns and streams children beside their rows, the
    read loads whole rows and prefetches: the resources must be the same, and a column
    a builder reads but the export left out would cost a query per row."""
    one, queries_for_one = _exported(tmp_path / "one", service, type_name)
    assert one
    user = make_staff(Role.CASE_MANAGER, service)
    for resource in one:
        _row, _source, read = queries.read(user, type_name, resource["id"])
        assert resource == read
    for n in range(5):
        make_record(service, reference=f"FC1{n:02}", nhs_number="")
    six, queries_for_six = _exported(tmp_path / "six", service, type_name)
    assert len(six) == 6 * len(one)
    assert queries_for_six == queries_for_one


@pytest.mark.django_db
def test_bulk_encounters_keep_the_interventions_in_order(record, service, tmp_path):
    encounters, _queries = _exported(tmp_path, service, "Encounter")
    assert [c["code"] for t in encounters[0]["type"] for c in t["coding"]] == [
        "face_to_face",
        "assessment",
        "goal_setting",
    ]
    assert encounters[0]["type"][1]["text"].startswith("Assessment of work skills")
    assert [t["coding"][0]["code"] for t in encounters[1]["type"]] == ["phone"]


@pytest.mark.django_db
def test_bulk_scores_come_from_the_answers_read_beside_them(record, service, tmp_path):
    observations, _queries = _exported(tmp_path, service, "Observation")
    scores = {o["code"]["coding"][-1]["code"]: o for o in observations if "valueQuantity" in o}
    assert scores["hads.anxiety"]["valueQuantity"]["value"] == 7
    assert scores["hads.depression"]["valueQuantity"]["value"] == 14
    assert scores["hads.depression"]["interpretation"][0]["coding"][0]["code"] == "moderate"


@pytest.mark.django_db
# On PostgreSQL the server-side cursors are closed before their transaction ends, not
# later with an error ("cursor does not exist") when they are collected.
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_an_export_asked_to_stop_stops_after_a_chunk(record, service, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 1)
    asked = []

    def cancelled():
        asked.append(True)
        return len(asked) == 2

    with pytest.raises(export.ExportCancelled):
        write_ndjson(tmp_path, [service], types=["Encounter"], cancelled=cancelled)
    assert len(asked) == 2
    assert len((tmp_path / "Encounter.ndjson").read_text().splitlines()) == 2


class _Row:
    def __init__(self, pk):
        self.pk = pk
        self.children = None


def test_rows_are_handed_their_own_children_and_strays_passed_over():
    rows = [_Row(2), _Row(4), _Row(5), _Row(9)]
    children = iter([(1, "a"), (2, "b"), (2, "c"), (3, "d"), (5, "e"), (10, "f")])

    def adopt(row, found):
        row.children = found

    assert list(_adopting(iter(rows), children, adopt)) == rows
    assert [row.children for row in rows] == [[("b",), ("c",)], [], [("e",)], []]


@pytest.mark.django_db
def test_the_worker_removes_old_exports_files_once_a_day(
    signed_in, record, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone
    from django.utils.http import parse_http_date

    from vocrehab import scheduling
    from vocrehab.fhir.services import export_dir

    settings.FHIR_EXPORT_KEEP_DAYS = 7
    client, _user = signed_in(Role.SERVICE_MANAGER)
    old_url = _kick_off(
        client, "/fhir/r4/$export?_type=Patient", django_capture_on_commit_callbacks
    )
    new_url = _kick_off(client, "/fhir/r4/$export?_type=Goal", django_capture_on_commit_callbacks)
    old, new = ExportJob.objects.order_by("created_at")
    manifest = client.get(old_url)
    expires = parse_http_date(manifest["Expires"])
    assert expires == int((old.finished_at + datetime.timedelta(days=7)).timestamp())
    file_url = manifest.json()["output"][0]["url"]
    ExportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=8)
    )
    ExportJob.objects.filter(pk=new.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=6)
    )

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.daily.send(sender=None, today=timezone.localdate())

    old.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED
    assert not export_dir(old).exists()
    gone = client.get(old_url)
    assert gone.status_code == 410
    assert "removed after 7 days" in gone.json()["issue"][0]["diagnostics"]
    assert client.get(file_url).status_code == 404
    # A younger export keeps its files.
    assert client.get(new_url).status_code == 200
    assert (export_dir(new) / "Goal.ndjson").is_file()
