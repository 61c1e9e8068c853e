"""The report pages through HTTP: who may see them, and what a commissioner sees."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.codes import ReferralSource

from .helpers import make_episode

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def data(service, other_service):
    for i in range(7):
        make_episode(service, referral_source="acute_nhs", age_at_referral=40 + i)
    make_episode(
        service,
        referral_source="self",
        age_at_referral=30,
        discharge_date=D(2024, 3, 1),
        work_status_at_discharge="at_work",
    )
    for _ in range(6):
        make_episode(other_service, referral_source="employer")
    return service


def _sources(report):
    return {c["referral_source"]: c for c in report["tables"]["referral_sources"]["cells"]}


def test_a_manager_sees_the_report_unsuppressed(signed_in, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("reports:evaluation")
    response = client.get(url, {"services": data.pk, "section": "referrals"})
    assert response.status_code == 200
    assert response.context["suppressed"] is False
    assert _sources(response.context["report"])["self"]["count"] == 1
    html = response.content.decode()
    assert "Referral sources" in html and 'src="data:image/svg+xml;base64,' in html


def test_a_commissioner_sees_suppressed_aggregates_of_their_services_only(
    signed_in, data, other_service
):
    client, _user = signed_in(Role.COMMISSIONER)
    response = client.get(reverse("reports:evaluation"), {"services": data.pk})
    assert response.context["suppressed"] is True
    sources = _sources(response.context["report"])
    assert sources["self"]["count"] is None and sources["self"]["suppressed"]
    # The other service is not theirs: not offered, and refused when asked for.
    assert other_service not in response.context["form"].fields["services"].queryset
    response = client.get(reverse("reports:evaluation"), {"services": other_service.pk})
    assert response.status_code == 200
    assert "report" not in response.context
    assert response.context["form"].errors["services"]


def test_a_commissioner_download_is_suppressed_and_logged(signed_in, data):
    client, user = signed_in(Role.COMMISSIONER)
    response = client.get(reverse("reports:download"), {"services": data.pk, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    report = json.loads(response.content)
    assert _sources(report)["self"] == {
        "referral_source": "self",
        "count": None,
        "percent": None,
        "suppressed": True,
    }
    event = AccessEvent.objects.get(user=user, action=Action.EXPORT)
    assert "evaluation report json" in event.detail and "suppressed" in event.detail


def test_a_manager_may_ask_for_publication_suppression(signed_in, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(
        reverse("reports:download"), {"services": data.pk, "format": "json", "publication": "on"}
    )
    assert _sources(json.loads(response.content))["self"]["suppressed"] is True


@pytest.mark.parametrize("fmt,magic", [("csv", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_downloads_in_each_format(signed_in, data, fmt, magic):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("reports:download"), {"services": data.pk, "format": fmt})
    assert response.status_code == 200
    assert response.content.startswith(magic)


def test_a_bad_period_is_explained(signed_in, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(
        reverse("reports:evaluation"),
        {"services": data.pk, "date_from": "2024-05-01", "date_to": "2024-04-01"},
    )
    assert "must not be before its start" in response.content.decode()
    response = client.get(reverse("reports:download"), {"services": data.pk, "format": "docx"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "role",
    [
        Role.CASE_MANAGER,
        Role.SUPPORT_WORKER,
        Role.ADMIN_ASSISTANT,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    ],
)
def test_roles_without_reports_are_refused(signed_in, data, role):
    client, _user = signed_in(role)
    for name in ("reports:evaluation", "reports:download", "reports:benchmark"):
        assert client.get(reverse(name), {"services": data.pk}).status_code == 403


def test_benchmark_shows_each_service_and_all(signed_in, service, other_service, data, make_staff):
    from vocrehab.accounts.models import Membership

    client, user = signed_in(Role.SERVICE_MANAGER)
    Membership.objects.create(
        user=user,
        organisation=service.organisation,
        service=other_service,
        role=Role.SERVICE_MANAGER,
    )
    response = client.get(
        reverse("reports:benchmark"), {"services": [service.pk, other_service.pk]}
    )
    assert response.status_code == 200
    assert response.context["columns"] == ["GGC-VR", "LEEDS-VR", "all"]
    summary = next(s for s in response.context["sections"] if s["id"] == "summary")
    referred = next(r for r in summary["rows"] if r[0] == "Referrals")
    assert referred[1:] == ["8", "6", "14"]
    # Rows read in words, not codes.
    sources = next(s for s in response.context["sections"] if s["id"] == "referral_sources")
    names = [row[0] for row in sources["rows"]]
    assert str(ReferralSource.ACUTE_NHS.label) in names
    html = response.content.decode()
    assert "acute nhs" not in html and "acute_nhs" not in html


def test_the_commissioner_never_reaches_a_person(signed_in, data):
    client, _user = signed_in(Role.COMMISSIONER)
    # The dashboard, yes (suppressed, see test_rollup), but not the data-quality page
    # whose counts lead to the people behind them.
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert client.get(reverse("reports:data_quality")).status_code == 403
    episode = data.episodes.first()
    response = client.get(reverse("reports:evaluation"), {"services": data.pk})
    html = response.content.decode()
    assert episode.reference not in html and episode.client.reference not in html
