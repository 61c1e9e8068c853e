"""A hub's pseudonym key is kept encrypted in the database as its token is (the same keys,
the same rotation), and the pseudonyms it makes never change: not when the keys rotate,
not when the hub is added again, not across the upgrade that encrypts the keys kept
before. A key no configured key opens stops the submission: nothing is made or sent."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.interchange.hubfiles import example_zip
from tests.interchange.stubhub import StubHub
from tests.interchange.test_hub_submitting import TOKEN
from vocrehab import fieldkeys
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.interchange.exporter import write_submission
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.models import Hub, SubmissionStatus
from vocrehab.interchange.periods import parse_period
from vocrehab.interchange.submitting import period_scope, submit

pytestmark = pytest.mark.django_db

OLD_KEY = fieldkeys.new_key()
NEW_KEY = fieldkeys.new_key()
PERIOD = parse_period("2024-Q1")


def stored(hub) -> str:
    """The pseudonym key's column exactly as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pseudonym_key_sealed FROM interchange_hub WHERE id = %s", [hub.pk])
        return cursor.fetchone()[0]


def pseudonyms(data: bytes) -> set[tuple[str, str]]:
    """(episode_id, client_id) of every episode in a submission file."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rows = csv.DictReader(io.StringIO(zf.read("episodes.csv").decode()))
        return {(row["episode_id"], row["client_id"]) for row in rows}


@pytest.fixture
def stub():
    hub = StubHub()
    hub.answer((201, {"status": "accepted", "version": 1}))
    yield hub
    hub.close()


@pytest.fixture
def records(service, tmp_path):
    """The VRMDS example imported into ``service`` (its Q1 2024 episodes)."""
    path = tmp_path / "example.zip"
    path.write_bytes(example_zip(service.code))
    summary = import_dataset(path, service_code=service.code)
    assert summary.ok, summary.errors
    return summary


def test_a_new_hubs_pseudonym_key_is_stored_encrypted(service, settings):
    settings.FIELD_KEYS = [OLD_KEY]
    hub = Hub.objects.create(
        service=service, name="region", url="https://h.example.org", token=TOKEN
    )
    held = stored(hub)
    again = Hub.objects.get(pk=hub.pk)
    key = again.pseudonym_key
    assert len(key) == 64 and int(key, 16) >= 0
    assert fieldkeys.is_sealed(held) and key not in held
    # Each hub its own key.
    other = Hub.objects.create(
        service=service, name="nation", url="https://n.example.org", token=TOKEN
    )
    assert Hub.objects.get(pk=other.pk).pseudonym_key != key


def test_adding_the_hub_again_on_the_page_keeps_its_pseudonym_key(signed_in, service):
    web, _user = signed_in(Role.SERVICE_MANAGER)
    form = {
        "hub-service": service.pk,
        "hub-name": "london",
        "hub-url": "https://hub.example.org",
        "hub-token": TOKEN,
        "hub-monthly": "on",
    }
    assert web.post("/data/submissions/", form).status_code == 302
    hub = Hub.objects.get()
    key = hub.pseudonym_key
    assert key not in stored(hub)
    page = web.get("/data/submissions/").content.decode()
    assert key not in page and stored(hub) not in page
    # A new token for the same hub: the same pseudonym key, still encrypted.
    again = {**form, "hub-token": TOKEN[:-4] + "ZZZZ"}
    assert web.post("/data/submissions/", again).status_code == 302
    hub = Hub.objects.get()
    assert hub.pseudonym_key == key and hub.token == again["hub-token"]
    assert key not in stored(hub)


def test_keys_rotate_and_the_pseudonyms_stay_the_same(records, service, stub, settings, capsys):
    settings.FIELD_KEYS = [OLD_KEY]
    hub = Hub.objects.create(service=service, name="region", url=stub.url, token=TOKEN)
    first = submit(Hub.objects.get(pk=hub.pk), PERIOD)
    before = stored(hub)
    settings.FIELD_KEYS = [NEW_KEY, OLD_KEY]
    call_command("fieldkeys", "rotate")
    # The token and the pseudonym key, both sealed again.
    assert "2 stored secrets sealed again under the newest key" in capsys.readouterr().out
    assert stored(hub) != before
    settings.FIELD_KEYS = [NEW_KEY]
    call_command("fieldkeys", "check")
    assert "2 stored secrets open" in capsys.readouterr().out
    again = submit(Hub.objects.get(pk=hub.pk), PERIOD)
    assert again.status == SubmissionStatus.ACCEPTED
    assert again.checksum == first.checksum
    sent = [pseudonyms(r.fields["file"]) for r in stub.received]
    assert len(sent[0]) == 3 and sent[0] == sent[1]


def test_a_pseudonym_key_no_key_opens_is_named_and_nothing_is_sent(
    records, service, stub, settings
):
    settings.FIELD_KEYS = [OLD_KEY]
    hub = Hub.objects.create(service=service, name="region", url=stub.url, token=TOKEN)
    # The old key removed before rotating; the token entered again under the new key.
    settings.FIELD_KEYS = [NEW_KEY]
    hub = Hub.objects.get(pk=hub.pk)
    hub.token = TOKEN
    hub.save()
    with pytest.raises(CommandError) as refused:
        call_command("fieldkeys", "check")
    assert f"interchange.hub {hub.pk} pseudonym_key_sealed" in str(refused.value)
    assert "token_sealed" not in str(refused.value)
    assert "add the hub under a new name" in str(refused.value)
    exports = AccessEvent.objects.filter(action=Action.EXPORT).count()
    done = submit(Hub.objects.get(pk=hub.pk), PERIOD)
    assert done.status == SubmissionStatus.RETRYING
    assert "pseudonym key cannot be read" in done.message
    assert "VOCREHAB_FIELD_KEYS" in done.message
    assert not stub.received and done.checksum == "" and done.rows == {}
    assert AccessEvent.objects.filter(action=Action.EXPORT).count() == exports


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_encrypts_pseudonym_keys_and_the_pseudonyms_stay_the_same(
    records, service, stub, tmp_path
):
    """A hub added before the upgrade: the submission made after it carries the same
    pseudonyms, byte for byte the same file, as the one made before it."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = tmp_path / "before.zip"
    try:
        old = MigrationExecutor(connection).migrate(
            [("interchange", "0004_submission_managers_told")]
        )
        OldHub = old.apps.get_model("interchange", "Hub")
        made = OldHub.objects.create(
            service_id=service.pk,
            name="region",
            url=stub.url,
            token_sealed=fieldkeys.seal(TOKEN),
            token_prefix="vrt_0a1b2c3d4e",
        )
        key = OldHub.objects.get(pk=made.pk).pseudonym_key
        assert len(key) == 64
        # The extract as this hub's submission was made before the upgrade.
        write_submission(before, service, period_scope(service, PERIOD), key.encode())
    finally:
        MigrationExecutor(connection).migrate(leaves)
    hub = Hub.objects.get(pk=made.pk)
    assert fieldkeys.is_sealed(stored(hub)) and key not in stored(hub)
    assert hub.pseudonym_key == key and hub.token == TOKEN
    done = submit(hub, PERIOD)
    assert done.status == SubmissionStatus.ACCEPTED
    (received,) = stub.received
    assert len(pseudonyms(before.read_bytes())) == 3
    assert pseudonyms(received.fields["file"]) == pseudonyms(before.read_bytes())
    assert done.checksum == hashlib.sha256(before.read_bytes()).hexdigest()
