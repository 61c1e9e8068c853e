"""Duplicate checks at intake: same NHS/CHI number, or same date of birth and similar name."""

import datetime

import pytest

from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.referrals.duplicates import find_matches, names_similar
from vocrehab.referrals.models import Referral, TriageStatus
from vocrehab.referrals.services import close_not_engaged, create_referral, merge_into

from .conftest import intake

pytestmark = pytest.mark.django_db


def test_names_similar():
    assert names_similar("Ann", "Smith", "Anne", "Smith")
    assert names_similar("Ann", "O'Neil", "ann", "ONeil")
    assert names_similar("Ann", "Smith", "Smith", "Ann")  # swapped
    assert names_similar("Zoë", "Brown", "Zoe", "Brown")
    assert not names_similar("Ann", "Smith", "Ian", "Smart")
    assert not names_similar("", "", "Ann", "Smith")


def test_same_nhs_number_with_open_episode_is_shown_and_reuses_the_client(service):
    first = create_referral(service=service, channel="phone", data=intake()).referral
    second = create_referral(
        service=service, channel="phone", data=intake(first_name="Annie", last_name="Jones")
    )
    assert second.referral.episode.client_id == first.episode.client_id
    assert [m.reason for m in second.matches] == ["nhs_number"]
    assert second.matches[0].open_episodes == [first.episode]
    assert Client.objects.count() == 1
    assert second.referral.episode.previous_episode is None


def test_same_dob_and_similar_name_matches_without_nhs_number(service):
    first = create_referral(service=service, channel="phone", data=intake(nhs_number="")).referral
    second = create_referral(
        service=service, channel="phone", data=intake(nhs_number="", first_name="Anne")
    )
    assert second.matches and second.matches[0].reason == "name_and_dob"
    assert second.referral.episode.client_id == first.episode.client_id


def test_same_dob_different_name_is_a_different_person(service):
    create_referral(service=service, channel="phone", data=intake(nhs_number=""))
    other = create_referral(
        service=service,
        channel="phone",
        data=intake(nhs_number="", first_name="Ian", last_name="Smart"),
    )
    assert other.matches == []
    assert Client.objects.count() == 2


def test_closed_episode_makes_a_re_referral(service):
    first = create_referral(
        service=service, channel="phone", data=intake(), received=datetime.date(2024, 1, 8)
    ).referral
    close_not_engaged(first.episode, kind="could_not_contact", on=datetime.date(2024, 2, 1))
    again = create_referral(service=service, channel="phone", data=intake())
    assert again.matches == []  # nothing open to merge into
    episode = again.referral.episode
    assert episode.previous_episode_id == first.episode_id
    assert episode.client_id == first.episode.client_id


def test_other_services_are_never_matched(service, other_service):
    create_referral(service=other_service, channel="phone", data=intake())
    mine = create_referral(service=service, channel="phone", data=intake())
    assert mine.matches == []
    assert mine.referral.episode.client.service == service


def test_merge_into_open_episode(service):
    first = create_referral(service=service, channel="phone", data=intake()).referral
    second = create_referral(service=service, channel="phone", data=intake()).referral
    duplicate_episode_id = second.episode_id
    merge_into(second, first.episode)
    second.refresh_from_db()
    assert second.triage_status == TriageStatus.MERGED
    assert second.episode is None and second.merged_into == first.episode
    assert not Episode.objects.filter(pk=duplicate_episode_id).exists()
    # The submitted answers are kept on the merged referral.
    assert second.submitted["last_name"] == "Smith"
    assert Referral.objects.count() == 2 and Episode.objects.count() == 1


def test_merge_refused_once_work_is_recorded(service, make_staff):
    from django.core.exceptions import ValidationError

    from vocrehab.referrals.services import set_level

    first = create_referral(service=service, channel="phone", data=intake()).referral
    second = create_referral(service=service, channel="phone", data=intake()).referral
    set_level(second, tier="2", reason="needs support")
    with pytest.raises(ValidationError):
        merge_into(second, first.episode)


def test_find_matches_excludes_the_referrals_own_episode(service):
    first = create_referral(service=service, channel="phone", data=intake()).referral
    assert (
        find_matches(service, nhs_number="9434765919", exclude_episode=first.episode)[
            0
        ].open_episodes
        == []
    )


def test_triage_page_shows_the_open_episode_and_merges(signed_in, service):
    first = create_referral(service=service, channel="phone", data=intake()).referral
    second = create_referral(service=service, channel="phone", data=intake()).referral
    client, _user = signed_in("case_manager")
    page = client.get(f"/referrals/{second.pk}/")
    assert b'data-testid="duplicates"' in page.content
    assert first.reference.encode() in page.content
    response = client.post(f"/referrals/{second.pk}/merge/{first.episode_id}/")
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into_id == first.episode_id


def test_merge_into_another_services_episode_is_404(signed_in, service, other_service):
    theirs = create_referral(service=other_service, channel="phone", data=intake()).referral
    mine = create_referral(service=service, channel="phone", data=intake()).referral
    client, _user = signed_in("case_manager")
    assert client.post(f"/referrals/{mine.pk}/merge/{theirs.episode_id}/").status_code == 404


def test_merged_referral_page_points_to_the_episode(signed_in, service):
    first = create_referral(service=service, channel="phone", data=intake()).referral
    second = create_referral(service=service, channel="phone", data=intake()).referral
    merge_into(second, first.episode)
    client, _user = signed_in("case_manager")
    page = client.get(f"/referrals/{second.pk}/")
    assert page.status_code == 200
    assert f"merged into episode {first.reference}".encode() in page.content
    # Actions on a merged referral are refused plainly.
    assert client.post(f"/referrals/{second.pk}/pause/", {}).status_code == 302


def test_queue_marks_re_referrals(signed_in, service):
    first = create_referral(
        service=service, channel="phone", data=intake(), received=datetime.date(2024, 1, 8)
    ).referral
    close_not_engaged(first.episode, kind="could_not_contact", on=datetime.date(2024, 2, 1))
    create_referral(service=service, channel="phone", data=intake())
    client, _user = signed_in("case_manager")
    assert b"Re-referral" in client.get("/referrals/").content
