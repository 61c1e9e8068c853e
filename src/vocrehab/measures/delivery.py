"""Sending questionnaire invitations and reminders: Django email or GOV.UK Notify.

Which is used is decided by settings read from the environment:

- ``VOCREHAB_NOTIFY_API_KEY`` with ``VOCREHAB_NOTIFY_EMAIL_TEMPLATE_ID``: email goes
  through Notify; without them, through Django's email backend (SMTP in production).
- ``VOCREHAB_NOTIFY_API_KEY`` with ``VOCREHAB_NOTIFY_SMS_TEMPLATE_ID``: text messages
  can be sent (there is no SMS without Notify).
- ``VOCREHAB_NOTIFY_EMAIL_TEMPLATE_ID_CY`` and ``VOCREHAB_NOTIFY_SMS_TEMPLATE_ID_CY``:
  the Welsh Notify templates, used for clients who prefer Welsh (else the English ones).
- ``VOCREHAB_PUBLIC_URL``: the site's address as clients reach it, for links.

Messages are written in the active language: the caller wraps a send in
``translation.override`` with the client's preferred language.

Every function here raises :class:`DeliveryError` on failure; callers record it and
retry. Nothing here touches answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vocrehab.codes import Nation
from vocrehab.conf import notify_api_key, text_setting


class DeliveryError(Exception):
    """An email or text message could not be handed over for delivery."""


def _in_welsh() -> bool:
    return (get_language() or "").split("-")[0] == "cy"


def email_template_id() -> str:
    """The Notify email template: the Welsh one when writing in Welsh and one is set."""
    english = text_setting("VOCREHAB_NOTIFY_EMAIL_TEMPLATE_ID")
    return text_setting("VOCREHAB_NOTIFY_EMAIL_TEMPLATE_ID_CY", english) if _in_welsh() else english


def sms_template_id() -> str:
    """The Notify text message template: the Welsh one when writing in Welsh and one is set."""
    english = text_setting("VOCREHAB_NOTIFY_SMS_TEMPLATE_ID")
    return text_setting("VOCREHAB_NOTIFY_SMS_TEMPLATE_ID_CY", english) if _in_welsh() else english


def uses_notify_for_email() -> bool:
    return bool(notify_api_key() and email_template_id())


def can_send_sms() -> bool:
    return bool(notify_api_key() and sms_template_id())


class OtherLanguage(NamedTuple):
    """One line in the language the message is not written in, and that language."""

    text: str = ""
    lang: str = ""


def other_language_line(service, language: str) -> OtherLanguage:
    """For a service in Wales, the line in the other language that every letter and
    message to a client carries (the NHS Wales bilingual convention): an English one
    offers the pages in Welsh and welcomes correspondence in Welsh; a Welsh one offers
    the pages in English. Nothing for services elsewhere."""
    if service.nation != Nation.WALES:
        return OtherLanguage()
    if (language or "").split("-")[0] == "cy":
        with translation.override("en-gb"):
            return OtherLanguage(
                str(_("The pages are also in English: choose “English” at the top of the page.")),
                "en-GB",
            )
    with translation.override("cy"):
        return OtherLanguage(
            str(
                _(
                    "The pages are also in Welsh: choose “Cymraeg” at the top of the page. "
                    "We welcome correspondence in Welsh."
                )
            ),
            "cy",
        )


def public_url(path: str) -> str:
    base = text_setting("VOCREHAB_PUBLIC_URL", "http://localhost:8000").rstrip("/")
    return base + path


@dataclass(frozen=True)
class Invitation:
    """What one message says: the questionnaires it asks for, its one link, when the
    link expires, and how to reach the service."""

    service_name: str
    questionnaires: tuple[str, ...]
    url: str
    expires: str
    service_phone: str = ""
    opening_hours: str = ""
    reminder: bool = False
    # Some questionnaires are read in English although the message is not (their names
    # say "(in English)"); and the line in the other language (services in Wales).
    any_in_english: bool = False
    other_language: str = ""

    @property
    def questionnaires_text(self) -> str:
        return ", ".join(self.questionnaires)

    @property
    def call_us(self) -> str:
        """ "Please call us on ..." with the service's number and hours, when it has them."""
        if not self.service_phone:
            return ""
        if self.opening_hours:
            return _(
                "If you would rather answer by phone or on paper, or have a question, "
                "please call us on %(phone)s (%(hours)s)."
            ) % {"phone": self.service_phone, "hours": self.opening_hours}
        return _(
            "If you would rather answer by phone or on paper, or have a question, "
            "please call us on %(phone)s."
        ) % {"phone": self.service_phone}


def token_url(token: str) -> str:
    return public_url(reverse("measures:open_link", args=[token]))


def notify_client():
    """A Notify API client (a function so that tests can replace it)."""
    # The Notify client is loaded only when a message goes by Notify.
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(notify_api_key())


def _personalisation(invitation: Invitation) -> dict[str, str]:
    return {
        "service_name": invitation.service_name,
        "questionnaires": invitation.questionnaires_text,
        "link": invitation.url,
        # The name templates made before one link per invitation use.
        "links": invitation.url,
        "call_us": invitation.call_us,
        "expires": invitation.expires,
        "reminder": "yes" if invitation.reminder else "no",
        "other_language": invitation.other_language,
    }


def send_email(address: str, invitation: Invitation) -> None:
    """Send ``invitation`` to ``address`` by Notify or Django email; DeliveryError if not."""
    if not address:
        raise DeliveryError("no email address")
    try:
        if uses_notify_for_email():
            notify_client().send_email_notification(
                email_address=address,
                template_id=email_template_id(),
                personalisation=_personalisation(invitation),
            )
            return
        context = {"invitation": invitation}
        subject = render_to_string("measures/email/invitation_subject.txt", context).strip()
        body = render_to_string("measures/email/invitation.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except DeliveryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any transport failure is retried
        raise DeliveryError(_describe(exc)) from exc


def send_sms(number: str, invitation: Invitation) -> None:
    """Send ``invitation`` as a text message through Notify; DeliveryError if not."""
    if not number:
        raise DeliveryError("no phone number")
    if not can_send_sms():
        raise DeliveryError("text messages need GOV.UK Notify settings")
    try:
        notify_client().send_sms_notification(
            phone_number=number,
            template_id=sms_template_id(),
            personalisation=_personalisation(invitation),
        )
    except Exception as exc:  # noqa: BLE001 - any transport failure is retried
        raise DeliveryError(_describe(exc)) from exc


def _describe(exc: Exception) -> str:
    # Notify errors carry a status code and message; never include the address.
    status = getattr(exc, "status_code", None)
    text = f"{type(exc).__name__}" + (f" {status}" if status else "")
    return text[:255]
