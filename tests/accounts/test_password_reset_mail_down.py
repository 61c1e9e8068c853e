"""Password reset with the mail server down: the same answer for every address, the
failure logged and retried, never a server error."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from vocrehab.accounts.models import Role

pytestmark = pytest.mark.django_db


class BrokenBackend(EmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "mail server unavailable")


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"


@pytest.fixture
def reset(client, django_capture_on_commit_callbacks):
    """Ask for a reset link; the email is queued when the request's transaction commits."""

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("account_reset_password"), {"email": email})

    return ask


def test_real_and_unknown_addresses_get_the_same_answer(
    reset, make_staff, service, mail_down, caplog
):
    user = make_staff(Role.CASE_MANAGER, service)
    caplog.set_level(logging.WARNING, logger="vocrehab")
    known = reset(user.email)
    unknown = reset("nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The failure is logged for the operators, naming the account by id, not address.
    failures = [r for r in caplog.records if "password reset" in r.getMessage()]
    assert failures and all(user.email not in r.getMessage() for r in failures)
    assert f"user {user.pk}" in failures[0].getMessage()


def test_a_failed_send_is_retried_later(reset, make_staff, service, mail_down, settings):
    from django_tasks.backends.database.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    user = make_staff(Role.CASE_MANAGER, service)
    assert reset(user.email).status_code == 302
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="send_staff_email_task")
    # Queued, not sent in the request: the answer takes the same time for every address.
    assert queued.status == "READY"
    assert queued.args_kwargs["kwargs"]["to"] == [user.email]


def test_when_the_mail_server_works_the_link_arrives(reset, make_staff, service):
    user = make_staff(Role.CASE_MANAGER, service)
    assert reset(user.email).status_code == 302
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_the_worker_retries_with_a_wait_then_gives_up(
    reset, make_staff, service, mail_down, settings, caplog, django_capture_on_commit_callbacks
):
    from django.utils import timezone
    from django_tasks.backends.database.models import DBTaskResult

    from vocrehab.accounts.mail import RETRY_MINUTES, deliver_staff_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    user = make_staff(Role.CASE_MANAGER, service)
    reset(user.email)
    queued = DBTaskResult.objects.get(task_path__endswith="send_staff_email_task")
    message = queued.args_kwargs["kwargs"]
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_staff_email(**message) is False
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now()
    caplog.set_level(logging.ERROR, logger="vocrehab")
    last = dict(message, attempt=len(RETRY_MINUTES) + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_staff_email(**last) is False
    assert DBTaskResult.objects.count() == 2  # no further retry
    assert any("not sent after 5 attempts" in r.getMessage() for r in caplog.records)
