"""Emails to staff that must not fail a request: sent by a background task, retried.

A password reset is answered at once and in the same way whether or not the address
belongs to an account (no enumeration, by answer or by timing); the email goes from the
worker. A mail server that is down is logged and retried with a growing wait, then given
up on with an error in the log for the operators. Logs name the account by id: an email
address is personal data.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

logger = logging.getLogger(__name__)

# Minutes to wait before each retry; one first attempt plus one per entry.
RETRY_MINUTES = (1, 5, 15, 60)


def queue_staff_email(message: EmailMessage, *, user_id: int, purpose: str) -> None:
    """Send ``message`` from the background worker (see :func:`deliver_staff_email`)."""
    # Here, not at the top: the tasks module imports this one.
    from .tasks import send_staff_email_task

    html = next(
        (content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"),
        "",
    )
    send_staff_email_task.enqueue(
        user_id=user_id,
        purpose=purpose,
        subject=message.subject,
        body=message.body,
        html=html,
        from_email=message.from_email,
        to=list(message.to),
        attempt=1,
    )


def deliver_staff_email(
    *,
    user_id: int,
    purpose: str,
    subject: str,
    body: str,
    html: str,
    from_email: str,
    to: list[str],
    attempt: int,
) -> bool:
    """Send one email; on failure log it and queue a later retry. Never raises."""
    # Here, not at the top: the tasks module imports this one.
    from .tasks import send_staff_email_task

    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport failure is retried or reported
        reason = type(error).__name__
        can_wait = send_staff_email_task.get_backend().supports_defer
        if attempt <= len(RETRY_MINUTES) and can_wait:
            wait = RETRY_MINUTES[attempt - 1]
            logger.warning(
                "The %s email for user %s was not sent (attempt %s, %s); retrying in %s minutes.",
                purpose,
                user_id,
                attempt,
                reason,
                wait,
            )
            send_staff_email_task.using(
                run_after=timezone.now() + datetime.timedelta(minutes=wait)
            ).enqueue(
                user_id=user_id,
                purpose=purpose,
                subject=subject,
                body=body,
                html=html,
                from_email=from_email,
                to=to,
                attempt=attempt + 1,
            )
        else:
            logger.error(
                "The %s email for user %s was not sent after %s attempts (%s); check the "
                "mail settings, then ask the user to request it again.",
                purpose,
                user_id,
                attempt,
                reason,
            )
        return False
    return True
