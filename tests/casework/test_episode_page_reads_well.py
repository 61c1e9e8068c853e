"""The episode page tells a case manager how to reach the client and the referrer, and
its timeline and questionnaire list read in words and "6 Dec 2026" dates, not codes."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.episodes.services import change_tier
from vocrehab.measures.models import Administration


@pytest.fixture
def episode(case_manager, make_episode, service):
    _web, user = case_manager
    episode = make_episode(
        service,
        worker=user,
        tier="",
        referrer_name="Morag Reid",
        referrer_role="Breast care nurse",
        referrer_phone="0141 496 0123",
        referrer_email="morag.reid@example.org",
    )
    client = episode.client
    client.phone, client.email = "0141 496 0000", "alex@example.org"
    client.contact_by_phone, client.contact_by_email = True, True
    client.safe_to_leave_message = False
    client.contact_notes = "Mornings only"
    client.save()
    return episode


@pytest.mark.django_db
def test_the_episode_page_shows_how_to_reach_the_client_and_the_referrer(case_manager, episode):
    web, _user = case_manager
    page = web.get(reverse("casework:episode", args=[episode.pk])).text
    assert f'href="{reverse("clients:detail", args=[episode.client_id])}"' in page
    for shown in ("0141 496 0000", "alex@example.org", "do not leave a message", "Mornings only"):
        assert shown in page
    assert "phone, email; <strong>do not leave a message</strong>" in page
    assert "Morag Reid, Breast care nurse" in page
    assert "0141 496 0123" in page and 'href="mailto:morag.reid@example.org"' in page


@pytest.mark.django_db
def test_the_referral_page_shows_the_same_contact_details_and_tiers_in_words(signed_in, episode):
    from vocrehab.accounts.models import Role
    from vocrehab.referrals.models import Referral

    referral = Referral.objects.create(
        episode=episode, service=episode.service, reference="R-TEST-1", channel="phone"
    )
    web, _user = signed_in(Role.SERVICE_MANAGER)
    page = web.get(reverse("referrals:detail", args=[referral.pk])).text
    assert "0141 496 0000" in page and "do not leave a message" in page
    assert "0141 496 0123" in page
    change_tier(episode, to_tier="2", reason="Light touch")
    page = web.get(reverse("referrals:detail", args=[referral.pk])).text
    assert "Placed in Tier 2: moderate support" in page and " → " not in page


@pytest.mark.django_db
def test_the_timeline_and_questionnaires_use_words_and_dates(case_manager, episode):
    web, user = case_manager
    change_tier(episode, to_tier="3", by=user, reason="Complex needs")
    Administration.objects.create(
        episode=episode,
        instrument="work_ability",
        timepoint="entry",
        status="scheduled",
        due_date=datetime.date(2026, 12, 6),
    )
    page = web.get(reverse("casework:episode", args=[episode.pk])).text
    assert "Placed in Tier 3: intensive case management" in page
    assert "Work Ability Score (Entry)" in page
    assert "work_ability (" not in page
    assert "6 Dec 2026" in page
    assert "2026-12-06" not in page and " → " not in page
