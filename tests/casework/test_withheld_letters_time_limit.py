"""A withheld letter is written late only if it was withheld within the service's limit
(90 days unless the service manager chose otherwise): consent or an address added later
writes the recent ones, and an older one stays withheld with the timeline saying why."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.casework.test_letters_written_again import _edit_client
from vocrehab.accounts.models import Role
from vocrehab.casework.models import Letter, LetterKind, LetterStatus
from vocrehab.clients.models import Client
from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.dates import human_date
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import record_discharge

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _discharged(episode: Episode, days_ago: int) -> Letter:
    """Discharge ``episode`` as if on the day ``days_ago`` days back (its letters written
    then); the discharge summary to the GP, withheld for want of the client's answer."""
    day = _days_ago(days_ago)
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=False):
        record_discharge(episode, on=day, work_status="at_work")
    letter = Letter.objects.get(episode=episode, kind=LetterKind.DISCHARGE, recipient_kind="gp")
    assert letter.status == LetterStatus.WITHHELD
    assert timezone.localtime(letter.created_at).date() == day
    return letter


@pytest.fixture
def gp_client(service):
    """A client with a GP practice on their record, not yet asked about letters to it;
    ``gp_client(days)`` makes one of their episodes, referred ``days`` ago, first
    contact the day after."""
    client = Client.objects.create(
        service=service,
        reference="C-LATE",
        first_name="Alex",
        last_name="Synthetic",
        date_of_birth=datetime.date(1970, 1, 1),
        gp_practice="Riverside Medical Practice",
        gp_address="2 River Road\nGlasgow\nG1 1AA",
        gp_email="gp.practice@nhs.example",
    )

    def episode(referred_days_ago: int) -> Episode:
        return Episode.objects.create(
            service=service,
            client=client,
            reference=f"E-LATE-{referred_days_ago}",
            tier="3",
            highest_tier="3",
            referral_date=_days_ago(referred_days_ago),
            first_contact_date=_days_ago(referred_days_ago - 1),
            referral_source=ReferralSource.ACUTE_NHS,
            referrer_name="Nurse Jones",
            referrer_email="nurse@example.org",
            consent_to_share=True,
            condition=Condition.CANCER,
            work_status_at_referral=WorkStatus.OFF_SICK,
            main_reason=MainReason.RETURN_FROM_SICKNESS,
        )

    episode.client = client
    return episode


def _gp_summaries(episode):
    return list(
        Letter.objects.filter(
            episode=episode, kind=LetterKind.DISCHARGE, recipient_kind="gp"
        ).order_by("pk")
    )


def test_consent_writes_the_recent_summary_and_not_the_old_one(
    case_manager, gp_client, django_capture_on_commit_callbacks
):
    web, _user = case_manager
    old_episode = gp_client(400)
    recent_episode = gp_client(60)
    old = _discharged(old_episode, days_ago=200)
    recent = _discharged(recent_episode, days_ago=10)

    with django_capture_on_commit_callbacks(execute=True):
        r = _edit_client(web, gp_client.client, consent_to_share_with_gp="yes")
    assert r.status_code == 302, r.content

    # Withheld 10 days ago: written now and sent to the practice.
    was, new = _gp_summaries(recent_episode)
    assert was.pk == recent.pk and was.status == LetterStatus.SUPERSEDED
    assert new.replaces == was and new.status == LetterStatus.SENT
    assert [m.to for m in mail.outbox if "gp.practice@nhs.example" in m.to] == [
        ["gp.practice@nhs.example"]
    ]
    # Withheld 200 days ago: still withheld, saying why.
    (kept,) = _gp_summaries(old_episode)
    assert kept.pk == old.pk and kept.status == LetterStatus.WITHHELD
    why = (
        f"Not written now that the record allows it: it was withheld on "
        f"{human_date(_days_ago(200))}, more than 90 days ago (this service's limit for "
        "writing a withheld letter later)."
    )
    assert kept.reason == why
    page = web.get(reverse("casework:episode", args=[old_episode.pk])).content.decode()
    assert "Discharge summary to the GP: withheld" in page
    assert why.replace("'", "&#x27;") in page

    # Saving the record again changes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        _edit_client(web, gp_client.client, phone="0141 496 0000")
    assert len(_gp_summaries(old_episode)) == 1 and len(_gp_summaries(recent_episode)) == 2


@pytest.mark.parametrize(("days_ago", "written"), [(90, True), (91, False)])
def test_the_limit_is_ninety_days_unless_the_service_says_otherwise(
    case_manager, gp_client, days_ago, written
):
    web, _user = case_manager
    episode = gp_client(400)
    letter = _discharged(episode, days_ago=days_ago)
    r = _edit_client(web, gp_client.client, consent_to_share_with_gp="yes")
    assert r.status_code == 302, r.content
    letter.refresh_from_db()
    if written:
        assert letter.status == LetterStatus.SUPERSEDED
        assert len(_gp_summaries(episode)) == 2
    else:
        assert letter.status == LetterStatus.WITHHELD
        assert "more than 90 days ago" in letter.reason
        assert human_date(_days_ago(91)) in letter.reason
        assert len(_gp_summaries(episode)) == 1


def test_the_service_manager_sets_the_limit(signed_in, service, gp_client):
    url = reverse("casework:letter_templates")
    manager, _user = signed_in(Role.SERVICE_MANAGER)
    page = manager.get(url).content.decode()
    assert "Withheld letters written later" in page and 'value="90"' in page
    for bad, message in [
        ("-1", "Give a number of days from 0 to 3650."),
        ("3651", "Give a number of days from 0 to 3650."),
        ("soon", "Enter a whole number of days, for example 90."),
        ("", "Enter a number of days, for example 90."),
    ]:
        r = manager.post(url, {"withheld_letter_days": bad})
        assert r.status_code == 200 and message in r.content.decode()
        service.refresh_from_db()
        assert service.withheld_letter_days == 90
    r = manager.post(url, {"withheld_letter_days": "30"})
    assert r.status_code == 302
    service.refresh_from_db()
    assert service.withheld_letter_days == 30 and service.letters_by_post == "print"
    followed = manager.get(url).content.decode()
    assert "withheld within 30 days" in followed and 'value="30"' in followed

    # Now a summary withheld 45 days ago stays withheld; one withheld 30 days ago goes.
    older = _discharged(gp_client(400), days_ago=45)
    newer = _discharged(gp_client(60), days_ago=30)
    web, _worker = signed_in(Role.CASE_MANAGER)
    r = _edit_client(web, gp_client.client, consent_to_share_with_gp="yes")
    assert r.status_code == 302, r.content
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == LetterStatus.WITHHELD and "more than 30 days ago" in older.reason
    assert newer.status == LetterStatus.SUPERSEDED


def test_only_a_service_manager_sets_the_limit(signed_in, service):
    web, _user = signed_in(Role.CASE_MANAGER)
    r = web.post(reverse("casework:letter_templates"), {"withheld_letter_days": "5"})
    assert r.status_code == 403
    service.refresh_from_db()
    assert service.withheld_letter_days == 90
