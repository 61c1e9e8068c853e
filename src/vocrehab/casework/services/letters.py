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

A withheld letter is written later, when the record comes to allow it (the client's
details or the episode's referrer changed): :func:`write_withheld_again`, by the same
path, once, if it was withheld within the service's ``withheld_letter_days`` (90 unless
the service manager chose otherwise); an older one stays withheld, saying why. A
discharge summary not yet sent when the episode is re-opened is withheld, saying so
(:func:`withhold_on_reopening`); it is never written again, as the discharge it told of
was undone.

A letter with an email address goes by the background worker (GOV.UK Notify when its
letter template is set, else the site's email), the PDF attached, retried on failure; one
without waits in the letters to print, unless the service has GOV.UK Notify post its
letters (``Service.letters_by_post``): then the worker sends the PDF to Notify as a
precompiled letter, records Notify's id, and on any error Notify gives (or when the
address will not do for Notify) leaves the letter on the print list with the reason.
Each letter that leaves is a disclosure of a person's information and is written to the
access log.
"""

from __future__ import annotations

import datetime
import io
import logging

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vocrehab.accounts.models import WITHHELD_LETTER_DAYS_MAX
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event
from vocrehab.clients.postcodes import is_valid_postcode
from vocrehab.codes import ReferralSource
from vocrehab.conf import notify_api_key, text_setting
from vocrehab.dates import human_date
from vocrehab.episodes.models import Episode
from vocrehab.versioning import save_versioned

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
# The channels the background worker sends by (the others wait for staff).
SENT_BY_WORKER = (LetterChannel.EMAIL, LetterChannel.NOTIFY, LetterChannel.NOTIFY_POST)


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
    # Here, not at the top: the client library is loaded only when Notify is used.
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(notify_api_key())


def posts_by_notify(service) -> bool:
    """Does ``service`` have GOV.UK Notify post its letters (and is Notify set up here)?"""
    return service.letters_by_post == "notify" and bool(notify_api_key())


def notify_postage() -> str:
    """The postage of letters posted by Notify: "second" (the default), "first" or "economy"."""
    return text_setting("VOCREHAB_NOTIFY_LETTER_POSTAGE", "second")


def postal_address_problem(name: str, address: str) -> str:
    """Why GOV.UK Notify could not post to ``name`` at ``address`` (its rules: three to
    seven lines with the name, the last a UK postcode), or "" when it could."""
    lines = [line.strip() for line in [name, *address.splitlines()] if line.strip()]
    if len(lines) < 3:
        return _("the address needs at least a street or building and a postcode.")
    if len(lines) > 7:
        return _("the address has more than seven lines with the name.")
    if not is_valid_postcode(lines[-1]):
        return _("the address does not end with a UK postcode.")
    return ""


# --------------------------------------------------------------------------- writing


def _recipient(episode: Episode, recipient_kind: str) -> tuple[str, str, str, str]:
    """(name, address, email, why withheld) for ``recipient_kind`` as the record stands."""
    name, address, email, withheld = _RECIPIENTS[recipient_kind](episode)
    if not withheld and episode.client.processing_restricted:
        withheld = _("The client's processing is restricted: nothing is sent.")
    return name, address, email, withheld


def _write(episode: Episode, kind: str, recipient_kind: str, *, replaces=None) -> Letter:
    """Write one letter (or keep it as withheld, with the reason) and queue its sending
    for when the transaction commits. Raises IntegrityError when the first-contact letter
    to this recipient was written meanwhile."""
    name, address, email, withheld = _recipient(episode, recipient_kind)
    letter = Letter(episode=episode, kind=kind, recipient_kind=recipient_kind, replaces=replaces)
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
        if email:
            letter.channel = LetterChannel.NOTIFY if uses_notify() else LetterChannel.EMAIL
        elif posts_by_notify(episode.service):
            problem = postal_address_problem(name, address)
            letter.channel = LetterChannel.PRINT if problem else LetterChannel.NOTIFY_POST
            if problem:
                letter.reason = _not_for_notify(problem)
        else:
            letter.channel = LetterChannel.PRINT
    with transaction.atomic():
        letter.save()
    if letter.channel in SENT_BY_WORKER:
        transaction.on_commit(lambda pk=letter.pk: _queue(pk, attempt=1))
    return letter


def _not_for_notify(problem: str) -> str:
    return str(
        _("Not posted by GOV.UK Notify: %(problem)s Check the address, then print and post it.")
        % {"problem": problem}
    )[:255]


def _episode(episode: Episode) -> Episode:
    return Episode.objects.select_related("client", "service", "case_manager").get(pk=episode.pk)


def write_letters(episode: Episode, kind: str) -> list[Letter]:
    """Write ``kind`` to the referrer and to the GP, or record each as withheld.

    Called inside the transaction that recorded the event; sending starts when it
    commits. A first-contact letter already written to a recipient is not written again.
    """
    episode = _episode(episode)
    written = []
    for recipient_kind in _RECIPIENTS:
        if (
            kind == LetterKind.FIRST_CONTACT
            and Letter.objects.filter(
                episode=episode, kind=kind, recipient_kind=recipient_kind
            ).exists()
        ):
            continue
        try:
            written.append(_write(episode, kind, recipient_kind))
        except IntegrityError:  # written meanwhile by a concurrent request
            continue
    return written


def _still_due(episode: Episode, kind: str) -> bool:
    """Would a letter of ``kind`` still be written today? The first-contact letter while
    the episode is open (after discharge the summary says it all); the discharge summary
    while the episode stays discharged."""
    if kind == LetterKind.FIRST_CONTACT:
        return episode.first_contact_date is not None and episode.discharge_date is None
    return episode.discharge_date is not None


def _too_late(letter: Letter, service, today: datetime.date) -> str:
    """Why ``letter``, withheld, is not written now that the record allows it: it was
    withheld more than the service's ``withheld_letter_days`` ago ("" when it was not)."""
    withheld_on = timezone.localtime(letter.created_at).date()
    days = service.withheld_letter_days
    if (today - withheld_on).days <= days:
        return ""
    return ngettext(
        "Not written now that the record allows it: it was withheld on %(day)s, more "
        "than %(days)s day ago (this service's limit for writing a withheld letter later).",
        "Not written now that the record allows it: it was withheld on %(day)s, more "
        "than %(days)s days ago (this service's limit for writing a withheld letter later).",
        days,
    ) % {"day": human_date(withheld_on), "days": days}


