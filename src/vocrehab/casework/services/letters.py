"""Letters out: the first-contact acknowledgement and the discharge summary.

When the episode core announces a first contact or a discharge (whichever path recorded
it), :func:`write_letters` writes one letter to the referrer and one to the client's GP.
Consent is checked first, and a letter it does not allow is kept as withheld, with the
reason, and never sent:

- to the GP only when the client agreed (``Client.consent_to_share_with_gp``), and the
  practice has an email or a postal address;
- to the referrer never for a self-referral, nor when the client declined information
  sharing at referral;
- to nobody while the client's processing is restricted.

A letter with an email address goes by the background worker (GOV.UK Notify when its
letter template is set, else the site's email), the PDF attached, retried on failure; one
without waits in the letters to print. Each letter that leaves is a disclosure of a
person's information and is written to the access log.
"""

from __future__ import annotations

import datetime
import io
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event
from vocrehab.codes import ReferralSource
from vocrehab.conf import notify_api_key, text_setting
from vocrehab.episodes.models import Episode

from .. import letters as wording
from ..models import (
    Letter,
    LetterChannel,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    RecipientKind,
)
from .errors import CaseworkError

logger = logging.getLogger(__name__)

# Minutes to wait before each retry of a send; one first attempt plus one per entry.
RETRY_MINUTES = (1, 5, 15, 60)


class LetterNotSent(Exception):
    """An email could not be handed over for delivery (the reason has no address in it)."""


# --------------------------------------------------------------------- who it goes to


def _referrer(episode: Episode) -> tuple[str, str, str, str]:
    """(name, address, email, why withheld) for the referrer."""
    if episode.referral_source == ReferralSource.SELF:
        return "", "", "", _("Self-referral: there is no referrer to write to.")
    if episode.consent_to_share is False:
        return "", "", "", _("The client did not agree to information sharing at referral.")
    name = episode.referrer_name.strip()
    if not name and not episode.referrer_email:
        return "", "", "", _("No referrer is recorded on the episode.")
    address = "\n".join(
        part
        for part in (episode.referrer_role.strip(), episode.referrer_organisation.strip())
        if part
    )
    return name or episode.referrer_organisation, address, episode.referrer_email, ""


def _gp(episode: Episode) -> tuple[str, str, str, str]:
    """(name, address, email, why withheld) for the client's GP practice."""
    client = episode.client
    if client.consent_to_share_with_gp is None:
        return "", "", "", _("The client has not been asked whether their GP may have letters.")
    if not client.consent_to_share_with_gp:
        return "", "", "", _("The client does not agree to letters to their GP.")
    if not client.gp_practice.strip():
        return "", "", "", _("No GP practice is recorded on the client's record.")
    if not client.gp_email and not client.gp_address.strip():
        return "", "", "", _("The GP practice has no email or postal address recorded.")
    return client.gp_practice.strip(), client.gp_address.strip(), client.gp_email, ""


_RECIPIENTS = {RecipientKind.REFERRER: _referrer, RecipientKind.GP: _gp}


def notify_letter_template_id() -> str:
    """The GOV.UK Notify email template for letters (``((subject))``, ``((body))``,
    ``((link_to_file))``); without it and an API key, letters go by the site's email."""
    return text_setting("VOCREHAB_NOTIFY_LETTER_TEMPLATE_ID")


def uses_notify() -> bool:
    return bool(notify_api_key() and notify_letter_template_id())


def notify_client():
    """A Notify API client (a function so that tests can replace it)."""
    # The Notify client is loaded only when a letter goes by Notify.
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(notify_api_key())


# --------------------------------------------------------------------------- writing


