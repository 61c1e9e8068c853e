"""``vocrehab dispose``: a dry run, the nightly finding, and confirmation by a manager."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vocrehab.accounts.models import Role
from vocrehab.clients.models import Client
from vocrehab.retention.management.commands import dispose as command
from vocrehab.retention.models import Disposal, DisposalState

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(command.timezone, "localdate", lambda: TODAY)


def run(*args) -> str:
    out = StringIO()
    call_command("dispose", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_what_would_go_and_writes_nothing(service, old_episode):
    text = run("--dry-run")
    assert f"{service.code}: 1 people, 1 episodes would be anonymised" in text
    assert old_episode.reference in text and "deleted 1 case notes" in text
    assert "21 May 2033" in text  # the six-month follow-up, 8 years on
    assert not Disposal.objects.exists()
    assert Client.objects.get(pk=old_episode.client_id).last_name == "Smith"


def test_find_then_confirm_by_a_manager(service, old_episode, make_staff):
    manager = make_staff(Role.SERVICE_MANAGER, service, email="boss@example.org")
    assert "1 newly due, 1 awaiting" in run("--find")
    assert "1 awaiting" in run("--find", "--service", service.code)  # twice: no change
    text = run("--confirm", "--service", service.code, "--by", manager.email)
    assert "1 people, 1 episodes anonymised" in text
    assert Disposal.objects.get().state == DisposalState.DISPOSED
    assert Client.objects.get(pk=old_episode.client_id).last_name == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--confirm", "--by", "x@example.org"], "--confirm needs --service CODE and --by EMAIL"),
        (["--dry-run", "--service", "NOPE"], "no active service has the code 'NOPE'"),
        (["--confirm", "--service", "{code}", "--by", "nobody@example.org"], "no active account"),
    ],
)
def test_bad_input_is_named(service, old_episode, args, message):
    args = [a.replace("{code}", service.code) for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_case_manager_may_not_confirm(service, old_episode, make_staff):
    worker = make_staff(Role.CASE_MANAGER, service, email="cm@example.org")
    run("--find")
    with pytest.raises(CommandError, match="may not confirm disposals"):
        run("--confirm", "--service", service.code, "--by", worker.email)
    assert Client.objects.get(pk=old_episode.client_id).last_name == "Smith"
