"""The manager's Submissions to hubs page: what was sent, its status in words, the
hub's reasons; adding a hub (the token never shown again); sending a period now."""

import pytest

from tests.interchange.stubhub import StubHub
from tests.interchange.test_hub_submitting import TOKEN
from vocrehab.accounts.models import Role
from vocrehab.interchange.models import Hub, Submission, SubmissionStatus

pytestmark = pytest.mark.django_db

PAGE = "/data/submissions/"


@pytest.fixture
def hub(service):
    return Hub.objects.create(
        service=service, name="region", url="https://hub.example.org", token=TOKEN
    )


def _sent(hub, period, status, **fields):
    return Submission.objects.create(
        hub=hub,
        period=period,
        period_start="2026-10-01",
        period_end="2026-10-31",
        status=status,
        rows={"episodes.csv": 12},
        attempts=1,
        **fields,
    )


def test_the_page_shows_each_submission_in_words_and_the_hubs_reasons(signed_in, hub):
    _sent(hub, "2026-10", SubmissionStatus.ACCEPTED, hub_version=3)
    _sent(
        hub,
        "2026-09",
        SubmissionStatus.REFUSED,
        message="The file does not meet the VRMDS standard.",
        errors=[{"file": "episodes.csv", "row": 7, "column": "tier", "message": "not a tier"}],
        error_count=1,
    )
    _sent(hub, "2026-08", SubmissionStatus.RETRYING, next_attempt_on="2026-11-03")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    text = client.get(PAGE).content.decode()
    assert "Accepted by the hub" in text and "Version 3 at the hub" in text
    assert "Refused by the hub" in text and "episodes.csv, row 7, tier: not a tier" in text
    assert "will try again" in text and "Tried once; next try 3 Nov 2026" in text
    assert "Oct 2026" in text and "Sep 2026" in text
    assert TOKEN not in text and "vrt_0a1b2c3d4e_…" in text


def test_adding_a_hub_keeps_the_token_without_showing_it(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        PAGE,
        {
            "hub-service": service.pk,
            "hub-name": "london",
            "hub-url": "https://hub.example.org",
            "hub-token": TOKEN,
            "hub-monthly": "on",
        },
    )
    assert response.status_code == 302
    hub = Hub.objects.get()
    assert (hub.name, hub.token, hub.monthly) == ("london", TOKEN, True)
    assert TOKEN not in client.get(PAGE).content.decode()


def test_a_bad_token_or_address_is_named_and_nothing_kept(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        PAGE,
        {
            "hub-service": service.pk,
            "hub-name": "london",
            "hub-url": "http://hub.example.org",
            "hub-token": "secret",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "That is not a token" in text and "starting https://" in text
    assert "secret" not in text.split("</h1>", 1)[1].split("Add a hub")[1]
    assert not Hub.objects.exists()


def test_sending_a_period_now_posts_it(signed_in, service, django_capture_on_commit_callbacks):
    stub = StubHub()
    stub.answer((201, {"version": 1}))
    try:
        hub = Hub.objects.create(service=service, name="region", url=stub.url, token=TOKEN)
        client, user = signed_in(Role.SERVICE_MANAGER)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(PAGE, {"send-hub": hub.pk, "send-period": "2026-Q3"})
        assert response.status_code == 302
        submission = Submission.objects.get()
        assert submission.status == SubmissionStatus.ACCEPTED
        assert submission.requested_by == user and submission.period == "2026-Q3"
        assert len(stub.received) == 1
    finally:
        stub.close()


def test_a_bad_period_is_named(signed_in, hub):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(PAGE, {"send-hub": hub.pk, "send-period": "Q3"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "is not a period" in text
    # Named at the form of the hub it was for, with what was typed kept.
    assert f'href="#send-period-{hub.pk}"' in text
    assert f'id="send-period-error-{hub.pk}"' in text and 'value="Q3"' in text
    assert not Submission.objects.exists()


def test_another_services_hub_is_neither_shown_nor_sent(signed_in, other_service):
    theirs = Hub.objects.create(
        service=other_service, name="theirs", url="https://hub.example.org", token=TOKEN
    )
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert "theirs" not in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"send-hub": theirs.pk, "send-period": "2026-10"})
    assert response.status_code == 404
    assert not Submission.objects.exists()


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.COMMISSIONER, Role.SUPPORT_WORKER])
def test_only_managers_may(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(PAGE).status_code == 403


def test_queries_do_not_grow_with_submissions(signed_in, hub, django_assert_max_num_queries):
    for month in range(1, 13):
        _sent(hub, f"2025-{month:02d}", SubmissionStatus.ACCEPTED)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    with django_assert_max_num_queries(14):
        assert client.get(PAGE).status_code == 200