def write_letters(episode: Episode, kind: str) -> list[Letter]:
    """Write ``kind`` to the referrer and to the GP, or record each as withheld.

    Called inside the transaction that recorded the event; sending starts when it
    commits. A first-contact letter already written to a recipient is not written again.
    """
    episode = Episode.objects.select_related("client", "service", "case_manager").get(pk=episode.pk)
    written = []
    for recipient_kind, find in _RECIPIENTS.items():
        if (
            kind == LetterKind.FIRST_CONTACT
            and Letter.objects.filter(
                episode=episode, kind=kind, recipient_kind=recipient_kind
            ).exists()
        ):
            continue
        name, address, email, withheld = find(episode)
        if not withheld and episode.client.processing_restricted:
            withheld = _("The client's processing is restricted: nothing is sent.")
        letter = Letter(episode=episode, kind=kind, recipient_kind=recipient_kind)
        if withheld:
            letter.status = LetterStatus.WITHHELD
            letter.reason = withheld[:255]
        else:
            text = wording.write(episode, kind, recipient_name=name)
            letter.recipient_name = name[:200]
            letter.recipient_address = address
            letter.recipient_email = email
            letter.subject = text.subject[:200]
            letter.body = text.body
            letter.channel = (
                (LetterChannel.NOTIFY if uses_notify() else LetterChannel.EMAIL)
                if email
                else LetterChannel.PRINT
            )
        try:
            with transaction.atomic():
                letter.save()
        except IntegrityError:  # written meanwhile by a concurrent request
            continue
        written.append(letter)
        if letter.channel in (LetterChannel.EMAIL, LetterChannel.NOTIFY):
            transaction.on_commit(lambda pk=letter.pk: _queue(pk, attempt=1))
    return written


def _queue(letter_id: int, *, attempt: int, wait_minutes: int = 0) -> None:
    # Here, not at the top: the tasks module imports this one.
    from ..tasks import send_letter_task

    task = send_letter_task
    if wait_minutes:
        task = task.using(run_after=timezone.now() + datetime.timedelta(minutes=wait_minutes))
    try:
        task.enqueue(letter_id=letter_id, attempt=attempt)
    except Exception:  # noqa: BLE001 - the letter is stored; "Try again" sends it later
        logger.exception("could not queue letter %s", letter_id)


# --------------------------------------------------------------------------- sending


def _send_email(letter: Letter, pdf: bytes) -> None:
    service = letter.episode.service
    message = EmailMessage(
        letter.subject,
        letter.body,
        settings.DEFAULT_FROM_EMAIL,
        [letter.recipient_email],
        reply_to=[service.email] if service.email else None,
    )
    message.attach(wording.pdf_filename(letter), pdf, "application/pdf")
    message.send(fail_silently=False)


def _send_notify(letter: Letter, pdf: bytes) -> None:
    # The Notify client is loaded only when a letter goes by Notify.
    from notifications_python_client import prepare_upload

    notify_client().send_email_notification(
        email_address=letter.recipient_email,
        template_id=notify_letter_template_id(),
        personalisation={
            "subject": letter.subject,
            "body": letter.body,
            "link_to_file": prepare_upload(io.BytesIO(pdf), filename=wording.pdf_filename(letter)),
        },
        reference=f"letter-{letter.pk}",
    )


def _describe(exc: Exception) -> str:
    # Never the address: an error's text may hold it.
    status = getattr(exc, "status_code", None)
    return (type(exc).__name__ + (f" {status}" if status else ""))[:255]


def _disclosed(letter: Letter, *, user=None, request=None, how: str) -> None:
    record_event(
        action=Action.EXPORT,
        request=request,
        user=user,
        object_type="casework.letter",
        object_id=letter.pk,
        client_id=letter.episode.client_id,
        service_id=letter.episode.service_id,
        detail=(
            f"Letter {letter.pk} disclosed: {letter.get_kind_display()} to "
            f"{letter.get_recipient_kind_display()} {letter.recipient_name} ({how})"
        ),
    )


