"""Admin assistants: contact and scheduling details only (least privilege).

They find a client and see how to reach them and who works with them; they never see
the episode record, case notes, documents, plans, questionnaire answers, identifiers or
health details (docs/casework.md, docs/referrals.md)."""

import pytest
from django.urls import reverse

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(service):
    return create_referral(service=service, channel="phone", data=intake()).referral.episode


def test_assistant_finds_a_client_and_sees_contact_details_only(signed_in, episode):
    http, user = signed_in(Role.ADMIN_ASSISTANT)
    client = episode.client
    found = http.get(reverse("clients:search"), {"q": "Smith"}).content.decode()
    assert f"/clients/{client.pk}/" in found and client.nhs_number not in found
    page = http.get(reverse("clients:detail", args=[client.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for shown in (client.phone, client.email, client.postcode, episode.reference):
        assert shown in body
    for hidden in (client.nhs_number, "C50", "Cancer", "Deprivation", "Ethnic group"):
        assert hidden not in body
    event = AccessEvent.objects.filter(user=user, client_id=client.pk).get()
    assert "phone" in event.fields and "nhs_number" not in event.fields


@pytest.mark.parametrize(
    "url",
    [
        "casework:episode",
        "casework:plan_edit",
        "casework:document_add",
        "measures:episode",
    ],
)
def test_assistant_may_not_read_the_episode_record(signed_in, episode, url):
    http, _user = signed_in(Role.ADMIN_ASSISTANT)
    key = "episode_id" if url.startswith("measures") else "pk"
    assert http.get(reverse(url, kwargs={key: episode.pk})).status_code == 403


def test_assistant_may_not_use_the_api_for_episodes(signed_in, episode):
    http, _user = signed_in(Role.ADMIN_ASSISTANT)
    assert http.get(reverse("api:episodes")).status_code == 403
    assert http.get(reverse("api:episode", args=[episode.pk])).status_code == 403


def test_a_case_manager_still_sees_the_whole_record(signed_in, episode):
    http, _user = signed_in(Role.CASE_MANAGER)
    body = http.get(reverse("clients:detail", args=[episode.client.pk])).content.decode()
    assert episode.client.nhs_number in body and "Cancer" in body
    assert http.get(reverse("casework:episode", args=[episode.pk])).status_code == 200


def test_assistant_triages_without_identifiers_or_health(signed_in, episode):
    """The triage page shows the clocks and how to reach the person; not the NHS number,
    condition, work, referrer (their role can name the condition) or tier history."""
    http, user = signed_in(Role.ADMIN_ASSISTANT)
    referral = episode.referral
    page = http.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    client = episode.client
    for shown in (client.full_name, client.phone, "First contact", "Pause the clock"):
        assert shown in body
    for hidden in (client.nhs_number, "C50", "Cancer", "Clerk", "Acme", "Breast care nurse"):
        assert hidden not in body
    event = AccessEvent.objects.get(user=user, action="read")
    assert "phone" in event.fields and "nhs_number" not in event.fields


def test_a_case_manager_still_triages_with_the_whole_referral(signed_in, episode):
    http, _user = signed_in(Role.CASE_MANAGER)
    body = http.get(reverse("referrals:detail", args=[episode.referral.pk])).content.decode()
    for shown in (episode.client.nhs_number, "C50", "Cancer", "Breast care nurse"):
        assert shown in body


def test_assistant_pauses_the_clock_and_sees_why_it_is_paused(signed_in, episode):
    """Scheduling: the pause and its reason, given through the triage page."""
    http, _user = signed_in(Role.ADMIN_ASSISTANT)
    referral = episode.referral
    response = http.post(
        reverse("referrals:pause", args=[referral.pk]),
        {
            "pause-start_day": episode.referral_date.day,
            "pause-start_month": episode.referral_date.month,
            "pause-start_year": episode.referral_date.year,
            "pause-reason": "Wants to wait",
        },
    )
    assert response.status_code == 302
    body = http.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Wants to wait" in body and "Restart the clock" in body
