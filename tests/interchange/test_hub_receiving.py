"""A hub receiving submissions through POST /api/v1/submissions/: validated with the
VRMDS validator, all or nothing, versions kept, the same file twice changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Program
from django.test import override_settings
from django.urls import reverse

from tests.accounts.conftest import bearer
from tests.interchange.hubfiles import example_zip, sha256
from vocrehab.accounts.models import Role, Scope
from vocrehab.casework.models import Contact
from vocrehab.episodes.models import Episode
from vocrehab.interchange.models import ReceivedVersion

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"


@pytest.fixture(autouse=True)
def _hub(settings):
    settings.VOCREHAB_HUB = True


@pytest.fixture
def submitter(make_staff, make_token, service):
    """The system account a hub made for ``service``, with a submissions token."""
    owner = make_staff(Role.SERVICE_MANAGER, service, mfa=False)
    _token, secret = make_token(
        owner, [service], scopes=[Scope.SUBMISSIONS_WRITE], name="Glasgow monthly"
    )
    return secret


def post(secret, data: bytes, *, service="GGC-VR", period="2024-Q1", checksum=None):
    body = {
        "file": SimpleUploadedFile("submission.zip", data, content_type="application/zip"),
        "service": service,
        "period": period,
        "checksum": checksum or sha256(data),
    }
    return Program().post(URL, body, **bearer(secret))


def test_url_is_the_documented_one():
    assert reverse("api:submissions") == URL


def test_an_accepted_submission_is_imported_as_the_current_version(submitter, service):
    data = example_zip(service.code)
    response = post(submitter, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["version"] == 1 and body["current"] is True
    assert body["checksum"] == sha256(data)
    assert body["rows"]["episodes.csv"] == 3
    assert Episode.objects.filter(service=service).count() == 3
    version = ReceivedVersion.objects.get()
    assert version.token_name == "Glasgow monthly"
    assert version.rows["contacts.csv"] == 4


def test_a_bad_file_is_refused_with_row_and_column_and_nothing_written(submitter, service):
    def break_date(files):
        files["episodes.csv"][2]["referral_date"] = "2024-02-31"

    response = post(submitter, example_zip(service.code, change=break_date))
    assert response.status_code == 422
    body = response.json()
    assert body["error_count"] >= 1
    assert {"file": "episodes.csv", "row": 4, "column": "referral_date"}.items() <= body["errors"][
        0
    ].items()
    assert Episode.objects.count() == 0
    assert ReceivedVersion.objects.count() == 0


def test_a_refusal_leaves_the_earlier_version_as_it_was(submitter, service):
    assert post(submitter, example_zip(service.code)).status_code == 201

    def break_tier(files):
        files["episodes.csv"][0]["tier"] = "9"
        files["episodes.csv"][1]["age_at_referral"] = "6"

    response = post(submitter, example_zip(service.code, change=break_tier, drop_episodes=["EX-3"]))
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]][:2] == [
        (2, "tier"),
        (3, "age_at_referral"),
    ]
    assert Episode.objects.filter(service=service).count() == 3
    assert list(ReceivedVersion.objects.values_list("number", "current")) == [(1, True)]


def test_a_checksum_that_does_not_match_is_refused(submitter, service):
    data = example_zip(service.code)
    response = post(submitter, data, checksum="0" * 64)
    assert response.status_code == 422
    assert "checksum" in response.json()["detail"]
    assert Episode.objects.count() == 0


def test_a_bad_period_is_refused(submitter, service):
    response = post(submitter, example_zip(service.code), period="2024-13")
    assert response.status_code == 422
    assert "not a period" in response.json()["detail"]


def test_episodes_of_another_service_are_refused(submitter, service, other_service):
    def mix(files):
        files["episodes.csv"][1]["service_code"] = other_service.code

    response = post(submitter, example_zip(service.code, change=mix))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["row"], error["column"]) == (3, "service_code")
    assert Episode.objects.count() == 0


def test_an_episode_referred_after_the_period_is_refused_naming_its_row(submitter, service):
    """A file made by hand may hold episodes the period does not: refused, or a later
    correction of their own period would not replace them."""
    response = post(submitter, example_zip(service.code, keep=["EX-4"]))
    assert response.status_code == 422, response.content
    body = response.json()
    assert "not this service's in this period" in body["detail"]
    error = body["errors"][0]
    assert (error["file"], error["row"], error["column"]) == ("episodes.csv", 5, "referral_date")
    assert (
        "referred on 3 Feb 2025, outside Jan to Mar 2024 (1 Jan 2024 to 31 Mar 2024)"
        in (error["message"])
    )
    assert Episode.objects.count() == 0 and ReceivedVersion.objects.count() == 0


def test_an_earlier_episode_of_a_re_referral_in_the_period_is_carried(submitter, service):
    """EX-4 (February 2025) follows EX-1 (January 2024): the 2025 quarter carries EX-1
    too, as a service's worker sends it, so that the re-referral keeps its history."""
    data = example_zip(service.code, keep=["EX-4"], drop_episodes=["EX-2", "EX-3"])
    response = post(submitter, data, period="2025-Q1")
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(reference="EX-4")
    assert episode.previous_episode.reference == "EX-1"

    # Without EX-4, EX-1 is no earlier episode of anything in 2025: refused.
    alone = example_zip(service.code, drop_episodes=["EX-2", "EX-3"])
    refused = post(submitter, alone, period="2025-Q1")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["row"] == 2


