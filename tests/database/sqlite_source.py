"""A SQLite installation in use, to move to PostgreSQL: ``python -m
tests.database.sqlite_source fill|counts`` against the database in DATABASE_URL.

``fill`` sets up the demonstration (migrations, organisation, staff, an imported
synthetic dataset, caseloads), imports the example services directory, builds the
evaluation report (which fills the working-day calendar), then does what people do so
that every kind of record exists: a case manager with an authenticator app opens a
record and records a contact (access log and change history), someone fails to sign
in (lockout counter), a client answers and sends a questionnaire (a task waits in the
queue). ``counts`` prints the rows of every table and a digest of the access log.
"""

import hashlib
import json
import sys
import tempfile
from pathlib import Path


def fill() -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    import vocrehab.directory
    from vocrehab.accounts.models import User
    from vocrehab.episodes.models import Episode
    from vocrehab.measures import services as measures
    from vocrehab.measures.models import Administration, Channel

    call_command("demo", "--no-serve", "--episodes", "6", verbosity=0)
    directory = Path(vocrehab.directory.__file__).parent / "data" / "example-directory.csv"
    call_command("directory", "import", str(directory), organisation="demo")
    with tempfile.TemporaryDirectory() as tmp:  # fills the working-day calendar
        call_command("report", "evaluation", "--format", "json", "--out", f"{tmp}/report.json")
    manager = User.objects.get(email__startswith="casemanager@")
    TOTP.activate(manager, generate_totp_secret())
    # An open episode: a contact after a discharge is refused (episodes.facts).
    episode = (
        Episode.objects.filter(service__code="GGC-VR", discharge_date__isnull=True)
        .order_by("pk")
        .first()
    )

    browser = Client()
    browser.force_login(manager, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert browser.get(reverse("casework:episode", args=[episode.pk])).status_code == 200
    saved = browser.post(
        reverse("casework:contact_add", args=[episode.pk]),
        {
            "contact_date": timezone.localdate().isoformat(),
            "mode": "phone",
            "contact_with": "client",
            "note": "Talked through the phased return",
        },
    )
    assert saved.status_code == 302, saved.status_code
    failed = Client().post(reverse("account_login"), {"login": manager.email, "password": "no"})
    assert failed.status_code == 200, failed.status_code

    administration = Administration.objects.create(
        episode=episode, instrument="work_confidence", timepoint="ad_hoc", status="scheduled"
    )
    link = measures.issue_link(administration, channel=Channel.EMAIL)
    measures.save_answers(administration, {"working": 6, "managing_condition": 4})
    measures.submit_response(link)


def counts() -> None:
    print(json.dumps({"rows": row_counts(), "access_log": access_log_digest()}))


def row_counts() -> dict[str, int]:
    """Rows of every table, by model."""
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def access_log_digest() -> str:
    """A digest of every access log entry, every column, in order."""
    from vocrehab.audit.models import AccessEvent

    digest = hashlib.sha256()
    for row in AccessEvent.objects.order_by("pk").values_list():
        digest.update(repr([str(value) for value in row]).encode())
    return digest.hexdigest()


if __name__ == "__main__":
    import django

    django.setup()
    {"fill": fill, "counts": counts}[sys.argv[1]]()
