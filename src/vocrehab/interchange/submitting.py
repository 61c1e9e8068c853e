"""A service sending its monthly submission to a hub (the other side of :mod:`.receiving`).

What it promises:

- A submission for a period carries the service's episodes *referred* in it (the
  evaluation report's period rule), with their contacts, onward referrals and
  questionnaires as they stand today, plus the earlier episodes of the same people that
  re-referrals point at (the standard needs them). Clients whose processing is
  restricted are left out, as from every export.
- Pseudonymised for the hub: episode and client identifiers are keyed hashes with the
  hub's own key (stable from month to month, different for another hub), no NHS number,
  no free text, no local ``x_`` columns. Dates, age and deprivation stay as the standard
  needs them to compute its figures: the hub holds personal data (see the hazard log).
- Sent with the service code, period and SHA-256 of the file, over HTTPS with the
  hub's token, with timeouts; nothing is fetched from anywhere but the hub.
- Each month the schedule also sends again the earlier months (up to
  ``VOCREHAB_HUB_REFRESH_MONTHS``, 18) whose records changed since they were sent, so
  discharges and follow-ups reach the hub; an unchanged month is not sent.
- Every submission is recorded before it is sent, with its outcome: accepted,
  unchanged, refused (with the hub's reasons) or not delivered. Not delivered (the hub
  unreachable, busy or answering an error) is tried again on the following days
  (:data:`RETRY_DAYS`) and then marked as given up; nothing is dropped silently, and
  each failure is logged and shown on the Submissions page. A submission given up, or
  refused by the hub, is also emailed once to the people who manage the service's
  submissions (:func:`tell_managers`): the hub, the period and the reason, no personal
  data.
"""

from __future__ import annotations

import datetime
import logging
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, people_with
from vocrehab.accounts.mail import queue_staff_email
from vocrehab.audit.services import record_export
from vocrehab.episodes.models import Episode
from vocrehab.fieldkeys import Unreadable
from vocrehab.interchange.bulk import chunks
from vocrehab.interchange.exporter import write_submission
from vocrehab.interchange.models import Hub, Submission, SubmissionStatus
from vocrehab.interchange.periods import Period, parse_period, previous_month
from vocrehab.interchange.receiving import sha256_of
from vocrehab.measures.delivery import public_url

logger = logging.getLogger(__name__)

# Days to wait before each further try; after the last, the submission is given up.
RETRY_DAYS = (1, 2, 4, 7, 7)
# Seconds to connect, and to wait for the hub's answer (it validates and loads the file).
TIMEOUT = (10, 600)
# A submission left "being sent" this long (the process stopped) is tried again.
STALE_SENDING = datetime.timedelta(hours=6)


class SubmitError(Exception):
    """The submission cannot be made (no such hub...); ``str()`` says why."""


def period_scope(service, period: Period) -> Q:
    """The episodes a submission of ``period`` carries, as a filter on Episode."""
    in_period = Q(referral_date__gte=period.start, referral_date__lte=period.end)
    episodes = Episode.objects.filter(service=service)
    earlier: set[int] = set()
    frontier = set(
        episodes.filter(in_period, previous_episode__isnull=False).values_list(
            "previous_episode_id", flat=True
        )
    )
    while frontier:
        earlier |= frontier
        found: set[int] = set()
        for batch in chunks(iter(sorted(frontier)), 500):
            found.update(
                episodes.filter(pk__in=batch, previous_episode__isnull=False).values_list(
                    "previous_episode_id", flat=True
                )
            )
        frontier = found - earlier
    return in_period | Q(pk__in=sorted(earlier)) if earlier else in_period


def hubs_named(name: str, services=None):
    hubs = Hub.objects.filter(name=name, active=True).select_related("service")
    if services is not None:
        hubs = hubs.filter(service__in=services)
    return list(hubs.order_by("service__code"))


