"""The service's name and opening hours in Welsh: on the Welsh invitation page, letter,
email and Notify message, and the English when the service has no Welsh."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.ui.dom import parse
from vocrehab.accounts.models import Role
from vocrehab.clients.models import Language
from vocrehab.measures import links, services
from vocrehab.measures.models import Channel

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))
ENGLISH_HOURS = "Monday to Friday, 9am to 5pm"
WELSH_HOURS = "Dydd Llun i ddydd Gwener, 9am i 5pm"
WELSH_NAME = "Gwasanaeth Adsefydlu Galwedigaethol Caerdydd"


@pytest.fixture
def cardiff(service):
    service.name = "Cardiff Vocational Rehabilitation Service"
    service.name_cy = WELSH_NAME
    service.nation = "wales"
    service.phone = "029 2000 0000"
    service.opening_hours = ENGLISH_HOURS
    service.opening_hours_cy = WELSH_HOURS
    service.save()
    return service


def _client_in(episode, language):
    episode.client.preferred_language = language
    episode.client.save()
    return episode


def _letter(signed_in, episode):
    staff, _ = signed_in(Role.CASE_MANAGER)
    services.schedule_entry_questionnaires(episode)
    staff.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "letter"}
    )
    link = episode.questionnaire_links.get()
    page = staff.get(reverse("measures:letter", args=[link.pk])).content.decode()
    return parse(page).find("article", cls="vr-letter").text()


def test_the_service_gives_its_welsh_name_and_hours_to_welsh_readers_only(cardiff):
    assert cardiff.name_in("cy") == WELSH_NAME
    assert cardiff.opening_hours_in("cy") == WELSH_HOURS
    assert cardiff.name_in("en-gb") == cardiff.name
    with translation.override("cy"):
        assert (cardiff.local_name, cardiff.local_opening_hours) == (WELSH_NAME, WELSH_HOURS)
    with translation.override("en-gb"):
        assert cardiff.local_opening_hours == ENGLISH_HOURS
    # Not set in Welsh: the English, rather than nothing.
    cardiff.name_cy = cardiff.opening_hours_cy = ""
    assert cardiff.name_in("cy") == cardiff.name
    assert cardiff.opening_hours_in("cy") == ENGLISH_HOURS


def test_a_welsh_letter_gives_the_service_and_its_hours_in_welsh(signed_in, episode, cardiff):
    letter = _letter(signed_in, _client_in(episode, Language.WELSH))
    assert WELSH_NAME in letter
    assert f"ffoniwch ni ar 029 2000 0000 ({WELSH_HOURS})." in letter
    assert ENGLISH_HOURS not in letter and cardiff.name not in letter


def test_an_english_letter_keeps_the_english(signed_in, episode, cardiff):
    letter = _letter(signed_in, _client_in(episode, Language.ENGLISH))
    assert cardiff.name in letter
    assert f"please call us on 029 2000 0000 ({ENGLISH_HOURS})." in letter
    assert WELSH_HOURS not in letter and WELSH_NAME not in letter


def test_a_welsh_letter_falls_back_to_the_english_hours(signed_in, episode, cardiff):
    cardiff.name_cy = cardiff.opening_hours_cy = ""
    cardiff.save()
    letter = _letter(signed_in, _client_in(episode, Language.WELSH))
    assert cardiff.name in letter
    assert f"ffoniwch ni ar 029 2000 0000 ({ENGLISH_HOURS})." in letter


def test_the_welsh_invitation_page_names_the_service_in_welsh(client, episode, cardiff):
    services.schedule_entry_questionnaires(episode)
    link = services.issue_invitation(episode, "entry", channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    client.get("/language/cy/?next=/")
    page = parse(client.get(reverse("measures:invitation", args=[link.pk])).content.decode())
    assert page.find("span", cls="nhsuk-caption-m").text() == WELSH_NAME
    assert f"({WELSH_HOURS})" in page.find("main").text()
    question = client.get(reverse("measures:questionnaire", args=[link.pk, 1])).content.decode()
    assert WELSH_NAME in question
    client.get("/language/en-gb/?next=/")
    english = client.get(reverse("measures:invitation", args=[link.pk])).content.decode()
    assert cardiff.name in english and f"({ENGLISH_HOURS})" in english
    assert WELSH_NAME not in english


def _email(make_episode, service, language):
    episode = _client_in(make_episode(service, contact_by_phone=False), language)
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    with time_machine.travel(T0):
        services.send_due_invitations()
    (message,) = mail.outbox
    mail.outbox.clear()
    return message


def test_a_welsh_email_gives_the_service_and_its_hours_in_welsh(make_episode, cardiff):
    welsh = _email(make_episode, cardiff, Language.WELSH)
    assert welsh.subject == f"Cwestiynau gan {WELSH_NAME}"
    assert f"({WELSH_HOURS})" in welsh.body and ENGLISH_HOURS not in welsh.body
    english = _email(make_episode, cardiff, Language.ENGLISH)
    assert english.subject == f"Questions from {cardiff.name}"
    assert f"({ENGLISH_HOURS})" in english.body and WELSH_NAME not in english.body


@override_settings(
    NOTIFY_API_KEY="test-key",
    VOCREHAB_NOTIFY_SMS_TEMPLATE_ID="sms-english",
    VOCREHAB_NOTIFY_SMS_TEMPLATE_ID_CY="sms-welsh",
)
@pytest.mark.parametrize("language", [Language.WELSH, Language.ENGLISH])
def test_notify_is_given_the_name_and_hours_in_the_clients_language(
    make_episode, cardiff, language
):
    episode = make_episode(cardiff, contact_by_email=False, contact_by_phone=True)
    _client_in(episode, language)
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    notify = mock.Mock()
    with (
        mock.patch("vocrehab.measures.delivery.notify_client", return_value=notify),
        time_machine.travel(T0),
    ):
        services.send_due_invitations()
    fields = notify.send_sms_notification.call_args.kwargs["personalisation"]
    if language == Language.WELSH:
        assert fields["service_name"] == WELSH_NAME
        assert fields["call_us"].endswith(f"ffoniwch ni ar 029 2000 0000 ({WELSH_HOURS}).")
    else:
        assert fields["service_name"] == cardiff.name
        assert fields["call_us"].endswith(f"call us on 029 2000 0000 ({ENGLISH_HOURS}).")
