"""Questionnaires for a client who prefers Welsh: the page, the letter, the email."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.ui.dom import parse
from vocrehab.accounts.models import Role
from vocrehab.clients.models import Language
from vocrehab.measures import links, services
from vocrehab.measures.models import Administration, Channel, ItemWording

pytestmark = pytest.mark.django_db


def _opened(client, episode, instrument):
    administration = Administration.objects.create(
        episode=episode, instrument=instrument, timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    return link


def test_phq9_in_welsh_shows_the_english_wording_with_a_welsh_note(client, episode):
    link = _opened(client, episode, "phq9")
    client.get("/language/cy/?next=/")
    page = client.get(reverse("measures:questionnaire", args=[link.pk, 1])).content.decode()
    assert '<html lang="cy">' in page
    assert "Holiadur Iechyd Cleifion (PHQ-9)" in page
    assert "Cwestiwn 1 o " in page and "Parhau" in page
    assert "Nid yw&#x27;r holiadur hwn ar gael yn Gymraeg eto" in page or (
        "Nid yw'r holiadur hwn ar gael yn Gymraeg eto" in page
    )
    # The published English wording, never a translation of it, marked as English.
    assert '<span lang="en-GB">Little interest or pleasure in doing things</span>' in page


def test_phq9_in_english_has_no_note(client, episode):
    link = _opened(client, episode, "phq9")
    page = client.get(reverse("measures:questionnaire", args=[link.pk, 1])).content.decode()
    assert "not available in this language" not in page
    assert all("lang" not in node.attrs for node in parse(page).find("form").iter())


def test_on_a_welsh_page_only_the_english_wording_is_marked_english(client, episode):
    """The question, its hint and its answers are read in English; "(dewisol)" (optional)
    and the error messages are ours, in Welsh, so a screen reader reads them in Welsh."""
    link = _opened(client, episode, "phq9")
    client.get("/language/cy/?next=/")
    url = reverse("measures:questionnaire", args=[link.pk, 1]) + "?page=1"
    for response in (client.get(url), client.post(url, {"q1": "9"})):
        form = parse(response.content.decode()).find("form")
        legend = form.find("legend")
        assert legend.text() == "Little interest or pleasure in doing things (dewisol)"
        (question,) = legend.find_all(lang="en-GB")
        assert question.text() == "Little interest or pleasure in doing things"
        english = form.find_all(lang="en-GB")
        assert all("dewisol" not in node.text() for node in english)
        assert form.find(cls="nhsuk-hint").attrs["lang"] == "en-GB"
        answers = [node.text() for node in form.find_all("label", lang="en-GB")]
        assert answers == [
            "Not at all",
            "Several days",
            "More than half the days",
            "Nearly every day",
        ]
    # The error message is Welsh and sits outside every English part.
    error = form.find(cls="nhsuk-error-message")
    assert "Gwall:" in error.text()
    assert [a.attrs.get("lang") for a in error.ancestors() if a.attrs.get("lang")] == ["cy"]


def test_loaded_welsh_wording_is_shown_without_the_note(client, episode):
    ItemWording.objects.create(
        instrument="phq9", item="q1", language="cy", text="Cwestiwn prawf", options={}
    )
    link = _opened(client, episode, "phq9")
    client.get("/language/cy/?next=/")
    page = client.get(reverse("measures:questionnaire", args=[link.pk, 1])).content.decode()
    assert "Cwestiwn prawf" in page
    assert "ar gael yn Gymraeg eto" not in page
    # Welsh wording on a Welsh page: nothing marked as another language.
    assert '<span lang="en-GB">Cwestiwn prawf</span>' not in page


def test_the_letter_is_in_the_clients_language(signed_in, episode):
    episode.client.preferred_language = Language.WELSH
    episode.client.save()
    client, _ = signed_in(Role.CASE_MANAGER)
    (administration,) = services.schedule_entry_questionnaires(episode)[:1]
    client.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "letter"}
    )
    link = administration.links.get()
    letter = client.get(reverse("measures:letter", args=[link.pk])).content.decode()
    assert '<article class="vr-letter" lang="cy">' in letter
    assert "Annwyl Test," in letter and "a rhowch y cod hwn:" in letter
    # The note to staff above the letter stays in their language.
    assert "Print this page" in letter
    assert "Dear Test" not in letter


def test_the_letter_is_in_english_for_an_english_client(signed_in, episode):
    client, _ = signed_in(Role.CASE_MANAGER)
    (administration,) = services.schedule_entry_questionnaires(episode)[:1]
    client.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "letter"}
    )
    link = administration.links.get()
    letter = client.get(reverse("measures:letter", args=[link.pk])).content.decode()
    assert "Dear Test," in letter and "Annwyl" not in letter


def test_the_invitation_email_is_in_the_clients_language(make_episode, service):
    episode = make_episode(service, contact_by_phone=False)
    episode.client.preferred_language = Language.WELSH
    episode.client.save()
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    with time_machine.travel(datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))):
        services.send_due_invitations()
    assert mail.outbox
    message = mail.outbox[0]
    assert message.subject.startswith("Cwestiynau gan ")
    assert "Mae'r ddolen yn gweithio tan" in message.body
    assert "/measures/q/" in message.body


@override_settings(
    NOTIFY_API_KEY="test-key",
    VOCREHAB_NOTIFY_SMS_TEMPLATE_ID="sms-english",
    VOCREHAB_NOTIFY_SMS_TEMPLATE_ID_CY="sms-welsh",
)
@pytest.mark.parametrize("language,template", [("cy", "sms-welsh"), ("en-gb", "sms-english")])
def test_notify_uses_the_template_in_the_clients_language(
    make_episode, service, language, template
):
    episode = make_episode(service, contact_by_email=False, contact_by_phone=True)
    episode.client.preferred_language = language
    episode.client.save()
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    notify = mock.Mock()
    with (
        mock.patch("vocrehab.measures.delivery.notify_client", return_value=notify),
        time_machine.travel(datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))),
    ):
        services.send_due_invitations()
    sent = notify.send_sms_notification.call_args.kwargs
    assert sent["template_id"] == template
    welsh_name = "Holiadur Iechyd Cleifion (PHQ-9)"
    assert (welsh_name in sent["personalisation"]["questionnaires"]) is (language == "cy")


# --- questionnaires read in English, said so up front; one line in the other language ---


def _invited(client, episode, channel=Channel.EMAIL):
    """The default entry set (PHQ-9, GAD-7, WHO-5 and the project's own questions) in
    one invitation, opened in ``client``."""
    services.schedule_entry_questionnaires(episode)
    link = services.issue_invitation(episode, "entry", channel=channel)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    return link


def test_the_welsh_invitation_page_marks_the_questionnaires_read_in_english(client, episode):
    link = _invited(client, episode)
    client.get("/language/cy/?next=/")
    page = client.get(reverse("measures:invitation", args=[link.pk])).content.decode()
    assert "Holiadur Iechyd Cleifion (PHQ-9) (10 cwestiwn) – yn Saesneg" in page
    assert "Mynegai Llesiant WHO-5 (5 cwestiwn) – yn Saesneg" in page
    # The project's own questions are translated with the pages: not marked.
    assert "Hyder yn y gwaith (3 cwestiwn)</li>" in page
    assert "u nodi “yn Saesneg” ar gael yn Gymraeg eto" in page
    client.get("/language/en-gb/?next=/")
    english = client.get(reverse("measures:invitation", args=[link.pk])).content.decode()
    assert "in English" not in english and "(10 questions)</li>" in english


def test_the_welsh_check_page_marks_the_english_wording(client, episode):
    link = _invited(client, episode)
    client.get("/language/cy/?next=/")
    page_1 = reverse("measures:questionnaire", args=[link.pk, 1]) + "?page=1"
    client.post(page_1, {"q1": "2"})
    check = client.get(reverse("measures:check", args=[link.pk, 1])).content.decode()
    assert "r holiadur hwn ar gael yn Gymraeg eto, felly mae ei gwestiynau yn Saesneg" in check
    assert '<dt class="nhsuk-summary-list__key" lang="en-GB">Little interest' in check
    assert '<dd class="nhsuk-summary-list__value" lang="en-GB">More than half the days' in check
    # "Not answered" is ours, in Welsh, and not marked as English.
    assert '<dd class="nhsuk-summary-list__value">Heb ei ateb</dd>' in check


def test_a_welsh_reader_is_told_in_welsh_that_a_questionnaire_went(client, episode):
    link = _invited(client, episode)
    client.get("/language/cy/?next=/")
    for page in range(1, 11):
        url = reverse("measures:questionnaire", args=[link.pk, 1]) + f"?page={page}"
        client.post(url, {})
    client.post(reverse("measures:questionnaire", args=[link.pk, 1]) + "?page=1", {"q1": "0"})
    sent = client.post(reverse("measures:check", args=[link.pk, 1]), follow=True)
    text = sent.content.decode()
    assert "Mae eich atebion i Holiadur Iechyd Cleifion (PHQ-9) wedi&#x27;u hanfon." in text
    assert "Your answers to" not in text


def _email_to(make_episode, service, language):
    episode = make_episode(service, contact_by_phone=False)
    episode.client.preferred_language = language
    episode.client.save()
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    with time_machine.travel(datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))):
        services.send_due_invitations()
    (message,) = mail.outbox
    mail.outbox.clear()
    return message.body


def test_a_welsh_email_marks_the_questionnaires_read_in_english(make_episode, service):
    body = _email_to(make_episode, service, Language.WELSH)
    assert "Holiadur Iechyd Cleifion (PHQ-9) (yn Saesneg)" in body
    assert "Hyder yn y gwaith (yn Saesneg)" not in body
    assert "Nid yw'r holiaduron sydd wedi'u nodi “yn Saesneg” ar gael yn Gymraeg eto" in body
    english = _email_to(make_episode, service, Language.ENGLISH)
    assert "in English" not in english


def test_a_service_in_wales_writes_one_line_in_the_other_language(make_episode, service):
    """NHS Wales convention: an English message offers Welsh and welcomes correspondence
    in Welsh; a Welsh one offers English. Services elsewhere write one language."""
    assert "Cymraeg" not in _email_to(make_episode, service, Language.ENGLISH)
    service.nation = "wales"
    service.save()
    english = _email_to(make_episode, service, Language.ENGLISH)
    assert "Mae'r tudalennau ar gael yn Gymraeg hefyd" in english
    assert "Rydym yn croesawu gohebiaeth yn Gymraeg." in english
    welsh = _email_to(make_episode, service, Language.WELSH)
    assert "The pages are also in English: choose “English” at the top of the page." in welsh
    assert "Rydym yn croesawu" not in welsh


def test_the_letter_marks_english_questionnaires_and_carries_the_other_language(
    signed_in, episode, service
):
    service.nation = "wales"
    service.phone = "029 2000 0000"
    service.save()
    episode.client.preferred_language = Language.WELSH
    episode.client.save()
    staff, _ = signed_in(Role.CASE_MANAGER)
    services.schedule_entry_questionnaires(episode)
    staff.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "letter"}
    )
    link = episode.questionnaire_links.get()
    letter = staff.get(reverse("measures:letter", args=[link.pk])).content.decode()
    assert "<li>Holiadur Iechyd Cleifion (PHQ-9) (yn Saesneg)</li>" in letter
    assert "<li>Hyder yn y gwaith</li>" in letter
    assert '<p lang="en-GB">The pages are also in English' in letter


def _page_of(instrument, item):
    from vocrehab.measures.forms import client_items
    from vocrehab.measures.instruments import INSTRUMENTS

    codes = [i.code for i in client_items(INSTRUMENTS[instrument])]
    return codes.index(item) + 1


@pytest.mark.parametrize(
    ("language", "instrument", "item", "value", "message"),
    [
        ("en-gb", "health_use", "gp_visits", "two", "Enter GP visits as a number"),
        ("en-gb", "health_use", "gp_visits", "1.5", "Enter GP visits as a whole number"),
        ("en-gb", "health_use", "gp_visits", "-1", "Enter GP visits as a number, 0 or more"),
        (
            "en-gb",
            "followup_survey",
            "hours_per_week",
            "200",
            "Enter hours worked per week as a number from 0 to 168",
        ),
        (
            "en-gb",
            "followup_survey",
            "hours_per_week",
            "37.25",
            "Enter hours worked per week with no more than 1 decimal place",
        ),
        (
            "cy",
            "health_use",
            "gp_visits",
            "two",
            "Rhowch ymweliadau â&#x27;r meddyg teulu fel rhif",
        ),
        (
            "cy",
            "followup_survey",
            "hours_per_week",
            "200",
            "Rhowch oriau gwaith yr wythnos fel rhif o 0 i 168",
        ),
    ],
)
def test_an_answer_that_does_not_fit_is_explained_in_the_pages_language_by_its_question(
    client, episode, language, instrument, item, value, message
):
    """Not "value 200 is outside 0–168 for followup_survey item hours_per_week"."""
    link = _opened(client, episode, instrument)
    client.get(f"/language/{language}/?next=/")
    page_number = _page_of(instrument, item)
    url = reverse("measures:questionnaire", args=[link.pk, 1]) + f"?page={page_number}"
    response = client.post(url, {item: value})
    assert response.status_code == 200
    page = response.content.decode()
    summary = parse(page).find("div", cls="nhsuk-error-summary").text()
    assert message in page, summary
    assert instrument not in summary and item not in summary
    assert not Administration.objects.get(episode=episode).values.exists()
