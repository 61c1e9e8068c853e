"""Letters out: the first-contact acknowledgement and the discharge summary to the referrer
and the GP, written on every path that records the event, checked against consent, sent
by email with the PDF (retried), or printed from the letters to print."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.casework import services
from vocrehab.casework.models import (
    CaseNote,
    Letter,
    LetterChannel,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    RecipientKind,
)
from vocrehab.casework.services.letters import send_letter
from vocrehab.codes import ReferralSource
from vocrehab.dates import human_date
from vocrehab.episodes.services import record_discharge, record_first_contact_date

from .helpers import pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def referred(make_episode, service):
    """An episode referred by a nurse, whose client agreed to letters to their GP."""

    def make(worker=None, *, gp_consent=True, gp_email="gp.practice@nhs.example", **fields):
        fields.setdefault("referrer_name", "Nurse Jones")
        fields.setdefault("referrer_role", "Breast care nurse")
        fields.setdefault("referrer_organisation", "NHS GGC")
        fields.setdefault("referrer_email", "nurse@example.org")
        fields.setdefault("consent_to_share", True)
        episode = make_episode(service, worker=worker, **fields)
        client = episode.client
        client.gp_practice = "Riverside Medical Practice"
        client.gp_address = "2 River Road\nGlasgow G1 1AA"
        client.gp_email = gp_email
        client.consent_to_share_with_gp = gp_consent
        client.save()
        return episode

    return make


def _letters(episode, kind=None):
    found = Letter.objects.filter(episode=episode)
    if kind:
        found = found.filter(kind=kind)
    return {letter.recipient_kind: letter for letter in found}


# --- written on every path ---------------------------------------------------------


def test_a_contact_on_the_web_writes_and_sends_the_first_contact_letters(
    case_manager, referred, django_capture_on_commit_callbacks
):
    web, user = case_manager
    episode = referred(user)
    on = TODAY - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        r = web.post(
            reverse("casework:contact_add", args=[episode.pk]),
            {"contact_date": on.isoformat(), "mode": "phone", "contact_with": "client"},
        )
    assert r.status_code == 302, r.content
    letters = _letters(episode, LetterKind.FIRST_CONTACT)
    assert set(letters) == {RecipientKind.REFERRER, RecipientKind.GP}
    assert letters["referrer"].recipient_email == "nurse@example.org"
    assert letters["gp"].recipient_name == "Riverside Medical Practice"
    assert human_date(on) in letters["referrer"].body
    # The background worker sent each once the contact was saved.
    assert {(x.channel, x.status) for x in letters.values()} == {
        (LetterChannel.EMAIL, LetterStatus.SENT)
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["gp.practice@nhs.example", "nurse@example.org"]


def test_the_first_contact_letters_are_written_once(case_manager, referred):
    web, user = case_manager
    episode = referred(user)
    services.record_contact(
        episode, by=user, contact_date=TODAY - datetime.timedelta(days=2), mode="phone"
    )
    episode.refresh_from_db()
    services.record_contact(
        episode, by=user, contact_date=TODAY - datetime.timedelta(days=5), mode="phone"
    )
    assert Letter.objects.filter(episode=episode).count() == 2


def test_an_assessment_that_sets_the_first_contact_writes_the_letters(case_manager, referred):
    web, user = case_manager
    episode = referred(user)
    r = web.post(
        reverse("casework:assessment_add", args=[episode.pk]),
        {"assessed_on": TODAY.isoformat(), "fatigue": "Tired by mid-afternoon"},
    )
    assert r.status_code == 302, r.content
    episode.refresh_from_db()
    assert episode.first_contact_date == TODAY  # an assessment is a contact too
    letters = _letters(episode, LetterKind.FIRST_CONTACT)
    assert set(letters) == {"referrer", "gp"}
    assert human_date(TODAY) in letters["gp"].body


def test_triage_first_contact_writes_the_letters(signed_in, service):
    from tests.referrals.conftest import intake
    from tests.referrals.test_triage_queue import _date
    from vocrehab.referrals.services import create_referral

    referral = create_referral(
        service=service,
        channel="professional_form",
        data=intake(),
        received=TODAY - datetime.timedelta(days=6),
    ).referral
    web, _user = signed_in(Role.CASE_MANAGER)
    episode = referral.episode
    r = web.post(
        reverse("referrals:first_contact", args=[referral.pk]),
        {**_date("fc-", TODAY), "fc-version": episode.version},
    )
    assert r.status_code == 302, r.content
    letters = _letters(episode, LetterKind.FIRST_CONTACT)
    assert letters["referrer"].status == LetterStatus.DRAFTED
    assert letters["referrer"].recipient_name == "Nurse Jones"
    # The client was not asked about their GP at referral: nothing goes to the GP.
    assert letters["gp"].status == LetterStatus.WITHHELD
    assert "not been asked" in letters["gp"].reason


def test_a_contact_through_the_api_writes_the_letters(signed_in, referred):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = referred(user)
    r = client.post(
        reverse("api:contacts", args=[episode.pk]),
        {"contact_date": TODAY.isoformat(), "mode": "phone", "contact_with": "client"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert set(_letters(episode, LetterKind.FIRST_CONTACT)) == {"referrer", "gp"}


def test_the_discharge_form_writes_the_discharge_summaries(case_manager, referred):
    web, user = case_manager
    episode = referred(user, first_contact_date=TODAY - datetime.timedelta(days=15))
    r = web.post(
        reverse("casework:discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharge_date": TODAY.isoformat(),
            "work_status": "at_work",
            "reason": "Back at work",
        },
    )
    assert r.status_code == 302, r.content
    letters = _letters(episode, LetterKind.DISCHARGE)
    assert set(letters) == {"referrer", "gp"}
    body = letters["gp"].body
    # Dates as people read them, labels not codes, the case manager and the service.
    assert f"discharged from Glasgow VR Service on {human_date(TODAY)}" in body
    assert "Work status at discharge: At work" in body
    assert "Level of support: Tier 3" in body
    assert user.get_full_name() in body
    assert "at_work" not in body


def test_a_discharge_through_the_api_writes_the_summaries(signed_in, referred):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = referred(user)
    r = client.post(
        reverse("api:discharge", args=[episode.pk]),
        {
            "discharge_date": TODAY.isoformat(),
            "work_status_at_discharge": "at_work",
            "discharge_reason": "Back at work",
            "version": episode.version,
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert set(_letters(episode, LetterKind.DISCHARGE)) == {"referrer", "gp"}


def test_a_support_workers_discharge_writes_letters_only_when_signed_off(
    make_staff, referred, service
):
    supervisor = make_staff(Role.CASE_MANAGER, service)
    worker = make_staff(Role.SUPPORT_WORKER, service, supervisor=supervisor)
    episode = referred(worker, tier="2")
    sign_off = services.discharge(episode, by=worker, on=TODAY, work_status="at_work")
    assert not Letter.objects.filter(episode=episode).exists()
    services.decide_sign_off(sign_off, by=supervisor, approve=True)
    assert set(_letters(episode, LetterKind.DISCHARGE)) == {"referrer", "gp"}


def test_closing_at_triage_is_a_discharge_with_its_summaries(referred, service):
    from vocrehab.referrals.models import Referral
    from vocrehab.referrals.services import close_not_engaged

    episode = referred(tier="")
    Referral.objects.create(episode=episode, service=service, reference="R-T1", channel="phone")
    close_not_engaged(episode, kind="could_not_contact")
    letters = _letters(episode, LetterKind.DISCHARGE)
    assert set(letters) == {"referrer", "gp"}
    assert "Work status at discharge: Not known" in letters["referrer"].body


# --- consent -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "consent,reason",
    [
        (None, "The client has not been asked whether their GP may have letters."),
        (False, "The client does not agree to letters to their GP."),
    ],
)
def test_nothing_goes_to_the_gp_without_the_clients_agreement(referred, consent, reason):
    episode = referred(gp_consent=consent)
    record_first_contact_date(episode, on=TODAY)
    gp = _letters(episode)["gp"]
    assert (gp.status, gp.reason, gp.channel) == (LetterStatus.WITHHELD, reason, "")
    assert gp.body == "" and gp.recipient_email == ""
    assert send_letter(gp.pk) is False
    assert not mail.outbox


def test_nothing_goes_to_a_referrer_of_a_self_referral(referred):
    episode = referred(referral_source=ReferralSource.SELF, referrer_name="", referrer_email="")
    record_first_contact_date(episode, on=TODAY)
    letter = _letters(episode)["referrer"]
    assert letter.status == LetterStatus.WITHHELD
    assert letter.reason == "Self-referral: there is no referrer to write to."


def test_nothing_goes_to_the_referrer_when_the_client_declined_sharing(referred):
    episode = referred(consent_to_share=False)
    record_first_contact_date(episode, on=TODAY)
    assert _letters(episode)["referrer"].status == LetterStatus.WITHHELD


def test_nothing_goes_anywhere_while_processing_is_restricted(referred):
    episode = referred()
    episode.client.processing_restricted = True
    episode.client.save()
    record_first_contact_date(episode, on=TODAY)
    assert {x.status for x in _letters(episode).values()} == {LetterStatus.WITHHELD}


def test_withheld_and_sent_letters_are_on_the_timeline(case_manager, referred):
    web, user = case_manager
    episode = referred(user, gp_consent=False)
    record_first_contact_date(episode, on=TODAY)
    page = web.get(reverse("casework:episode", args=[episode.pk])).content.decode()
    assert "First-contact acknowledgement to the GP: withheld" in page
    assert "The client does not agree to letters to their GP." in page
    assert "First-contact acknowledgement to the referrer: waiting to go" in page
    assert reverse("casework:letter_pdf", args=[_letters(episode)["referrer"].pk]) in page


# --- sending -------------------------------------------------------------------------


def test_the_email_carries_the_letter_and_its_pdf_and_is_a_recorded_disclosure(
    referred, make_staff, service
):
    manager = make_staff(Role.CASE_MANAGER, service)
    episode = referred(manager, first_contact_date=TODAY - datetime.timedelta(days=20))
    CaseNote.objects.create(episode=episode, author=manager, text="PRIVATE NOTE about family")
    record_discharge(episode, on=TODAY, work_status="self_employed")
    gp = _letters(episode)["gp"]
    assert send_letter(gp.pk) is True
    (message,) = mail.outbox
    assert message.to == ["gp.practice@nhs.example"]
    assert message.subject == f"Glasgow VR Service: discharge summary for {episode.client}"
    (name, content, kind) = message.attachments[0]
    assert kind == "application/pdf" and name.endswith(".pdf")
    text = pdf_text(content)
    assert "Riverside Medical Practice" in text and human_date(TODAY) in text
    assert "PRIVATE NOTE" not in text and "PRIVATE NOTE" not in message.body
    gp.refresh_from_db()
    assert gp.status == LetterStatus.SENT and gp.sent_at is not None
    event = AccessEvent.objects.get(
        object_type="casework.letter", object_id=str(gp.pk), action="export"
    )
    assert event.client_id == episode.client_id
    assert "Riverside Medical Practice" in event.detail
    # Sent once: a second run of the task sends nothing.
    assert send_letter(gp.pk) is False and len(mail.outbox) == 1


def test_a_failed_email_is_retried_then_shown_as_not_sent(
    referred, settings, django_capture_on_commit_callbacks
):
    from django_tasks.backends.database.models import DBTaskResult

    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    episode = referred()
    record_first_contact_date(episode, on=TODAY)
    letter = _letters(episode)["referrer"]
    with django_capture_on_commit_callbacks(execute=True):
        assert send_letter(letter.pk, attempt=1) is False
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == (LetterStatus.DRAFTED, 1)
    assert letter.last_error == "ConnectionRefusedError"
    (retry,) = DBTaskResult.objects.filter(task_path__endswith="send_letter_task")
    assert retry.args_kwargs["kwargs"] == {"letter_id": letter.pk, "attempt": 2}
    assert retry.run_after is not None
    assert send_letter(letter.pk, attempt=5) is False
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert "could not be sent" in letter.reason


def _reopened_while_sending(monkeypatch, episode, *, then_fail: bool):
    """The episode re-opened (its unsent discharge summaries withheld) while the email
    is on its way; the email then goes, or fails."""
    from vocrehab.casework.services import letters as letter_services

    send = letter_services._send_email

    def reopened_meanwhile(letter, pdf):
        assert letter_services.withhold_on_reopening(episode, on=TODAY) == 2
        if then_fail:
            raise ConnectionRefusedError("mail server down")
        send(letter, pdf)

    monkeypatch.setattr(letter_services, "_send_email", reopened_meanwhile)


def test_a_letter_withheld_while_its_email_went_is_recorded_as_sent(referred, monkeypatch):
    episode = referred(first_contact_date=TODAY - datetime.timedelta(days=20))
    record_discharge(episode, on=TODAY, work_status="self_employed")
    gp = _letters(episode, LetterKind.DISCHARGE)["gp"]
    _reopened_while_sending(monkeypatch, episode, then_fail=False)
    assert send_letter(gp.pk) is True
    assert len(mail.outbox) == 1
    gp.refresh_from_db()
    # It reached the GP: the record says so, and the disclosure is in the access log.
    assert gp.status == LetterStatus.SENT and gp.reason == ""
    assert AccessEvent.objects.filter(
        object_type="casework.letter", object_id=str(gp.pk), action="export"
    ).exists()


def test_a_letter_withheld_while_its_email_failed_stays_withheld(
    referred, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django_tasks.backends.database.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    episode = referred(first_contact_date=TODAY - datetime.timedelta(days=20))
    record_discharge(episode, on=TODAY, work_status="self_employed")
    gp = _letters(episode, LetterKind.DISCHARGE)["gp"]
    DBTaskResult.objects.all().delete()
    _reopened_while_sending(monkeypatch, episode, then_fail=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_letter(gp.pk, attempt=1) is False
    gp.refresh_from_db()
    # Not put back to wait and tried again: it would reach the GP after the re-opening.
    assert gp.status == LetterStatus.WITHHELD and "re-opened" in gp.reason
    assert not DBTaskResult.objects.filter(task_path__endswith="send_letter_task").exists()
    assert not mail.outbox


def test_a_failed_email_can_go_to_the_print_list(signed_in, referred, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    episode = referred()
    record_first_contact_date(episode, on=TODAY)
    letter = _letters(episode)["referrer"]
    send_letter(letter.pk, attempt=5)
    web, _user = signed_in(Role.ADMIN_ASSISTANT)
    page = web.get(reverse("casework:letters_to_print")).content.decode()
    assert "Emails that could not be sent" in page and "Print instead" in page
    r = web.post(reverse("casework:letter_print_instead", args=[letter.pk]))
    assert r.status_code == 302
    letter.refresh_from_db()
    assert (letter.channel, letter.status) == (LetterChannel.PRINT, LetterStatus.DRAFTED)


def test_notify_sends_the_letter_with_its_file(referred, settings, monkeypatch):
    from vocrehab.casework.services import letters as letter_services

    settings.NOTIFY_API_KEY = "test-key"
    settings.VOCREHAB_NOTIFY_LETTER_TEMPLATE_ID = "letter-template"
    sent = []

    class FakeNotify:
        def send_email_notification(self, **kwargs):
            sent.append(kwargs)

    monkeypatch.setattr(letter_services, "notify_client", lambda: FakeNotify())
    episode = referred()
    record_first_contact_date(episode, on=TODAY)
    letter = _letters(episode)["gp"]
    assert letter.channel == LetterChannel.NOTIFY
    assert send_letter(letter.pk) is True
    (call,) = sent
    assert call["email_address"] == "gp.practice@nhs.example"
    assert call["template_id"] == "letter-template"
    assert call["personalisation"]["link_to_file"]["file"]  # the PDF, base64
    assert "Dear Riverside Medical Practice" in call["personalisation"]["body"]


# --- printing ------------------------------------------------------------------------


def test_a_letter_without_email_waits_to_be_printed_by_the_admin_assistant(
    signed_in, referred, django_assert_max_num_queries
):
    episode = referred(gp_email="", referrer_email="")
    record_first_contact_date(episode, on=TODAY)
    letters = _letters(episode)
    assert {x.channel for x in letters.values()} == {LetterChannel.PRINT}
    web, assistant = signed_in(Role.ADMIN_ASSISTANT)
    with django_assert_max_num_queries(12):
        page = web.get(reverse("casework:letters_to_print"))
    text = page.content.decode()
    assert "2 letters waiting" in text
    assert "2 River Road" in text and "Nurse Jones" in text
    pdf = web.get(reverse("casework:letter_pdf", args=[letters["gp"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Dear Riverside Medical Practice" in pdf_text(pdf.content)
    r = web.post(reverse("casework:letter_posted", args=[letters["gp"].pk]))
    assert r.status_code == 302
    gp = Letter.objects.get(pk=letters["gp"].pk)
    assert (gp.status, gp.posted_by) == (LetterStatus.PRINTED, assistant)
    assert AccessEvent.objects.filter(
        object_type="casework.letter", object_id=str(gp.pk), action="export"
    ).exists()
    assert "1 letter waiting" in web.get(reverse("casework:letters_to_print")).content.decode()
    # Posted once: a second "posted" changes nothing and says so.
    r = web.post(reverse("casework:letter_posted", args=[gp.pk]), follow=True)
    assert "there is nothing to do" in r.content.decode()


def test_the_admin_assistant_sees_only_printed_letters_of_their_service(
    signed_in, referred, other_service, make_episode
):
    episode = referred(gp_email="")
    record_first_contact_date(episode, on=TODAY)
    letters = _letters(episode)
    web, _user = signed_in(Role.ADMIN_ASSISTANT)
    # The referrer's letter goes by email: not for the print room.
    assert web.get(reverse("casework:letter_pdf", args=[letters["referrer"].pk])).status_code == 404
    assert web.get(reverse("casework:letter_pdf", args=[letters["gp"].pk])).status_code == 200
    web.logout()
    web, _user = signed_in(Role.ADMIN_ASSISTANT, other_service)
    assert (
        "No letters are waiting" in web.get(reverse("casework:letters_to_print")).content.decode()
    )
    assert web.get(reverse("casework:letter_pdf", args=[letters["gp"].pk])).status_code == 404
    r = web.post(reverse("casework:letter_posted", args=[letters["gp"].pk]))
    assert r.status_code == 404
    assert Letter.objects.get(pk=letters["gp"].pk).status == LetterStatus.DRAFTED


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.AUDITOR])
def test_roles_without_letters_are_refused(signed_in, referred, role):
    episode = referred(gp_email="")
    record_first_contact_date(episode, on=TODAY)
    web, _user = signed_in(role)
    assert web.get(reverse("casework:letters_to_print")).status_code == 403
    gp = _letters(episode)["gp"]
    assert web.get(reverse("casework:letter_pdf", args=[gp.pk])).status_code == 403


def test_a_withheld_letter_has_no_pdf(case_manager, referred):
    web, user = case_manager
    episode = referred(user, gp_consent=False)
    record_first_contact_date(episode, on=TODAY)
    gp = _letters(episode)["gp"]
    assert web.get(reverse("casework:letter_pdf", args=[gp.pk])).status_code == 404


# --- the service's wording -----------------------------------------------------------


def test_the_manager_changes_the_wording_and_new_letters_use_it(signed_in, referred, service):
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    url = reverse("casework:letter_template", args=["first_contact"])
    form = web.get(url).content.decode()
    assert "{{ client_name }}" in form  # the default wording and the placeholder list
    r = web.post(
        url,
        {
            "subject": "About {{ client_name }}",
            "body": "Dear {{ recipient_name }},\n\nWe met {{ client_first_name }} "
            "on {{ first_contact_date }}.",
        },
    )
    assert r.status_code == 302, r.content
    episode = referred()
    record_first_contact_date(episode, on=TODAY)
    letter = _letters(episode)["referrer"]
    assert letter.subject == f"About {episode.client}"
    assert letter.body == (
        f"Dear Nurse Jones,\n\nWe met {episode.client.first_name} on {human_date(TODAY)}."
    )
    assert "This service's own wording" in web.get(reverse("casework:letter_templates")).text
    web.post(url, {"restore": "1"})
    assert not LetterTemplate.objects.filter(service=service).exists()


def test_welsh_wording_may_use_the_services_welsh_name_and_hours(signed_in, referred, service):
    service.name_cy = "Gwasanaeth Adsefydlu Galwedigaethol Glasgow"
    service.phone = "0141 496 0000"
    service.opening_hours = "Monday to Friday, 9am to 5pm"
    service.opening_hours_cy = "Dydd Llun i ddydd Gwener, 9am i 5pm"
    service.save()
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    form = web.get(reverse("casework:letter_template", args=["first_contact"])).content.decode()
    assert "{{ service_name_cy }}" in form and "{{ opening_hours_cy }}" in form
    r = web.post(
        reverse("casework:letter_template", args=["first_contact"]),
        {
            "subject": "{{ service_name_cy }}: {{ client_name }}",
            "body": "Ffoniwch ni ar {{ service_phone }} ({{ opening_hours_cy }}).",
        },
    )
    assert r.status_code == 302, r.content
    episode = referred()
    record_first_contact_date(episode, on=TODAY)
    letter = _letters(episode)["referrer"]
    assert letter.subject == f"Gwasanaeth Adsefydlu Galwedigaethol Glasgow: {episode.client}"
    assert letter.body == "Ffoniwch ni ar 0141 496 0000 (Dydd Llun i ddydd Gwener, 9am i 5pm)."
    # A service with no Welsh set: the English, rather than a gap in the letter.
    service.name_cy = service.opening_hours_cy = ""
    service.save()
    other = referred()
    record_first_contact_date(other, on=TODAY)
    letter = _letters(other)["referrer"]
    assert letter.subject == f"Glasgow VR Service: {other.client}"
    assert letter.body == "Ffoniwch ni ar 0141 496 0000 (Monday to Friday, 9am to 5pm)."


@pytest.mark.parametrize(
    "body,message",
    [
        ("Dear {{ gp_name }},", "Unknown placeholder {{ gp_name }}."),
        ("Dear {{ client.episodes }},", "Unknown placeholder {{ client.episodes }}."),
        ("Dear {{ client_name|upper }},", "Unknown placeholder {{ client_name|upper }}."),
        ("{% load static %}Dear", "Remove the {% … %}: letters take placeholders only."),
        ("Dear {{ client_name }", "A placeholder is not closed"),
    ],
)
def test_a_template_with_an_unknown_placeholder_is_refused_by_name(
    signed_in, service, body, message
):
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    r = web.post(
        reverse("casework:letter_template", args=["discharge"]),
        {"subject": "Discharge", "body": body},
    )
    assert r.status_code == 200
    assert message in r.content.decode().replace("&#x27;", "'")
    assert not LetterTemplate.objects.exists()


def test_only_a_service_manager_edits_the_wording(signed_in):
    web, _user = signed_in(Role.CASE_MANAGER)
    assert web.get(reverse("casework:letter_templates")).status_code == 403
    r = web.post(
        reverse("casework:letter_template", args=["discharge"]),
        {"subject": "x", "body": "y"},
    )
    assert r.status_code == 403
    assert not LetterTemplate.objects.exists()


def test_anonymising_a_client_deletes_their_letters(referred):
    from vocrehab.retention.anonymise import anonymise

    episode = referred()
    record_first_contact_date(episode, on=TODAY)
    assert Letter.objects.filter(episode=episode).count() == 2
    done = anonymise(episode.client)
    assert not Letter.objects.filter(episode=episode).exists()
    assert done["deleted"]["letters"] == 2
