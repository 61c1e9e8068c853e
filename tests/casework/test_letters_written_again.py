"""A letter withheld for want of consent, a GP practice, a referrer or because processing
was restricted is written when the record comes to allow it (the client's details, the
rights page, the episode's referrer), by the same path as at the event: the withheld one
is superseded, both are on the timeline, and it is written and sent once only."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.clients.test_client_edit import form_data
from vocrehab.accounts.models import Role
from vocrehab.casework import services
from vocrehab.casework.models import Letter, LetterChannel, LetterKind, LetterStatus
from vocrehab.casework.services.letters import write_withheld_again
from vocrehab.episodes.services import record_discharge, record_first_contact_date

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def referred(make_episode, service):
    """An episode referred by a nurse; the client not yet asked about letters to their GP."""

    def make(worker=None, *, gp_consent=None, **fields):
        fields.setdefault("referrer_name", "Nurse Jones")
        fields.setdefault("referrer_organisation", "NHS GGC")
        fields.setdefault("referrer_email", "nurse@example.org")
        fields.setdefault("consent_to_share", True)
        episode = make_episode(service, worker=worker, **fields)
        client = episode.client
        client.gp_practice = "Riverside Medical Practice"
        client.gp_address = "2 River Road\nGlasgow\nG1 1AA"
        client.gp_email = "gp.practice@nhs.example"
        client.consent_to_share_with_gp = gp_consent
        client.save()
        return episode

    return make


def _gp_letters(episode, kind=LetterKind.FIRST_CONTACT):
    return list(
        Letter.objects.filter(episode=episode, kind=kind, recipient_kind="gp").order_by("pk")
    )


def _edit_client(web, client, **changes):
    client.refresh_from_db()
    data = form_data(
        client,
        contact_by_phone="",
        gp_practice=client.gp_practice,
        gp_address=client.gp_address,
        gp_email=client.gp_email,
        consent_to_share_with_gp=(
            ""
            if client.consent_to_share_with_gp is None
            else ("yes" if client.consent_to_share_with_gp else "no")
        ),
    )
    data.update(changes)
    return web.post(reverse("clients:edit", args=[client.pk]), data)


def test_consent_given_on_the_client_record_writes_and_sends_the_gp_letter_once(
    case_manager, referred, django_capture_on_commit_callbacks
):
    web, user = case_manager
    episode = referred(user)
    with django_capture_on_commit_callbacks(execute=True):
        record_first_contact_date(episode, on=TODAY - datetime.timedelta(days=2))
    (withheld,) = _gp_letters(episode)
    assert withheld.status == LetterStatus.WITHHELD
    assert [m.to for m in mail.outbox] == [["nurse@example.org"]]

    with django_capture_on_commit_callbacks(execute=True):
        r = _edit_client(web, episode.client, consent_to_share_with_gp="yes")
    assert r.status_code == 302, r.content
    old, new = _gp_letters(episode)
    assert old.pk == withheld.pk and old.status == LetterStatus.SUPERSEDED
    assert old.reason == "The client has not been asked whether their GP may have letters."
    assert new.replaces == old and new.status == LetterStatus.SENT
    assert new.recipient_name == "Riverside Medical Practice"
    assert "Dear Riverside Medical Practice" in new.body
    assert [m.to for m in mail.outbox][1:] == [["gp.practice@nhs.example"]]

    # On the timeline: the withheld letter, and the letter written once it could go.
    page = web.get(reverse("casework:episode", args=[episode.pk])).content.decode()
    assert "First-contact acknowledgement to the GP: withheld, then written" in page
    assert "First-contact acknowledgement to the GP: sent" in page
    assert "Withheld at first; written once it could go." in page
    assert reverse("casework:letter_pdf", args=[new.pk]) in page
    assert reverse("casework:letter_pdf", args=[old.pk]) not in page
    assert web.get(reverse("casework:letter_pdf", args=[old.pk])).status_code == 404

    # Saving the record again, or being asked again, writes and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        _edit_client(web, episode.client, phone="0141 496 0000")
        assert write_withheld_again(episode) == []
    assert len(_gp_letters(episode)) == 2 and len(mail.outbox) == 2


def test_a_practice_added_without_email_puts_the_letter_on_the_print_list(
    case_manager, referred, signed_in
):
    web, user = case_manager
    episode = referred(user, gp_consent=True)
    client = episode.client
    client.gp_practice = client.gp_address = client.gp_email = ""
    client.save()
    record_first_contact_date(episode, on=TODAY)
    (withheld,) = _gp_letters(episode)
    assert withheld.reason == "No GP practice is recorded on the client's record."
    r = _edit_client(
        web,
        client,
        gp_practice="Hillside Surgery",
        gp_address="1 Hill Street\nGlasgow\nG2 2BB",
    )
    assert r.status_code == 302, r.content
    _old, new = _gp_letters(episode)
    assert (new.channel, new.status) == (LetterChannel.PRINT, LetterStatus.DRAFTED)
    web.logout()
    office, _user = signed_in(Role.ADMIN_ASSISTANT)
    text = office.get(reverse("casework:letters_to_print")).content.decode()
    assert "Hillside Surgery" in text and "1 letter waiting" in text


def test_a_letter_still_withheld_says_why_as_things_stand(case_manager, referred):
    web, user = case_manager
    episode = referred(user)
    record_first_contact_date(episode, on=TODAY)
    # The client agrees, but the practice is removed in the same change.
    _edit_client(
        web,
        episode.client,
        consent_to_share_with_gp="yes",
        gp_practice="",
        gp_address="",
        gp_email="",
    )
    (letter,) = _gp_letters(episode)
    assert letter.status == LetterStatus.WITHHELD
    assert letter.reason == "No GP practice is recorded on the client's record."


def test_a_referrer_added_on_the_episode_writes_the_referrers_letter(
    case_manager, referred, django_capture_on_commit_callbacks
):
    web, user = case_manager
    episode = referred(user, referrer_name="", referrer_organisation="", referrer_email="")
    record_first_contact_date(episode, on=TODAY)
    (withheld,) = Letter.objects.filter(episode=episode, recipient_kind="referrer")
    assert withheld.reason == "No referrer is recorded on the episode."
    url = reverse("casework:referrer_edit", args=[episode.pk])
    page = web.get(url).content.decode()
    assert "Change the referrer" in page
    episode.refresh_from_db()
    form = {
        "referrer_name": "Dr Patel",
        "referrer_role": "Consultant oncologist",
        "referrer_organisation": "Beatson",
        "referrer_email": "dr.patel@nhs.example",
        "referrer_phone": "",
        "version": episode.version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = web.post(url, form)
    assert r.status_code == 302, r.content
    old, new = Letter.objects.filter(episode=episode, recipient_kind="referrer").order_by("pk")
    assert old.status == LetterStatus.SUPERSEDED and new.replaces == old
    assert (new.recipient_name, new.status) == ("Dr Patel", LetterStatus.SENT)
    assert [m.to for m in mail.outbox] == [["dr.patel@nhs.example"]]
    episode.refresh_from_db()
    assert episode.referrer_organisation == "Beatson"
    # A second save (a phone number added) sends nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        r = web.post(url, {**form, "referrer_phone": "0141 496 0001", "version": episode.version})
    assert r.status_code == 302
    assert Letter.objects.filter(episode=episode, recipient_kind="referrer").count() == 2
    assert len(mail.outbox) == 1


def test_the_referrer_form_refuses_a_phone_that_is_not_a_number(case_manager, referred):
    web, user = case_manager
    episode = referred(user)
    url = reverse("casework:referrer_edit", args=[episode.pk])
    r = web.post(
        url,
        {"referrer_name": "Dr Patel", "referrer_phone": "bleep 4432", "version": episode.version},
    )
    assert r.status_code == 200
    assert "Enter a phone number using digits only" in r.content.decode()
    episode.refresh_from_db()
    assert episode.referrer_phone == "" and episode.referrer_name != "Dr Patel"


def test_the_referrer_form_refuses_a_bad_email_and_a_stale_edit(case_manager, referred):
    web, user = case_manager
    episode = referred(user, referrer_name="")
    url = reverse("casework:referrer_edit", args=[episode.pk])
    r = web.post(url, {"referrer_name": "Dr Patel", "referrer_email": "no", "version": 1})
    assert r.status_code == 200 and "enter a valid email address" in r.content.decode()
    r = web.post(url, {"referrer_name": "Dr Patel", "version": episode.version + 5})
    assert r.status_code == 200
    assert "changed" in r.content.decode()
    episode.refresh_from_db()
    assert episode.referrer_name == ""


@pytest.mark.parametrize("role", [Role.ADMIN_ASSISTANT, Role.COMMISSIONER])
def test_only_those_who_record_casework_change_the_referrer(signed_in, referred, role):
    episode = referred()
    web, _user = signed_in(role)
    url = reverse("casework:referrer_edit", args=[episode.pk])
    assert web.get(url).status_code == 403
    assert web.post(url, {"referrer_name": "X", "version": 1}).status_code == 403


def test_only_the_latest_letter_still_due_is_written_again(case_manager, referred):
    """After discharge the first-contact acknowledgement is not written late: the
    discharge summary, withheld too, goes instead."""
    _web, user = case_manager
    episode = referred(user)
    record_first_contact_date(episode, on=TODAY - datetime.timedelta(days=10))
    record_discharge(episode, on=TODAY, work_status="at_work")
    client = episode.client
    client.consent_to_share_with_gp = True
    client.save()
    written = write_withheld_again(episode)
    assert [(x.kind, x.recipient_kind) for x in written] == [(LetterKind.DISCHARGE, "gp")]
    assert _gp_letters(episode)[0].status == LetterStatus.WITHHELD  # first contact


def test_a_reopened_episodes_discharge_summary_is_not_written(case_manager, referred):
    _web, user = case_manager
    episode = referred(user, first_contact_date=TODAY - datetime.timedelta(days=10))
    record_discharge(episode, on=TODAY, work_status="at_work")
    services.reopen(episode, by=user, reason="Discharged in error")
    client = episode.client
    client.consent_to_share_with_gp = True
    client.save()
    assert write_withheld_again(episode) == []


def test_lifting_a_restriction_writes_what_it_held_back(signed_in, referred):
    episode = referred(gp_consent=True)
    client = episode.client
    client.processing_restricted = True
    client.restriction_reason = "Asked while a complaint is looked at"
    client.save()
    record_first_contact_date(episode, on=TODAY)
    assert {x.status for x in Letter.objects.filter(episode=episode)} == {LetterStatus.WITHHELD}
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    client.refresh_from_db()
    r = web.post(
        reverse("clients:rights", args=[client.pk]),
        {"processing_restricted": "", "accuracy_disputed": "", "version": client.version},
    )
    assert r.status_code == 302, r.content
    statuses = sorted(Letter.objects.filter(episode=episode).values_list("status", flat=True))
    assert statuses.count(LetterStatus.SUPERSEDED) == 2
    assert Letter.objects.filter(episode=episode, replaces__isnull=False).count() == 2
