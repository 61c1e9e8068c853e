"""A client whose processing is restricted is sent no questionnaire invitations until the
restriction is lifted."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from vocrehab.clients.models import Client
from vocrehab.measures import services
from vocrehab.measures.models import Administration, AdministrationStatus, QuestionnaireLink

T0 = datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))


def test_nothing_is_sent_while_restricted(episode):
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    Client.objects.filter(pk=episode.client_id).update(
        processing_restricted=True, restriction_reason="Asked us to stop while she decides"
    )
    with time_machine.travel(T0, tick=False):
        counts = services.send_due_invitations()
    assert counts.get("sent", 0) == 0 and not mail.outbox
    assert not QuestionnaireLink.objects.exists()
    assert set(Administration.objects.values_list("status", flat=True)) == {
        AdministrationStatus.SCHEDULED
    }
    Client.objects.filter(pk=episode.client_id).update(processing_restricted=False)
    with time_machine.travel(T0, tick=False):
        counts = services.send_due_invitations()
    assert counts["sent"] > 0 and mail.outbox