def test_a_correction_replaces_the_period_and_keeps_the_history(submitter, service):
    first = example_zip(service.code)
    assert post(submitter, first).status_code == 201

    # EX-2 (referred in the period) withdrawn, EX-1 corrected.
    def correct(files):
        files["episodes.csv"][0]["weeks_absent_at_referral"] = "30"

    second = example_zip(service.code, change=correct, drop_episodes=["EX-2"])
    response = post(submitter, second)
    assert response.status_code == 201
    assert response.json()["version"] == 2
    assert response.json()["episodes_removed"] == 1
    references = set(Episode.objects.filter(service=service).values_list("reference", flat=True))
    assert references == {"EX-1", "EX-3"}
    assert Episode.objects.get(reference="EX-1").weeks_absent_at_referral == 30
    assert not Contact.objects.filter(episode__reference="EX-2").exists()
    versions = list(
        ReceivedVersion.objects.order_by("number").values_list("number", "current", "checksum")
    )
    assert versions == [(1, False, sha256(first)), (2, True, sha256(second))]


def test_a_period_without_a_referral_is_accepted_and_empties_the_period(submitter, service):
    """A month with no referral is sent as files with no episode (the service's worker
    sends every month): accepted as that period's version, not refused as a file of no
    service; as a correction it withdraws the episodes the period held."""
    everyone = ["EX-1", "EX-2", "EX-3", "EX-4"]
    empty = example_zip(service.code, drop_episodes=everyone)
    response = post(submitter, empty, period="2023-11")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "accepted"
    assert response.json()["rows"]["episodes.csv"] == 0
    assert ReceivedVersion.objects.get(period="2023-11").current

    assert post(submitter, example_zip(service.code)).status_code == 201
    held = Episode.objects.filter(service=service, referral_date__year=2024).count()
    assert held > 0
    emptied = post(submitter, empty)  # the same quarter, now with nothing in it
    assert emptied.status_code == 201, emptied.content
    assert emptied.json()["episodes_removed"] == held
    assert not Episode.objects.filter(service=service, referral_date__year=2024).exists()


def test_the_same_file_twice_changes_nothing(submitter, service):
    data = example_zip(service.code)
    assert post(submitter, data).status_code == 201
    changed = Episode.objects.get(reference="EX-1").updated_at
    response = post(submitter, data)
    assert response.status_code == 200
    assert response.json()["status"] == "unchanged"
    assert response.json()["version"] == 1
    assert ReceivedVersion.objects.count() == 1
    assert Episode.objects.get(reference="EX-1").updated_at == changed


def test_a_token_without_the_scope_may_not(make_staff, make_token, service):
    owner = make_staff(Role.SERVICE_MANAGER, service, mfa=False)
    _token, secret = make_token(owner, [service], scopes=[Scope.EPISODES_WRITE])
    response = post(secret, example_zip(service.code))
    assert response.status_code == 403
    assert Episode.objects.count() == 0


def test_a_token_of_another_service_may_not(submitter, service, other_service):
    response = post(submitter, example_zip(other_service.code), service=other_service.code)
    assert response.status_code == 403
    assert "may not send submissions for service LEEDS-VR" in response.json()["detail"]
    assert Episode.objects.count() == 0


def test_a_commissioners_token_may_not(make_staff, make_token, service):
    owner = make_staff(Role.COMMISSIONER, service, mfa=False)
    _token, secret = make_token(owner, [service], scopes=[Scope.SUBMISSIONS_WRITE])
    assert post(secret, example_zip(service.code)).status_code == 403


def test_without_a_token_it_is_refused(service):
    data = example_zip(service.code)
    response = Program().post(URL, {"service": service.code}, HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert Episode.objects.count() == 0
    assert data


@override_settings(VOCREHAB_HUB=False)
def test_when_the_install_is_not_a_hub_the_address_is_not_found(submitter, service):
    response = post(submitter, example_zip(service.code))
    assert response.status_code == 404
    assert Episode.objects.count() == 0


def test_a_large_submission_is_validated_alongside_and_still_all_or_nothing(
    submitter, service, monkeypatch
):
    from vocrehab.interchange import receiving

    monkeypatch.setattr(receiving, "PARALLEL_EPISODES", 1)
    monkeypatch.setattr(receiving.os, "cpu_count", lambda: 2)

    def break_tier(files):
        files["episodes.csv"][2]["tier"] = "9"

    response = post(submitter, example_zip(service.code, change=break_tier))
    assert response.status_code == 422
    assert (response.json()["errors"][0]["row"], response.json()["errors"][0]["column"]) == (
        4,
        "tier",
    )
    assert Episode.objects.count() == 0 and ReceivedVersion.objects.count() == 0
    assert post(submitter, example_zip(service.code)).status_code == 201
    assert Episode.objects.filter(service=service).count() == 3


def test_odd_input_is_refused_with_a_reason_never_a_server_error(submitter, service):
    program = Program()
    data = example_zip(service.code)
    odd = [
        {"service": service.code, "period": "2024-Q1", "checksum": sha256(data)},  # no file
        {
            "file": SimpleUploadedFile("s.zip", data),
            "service": service.code,
            "period": "2024-Q1",
            "checksum": "not hex",
        },
        {"file": SimpleUploadedFile("s.zip", data), "period": "2024-Q1", "checksum": sha256(data)},
    ]
    for body in odd:
        response = program.post(URL, body, **bearer(submitter))
        assert response.status_code == 400, response.content
    # JSON instead of multipart.
    response = program.post(URL, "{}", content_type="application/json", **bearer(submitter))
    assert response.status_code == 415
    # Not a zip at all, with its own checksum.
    junk = b"episode_id,client_id\nnot,a zip"
    response = post(submitter, junk)
    assert response.status_code == 422
    assert response.json()["errors"][0]["file"]
    assert Episode.objects.count() == 0 and ReceivedVersion.objects.count() == 0
