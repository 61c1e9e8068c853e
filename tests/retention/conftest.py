"""A person whose care ended long ago, with casework, a document and a change history."""

import datetime

import pytest
from django.core.files.base import ContentFile

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.casework.models import CaseNote, Contact, EpisodeDocument
from vocrehab.clients.services import update_client
from vocrehab.codes import Condition, Engagement, WorkStatus
from vocrehab.episodes.models import Episode
from vocrehab.referrals.services import create_referral

# Far enough after the episodes below for the default 8 years to have passed.
TODAY = datetime.date(2034, 3, 1)
DIAGNOSED = datetime.date(2023, 12, 1)


def closed_episode(service, author, *, discharged=datetime.date(2024, 11, 20), **person):
    """A referral taken, assessed, worked and discharged, the way staff record it.

    The person has multiple sclerosis unless ``condition`` says otherwise, so that the
    adult health record's period applies; records relating to cancer are kept longer
    (``test_cancer_records.py``).
    """
    person.setdefault("condition", Condition.MS)
    person.setdefault("condition_detail", "G35" if person["condition"] == Condition.MS else "C50")
    episode = create_referral(
        service=service, channel="phone", data=intake(**person)
    ).referral.episode
    Episode.objects.filter(pk=episode.pk).update(
        first_contact_date=datetime.date(2024, 3, 4),
        assessment_date=datetime.date(2024, 3, 11),
        discharge_date=discharged,
        followup_date=discharged + datetime.timedelta(days=182),
        diagnosis_date=DIAGNOSED,
        engagement=Engagement.ENGAGED,
        work_status_at_discharge=WorkStatus.AT_WORK,
        discharge_reason="Back at work after treatment",
        deprivation_index="simd2020",
        deprivation_rank=432,
        deprivation_decile=1,
    )
    episode.refresh_from_db()
    Contact.objects.create(
        episode=episode,
        contact_date=datetime.date(2024, 4, 17),
        mode="phone",
        note="Spoke about fatigue at work",
        recorded_by=author,
    )
    CaseNote.objects.create(episode=episode, text="Worried about her manager", author=author)
    document = EpisodeDocument(
        episode=episode,
        title="Fit note",
        uploaded_by=author,
        original_name="fit-note.pdf",
        content_type="application/pdf",
        file_extension="pdf",
        size=17,
    )
    document.file.save("fit-note.pdf", ContentFile(b"%PDF-1.4 fit note"), save=False)
    document.save()
    client = episode.client
    # A change in the change history, holding the old and new phone numbers.
    update_client(client, values={"phone": "0141 496 0999"}, version=client.version)
    return episode


@pytest.fixture
def worker(make_staff, service):
    return make_staff(Role.CASE_MANAGER, service)


@pytest.fixture
def old_episode(service, worker):
    return closed_episode(service, worker)