@transaction.atomic
def write_withheld_again(episode: Episode) -> list[Letter]:
    """Write the letters of ``episode`` that were withheld and may go now.

    For each kind and recipient, the latest letter counts: when it is withheld, still
    due (:func:`_still_due`), the record now allows it (the client agreed to letters
    to their GP, a practice address or a referrer was added, processing is no longer
    restricted) and it was withheld within the service's ``withheld_letter_days``, it
    becomes superseded and a new letter is written in its place, by the same path as
    when the event was recorded, and sent. One withheld letter is written again once
    only. A letter still withheld keeps the reason as it stands now: the record's, or
    that it was withheld too long ago to be written late (:func:`_too_late`).
    """
    episode = _episode(episode)
    today = timezone.localdate()
    latest: dict[tuple[str, str], Letter] = {}
    for letter in (
        Letter.objects.select_for_update()
        .filter(episode=episode)
        .exclude(status=LetterStatus.SUPERSEDED)
        .order_by("created_at", "pk")
    ):
        latest[(letter.kind, letter.recipient_kind)] = letter
    written = []
    for (kind, recipient_kind), letter in latest.items():
        if letter.status != LetterStatus.WITHHELD or not _still_due(episode, kind):
            continue
        *_found, withheld = _recipient(episode, recipient_kind)
        withheld = withheld or _too_late(letter, episode.service, today)
        if withheld:
            if withheld[:255] != letter.reason:
                Letter.objects.filter(pk=letter.pk, status=LetterStatus.WITHHELD).update(
                    reason=withheld[:255]
                )
            continue
        try:
            with transaction.atomic():
                superseded = Letter.objects.filter(
                    pk=letter.pk, status=LetterStatus.WITHHELD
                ).update(status=LetterStatus.SUPERSEDED)
                if not superseded:  # written again meanwhile
                    continue
                written.append(_write(episode, kind, recipient_kind, replaces=letter))
        except IntegrityError:  # written again meanwhile by a concurrent request
            continue
    if written:
        logger.info(
            "episode %s: %s withheld letters written now that they may go",
            episode.pk,
            len(written),
        )
    return written


# A letter not yet gone: waiting to be sent or printed, or whose email failed.
UNSENT_STATUSES = (LetterStatus.DRAFTED, LetterStatus.FAILED)