def submit(
    hub: Hub,
    period: Period,
    *,
    user=None,
    today: datetime.date | None = None,
    submission: Submission | None = None,
) -> Submission:
    """Make and send ``hub``'s submission of ``period`` (again, for ``submission``)."""
    today = today or timezone.localdate()
    if submission is None:
        submission = Submission.objects.create(
            hub=hub,
            period=period.code,
            period_start=period.start,
            period_end=period.end,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
        )
    submission.status = SubmissionStatus.SENDING
    submission.attempts += 1
    submission.last_attempt_at = timezone.now()
    submission.next_attempt_on = None
    submission.save()
    try:
        code, body, problem = _make_and_post(hub, period, submission, user)
    except Exception as exc:  # noqa: BLE001 - recorded, logged and tried again, never lost
        logger.exception("submission of %s %s to hub %s could not be made", hub.service.code,
                         period.code, hub.name)  # fmt: skip
        code, body = None, None
        problem = _("The submission could not be made here (%(problem)s).") % {
            "problem": type(exc).__name__
        }
    _record_outcome(submission, code, body, problem, today)
    return submission


def _make_and_post(hub: Hub, period: Period, submission: Submission, user):
    """Make the extract (its rows and checksum kept on ``submission``), log it as an
    export and POST it: (status code or None, JSON body or None, problem in words)."""
    problem = _unreadable(hub)
    if problem:
        return None, None, problem
    with tempfile.TemporaryDirectory(prefix="vocrehab-submit-") as folder:
        path, submission.rows, submission.checksum = _extract(hub, period, Path(folder))
        record_export(
            user=user if getattr(user, "is_authenticated", False) else None,
            detail=(
                f"VRMDS submission to hub {hub.name} ({hub.url}): {hub.service.code} "
                f"{period.code}, attempt {submission.attempts}; "
                + " ".join(f"{k.removesuffix('.csv')}={v}" for k, v in submission.rows.items())
            )[:1000],
            service_id=hub.service_id,
        )
        return _post(hub, path, period, submission.checksum)


def _extract(hub: Hub, period: Period, folder: Path) -> tuple[Path, dict, str]:
    """Write the submission file in ``folder``: (its path, rows per file, its SHA-256)."""
    path = folder / f"{hub.service.code}-{period.code}.zip"
    rows = write_submission(
        path, hub.service, period_scope(hub.service, period), hub.pseudonym_key.encode()
    )
    return path, rows, sha256_of(path)


def _unreadable(hub: Hub) -> str:
    """Why ``hub``'s token or pseudonym key cannot be opened with this installation's
    keys, in words, or "" when both open. Nothing is made or sent without them: a
    pseudonym key made anew would give the hub every client as someone new."""
    try:
        _token = hub.token
    except Unreadable:
        return _(
            "The hub's token cannot be read with this installation's keys "
            "(VOCREHAB_FIELD_KEYS): restore the key it was kept with, or add the hub "
            "again with its token."
        )
    try:
        _key = hub.pseudonym_key
    except Unreadable:
        return _(
            "The hub's pseudonym key cannot be read with this installation's keys "
            "(VOCREHAB_FIELD_KEYS): restore the key it was kept with. Nothing was sent, "
            "because pseudonyms made with another key would not match those the hub holds."
        )
    return ""


