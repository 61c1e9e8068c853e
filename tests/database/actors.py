"""The people and processes of the concurrency test, one process each.

``python -m tests.database.actors ROLE PLAN.json`` sets Django up from the environment
(the test gives every actor the same database and settings), gets ready, waits for the
start signal, then does its work through the real code paths:

- ``client``: answers questionnaires from their links, page by page, and sends them
  (the public pages, through every middleware, as a browser would);
- ``staff``: a case manager records contacts on the contact form and opens records;
- ``worker``: ``vocrehab worker`` (the task queue and the questionnaire sweep) until the
  test stops it;
- ``import``: ``vocrehab dataset import`` of a VRMDS dataset, then its re-import;
- ``drain``: after the others, one sweep and the tasks still queued, so that the test
  sees the end state.

Any answer other than the expected one ends the process with a message and status 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

START_TIMEOUT = 120


def _wait_for_start(plan: dict, role: str) -> None:
    Path(plan["ready_dir"], f"{role}-{os.getpid()}").touch()
    deadline = time.monotonic() + START_TIMEOUT
    while not Path(plan["start_file"]).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{role}: no start signal")
        time.sleep(0.01)


def _expect(response, status: int, what: str) -> None:
    if response.status_code != status:
        raise SystemExit(f"{what}: HTTP {response.status_code}, expected {status}")


def client(plan: dict) -> None:
    from django.test import Client
    from django.urls import reverse

    from vocrehab.measures import links
    from vocrehab.measures.models import QuestionnaireLink

    work = [
        (QuestionnaireLink.objects.get(pk=int(pk)), answers)
        for pk, answers in plan["questionnaires"].items()
    ]
    _wait_for_start(plan, "client")
    for link, answers in work:
        browser = Client()  # a new browser for each client
        opened = browser.get(reverse("measures:open_link", args=[links.make_token(link)]))
        _expect(opened, 302, f"link {link.pk}: open")
        page_url = reverse("measures:questionnaire", args=[link.pk, 1])
        for page, (item, value) in enumerate(answers.items(), start=1):
            answered = browser.post(f"{page_url}?page={page}", {item: value})
            _expect(answered, 302, f"link {link.pk}: page {page}")
        check_url = reverse("measures:check", args=[link.pk, 1])
        _expect(browser.get(check_url), 200, f"link {link.pk}: check")
        sent = browser.post(check_url)
        _expect(sent, 302, f"link {link.pk}: send")


def staff(plan: dict) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from vocrehab.accounts.models import User

    browser = Client()
    browser.force_login(
        User.objects.get(pk=plan["staff_id"]),
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    _wait_for_start(plan, "staff")
    for episode_id, note in plan["contacts"]:
        record = browser.get(reverse("casework:episode", args=[episode_id]))
        _expect(record, 200, f"episode {episode_id}: open")
        saved = browser.post(
            reverse("casework:contact_add", args=[episode_id]),
            {
                "contact_date": timezone.localdate().isoformat(),
                "mode": "phone",
                "contact_with": "client",
                "minutes": "20",
                "note": note,
            },
        )
        _expect(saved, 302, f"episode {episode_id}: contact")


def worker(plan: dict) -> None:
    from django.core.management import call_command

    _wait_for_start(plan, "worker")
    # Runs until the test sends SIGTERM (the task worker then finishes its task first).
    call_command("worker", sweep_minutes=plan["sweep_minutes"], interval=0.25)


def import_(plan: dict) -> None:
    from django.core.management import call_command

    _wait_for_start(plan, "import")
    for _run in range(2):  # an import, then the re-import of the same dataset
        call_command("dataset", "import", plan["dataset"], service=plan["service_code"])


def drain(plan: dict) -> None:
    from django.core.management import call_command

    call_command("worker", once=True)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


ROLES = {"client": client, "staff": staff, "worker": worker, "import": import_, "drain": drain}


def main() -> None:
    role, plan_path = sys.argv[1], sys.argv[2]
    import django

    django.setup()
    ROLES[role](json.loads(Path(plan_path).read_text()))


if __name__ == "__main__":
    main()