def withhold_on_reopening(episode: Episode, *, on: datetime.date) -> int:
    """The episode was re-opened on ``on``: its discharge summaries not yet gone (waiting
    to be sent or printed, or failed) are withheld, saying why, so that none reaches a
    referrer or GP about an episode that is open again; the worker and the print list
    leave a withheld letter alone. A later discharge writes new ones. Sent and posted
    letters stay as they were. Returns the number withheld."""
    reason = _(
        "Not sent: the episode was re-opened on %(day)s, before this letter went. A new "
        "discharge summary is written when it is discharged again."
    ) % {"day": human_date(on)}
    return Letter.objects.filter(
        episode=episode, kind=LetterKind.DISCHARGE, status__in=UNSENT_STATUSES
    ).update(status=LetterStatus.WITHHELD, reason=reason[:255])


REFERRER_FIELDS = (
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_email",
    "referrer_phone",
)


@transaction.atomic
def update_referrer(episode: Episode, *, values: dict, version: int) -> Episode:
    """Correct or complete who referred (else StaleEditError); a letter to the referrer
    withheld for want of them is written now (:func:`write_withheld_again`)."""
    for name in REFERRER_FIELDS:
        setattr(episode, name, values.get(name, "") or "")
    episode = save_versioned(episode, version, list(REFERRER_FIELDS))
    write_withheld_again(episode)
    return episode


def write_withheld_again_for_client(client) -> list[Letter]:
    """:func:`write_withheld_again` for each of ``client``'s episodes with a withheld letter."""
    episodes = Episode.objects.filter(
        client=client, letters__status=LetterStatus.WITHHELD
    ).distinct()
    written = []
    for episode in episodes.order_by("pk"):
        written += write_withheld_again(episode)
    return written


def _task():
    # Here, not at the top: the tasks module imports this one.
    from ..tasks import send_letter_task

    return send_letter_task


def _queue(letter_id: int, *, attempt: int, wait_minutes: int = 0) -> None:
    task = _task()
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
        .filter(pk=letter_id, status=LetterStatus.DRAFTED, channel__in=SENT_BY_WORKER)
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
    if letter.channel == LetterChannel.NOTIFY_POST:
        return _post_by_notify(letter, attempt=attempt)
    try:
        pdf = wording.letter_pdf_bytes(letter)
        if letter.channel == LetterChannel.NOTIFY:
            _send_notify(letter, pdf)
        else:
            _send_email(letter, pdf)
    except Exception as exc:  # noqa: BLE001 - any transport failure is retried or shown
        reason = _describe(exc)
        can_wait = _task().get_backend().supports_defer
        retry = attempt <= len(RETRY_MINUTES) and can_wait
        # Still waiting: a letter withheld or printed while this try was under way (the
        # episode re-opened, say) stays so, and is not tried again.
        waiting = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFTED).update(
            attempts=attempt,
            last_error=reason,
            status=LetterStatus.DRAFTED if retry else LetterStatus.FAILED,
            reason="" if retry else _("The email could not be sent (%(why)s).") % {"why": reason},
        )
        logger.warning("letter %s not sent (attempt %s, %s)", letter.pk, attempt, reason)
        if retry and waiting:
            _queue(letter.pk, attempt=attempt + 1, wait_minutes=RETRY_MINUTES[attempt - 1])
        return False
    return _record_sent(letter, attempt=attempt, how=letter.get_channel_display().lower())


def _record_sent(letter: Letter, *, attempt: int, how: str, **fields) -> bool:
    """Record that ``letter`` went, and its disclosure. A letter withheld while it was on
    its way (the episode re-opened as the email went) is recorded as sent all the same:
    it reached its recipient, and the record says what happened."""
    with transaction.atomic():
        updated = Letter.objects.filter(
            pk=letter.pk, status__in=(LetterStatus.DRAFTED, LetterStatus.WITHHELD)
        ).update(
            status=LetterStatus.SENT,
            sent_at=timezone.now(),
            attempts=attempt,
            last_error="",
            reason="",
            **fields,
        )
        if updated:
            _disclosed(letter, how=how)
    return bool(updated)