def _post(hub: Hub, path: Path, period: Period, checksum: str):
    """POST the file; (status code or None, JSON body or None, problem in words)."""
    fields = {"service": hub.service.code, "period": period.code, "checksum": checksum}
    token = hub.token
    try:
        with path.open("rb") as fh:
            response = requests.post(
                hub.endpoint,
                data=fields,
                files={"file": (path.name, fh, "application/zip")},
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
    except requests.Timeout:
        return None, None, _("The hub did not answer in time.")
    except requests.RequestException as exc:
        return (
            None,
            None,
            _("The hub could not be reached (%(problem)s).") % {"problem": type(exc).__name__},
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body if isinstance(body, dict) else None, ""


def _record_outcome(submission: Submission, code, body, problem: str, today) -> None:
    body = body or {}
    hub = submission.hub
    if code in (200, 201):
        submission.status = SubmissionStatus.ACCEPTED if code == 201 else SubmissionStatus.UNCHANGED
        submission.hub_version = body.get("version")
        submission.message = ""
        submission.errors, submission.error_count = [], 0
    elif code == 422:
        # The data needs correcting: sending the same again would be refused again.
        submission.status = SubmissionStatus.REFUSED
        submission.message = str(body.get("detail", ""))[:2000]
        submission.errors = list(body.get("errors", []))[:500]
        submission.error_count = int(body.get("error_count", len(submission.errors)) or 0)
    else:
        if code is not None:
            detail = body.get("detail") if body else ""
            problem = _("The hub answered %(code)s%(detail)s.") % {
                "code": code,
                "detail": f": {str(detail)[:300]}" if detail else "",
            }
        submission.errors, submission.error_count = [], 0
        if submission.attempts > len(RETRY_DAYS):
            submission.status = SubmissionStatus.FAILED
            submission.message = _("%(problem)s Gave up after %(n)s tries.") % {
                "problem": problem,
                "n": submission.attempts,
            }
        else:
            submission.status = SubmissionStatus.RETRYING
            submission.next_attempt_on = today + datetime.timedelta(
                days=RETRY_DAYS[submission.attempts - 1]
            )
            submission.message = problem
    submission.save()
    level = {
        SubmissionStatus.ACCEPTED: logging.INFO,
        SubmissionStatus.UNCHANGED: logging.INFO,
        SubmissionStatus.RETRYING: logging.WARNING,
    }.get(submission.status, logging.ERROR)
    logger.log(
        level,
        "submission of %s %s to hub %s: %s (attempt %s) %s",
        hub.service.code,
        submission.period,
        hub.name,
        submission.status,
        submission.attempts,
        submission.message[:300],
    )
    if submission.status in (SubmissionStatus.FAILED, SubmissionStatus.REFUSED):
        tell_managers(submission)


def tell_managers(submission: Submission) -> int:
    """Email the people who manage the service's submissions (``export data`` in the
    service) that ``submission`` was given up or refused: once, however often this is
    called. The email names the hub, the period and the reason, never a person. Returns
    how many were emailed."""
    told = Submission.objects.filter(pk=submission.pk, managers_told_at__isnull=True).update(
        managers_told_at=timezone.now()
    )
    if not told:
        return 0
    hub = submission.hub
    service = hub.service
    people = [p for p in people_with(Perm.EXPORT_DATA, service) if p.email]
    if not people:
        logger.error(
            "submission of %s %s to hub %s: %s, and nobody manages the service's submissions "
            "to be told",
            service.code,
            submission.period,
            hub.name,
            submission.status,
        )
        return 0
    words = {"hub": hub.name, "period": submission.period_label, "service": service.name}
    if submission.status == SubmissionStatus.FAILED:
        subject = _("Not delivered to hub %(hub)s: %(period)s") % words
        first = (
            _(
                "%(service)s's submission for %(period)s to the hub %(hub)s was not delivered: "
                "it was given up after several tries."
            )
            % words
        )
        then = _("Send it again from the Submissions to hubs page once the hub can be reached.")
    else:
        subject = _("Refused by hub %(hub)s: %(period)s") % words
        first = (
            _("%(service)s's submission for %(period)s to the hub %(hub)s was refused by the hub.")
            % words
        )
        then = _(
            "The hub's reasons are listed on the Submissions to hubs page: correct the "
            "records, then send the period again."
        )
    body = "\n\n".join(
        [
            first,
            _("Why: %(reason)s")
            % {"reason": submission.message or submission.get_status_display()},
            then,
            _("Submissions to hubs (sign-in needed): %(link)s")
            % {"link": public_url(reverse("interchange:submissions"))},
            _(
                "You get this email because you manage this service's submissions to hubs. "
                "It names no client."
            ),
        ]
    )
    for person in people:
        message = EmailMessage(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [person.email])
        queue_staff_email(message, user_id=person.pk, purpose=f"hub submission {submission.status}")
    logger.info(
        "submission %s (%s %s to hub %s): %s managers told",
        submission.pk,
        service.code,
        submission.period,
        hub.name,
        len(people),
    )
    return len(people)


DELIVERED = (SubmissionStatus.ACCEPTED, SubmissionStatus.UNCHANGED)


def refresh_months() -> int:
    return int(getattr(settings, "VOCREHAB_HUB_REFRESH_MONTHS", 18))


def refresh(hub: Hub, latest: Period, today: datetime.date) -> list[Submission]:
    """Send again the earlier months whose records have changed since they were sent.

    Episodes go on after the month they were referred in (discharge, the six-month
    follow-up), so each month the :func:`refresh_months` before ``latest`` that the hub
    has are made again, and sent when the file differs from the one it holds.
    """
    delivered: dict[str, str] = {}
    for code, checksum in (
        hub.submissions.filter(status__in=DELIVERED)
        .order_by("created_at", "pk")
        .values_list("period", "checksum")
    ):
        delivered[code] = checksum  # the last delivered wins
    sent = []
    month = latest
    for _n in range(refresh_months()):
        month = previous_month(month.start)
        if month.code not in delivered:
            continue
        with tempfile.TemporaryDirectory(prefix="vocrehab-submit-") as folder:
            _path, _rows, checksum = _extract(hub, month, Path(folder))
        if checksum != delivered[month.code]:
            sent.append(submit(hub, month, today=today))
    return sent


def run_schedule(today: datetime.date) -> dict[str, list[str]]:
    """The worker's daily run: last month's submission to each monthly hub that has not
    had it, and the submissions due to be tried again. Returns what was sent."""
    sent: dict[str, list[str]] = {}
    period = previous_month(today)
    for hub in Hub.objects.filter(active=True, monthly=True).select_related("service"):
        if not hub.submissions.filter(period=period.code).exists():
            outcome = submit(hub, period, today=today)
            sent.setdefault(f"{hub.service.code}/{hub.name}", []).append(
                f"{period.code} {outcome.status}"
            )
            for earlier in refresh(hub, period, today):
                sent[f"{hub.service.code}/{hub.name}"].append(f"{earlier.period} {earlier.status}")
    stale = timezone.now() - STALE_SENDING
    due = Submission.objects.filter(hub__active=True).filter(
        Q(status=SubmissionStatus.RETRYING, next_attempt_on__lte=today)
        | Q(status=SubmissionStatus.SENDING, last_attempt_at__lt=stale)
    )
    for submission in due.select_related("hub__service").order_by("pk"):
        outcome = submit(
            submission.hub, parse_period(submission.period), today=today, submission=submission
        )
        sent.setdefault(f"{submission.hub.service.code}/{submission.hub.name}", []).append(
            f"{submission.period} {outcome.status}"
        )
    return sent


_TOKEN_SHAPE = r"^vrt_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$"  # noqa: S105 (a pattern, not a secret)


def check_hub(hub: Hub) -> None:
    """Raise ValidationError naming what is wrong with a hub's settings."""
    errors: dict[str, list[str]] = {}
    try:
        URLValidator(schemes=["https", "http"])(hub.url)
        parts = urlsplit(hub.url)
        # Plain http only to this machine (a test hub): the data is personal data.
        if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValidationError("http")
    except ValidationError:
        errors["url"] = [_("Enter the hub's web address, starting https://")]
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,40}", hub.name or ""):
        errors["name"] = [_("Use letters, digits and hyphens, at most 40.")]
    if not re.fullmatch(_TOKEN_SHAPE, hub.token or ""):
        errors["token"] = [
            _("That is not a token: a hub's token starts vrt_ and is 58 characters long.")
        ]
    if errors:
        raise ValidationError(errors)
