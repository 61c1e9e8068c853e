"""A new install with no licensed wording sends a client one readable invitation at entry,
in their language, and the pages it opens speak that language too.

Nothing is set up beyond the service's name, phone and hours: no questionnaire schedule
(the default applies), no wording loaded (EQ-5D, HADS and COPM are not sent; PHQ-9,
GAD-7 and WHO-5 go with their published English wording). The assessment is recorded on
the triage page, the worker's sweep sends, and the client opens the one link.
"""

import datetime
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse

from tests.referrals.conftest import intake
from tests.referrals.test_triage_queue import _date
from vocrehab.accounts.models import Role
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    ItemWording,
    MeasureSchedule,
    QuestionnaireLink,
)
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def new_install(service):
    assert not MeasureSchedule.objects.exists() and not ItemWording.objects.exists()
    service.phone = "0141 496 0000"
    service.opening_hours = "Monday to Friday, 9am to 5pm"
    service.save()
    return service


def _assessed(signed_in, service, language):
    """A referral whose client prefers ``language``, assessed today on the triage page."""
    referral = create_referral(
        service=service,
        channel="phone",
        data=intake(preferred_language=language, contact_by_phone=False),
        received=TODAY - datetime.timedelta(days=3),
    ).referral
    staff, _user = signed_in(Role.CASE_MANAGER)
    episode = referral.episode
    response = staff.post(
        reverse("referrals:assessment", args=[referral.pk]),
        {**_date("as-", TODAY), "as-version": episode.version},
    )
    assert response.status_code == 302
    return episode


def _sweep() -> str:
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en-gb",
            [
                "Glasgow VR Service would like to ask you a few questions about how you are.",
                "Patient Health Questionnaire (PHQ-9), Generalised Anxiety Disorder "
                "assessment (GAD-7), WHO-5 Well-Being Index",
                "please call us on 0141 496 0000 (Monday to Friday, 9am to 5pm).",
            ],
        ),
        (
            "cy",
            [
                "Holiadur Iechyd Cleifion (PHQ-9) (yn Saesneg), Asesiad Anhwylder Gorbryder "
                "Cyffredinol (GAD-7) (yn Saesneg), Mynegai Llesiant WHO-5 (yn Saesneg)",
                "ar gael yn Gymraeg eto",
                "ffoniwch ni ar 0141 496 0000 (Monday to Friday, 9am to 5pm).",
            ],
        ),
    ],
)
def test_one_readable_invitation_at_entry_in_the_clients_language(
    signed_in, new_install, language, expected
):
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON), tick=False):
        episode = _assessed(signed_in, new_install, language)
        entry = Administration.objects.filter(episode=episode, timepoint="entry")
        codes = set(entry.values_list("instrument", flat=True))
        assert {"phq9", "gad7", "who5"} <= codes
        assert not codes & {"eq5d5l", "hads", "copm"}, "copyrighted wording is not loaded"
        assert "'invited': 1" in _sweep()
        assert "'invited': 0" in _sweep(), "a second sweep sends nothing more"

    (message,) = mail.outbox
    body = " ".join(message.body.split())
    for text in expected:
        assert text in body, text
    (url,) = re.findall(r"https?://\S+/measures/q/\S+/", message.body)
    (link,) = QuestionnaireLink.objects.filter(episode=episode)
    assert set(link.administrations.values_list("instrument", flat=True)) == codes
    assert set(entry.values_list("status", flat=True)) == {AdministrationStatus.INVITED}
    # No item codes and no empty placeholders: words a person can read.
    assert not re.search(r"\b(phq9|gad7|who5|q\d)\b|\{\{|\(\(", message.body)

    browser = Browser()
    with time_machine.travel(datetime.datetime(2026, 12, 8, 19, 0, tzinfo=LONDON), tick=False):
        opened = browser.get("/measures/q/" + url.split("/measures/q/", 1)[1])
        start = browser.get(opened["Location"])
    page = start.content.decode()
    assert f'<html lang="{language}">' in page
    heading = "Eich holiaduron" if language == "cy" else "Your questionnaires"
    assert f"<h1>{heading}</h1>" in page
