"""The referral is stored before any email; a failed email is kept for retry."""

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from vocrehab.referrals.models import Referral
from vocrehab.referrals.services import retry_acknowledgements
from vocrehab.referrals.tasks import retry_acknowledgements_task

from .helpers import fill_steps

pytestmark = pytest.mark.django_db


class MailServerDown(OSError):
    pass


def _failing_send(*args, **kwargs):
    raise MailServerDown("connection refused")


def test_failing_email_keeps_the_referral_and_the_page_succeeds(
    client, service, django_capture_on_commit_callbacks
):
    service.covered_areas = ["G31"]
    service.save()
    fill_steps(client, "professional")
    with (
        mock.patch("vocrehab.referrals.services.send_mail", _failing_send),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/referrals/refer/professional/check/", {})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.episode is not None and referral.episode.client.last_name == "Smith"
    assert referral.email_sent_at is None
    assert referral.email_attempts == 1
    assert "MailServerDown" in referral.last_error
    assert len(mail.outbox) == 0
    # The acknowledgement page still shows the reference.
    assert referral.reference.encode() in client.get("/referrals/refer/done/").content


def test_retry_sends_what_failed(make_referral, django_capture_on_commit_callbacks):
    with (
        mock.patch("vocrehab.referrals.services.send_mail", _failing_send),
        django_capture_on_commit_callbacks(execute=True),
    ):
        referral = make_referral(email="nurse@example.org")
    assert Referral.objects.get(pk=referral.pk).email_sent_at is None
    call_command("retry_acknowledgements")
    referral.refresh_from_db()
    assert referral.email_sent_at is not None
    assert referral.email_attempts == 2 and referral.last_error == ""
    assert len(mail.outbox) == 1
    # Already sent: a second retry sends nothing more.
    assert retry_acknowledgements() == (0, 0)
    assert len(mail.outbox) == 1


def test_retry_gives_up_after_the_maximum_attempts(make_referral):
    referral = make_referral(email="nurse@example.org")
    Referral.objects.filter(pk=referral.pk).update(email_attempts=5)
    assert retry_acknowledgements(max_attempts=5) == (0, 0)


def test_retry_task_reports_counts(make_referral, django_capture_on_commit_callbacks):
    make_referral(email="a@example.org")  # its own send is never run: no commit here
    with django_capture_on_commit_callbacks(execute=True):
        result = retry_acknowledgements_task.enqueue()
    assert result.return_value == [1, 0]


def test_no_email_address_means_no_email(make_referral, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(email="")
    assert len(mail.outbox) == 0
    assert referral.email_attempts == 0


def test_email_holds_no_health_information(make_referral, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(email="nurse@example.org")
    body = mail.outbox[0].body
    assert referral.reference in body
    assert "Smith" not in body and "C50" not in body and "cancer" not in body.lower()


@pytest.mark.parametrize(
    ("days", "said"), [(5, "within 5 working days"), (1, "within 1 working day ")]
)
def test_email_gives_the_services_own_first_contact_standard(
    make_referral, service, django_capture_on_commit_callbacks, days, said
):
    service.first_contact_standard_days = days
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(email="nurse@example.org")
    assert said in mail.outbox[0].body


def test_the_welsh_email_gives_the_services_own_standard(
    make_referral, service, django_capture_on_commit_callbacks
):
    service.first_contact_standard_days = 3
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(email="nurse@example.org")
    Referral.objects.filter(pk=referral.pk).update(email_sent_at=None, language="cy")
    mail.outbox.clear()
    retry_acknowledgements()
    assert "o fewn 3 diwrnod gwaith" in mail.outbox[0].body