def _post_by_notify(letter: Letter, *, attempt: int) -> bool:
    """Send the letter's PDF to GOV.UK Notify to print and post; never raises.

    Notify busy or unreachable: tried again like an email, then put on the print list.
    Notify refusing it (a key that cannot send letters, a service in trial mode, a PDF
    it does not take) or an address it could not post to: put on the print list at once,
    with the reason. Notify not answering in time may have taken it: put on the print
    list saying so, with the reference to look for on Notify, never sent again by itself.
    """
    problem = postal_address_problem(letter.recipient_name, letter.recipient_address)
    if problem:
        _to_print_list(letter, _not_for_notify(problem), attempt=attempt, error="address")
        return False
    try:
        pdf = wording.letter_pdf_bytes(letter)
        answer = notify_client().send_precompiled_letter_notification(
            reference=f"letter-{letter.pk}", pdf_file=io.BytesIO(pdf), postage=notify_postage()
        )
    except Exception as exc:  # noqa: BLE001 - every failure is retried or shown in words
        outcome, detail = _notify_failure(exc)
        can_wait = _task().get_backend().supports_defer
        logger.warning(
            "letter %s not posted by Notify (attempt %s, %s)", letter.pk, attempt, detail
        )
        if outcome == "retry" and attempt <= len(RETRY_MINUTES) and can_wait:
            Letter.objects.filter(pk=letter.pk).update(attempts=attempt, last_error=detail)
            _queue(letter.pk, attempt=attempt + 1, wait_minutes=RETRY_MINUTES[attempt - 1])
            return False
        if outcome == "unsure":
            reason = _(
                "GOV.UK Notify did not answer in time, so it may have taken the letter: look "
                "for reference letter-%(pk)s on GOV.UK Notify before printing and posting it."
            ) % {"pk": letter.pk}
        elif outcome == "refused":
            reason = _(
                "GOV.UK Notify did not take the letter (%(detail)s). Print and post it, and "
                "ask your administrator to check the GOV.UK Notify settings."
            ) % {"detail": detail}
        else:
            reason = _(
                "GOV.UK Notify could not be reached after %(n)s tries (%(detail)s). Print and "
                "post it."
            ) % {"n": attempt, "detail": detail}
        _to_print_list(letter, reason, attempt=attempt, error=detail)
        return False
    notify_id = str((answer or {}).get("id", ""))[:36]
    return _record_sent(
        letter,
        attempt=attempt,
        how=f"posted by GOV.UK Notify, id {notify_id}",
        notify_id=notify_id,
    )


def _notify_failure(exc: Exception) -> tuple[str, str]:
    """("retry" | "refused" | "unsure", the failure in a few words, with no address)."""
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    if isinstance(cause, requests.ReadTimeout):
        return "unsure", "no answer in time"
    status = getattr(exc, "status_code", None)
    if isinstance(cause, requests.RequestException) and getattr(cause, "response", None) is None:
        return "retry", type(cause).__name__
    if status is None:
        return "retry", type(exc).__name__
    messages = getattr(exc, "message", "")
    if isinstance(messages, list):
        messages = "; ".join(str(m.get("message", "")) for m in messages if isinstance(m, dict))
    detail = f"{status}: {messages}" if messages else str(status)
    if status == 429 or status >= 500:
        return "retry", detail[:150]
    return "refused", detail[:150]


def _to_print_list(letter: Letter, reason: str, *, attempt: int, error: str) -> None:
    """Leave a letter Notify did not post on the print list, saying why."""
    Letter.objects.filter(
        pk=letter.pk, status=LetterStatus.DRAFTED, channel=LetterChannel.NOTIFY_POST
    ).update(
        channel=LetterChannel.PRINT,
        reason=str(reason)[:255],
        attempts=attempt,
        last_error=error[:255],
    )


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


def set_withheld_letter_days(service, days: int) -> None:
    """How many days after it was withheld a letter is still written once the record
    allows it (0 to ``WITHHELD_LETTER_DAYS_MAX``); letters withheld earlier stay withheld,
    saying why."""
    if not 0 <= days <= WITHHELD_LETTER_DAYS_MAX:
        raise CaseworkError(
            _("Give a number of days from 0 to %(most)s.") % {"most": WITHHELD_LETTER_DAYS_MAX}
        )
    service.withheld_letter_days = days
    service.save(update_fields=["withheld_letter_days"])


def set_letters_by_post(service, choice: str) -> None:
    """How the service's letters with no email address go from now on ("print" or
    "notify"); letters already written keep the way they were written for."""
    if choice not in ("print", "notify"):
        raise CaseworkError(_("Choose how the letters go."))
    if choice == "notify" and not notify_api_key():
        raise CaseworkError(_("GOV.UK Notify is not set up on this installation."))
    service.letters_by_post = choice
    service.save(update_fields=["letters_by_post"])


def save_letter_template(service, kind: str, *, subject: str, body: str, by):
    """Keep the service's wording of ``kind`` (checked: see ``letters.check_template``)."""
    problems = wording.check_template(subject) + wording.check_template(body)
    if problems:
        raise CaseworkError(problems[0])
    template, _created = LetterTemplate.objects.update_or_create(
        service=service, kind=kind, defaults={"subject": subject, "body": body, "updated_by": by}
    )
    return template
