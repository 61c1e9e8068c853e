"""A hub's token is kept encrypted in the database, opened only to send it, never shown
or logged; keys rotate (``vocrehab fieldkeys``) and the upgrade seals tokens kept before."""

import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.interchange.stubhub import StubHub
from tests.interchange.test_hub_submitting import TOKEN
from vocrehab import fieldkeys
from vocrehab.accounts.models import Role
from vocrehab.interchange.models import Hub, SubmissionStatus
from vocrehab.interchange.periods import parse_period
from vocrehab.interchange.submitting import submit

pytestmark = pytest.mark.django_db

OLD_KEY = fieldkeys.new_key()
NEW_KEY = fieldkeys.new_key()


def stored(hub) -> str:
    """The token's column exactly as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_sealed FROM interchange_hub WHERE id = %s", [hub.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def stub():
    hub = StubHub()
    hub.answer((201, {"status": "accepted", "version": 1}))
    yield hub
    hub.close()


def test_the_token_is_stored_encrypted_and_opened_to_send(service, stub, settings, caplog):
    settings.FIELD_KEYS = [OLD_KEY]
    hub = Hub.objects.create(service=service, name="region", url=stub.url, token=TOKEN)
    held = stored(hub)
    assert TOKEN not in held and "SyntheticSecret" not in held
    assert fieldkeys.is_sealed(held)
    again = Hub.objects.get(pk=hub.pk)
    assert again.token_hint == "vrt_0a1b2c3d4e_…"
    with caplog.at_level(logging.DEBUG):
        done = submit(again, parse_period("2024-Q1"))
    assert done.status == SubmissionStatus.ACCEPTED
    assert stub.received[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in caplog.text and "SyntheticSecret" not in caplog.text


def test_a_hub_added_on_the_page_keeps_only_the_encrypted_token(signed_in, service):
    web, _user = signed_in(Role.SERVICE_MANAGER)
    response = web.post(
        "/data/submissions/",
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
    assert TOKEN not in stored(hub) and hub.token == TOKEN
    page = web.get("/data/submissions/").content.decode()
    assert TOKEN not in page and "vrt_0a1b2c3d4e_…" in page


def test_a_hub_added_by_the_command_keeps_only_the_encrypted_token(service, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    call_command("hub", "add", service=service.code, name="region", url="https://hub.example.org")
    hub = Hub.objects.get()
    assert TOKEN not in stored(hub) and hub.token == TOKEN
    # Adding it again with a new token replaces the encrypted one.
    other = TOKEN[:-4] + "ZZZZ"
    monkeypatch.setattr("sys.stdin", io.StringIO(other + "\n"))
    call_command("hub", "add", service=service.code, name="region", url="https://hub.example.org")
    assert Hub.objects.get().token == other
    call_command("hub", "list")
    assert TOKEN not in capsys.readouterr().out


def test_keys_rotate_without_losing_a_token(service, settings, capsys):
    settings.FIELD_KEYS = [OLD_KEY]
    hub = Hub.objects.create(
        service=service, name="region", url="https://h.example.org", token=TOKEN
    )
    before = stored(hub)
    # The new key first, the old one kept after it: both open, the new one seals.
    settings.FIELD_KEYS = [NEW_KEY, OLD_KEY]
    assert Hub.objects.get(pk=hub.pk).token == TOKEN
    call_command("fieldkeys", "rotate")
    assert "2 stored secrets sealed again under the newest key" in capsys.readouterr().out
    assert stored(hub) != before
    # The old key can now go.
    settings.FIELD_KEYS = [NEW_KEY]
    assert Hub.objects.get(pk=hub.pk).token == TOKEN
    call_command("fieldkeys", "check")
    assert "2 stored secrets open" in capsys.readouterr().out


def test_a_token_no_key_opens_is_named_and_not_sent(service, stub, settings):
    settings.FIELD_KEYS = [OLD_KEY]
    hub = Hub.objects.create(service=service, name="region", url=stub.url, token=TOKEN)
    settings.FIELD_KEYS = [NEW_KEY]  # the old key removed before rotating
    with pytest.raises(CommandError, match=f"interchange.hub {hub.pk}"):
        call_command("fieldkeys", "check")
    with pytest.raises(CommandError, match="cannot be opened"):
        call_command("fieldkeys", "rotate")
    done = submit(Hub.objects.get(pk=hub.pk), parse_period("2024-Q1"))
    assert done.status == SubmissionStatus.RETRYING
    assert "token cannot be read" in done.message and "VOCREHAB_FIELD_KEYS" in done.message
    assert not stub.received


def test_moving_from_the_development_key_to_keys_of_ones_own(service, settings):
    settings.FIELD_KEYS = []
    hub = Hub.objects.create(
        service=service, name="region", url="https://h.example.org", token=TOKEN
    )
    settings.FIELD_KEYS = [NEW_KEY]
    with pytest.raises(fieldkeys.Unreadable):
        _ = Hub.objects.get(pk=hub.pk).token
    call_command("fieldkeys", "rotate")
    assert Hub.objects.get(pk=hub.pk).token == TOKEN


def test_a_bad_key_is_refused_with_its_reason(settings, capsys):
    settings.FIELD_KEYS = ["not-a-key"]
    with pytest.raises(CommandError, match="Key 1 of VOCREHAB_FIELD_KEYS is not a key"):
        call_command("fieldkeys", "check")
    from vocrehab.checks import field_keys_usable

    assert [e.id for e in field_keys_usable()] == ["vocrehab.E006"]
    call_command("fieldkeys", "new")
    made = capsys.readouterr().out.strip()
    settings.FIELD_KEYS = [made]
    assert field_keys_usable() == [] and fieldkeys.unseal(fieldkeys.seal("x")) == "x"


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_encrypts_tokens_kept_in_plain_text():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        old = MigrationExecutor(connection).migrate([("interchange", "0002_hubs_and_submissions")])
        apps = old.apps
        Organisation = apps.get_model("accounts", "Organisation")
        Service = apps.get_model("accounts", "Service")
        organisation = Organisation.objects.create(name="Old Board", code="old")
        service = Service.objects.create(
            organisation=organisation, code="OLD-VR", name="Old VR", nation="scotland"
        )
        OldHub = apps.get_model("interchange", "Hub")
        pk = OldHub.objects.create(
            service=service, name="region", url="https://h.example.org", token=TOKEN
        ).pk
    finally:
        MigrationExecutor(connection).migrate(leaves)
    hub = Hub.objects.get(pk=pk)
    assert TOKEN not in stored(hub) and fieldkeys.is_sealed(stored(hub))
    assert hub.token == TOKEN and hub.token_hint == "vrt_0a1b2c3d4e_…"
