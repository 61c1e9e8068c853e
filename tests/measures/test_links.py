"""Client questionnaire links: tampered, expired, reused and another's links are refused."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from vocrehab.measures import links, services
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    Channel,
    ItemValue,
)
from vocrehab.measures.views import SESSION_KEY


@pytest.fixture
def administration(episode):
    return Administration.objects.create(
        episode=episode,
        instrument="work_ability",
        timepoint="entry",
        status=AdministrationStatus.SCHEDULED,
        completed_by="client",
    )


def open_url(link):
    return reverse("measures:open_link", args=[links.make_token(link)])


def test_a_valid_link_is_swapped_for_a_session_and_a_clean_url(client, administration):
    link = services.issue_link(administration, channel=Channel.EMAIL)
    response = client.get(open_url(link))
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:invitation", args=[link.pk])
    assert links.make_token(link) not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.session[SESSION_KEY] == [link.pk]
    page = client.get(response["Location"])
    assert page.status_code == 200
    # The clean URL holds no secret; a stricter policy would break its forms' CSRF check.
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    administration.refresh_from_db()
    assert administration.status == AdministrationStatus.IN_PROGRESS


def test_a_tampered_token_is_refused_with_a_clear_page(client, administration):
    link = services.issue_link(administration, channel=Channel.EMAIL)
    token = links.make_token(link)
    value, signature = token.rsplit(":", 1)
    forged = f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    response = client.get(reverse("measures:open_link", args=[forged]))
    assert response.status_code == 404
    assert b"This link does not work" in response.content
    assert SESSION_KEY not in client.session


def test_a_token_for_another_link_id_with_a_valid_looking_value_is_refused(
    client, administration, make_episode, service
):
    other = Administration.objects.create(
        episode=make_episode(service),
        instrument="work_ability",
        timepoint="entry",
        status=AdministrationStatus.SCHEDULED,
    )
    mine = services.issue_link(administration, channel=Channel.EMAIL)
    theirs = services.issue_link(other, channel=Channel.EMAIL)
    # Sign "their id : my nonce" without the key: impossible; a swapped value fails.
    token = links.make_token(mine)
    swapped = token.replace(f"{mine.pk}:", f"{theirs.pk}:", 1)
    assert client.get(reverse("measures:open_link", args=[swapped])).status_code == 404


def test_an_expired_link_is_refused(client, administration):
    link = services.issue_link(administration, channel=Channel.EMAIL)
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        response = client.get(open_url(link))
    assert response.status_code == 410
    assert b"This link has expired" in response.content


def test_a_link_expires_after_14_days_by_default(administration):
    link = services.issue_link(administration, channel=Channel.EMAIL)
    assert timedelta(days=13, hours=23) < link.expires_at - timezone.now() <= timedelta(days=14)


def test_a_submitted_link_cannot_be_used_again(client, administration):
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(open_url(link))
    url = reverse("measures:questionnaire", args=[link.pk, 1])
    assert client.post(url + "?page=1", {"score": "7"}).status_code == 302
    response = client.post(reverse("measures:check", args=[link.pk, 1]))
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:done")
    again = client.get(open_url(link))
    assert again.status_code == 410
    assert b"already been sent" in again.content
    # Even a browser that kept the session cannot change the answers afterwards.
    client.session[SESSION_KEY] = [link.pk]
    assert client.post(url + "?page=1", {"score": "2"}).status_code in (403, 410)
    assert ItemValue.objects.get(administration=administration, item="score").value == 7


def test_another_administrations_questionnaire_is_refused_to_this_session(
    client, administration, make_episode, service
):
    other = Administration.objects.create(
        episode=make_episode(service),
        instrument="work_ability",
        timepoint="entry",
        status=AdministrationStatus.SCHEDULED,
    )
    mine = services.issue_link(administration, channel=Channel.EMAIL)
    theirs = services.issue_link(other, channel=Channel.EMAIL)
    client.get(open_url(mine))
    response = client.get(reverse("measures:questionnaire", args=[theirs.pk, 1]))
    assert response.status_code == 403
    assert b"Open the link again" in response.content
    response = client.post(reverse("measures:questionnaire", args=[theirs.pk, 1]), {"score": "1"})
    assert response.status_code == 403
    assert not ItemValue.objects.filter(administration=other).exists()


def test_a_new_link_withdraws_the_earlier_one(client, administration):
    first = services.issue_link(administration, channel=Channel.EMAIL)
    services.issue_link(administration, channel=Channel.LETTER)
    response = client.get(open_url(first))
    assert response.status_code == 410
    assert b"replaced" in response.content


def test_staff_entry_withdraws_open_links(client, administration, make_staff, service):
    from datetime import date

    link = services.issue_link(administration, channel=Channel.EMAIL)
    services.record_staff_entry(
        administration.episode,
        instrument="work_ability",
        timepoint="entry",
        date_completed=date(2026, 1, 20),
        values={"score": 5},
        by=make_staff("case_manager", service),
    )
    assert client.get(open_url(link)).status_code == 410


def test_a_letter_code_opens_the_questionnaire(client, administration):
    link = services.issue_link(administration, channel=Channel.LETTER)
    code = links.letter_code(link)
    typed = code.lower().replace("-", " ")
    response = client.post(reverse("measures:enter_code"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:invitation", args=[link.pk])


def test_a_wrong_code_says_so_and_guessing_is_rate_limited(client, administration):
    from django.core.cache import cache

    cache.clear()
    services.issue_link(administration, channel=Channel.LETTER)
    response = client.post(reverse("measures:enter_code"), {"code": "AAAA-BBBB-CC"})
    assert response.status_code == 200
    assert b"not recognised" in response.content
    for _ in range(10):
        response = client.post(reverse("measures:enter_code"), {"code": "AAAA-BBBB-CC"})
    assert response.status_code == 429
    cache.clear()


def test_codes_normalise_commonly_misread_characters():
    assert links.normalise_code("k7qm-2xp9-4t") == "K7QM2XP94T"
    assert links.normalise_code("O1IL") == "0111"


def test_the_problem_pages_do_not_leak_the_referrer(client):
    response = client.get(reverse("measures:open_link", args=["nonsense"]))
    assert response.status_code == 404
    assert response["Referrer-Policy"] == "no-referrer"