def send_letter(letter_id: int, *, attempt: int = 1) -> bool:
    """Send one waiting letter by email or Notify; never raises. True when it went.

    A failure is retried after 1, 5, 15 and 60 minutes (when the task queue can wait),
    then the letter shows as not sent on the letters page, with "Try again" and "Print
    instead". A letter sent, withheld or printed meanwhile is left alone.
    """
    letter = (
        Letter.objects.select_related("episode__service", "episode__client")
        .filter(
            pk=letter_id,
            status=LetterStatus.DRAFTED,
            channel__in=(LetterChannel.EMAIL, LetterChannel.NOTIFY),
        )
        .first()
    )
    if letter is None:
        return False
    if letter.episode.client.processing_restricted:
        Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFTED).update(
            status=LetterStatus.WITHHELD,
            reason=_("The client's processing is restricted: nothing is sent."),
        )
        return False
    try:
        pdf = wording.letter_pdf_bytes(letter)
        if letter.channel == LetterChannel.NOTIFY:
            _send_notify(letter, pdf)
        else:
            _send_email(letter, pdf)
    except Exception as exc:  # noqa: BLE001 - any transport failure is retried or shown
        reason = _describe(exc)
        # Here, not at the top: the tasks module imports this one.
        from ..tasks import send_letter_task

        can_wait = send_letter_task.get_backend().supports_defer
        retry = attempt <= len(RETRY_MINUTES) and can_wait
        Letter.objects.filter(pk=letter.pk).update(
            attempts=attempt,
            last_error=reason,
            status=LetterStatus.DRAFTED if retry else LetterStatus.FAILED,
            reason="" if retry else _("The email could not be sent (%(why)s).") % {"why": reason},
        )
        logger.warning("letter %s not sent (attempt %s, %s)", letter.pk, attempt, reason)
        if retry:
            _queue(letter.pk, attempt=attempt + 1, wait_minutes=RETRY_MINUTES[attempt - 1])
        return False
    with transaction.atomic():
        updated = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFTED).update(
            status=LetterStatus.SENT,
            sent_at=timezone.now(),
            attempts=attempt,
            last_error="",
            reason="",
        )
        if updated:
            _disclosed(letter, how=letter.get_channel_display().lower())
    return bool(updated)


# ------------------------------------------------------------------- staff's actions


def _check_waiting(letter: Letter, *statuses) -> None:
    if letter.status not in statuses:
        raise CaseworkError(
            _("This letter is %(status)s: there is nothing to do.")
            % {"status": letter.get_status_display().lower()}
        )


@transaction.atomic
def mark_posted(letter: Letter, *, by, request=None) -> Letter:
    """The printed letter went in the post: it leaves the print list (a disclosure)."""
    letter = Letter.objects.select_for_update().select_related("episode").get(pk=letter.pk)
    if letter.channel != LetterChannel.PRINT:
        raise CaseworkError(_("This letter goes by email, not by post."))
    _check_waiting(letter, LetterStatus.DRAFTED)
    letter.status = LetterStatus.PRINTED
    letter.sent_at = timezone.now()
    letter.posted_by = by
    letter.save(update_fields=["status", "sent_at", "posted_by"])
    _disclosed(letter, user=by, request=request, how="posted")
    return letter


@transaction.atomic
def print_instead(letter: Letter, *, by) -> Letter:
    """A letter whose email failed goes to the print list instead."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_waiting(letter, LetterStatus.FAILED)
    letter.channel = LetterChannel.PRINT
    letter.status = LetterStatus.DRAFTED
    letter.save(update_fields=["channel", "status"])
    return letter


@transaction.atomic
def try_again(letter: Letter, *, by) -> Letter:
    """Send a letter whose email failed once more (from the first attempt)."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _check_waiting(letter, LetterStatus.FAILED)
    letter.status = LetterStatus.DRAFTED
    letter.reason = ""
    letter.save(update_fields=["status", "reason"])
    transaction.on_commit(lambda: _queue(letter.pk, attempt=1))
    return letter


def save_letter_template(service, kind: str, *, subject: str, body: str, by):
    """Keep the service's wording of ``kind`` (checked: see ``letters.check_template``)."""
    problems = wording.check_template(subject) + wording.check_template(body)
    if problems:
        raise CaseworkError(problems[0])
    template, _created = LetterTemplate.objects.update_or_create(
        service=service, kind=kind, defaults={"subject": subject, "body": body, "updated_by": by}
    )
    return template
