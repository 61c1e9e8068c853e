"""A failing email or GOV.UK Notify call is retried with back-off and never loses a
submitted response."""

import smtplib
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from notifications_python_client.errors import HTTPError

from vocrehab.measures import links, services
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    Channel,
    DeliveryStatus,
    ItemValue,
    QuestionnaireLink,
)

T0 = datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))
NOTIFY = {
    "NOTIFY_API_KEY": "test-key",
    "VOCREHAB_NOTIFY_EMAIL_TEMPLATE_ID": "email-template",
    "VOCREHAB_NOTIFY_SMS_TEMPLATE_ID": "sms-template",
}


@pytest.fixture
def due(episode):
    return services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))


def _notify_error():
    response = mock.Mock(status_code=500)
    response.json.return_value = {"errors": [{"error": "Exception", "message": "Internal"}]}
    return HTTPError(response)


def test_a_failing_smtp_send_is_retried_with_backoff(due):
    with (
        time_machine.travel(T0, tick=False),
        mock.patch(
            "vocrehab.measures.delivery.send_mail", side_effect=smtplib.SMTPException("down")
        ),
    ):
        counts = services.send_due_invitations()
    assert counts["retrying"] == 1
    link = QuestionnaireLink.objects.first()
    assert link.delivery_status == DeliveryStatus.PENDING
    assert link.attempts == 1
    assert link.last_error == "SMTPException"
    assert link.next_attempt_at == T0 + timedelta(minutes=5)
    # Not before the back-off has passed...
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        assert services.send_due_invitations()["sent"] == 0
    assert mail.outbox == []
    # ...then it goes.
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert services.send_due_invitations()["sent"] == 1
    link.refresh_from_db()
    assert link.delivery_status == DeliveryStatus.SENT
    assert link.attempts == 2
    assert link.last_error == ""
    assert len(mail.outbox) == 1


def test_sending_gives_up_after_the_last_attempt_and_says_so(due):
    when = T0
    with mock.patch(
        "vocrehab.measures.delivery.send_mail", side_effect=smtplib.SMTPException("down")
    ):
        for _ in range(services.MAX_SEND_ATTEMPTS):
            with time_machine.travel(when, tick=False):
                services.send_due_invitations()
            when += timedelta(hours=7)
    link = QuestionnaireLink.objects.first()
    assert link.attempts == services.MAX_SEND_ATTEMPTS
    assert link.delivery_status == DeliveryStatus.FAILED
    assert link.next_attempt_at is None


@override_settings(**NOTIFY)
def test_a_failing_notify_call_is_retried(due):
    client = mock.Mock()
    client.send_email_notification.side_effect = [_notify_error(), {"id": "ok"}]
    with mock.patch("vocrehab.measures.delivery.notify_client", return_value=client):
        with time_machine.travel(T0, tick=False):
            assert services.send_due_invitations()["retrying"] == 1
        with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
            assert services.send_due_invitations()["sent"] == 1
    assert client.send_email_notification.call_count == 2
    kwargs = client.send_email_notification.call_args.kwargs
    assert kwargs["template_id"] == "email-template"
    assert kwargs["email_address"] == Administration.objects.first().episode.client.email
    assert kwargs["personalisation"]["link"].count("/measures/q/") == 1
    assert QuestionnaireLink.objects.first().last_error == ""
    assert mail.outbox == []  # Notify, not Django email


@override_settings(**NOTIFY)
def test_text_messages_go_through_notify(make_episode, service):
    episode = make_episode(service, contact_by_email=False, contact_by_phone=True)
    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
    client = mock.Mock()
    with (
        mock.patch("vocrehab.measures.delivery.notify_client", return_value=client),
        time_machine.travel(T0, tick=False),
    ):
        services.send_due_invitations()
    assert client.send_sms_notification.call_count == 1
    assert client.send_sms_notification.call_args.kwargs["phone_number"] == "07700900123"
    assert QuestionnaireLink.objects.filter(channel=Channel.SMS).count() == 1


def test_a_submitted_response_survives_a_failing_notification(
    client, episode, make_staff, service, django_capture_on_commit_callbacks
):
    episode.case_manager = make_staff("case_manager", service)
    episode.save()
    administration = Administration.objects.create(
        episode=episode, instrument="work_ability", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    client.post(reverse("measures:questionnaire", args=[link.pk, 1]) + "?page=1", {"score": "8"})
    with (
        mock.patch("vocrehab.measures.tasks.send_mail", side_effect=smtplib.SMTPException),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(reverse("measures:check", args=[link.pk, 1]))
    # The notification was enqueued and ran (and failed) after the response committed.
    assert len(callbacks) >= 1
    assert response.status_code == 302
    administration.refresh_from_db()
    assert administration.status == AdministrationStatus.COMPLETED
    assert administration.completed_by == "client"
    assert ItemValue.objects.get(administration=administration, item="score").value == 8
    link.refresh_from_db()
    assert link.used_at is not None


def test_answers_are_stored_even_while_sending_keeps_failing(client, due):
    with (
        mock.patch("vocrehab.measures.delivery.send_mail", side_effect=OSError("no route")),
        time_machine.travel(T0, tick=False),
    ):
        services.send_due_invitations()
    link = QuestionnaireLink.objects.get(administrations__instrument="work_ability")
    assert link.delivery_status == DeliveryStatus.PENDING
    work_ability = link.administrations.get(instrument="work_ability")
    number = list(link.administrations.order_by("pk")).index(work_ability) + 1
    # The client got the link some other way (staff read it out): answers are kept.
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        client.get(reverse("measures:open_link", args=[links.make_token(link)]))
        page = reverse("measures:questionnaire", args=[link.pk, number]) + "?page=1"
        client.post(page, {"score": "4"})
        assert ItemValue.objects.get(administration=work_ability, item="score").value == 4
        client.post(reverse("measures:check", args=[link.pk, number]))
    work_ability.refresh_from_db()
    assert work_ability.status == AdministrationStatus.COMPLETED
    # An invitation the client has opened is never sent afterwards.
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        services.send_due_invitations()
    assert not any(links.make_token(link) in m.body for m in mail.outbox)


def test_a_failed_reminder_is_tried_again_at_the_next_sweep(due):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
    with (
        mock.patch("vocrehab.measures.delivery.send_mail", side_effect=smtplib.SMTPException),
        time_machine.travel(T0 + timedelta(days=5), tick=False),
    ):
        counts = services.send_due_invitations()
    assert counts["reminder_failed"] == 1
    assert QuestionnaireLink.objects.first().reminders_sent == 0
    with time_machine.travel(T0 + timedelta(days=5, minutes=5), tick=False):
        assert services.send_due_invitations()["reminded"] == 1
