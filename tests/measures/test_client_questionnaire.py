"""A client completes a questionnaire from a link: one question a page, progress saved,
check answers, change an answer, send; licensed wording is shown when loaded."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.measures import links, services
from vocrehab.measures.models import (
    Administration,
    Channel,
    ItemValue,
    ItemWording,
    QuestionnaireLink,
)


@pytest.fixture
def opened(client, episode):
    administration = Administration.objects.create(
        episode=episode, instrument="work_confidence", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    return link


def page(link, n, **extra):
    url = reverse("measures:questionnaire", args=[link.pk, 1]) + f"?page={n}"
    return url + "".join(f"&{k}={v}" for k, v in extra.items())


def test_the_client_answers_page_by_page_and_sends(client, opened):
    first = client.get(page(opened, 1))
    assert b"Question 1 of 3" in first.content
    assert b"Confidence about working" in first.content
    response = client.post(page(opened, 1), {"working": "7"})
    assert response["Location"] == page(opened, 2)
    client.post(page(opened, 2), {"managing_condition": "5"})
    response = client.post(page(opened, 3), {})  # skipped: allowed
    assert response["Location"] == page(opened, 4)
    check = client.get(client.get(page(opened, 4))["Location"])
    text = check.content.decode()
    assert "Check your answers" in text
    assert "Not answered" in text
    done = client.post(reverse("measures:check", args=[opened.pk, 1]))
    assert done["Location"] == reverse("measures:done")
    administration = opened.administrations.get()
    administration.refresh_from_db()
    assert administration.status == "completed"
    assert dict(administration.values.values_list("item", "value")) == {
        "working": 7.0,
        "managing_condition": 5.0,
    }


def test_progress_is_saved_between_visits(client, opened):
    client.post(page(opened, 1), {"working": "9"})
    client.logout()  # a new browser session: the link opens it again
    client.get(reverse("measures:open_link", args=[links.make_token(opened)]))
    again = client.get(page(opened, 1)).content.decode()
    assert 'value="9" checked' in again


def test_changing_an_answer_returns_to_check(client, opened):
    client.post(page(opened, 1), {"working": "2"})
    response = client.post(page(opened, 1, **{"from": "check"}), {"working": "3"})
    assert response["Location"] == reverse("measures:check", args=[opened.pk, 1])
    assert ItemValue.objects.get(item="working").value == 3


def test_an_invalid_answer_is_explained_and_not_saved(client, opened):
    response = client.post(page(opened, 1), {"working": "11"})
    assert response.status_code == 200
    assert "select a valid choice" in response.content.decode()
    assert not ItemValue.objects.exists()


def test_loaded_wording_replaces_the_neutral_label(client, opened):
    services.load_wording(
        [
            {
                "instrument": "work_confidence",
                "item": "working",
                "text": "Licensed question wording (synthetic)",
                "options": {"0": "Not at all confident", "10": "Completely confident"},
            }
        ],
        licence="test",
    )
    html = client.get(page(opened, 1)).content.decode()
    assert "Licensed question wording (synthetic)" in html
    assert "Completely confident" in html
    assert ItemWording.objects.get().licence == "test"


def test_load_wording_refuses_unknown_items_and_stores_nothing(db):
    with pytest.raises(ValueError, match="row 2"):
        services.load_wording(
            [
                {"instrument": "hads", "item": "a1", "text": "ok"},
                {"instrument": "hads", "item": "z9", "text": "bad"},
            ]
        )
    assert not ItemWording.objects.exists()


def test_hads_totals_are_not_asked_of_clients(client, episode):
    services.load_wording([{"instrument": "hads", "item": "a1", "text": "Synthetic wording"}])
    administration = Administration.objects.create(
        episode=episode, instrument="hads", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    assert b"Question 1 of 14" in client.get(page(link, 1)).content


def test_nothing_answered_cannot_be_sent(client, opened):
    response = client.post(reverse("measures:check", args=[opened.pk, 1]))
    assert response.status_code == 422
    assert "Answer at least one question before sending" in response.content.decode()
    opened.refresh_from_db()
    assert opened.used_at is None


def test_without_licensed_wording_eq5d_and_hads_are_never_sent_to_a_client(
    client, episode, signed_in
):
    """A client never reads "HADS item A1": without the licensed wording those
    questionnaires stay with staff, who enter them; with it, they are sent."""
    eq5d, hads, phq9 = (
        Administration.objects.create(
            episode=episode,
            instrument=code,
            timepoint="entry",
            status="scheduled",
            due_date=timezone.localdate(),
        )
        for code in ("eq5d5l", "hads", "phq9")
    )
    with pytest.raises(ValueError, match="entered by staff"):
        services.issue_link(eq5d, channel=Channel.EMAIL)
    assert services.send_due_invitations()["invited"] == 1  # the PHQ-9 only
    statuses = {a.instrument: a.status for a in Administration.objects.filter(episode=episode)}
    assert statuses == {"eq5d5l": "scheduled", "hads": "scheduled", "phq9": "invited"}
    staff, _ = signed_in("case_manager")
    episode_page = staff.get(reverse("measures:episode", args=[episode.pk])).content.decode()
    assert "licensed wording is not loaded" in episode_page
    staff.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "email"}
    )
    # The invitation staff send holds the PHQ-9 only; HADS and EQ-5D stay for staff.
    (sent,) = QuestionnaireLink.objects.filter(episode=episode, revoked_at__isnull=True)
    assert [a.instrument for a in sent.administrations.all()] == ["phq9"]
    assert not hads.links.exists()
    services.load_wording([{"instrument": "eq5d5l", "item": "mobility", "text": "Synthetic words"}])
    link = services.issue_link(eq5d, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    assert "Synthetic words" in client.get(page(link, 1)).content.decode()


def test_phq9_is_sent_with_its_published_wording_and_answers(client, episode):
    administration = Administration.objects.create(
        episode=episode, instrument="phq9", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    html = client.get(page(link, 1)).content.decode()
    assert "Question 1 of 10" in html
    assert "Little interest or pleasure in doing things" in html
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "More than half the days" in html and "Nearly every day" in html
    assert "phq9 item" not in html.lower()
    client.post(page(link, 1), {"q1": "2"})
    check = client.get(reverse("measures:check", args=[link.pk, 1])).content.decode()
    assert "More than half the days" in check


def test_who5_answers_are_listed_best_first_as_published(client, episode):
    administration = Administration.objects.create(
        episode=episode, instrument="who5", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    html = client.get(page(link, 1)).content.decode()
    assert "I have felt cheerful and in good spirits" in html
    assert html.index("All of the time") < html.index("At no time")


def test_welsh_readers_get_the_english_wording_until_a_translation_is_published(client, episode):
    administration = Administration.objects.create(
        episode=episode, instrument="gad7", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    html = client.get(page(link, 1), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Feeling nervous, anxious or on edge" in html
