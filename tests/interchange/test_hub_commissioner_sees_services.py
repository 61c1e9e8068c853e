"""At a hub, what two services submitted through POST /api/v1/submissions/ is what the
hub's commissioner benchmarks: each service beside the other and together, small
numbers suppressed, and a refused submission changes none of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Program
from django.urls import reverse

from tests.accounts.conftest import bearer
from tests.conftest import enrol_totp
from tests.interchange.hubfiles import example_zip, sha256
from vocrehab.accounts.models import Membership, Role, Scope, User

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"
IDENTIFIERS = ("episode_id", "previous_episode_id", "client_id")


@pytest.fixture(autouse=True)
def _hub(settings):
    settings.VOCREHAB_HUB = True
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 5


def _as_submitted(prefix: str):
    """Edit the example as a service's submission looks: no NHS number, its own ids."""

    def change(files):
        for rows in files.values():
            for row in rows:
                for column in IDENTIFIERS:
                    if row.get(column):
                        row[column] = f"{prefix}-{row[column]}"
                if "nhs_number" in row:
                    row["nhs_number"] = ""

    return change


def _submit(make_staff, make_token, service, data: bytes, period="2024-Q1"):
    owner = make_staff(Role.SERVICE_MANAGER, service, mfa=False)
    _token, secret = make_token(
        owner, [service], scopes=[Scope.SUBMISSIONS_WRITE], name=f"{service.code} monthly"
    )
    body = {
        "file": SimpleUploadedFile("submission.zip", data, content_type="application/zip"),
        "service": service.code,
        "period": period,
        "checksum": sha256(data),
    }
    return Program().post(URL, body, **bearer(secret))


def _referrals(client, services) -> tuple[list, list]:
    page = client.get(reverse("reports:benchmark"), {"services": [s.pk for s in services]})
    assert page.status_code == 200
    summary = next(s for s in page.context["sections"] if s["id"] == "summary")
    return page.context["columns"], next(r for r in summary["rows"] if r[0] == "Referrals")


def test_the_commissioner_benchmarks_the_submitted_services_side_by_side(
    client, make_staff, make_token, service, other_service, organisation
):
    glasgow = example_zip(service.code, change=_as_submitted("G"))
    leeds = example_zip(other_service.code, change=_as_submitted("L"))
    assert _submit(make_staff, make_token, service, glasgow).status_code == 201
    assert _submit(make_staff, make_token, other_service, leeds).status_code == 201

    commissioner = User.objects.create_user(
        email="commissioner@hub.example.org", password="x" * 20, first_name="C", last_name="C"
    )
    Membership.objects.create(
        user=commissioner, organisation=organisation, service=None, role=Role.COMMISSIONER
    )
    enrol_totp(commissioner)
    client.force_login(commissioner, backend="allauth.account.auth_backends.AuthenticationBackend")

    columns, referred = _referrals(client, [service, other_service])
    assert columns == ["GGC-VR", "LEEDS-VR", "all"]
    # 3 referrals each: below the threshold, so hidden; together 6 may be shown.
    assert referred[1:] == ["suppressed", "suppressed", "6"]

    # The Submissions received page names both services and their periods.
    text = client.get(reverse("interchange:hub_submissions")).content.decode()
    assert "Glasgow VR Service" in text and "Leeds VR Service" in text
    assert "Jan to Mar 2024" in text

    # A bad correction from Glasgow is refused with its reasons; nothing changes.
    def break_date(files):
        files["episodes.csv"][0]["referral_date"] = "2024-02-31"

    bad = example_zip(service.code, change=lambda f: (_as_submitted("G")(f), break_date(f)))
    refused = _submit(make_staff, make_token, service, bad)
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert (error["file"], error["row"], error["column"]) == (
        "episodes.csv",
        2,
        "referral_date",
    )
    assert _referrals(client, [service, other_service]) == (columns, referred)
