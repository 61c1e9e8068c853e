"""Writes for outcome measures: scheduling, links, answers, submissions, delivery.

The three scheduling functions answer the episode core's signals (connected in
``apps.py``): ``schedule_entry_questionnaires(episode)`` at the first assessment,
``schedule_discharge_questionnaires(episode)`` and ``schedule_followup(episode)`` at
discharge. They only create "scheduled" administrations with a due date; the periodic
:func:`send_due_invitations` sweep (run by ``vocrehab worker``) turns due ones into
links and messages, retries failed sends with back-off, sends reminders and marks
lapsed questionnaires expired. Answers are stored as they are given, before and
independently of any message, so a failed email can never lose a response.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vocrehab.codes import Timepoint, WorkStatus
from vocrehab.dates import add_months, human_date
from vocrehab.episodes.facts import followup_window_still_open
from vocrehab.episodes.models import Episode
from vocrehab.episodes.signals import safety_answer_recorded

from . import delivery, links, queries
from .instruments import HNA_CONCERN_AREAS, InvalidValues, ItemKind, get_instrument
from .models import (
    COLLECT_WITHIN_DAYS,
    Administration,
    AdministrationStatus,
    Channel,
    CompletedBy,
    DeliveryStatus,
    ItemValue,
    ItemWording,
    MeasureSchedule,
    QuestionnaireLink,
)
from .scores import refresh_scores

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_SEND_ATTEMPTS",
    "announce_safety_answers",
    "cancel_on_reopening",
    "choose_channel",
    "issue_invitation",
    "issue_link",
    "load_wording",
    "mark_opened",
    "record_staff_entry",
    "save_answers",
    "schedule_discharge_questionnaires",
    "schedule_entry_questionnaires",
    "schedule_followup",
    "schedule_for",
    "schedule_missing_questionnaires",
    "send_due_invitations",
    "send_pending",
    "submit_response",
]

MAX_SEND_ATTEMPTS = 6
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)
# A claimed send holds its links this long, so a second worker leaves them alone.
SEND_LEASE = timedelta(minutes=10)
OPEN_STATUSES = (AdministrationStatus.INVITED, AdministrationStatus.IN_PROGRESS)


# ------------------------------------------------------------------------ scheduling


def schedule_for(service) -> MeasureSchedule:
    """The service's questionnaire schedule, or an unsaved default one (never None)."""
    try:
        return service.measure_schedule
    except MeasureSchedule.DoesNotExist:
        return MeasureSchedule(service=service)


def _schedule(episode: Episode, timepoint: str, due: date, instruments: Iterable[str]):
    created = []
    for code in instruments:
        try:
            instrument = get_instrument(code)
        except KeyError:
            logger.warning(
                "schedule of service %s names unknown instrument %s", episode.service_id, code
            )
            continue
        if timepoint not in instrument.timepoints:
            continue
        if (
            Administration.objects.filter(episode=episode, instrument=code, timepoint=timepoint)
            .exclude(status=AdministrationStatus.CANCELLED)
            .exists()
        ):
            continue
        try:
            with transaction.atomic():
                created.append(
                    Administration.objects.create(
                        episode=episode,
                        instrument=code,
                        instrument_version=instrument.version,
                        timepoint=timepoint,
                        due_date=due,
                        status=AdministrationStatus.SCHEDULED,
                        completed_by=CompletedBy.CLIENT,
                    )
                )
        except IntegrityError:
            # Scheduled at the same moment by another process: theirs stands.
            continue
    return created


def schedule_entry_questionnaires(episode: Episode, *, due: date | None = None):
    """Schedule the service's entry questionnaires, due at assessment (or ``due``).

    Returns the administrations created; instruments already given at entry are
    skipped, so calling it twice is harmless.
    """
    when = due or episode.assessment_date or timezone.localdate()
    plan = schedule_for(episode.service)
    return _schedule(episode, Timepoint.ENTRY, when, plan.instruments_for(Timepoint.ENTRY))


def _deceased(episode: Episode) -> bool:
    return WorkStatus.DECEASED in (
        episode.work_status_at_discharge,
        episode.work_status_at_followup,
    )


def schedule_discharge_questionnaires(episode: Episode, *, due: date | None = None):
    """Schedule the service's discharge questionnaires, due at discharge (or ``due``).

    Nothing is scheduled when the client has died (no questionnaire must reach a
    bereaved family).
    """
    if _deceased(episode):
        return []
    when = due or episode.discharge_date or timezone.localdate()
    plan = schedule_for(episode.service)
    return _schedule(episode, Timepoint.DISCHARGE, when, plan.instruments_for(Timepoint.DISCHARGE))


def schedule_followup(episode: Episode):
    """Schedule follow-up questionnaires at discharge + the service's months (default 6).

    The due date is the episode's follow-up date when casework has set it, else
    discharge + months. Does nothing (returns []) for an episode not yet discharged
    or a client who has died.
    """
    if episode.discharge_date is None or _deceased(episode):
        return []
    plan = schedule_for(episode.service)
    due = episode.followup_date or add_months(episode.discharge_date, plan.followup_months)
    return _schedule(episode, Timepoint.FOLLOWUP, due, plan.instruments_for(Timepoint.FOLLOWUP))


def schedule_missing_questionnaires(
    *, dry_run: bool = False, today: date | None = None
) -> dict[str, tuple[int, int]]:
    """Schedule the questionnaires an episode should have had and never got, where they
    can still be collected: a repair for episodes recorded by a path that did not announce
    the step (before every path went through the episode core).

    * entry: assessed, still open, and no entry questionnaire at all;
    * discharge: discharged within the last four weeks, and no discharge questionnaire;
    * follow-up: discharged, its six-month window not yet closed, no follow-up status
      recorded, and no follow-up questionnaire.

    Clients who have died are left alone. Returns, per timepoint, (episodes,
    questionnaires) scheduled; a second run finds nothing. ``dry_run`` counts the same
    and writes nothing.
    """
    today = today or timezone.localdate()
    had = {
        timepoint: Exists(
            Administration.objects.filter(episode=OuterRef("pk"), timepoint=timepoint)
        )
        for timepoint in (Timepoint.ENTRY, Timepoint.DISCHARGE, Timepoint.FOLLOWUP)
    }
    alive = ~Q(work_status_at_discharge=WorkStatus.DECEASED) & ~Q(
        work_status_at_followup=WorkStatus.DECEASED
    )
    candidates = {
        Timepoint.ENTRY: (
            Episode.objects.open().filter(assessment_date__isnull=False).filter(~had["entry"]),
            schedule_entry_questionnaires,
        ),
        Timepoint.DISCHARGE: (
            Episode.objects.filter(
                alive,
                ~had["discharge"],
                discharge_date__gte=today - timedelta(days=COLLECT_WITHIN_DAYS),
            ),
            schedule_discharge_questionnaires,
        ),
        Timepoint.FOLLOWUP: (
            Episode.objects.filter(
                followup_window_still_open(today),
                alive,
                ~had["followup"],
                work_status_at_followup="",
            ),
            schedule_followup,
        ),
    }
    counts = {}
    with transaction.atomic():
        for timepoint, (episodes, schedule) in candidates.items():
            scheduled = [
                len(schedule(episode))
                for episode in episodes.select_related("service").order_by("pk").iterator()
            ]
            counts[str(timepoint)] = (sum(1 for n in scheduled if n), sum(scheduled))
        if dry_run:
            transaction.set_rollback(True)
    return counts


# --------------------------------------------------------------------------- links


def choose_channel(client) -> str:
    """How to reach ``client``: email, text message, or a letter when neither will do."""
    if client.contact_by_email and client.email:
        return Channel.EMAIL
    if client.contact_by_phone and client.phone and delivery.can_send_sms():
        return Channel.SMS
    return Channel.LETTER


# An invitation may hold these; completed and cancelled ones are finished.
INVITABLE_STATUSES = (
    AdministrationStatus.SCHEDULED,
    AdministrationStatus.INVITED,
    AdministrationStatus.IN_PROGRESS,
    AdministrationStatus.EXPIRED,
)
FINISHED_STATUSES = (AdministrationStatus.COMPLETED, AdministrationStatus.CANCELLED)


def issue_invitation(
    episode: Episode,
    timepoint: str,
    *,
    administrations: Iterable[int] | None = None,
    channel: str | None = None,
    by=None,
    days: int | None = None,
    now: datetime | None = None,
    fresh_only: bool = False,
) -> QuestionnaireLink:
    """One invitation (one link, one letter code, one message) to every questionnaire
    of ``episode`` at ``timepoint`` that the client can still answer, or to those of
    ``administrations`` (ids) among them. Earlier unused invitations to any of them are
    withdrawn; answers already given are kept.

    The link expires after ``days`` (default: the service's setting, 14). Email and
    text invitations wait for the sender, letters to be printed; the questionnaires
    show "Invitation sent" once it has gone. Questionnaires entered by staff
    (:func:`queries.not_sent_to_clients`) are never in one. ``fresh_only`` (the sweep)
    leaves out any questionnaire that already has an invitation. ValueError when
    nothing is left to send.
    """
    plan = schedule_for(episode.service)
    channel = channel or choose_channel(episode.client)
    now = now or timezone.now()
    with transaction.atomic():
        chosen = Administration.objects.filter(
            episode=episode, timepoint=timepoint, status__in=INVITABLE_STATUSES
        ).exclude(instrument__in=queries.not_sent_to_clients())
        if administrations is not None:
            chosen = chosen.filter(pk__in=list(administrations))
        # Lock first, then look for invitations in a new statement: one made meanwhile
        # by another process is seen, so nothing is invited twice.
        locked = list(chosen.select_for_update().order_by("pk"))
        if fresh_only:
            invited = set(
                QuestionnaireLink.administrations.through.objects.filter(
                    administration__in=locked
                ).values_list("administration_id", flat=True)
            )
            locked = [a for a in locked if a.pk not in invited]
        if not locked:
            raise ValueError("no questionnaire to send to the client")
        QuestionnaireLink.objects.filter(
            pk__in=QuestionnaireLink.objects.filter(administrations__in=locked).values("pk"),
            used_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        link = QuestionnaireLink(
            episode=episode,
            timepoint=timepoint,
            nonce=links.new_nonce(),
            code_digest="",
            channel=channel,
            expires_at=now + timedelta(days=days or plan.link_days),
            created_by=by,
            delivery_status=(
                DeliveryStatus.TO_PRINT if channel == Channel.LETTER else DeliveryStatus.PENDING
            ),
            next_attempt_at=None if channel == Channel.LETTER else now,
        )
        # The digest needs the primary key; a placeholder unique value until then.
        link.code_digest = "pending-" + link.nonce
        link.save()
        link.code_digest = links.digest_for(link)
        link.save(update_fields=["code_digest"])
        link.administrations.set(locked)
        # Sent again after it lapsed: scheduled until the new invitation has gone.
        Administration.objects.filter(
            pk__in=[a.pk for a in locked], status=AdministrationStatus.EXPIRED
        ).update(status=AdministrationStatus.SCHEDULED, version=F("version") + 1)
    return link


def issue_link(administration: Administration, **options) -> QuestionnaireLink:
    """An invitation to ``administration`` alone (an ad hoc questionnaire); options as
    :func:`issue_invitation`. ValueError for one that is not sent to clients."""
    if administration.instrument in queries.not_sent_to_clients():
        raise ValueError(f"{administration.instrument_name} is entered by staff, not sent")
    return issue_invitation(
        administration.episode,
        administration.timepoint,
        administrations=[administration.pk],
        **options,
    )


def invitation_administrations(link: QuestionnaireLink) -> list[Administration]:
    """The questionnaires of an invitation in the order the client answers them."""
    return list(link.administrations.order_by("pk"))


def _mark_delivered(link_ids: Iterable[int]) -> None:
    """The invitation has gone: its questionnaires not yet started show "Invitation sent"."""
    Administration.objects.filter(
        links__in=list(link_ids), status=AdministrationStatus.SCHEDULED
    ).update(status=AdministrationStatus.INVITED, version=F("version") + 1)


def mark_opened(link: QuestionnaireLink) -> None:
    """Record the first opening of an invitation and show its questionnaires as started."""
    now = timezone.now()
    QuestionnaireLink.objects.filter(pk=link.pk, first_opened_at__isnull=True).update(
        first_opened_at=now
    )
    Administration.objects.filter(
        links=link,
        status__in=(AdministrationStatus.SCHEDULED, AdministrationStatus.INVITED),
    ).update(status=AdministrationStatus.IN_PROGRESS, version=F("version") + 1)


def mark_printed(link: QuestionnaireLink) -> None:
    printed = QuestionnaireLink.objects.filter(
        pk=link.pk, delivery_status=DeliveryStatus.TO_PRINT
    ).update(delivery_status=DeliveryStatus.PRINTED, sent_at=timezone.now())
    if printed:
        _mark_delivered([link.pk])


def _withdraw_finished_invitations(administration: Administration) -> None:
    """Withdraw the unused invitations holding ``administration`` in which nothing is
    left for the client to answer (staff entered or cancelled the rest)."""
    open_links = QuestionnaireLink.objects.filter(
        administrations=administration, used_at__isnull=True, revoked_at__isnull=True
    )
    unfinished = Administration.objects.filter(links=OuterRef("pk")).exclude(
        status__in=FINISHED_STATUSES
    )
    QuestionnaireLink.objects.filter(pk__in=open_links.values("pk")).exclude(
        Exists(unfinished)
    ).update(revoked_at=timezone.now())


# ------------------------------------------------------------------------- answers


def _store(administration: Administration, cleaned: Mapping[str, Any]) -> None:
    instrument = get_instrument(administration.instrument)
    for code, value in cleaned.items():
        item = instrument.item(code)
        if value is None:
            ItemValue.objects.filter(administration=administration, item=code).delete()
            continue
        if item.kind in (ItemKind.TEXT, ItemKind.CODE):
            defaults = {"value": None, "text_value": str(value)}
        else:
            defaults = {"value": float(value), "text_value": ""}
        ItemValue.objects.update_or_create(
            administration=administration, item=code, defaults=defaults
        )
    refresh_scores([administration.pk])


def save_answers(administration: Administration, values: Mapping[str, Any]) -> None:
    """Validate and store some answers of an unfinished administration (progress).

    Raises InvalidValues (item -> message) and stores nothing if any value is invalid;
    ValueError if the administration is already completed or cancelled.
    """
    instrument = get_instrument(administration.instrument)
    cleaned = instrument.clean(values)
    with transaction.atomic():
        current = Administration.objects.select_for_update().get(pk=administration.pk)
        if current.status in (AdministrationStatus.COMPLETED, AdministrationStatus.CANCELLED):
            raise ValueError("this questionnaire has already been submitted")
        _store(current, cleaned)
        Administration.objects.filter(pk=current.pk).update(
            status=AdministrationStatus.IN_PROGRESS
            if current.status != AdministrationStatus.EXPIRED
            else current.status,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        # An answer that needs the case manager today does not wait for the rest.
        announce_safety_answers(current, completed_by=CompletedBy.CLIENT)


def announce_safety_answers(
    administration: Administration, *, completed_by: str | None = None, again: bool = False
) -> dict[str, float]:
    """Tell the episode core about answers the case manager must act on today (PHQ-9
    item 9 above 0): casework makes a same-day task of each. Returns them (item -> value).

    As soon as such an answer is stored: a client's answer when saved on the way (they
    may never send the rest), and not again when the questionnaire is sent; staff
    entering answers (a correction included) ``again``. Called inside the writer's
    transaction, with the administration locked, so the answers and the alert stand or
    fall together.
    """
    definition = get_instrument(administration.instrument)
    if not definition.safety_items:
        return {}
    if administration.safety_announced_at is not None and not again:
        return {}
    stored = dict(
        ItemValue.objects.filter(
            administration=administration, item__in=list(definition.safety_items)
        ).values_list("item", "value")
    )
    found = definition.safety_answers(stored)
    for item, value in found.items():
        safety_answer_recorded.send(
            sender=Administration,
            episode=administration.episode,
            instrument=administration.instrument_name,
            item=item,
            value=value,
            completed_by=completed_by or administration.completed_by,
        )
    if found:
        administration.safety_announced_at = timezone.now()
        Administration.objects.filter(pk=administration.pk).update(
            safety_announced_at=administration.safety_announced_at
        )
    return found


def submit_response(
    link: QuestionnaireLink, *, administration: Administration | None = None, comment: str = ""
) -> Administration:
    """Finish one questionnaire of a client's invitation (``administration``, or the
    first one not yet finished): its answers become final. The invitation is used once
    nothing in it is left to answer; until then the link goes on working.

    Raises ValueError if the link is no longer usable (already used, expired,
    withdrawn) or the questionnaire is not in it or already finished. Answers were
    saved page by page; this only closes the administration, so no message sent
    afterwards can undo it.
    """
    with transaction.atomic():
        current = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
        state = links.check_link(current)
        if not state.ok:
            raise ValueError(f"questionnaire link is {state.problem}")
        unfinished = Administration.objects.filter(links=current).exclude(
            status__in=FINISHED_STATUSES
        )
        if administration is not None:
            unfinished = unfinished.filter(pk=administration.pk)
        chosen = unfinished.order_by("pk").first()
        if chosen is None:
            raise ValueError("this questionnaire has already been submitted")
        administration = Administration.objects.select_for_update().get(pk=chosen.pk)
        administration.status = AdministrationStatus.COMPLETED
        administration.completed_by = CompletedBy.CLIENT
        administration.date = timezone.localdate()
        if comment:
            administration.comment = comment
        administration.version += 1
        administration.save()
        announce_safety_answers(administration)
        if not (
            Administration.objects.filter(links=current)
            .exclude(status__in=FINISHED_STATUSES)
            .exists()
        ):
            current.used_at = timezone.now()
            current.save(update_fields=["used_at"])
    # Here, not at the top: the tasks module imports this one.
    from .tasks import tell_case_manager

    transaction.on_commit(lambda: _enqueue_safely(tell_case_manager, administration.pk))
    return administration


def _enqueue_safely(task, *args) -> None:
    # The response is already committed; a broken queue must not turn that into an error.
    try:
        task.enqueue(*args)
    except Exception:  # noqa: BLE001
        logger.exception("could not enqueue %s", getattr(task, "name", task))


class StaleAdministration(Exception):
    """The questionnaire was changed by someone else since the form was opened."""


def record_staff_entry(
    episode: Episode,
    *,
    instrument: str,
    timepoint: str,
    date_completed: date,
    values: Mapping[str, Any],
    by,
    comment: str = "",
    administration: Administration | None = None,
    expected_version: int | None = None,
) -> Administration:
    """Store a questionnaire entered by staff (from paper or an interview).

    Fills the scheduled or started administration of that instrument and timepoint if
    there is one, else creates one (ad hoc ones always create). Replaces every answer.
    Raises InvalidValues with item -> message; ValueError for an instrument not given
    at that timepoint; StaleAdministration when ``expected_version`` is out of date.
    """
    definition = get_instrument(instrument)
    if timepoint not in definition.timepoints:
        raise ValueError(f"{definition.name} is not given at {Timepoint(timepoint).label.lower()}")
    if date_completed > timezone.localdate():
        raise InvalidValues({"date": "The date completed cannot be in the future."})
    full = {item.code: values.get(item.code) for item in definition.items}
    cleaned = definition.clean(full)
    with transaction.atomic():
        if administration is None and timepoint != Timepoint.AD_HOC:
            # The one in place for the timepoint, else the last one cancelled.
            administration = (
                Administration.objects.select_for_update()
                .filter(episode=episode, instrument=instrument, timepoint=timepoint)
                .in_place_first()
                .first()
            )
        elif administration is not None:
            administration = Administration.objects.select_for_update().get(pk=administration.pk)
        if administration is None:
            administration = Administration(
                episode=episode, instrument=instrument, timepoint=timepoint
            )
        elif expected_version is not None and administration.version != expected_version:
            raise StaleAdministration(administration)
        else:
            administration.version += 1
        administration.instrument_version = definition.version
        administration.date = date_completed
        administration.status = AdministrationStatus.COMPLETED
        administration.cancelled_reason = ""
        administration.completed_by = CompletedBy.STAFF
        administration.entered_by = by
        administration.comment = comment
        administration.save()
        _store(administration, cleaned)
        # The client's invitation no longer offers it; with nothing left, it is withdrawn.
        _withdraw_finished_invitations(administration)
        # Entered by staff, a correction too: a new alert to act on.
        announce_safety_answers(administration, again=True)
    return administration


def cancel_administration(administration: Administration) -> None:
    with transaction.atomic():
        Administration.objects.filter(pk=administration.pk).exclude(
            status=AdministrationStatus.COMPLETED
        ).update(status=AdministrationStatus.CANCELLED, version=F("version") + 1)
        _withdraw_finished_invitations(administration)


# Re-opening an episode undoes its discharge: what was asked because of it goes.
REOPENING_CANCELS = (Timepoint.DISCHARGE, Timepoint.FOLLOWUP)


def cancel_on_reopening(episode: Episode, *, on: date) -> int:
    """The episode was re-opened on ``on``: its discharge and follow-up questionnaires
    not yet completed are cancelled, saying why, and every invitation left with nothing
    to answer is withdrawn, saying why, so nothing more is sent, reminded or counted
    overdue for a discharge that was undone. Completed ones stay as they were, the
    record of what the client answered. A later discharge schedules fresh ones in place
    of those cancelled. Returns the number cancelled.
    """
    reason = _("The episode was re-opened on %(day)s.") % {"day": human_date(on)}
    with transaction.atomic():
        cancelled = list(
            Administration.objects.select_for_update()
            .filter(episode=episode, timepoint__in=REOPENING_CANCELS)
            .exclude(status__in=FINISHED_STATUSES)
            .values_list("pk", flat=True)
        )
        Administration.objects.filter(pk__in=cancelled).update(
            status=AdministrationStatus.CANCELLED,
            cancelled_reason=reason[:255],
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        unfinished = Administration.objects.filter(links=OuterRef("pk")).exclude(
            status__in=FINISHED_STATUSES
        )
        QuestionnaireLink.objects.filter(
            episode=episode,
            timepoint__in=REOPENING_CANCELS,
            used_at__isnull=True,
            revoked_at__isnull=True,
        ).exclude(Exists(unfinished)).update(
            revoked_at=timezone.now(), withdrawn_reason=reason[:255]
        )
    return len(cancelled)


# ------------------------------------------------------------------------- wording


def load_wording(rows: Iterable[Mapping[str, Any]], *, licence: str = "") -> int:
    """Store licensed item wording from rows with instrument, item, language, text.

    Optional keys: ``hint`` and ``options`` (value -> label). All rows are checked
    first; ValueError naming the row if any instrument or item is unknown, and nothing
    is stored. Returns the number of rows stored.
    """
    checked = []
    for number, row in enumerate(rows, start=1):
        code = str(row.get("instrument", "")).strip()
        item = str(row.get("item", "")).strip()
        text = str(row.get("text", "")).strip()
        try:
            get_instrument(code).item(item)
        except KeyError as exc:
            raise ValueError(f"row {number}: {exc.args[0]}") from None
        if not text:
            raise ValueError(f"row {number}: no text for {code}.{item}")
        options = row.get("options") or {}
        if not isinstance(options, dict):
            raise ValueError(f"row {number}: options must map values to labels")
        checked.append(
            (
                code,
                item,
                str(row.get("language") or "en-gb").strip().lower(),
                text,
                str(row.get("hint") or "").strip(),
                {str(k): str(v) for k, v in options.items()},
            )
        )
    with transaction.atomic():
        for code, item, language, text, hint, options in checked:
            ItemWording.objects.update_or_create(
                instrument=code,
                item=item,
                language=language,
                defaults={"text": text, "hint": hint, "options": options, "licence": licence},
            )
    return len(checked)


# -------------------------------------------------------------------------- sending


def _backoff(attempts: int) -> timedelta:
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def invitation_names(administrations: Iterable[Administration]) -> tuple[list[str], bool]:
    """The questionnaires' names as a letter or message in the active language gives
    them, each one whose questions the client will read in English (no published
    translation) marked "(in English)"; and whether any is."""
    administrations = list(administrations)
    in_english = queries.english_only(
        [a.instrument for a in administrations], translation.get_language() or "en-gb"
    )
    names = [
        _("%(name)s (in English)") % {"name": a.instrument_name}
        if a.instrument in in_english
        else str(a.instrument_name)
        for a in administrations
    ]
    return names, bool(in_english)


def _invitation(link: QuestionnaireLink, *, reminder: bool) -> delivery.Invitation:
    service = link.episode.service
    names, any_in_english = invitation_names(invitation_administrations(link))
    return delivery.Invitation(
        # In the client's language (the caller's translation.override).
        service_name=service.local_name,
        service_phone=service.phone,
        opening_hours=service.local_opening_hours,
        questionnaires=tuple(names),
        url=delivery.token_url(links.make_token(link)),
        expires=date_format(timezone.localtime(link.expires_at).date(), "j F Y"),
        reminder=reminder,
        any_in_english=any_in_english,
        other_language=delivery.other_language_line(
            service, translation.get_language() or "en-gb"
        ).text,
    )


def _send(link: QuestionnaireLink, *, reminder: bool) -> None:
    client = link.episode.client
    # Every word in the client's language: the message, the questionnaires' names, the date.
    with translation.override(client.preferred_language):
        invitation = _invitation(link, reminder=reminder)
        if link.channel == Channel.SMS:
            delivery.send_sms(client.phone, invitation)
        else:
            delivery.send_email(client.email, invitation)


def _claimable(now: datetime):
    return QuestionnaireLink.objects.filter(
        delivery_status=DeliveryStatus.PENDING,
        channel__in=(Channel.EMAIL, Channel.SMS),
        next_attempt_at__lte=now,
        used_at__isnull=True,
        revoked_at__isnull=True,
        # The client already has it (staff read out the code): nothing more to send.
        first_opened_at__isnull=True,
        expires_at__gt=now,
    ).exclude(episode__client__processing_restricted=True)


def send_pending(link_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> dict:
    """Send invitations waiting to go (all, or those in ``link_ids``); never raises.

    Each invitation is one message. A failure is recorded and retried with back-off
    (5 minutes, doubling, at most 6 hours) up to MAX_SEND_ATTEMPTS, then shown to staff
    as not sent. Returns counts of invitations.
    """
    now = now or timezone.now()
    pending = _claimable(now)
    if link_ids is not None:
        pending = pending.filter(pk__in=list(link_ids))
    candidates = list(pending.values_list("pk", flat=True)[:500])
    claimed = [
        pk
        for pk in candidates
        if _claimable(now).filter(pk=pk).update(next_attempt_at=now + SEND_LEASE)
    ]
    counts = {"sent": 0, "failed": 0, "retrying": 0}
    for link in QuestionnaireLink.objects.filter(pk__in=claimed).select_related(
        "episode__client", "episode__service"
    ):
        try:
            _send(link, reminder=False)
        except delivery.DeliveryError as exc:
            attempts = link.attempts + 1
            gave_up = attempts >= MAX_SEND_ATTEMPTS
            QuestionnaireLink.objects.filter(pk=link.pk).update(
                attempts=attempts,
                last_error=str(exc)[:255],
                delivery_status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
                next_attempt_at=None if gave_up else now + _backoff(attempts),
            )
            counts["failed" if gave_up else "retrying"] += 1
            logger.warning("questionnaire invitation not sent (attempt %s): %s", attempts, exc)
        else:
            QuestionnaireLink.objects.filter(pk=link.pk).update(
                attempts=F("attempts") + 1,
                delivery_status=DeliveryStatus.SENT,
                sent_at=now,
                next_attempt_at=None,
                last_error="",
            )
            _mark_delivered([link.pk])
            counts["sent"] += 1
    return counts


def _invite_due(now: datetime) -> int:
    """One invitation for each episode and timepoint with questionnaires due and not
    yet invited. Returns the number of invitations made."""
    today = timezone.localdate(now)
    # A client who died since scheduling is never sent anything; staff see it cancelled.
    Administration.objects.filter(
        status=AdministrationStatus.SCHEDULED, due_date__lte=today
    ).filter(
        Q(episode__work_status_at_discharge=WorkStatus.DECEASED)
        | Q(episode__work_status_at_followup=WorkStatus.DECEASED)
    ).update(status=AdministrationStatus.CANCELLED, version=F("version") + 1)
    due = (
        Administration.objects.filter(
            status=AdministrationStatus.SCHEDULED,
            due_date__lte=today,
            episode__service__active=True,
            # Restricted processing: nothing is sent until the restriction is lifted.
            episode__client__processing_restricted=False,
        )
        .exclude(episode__service__measure_schedule__send_to_clients=False)
        # Interviews, and copyrighted instruments without their wording: staff enter them.
        .exclude(instrument__in=queries.not_sent_to_clients())
        .exclude(Exists(QuestionnaireLink.objects.filter(administrations=OuterRef("pk"))))
        .order_by("episode_id", "timepoint", "pk")
    )
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for episode_id, timepoint, pk in due.values_list("episode_id", "timepoint", "pk")[:1000]:
        groups[(episode_id, timepoint)].append(pk)
    episodes = Episode.objects.select_related("client", "service").in_bulk(
        [episode_id for episode_id, _timepoint in groups]
    )
    issued = 0
    for (episode_id, timepoint), ids in groups.items():
        try:
            issue_invitation(
                episodes[episode_id], timepoint, administrations=ids, now=now, fresh_only=True
            )
        except ValueError:
            continue  # invited meanwhile by another process
        issued += 1
    return issued


def _send_reminders(now: datetime) -> dict:
    """Remind clients of invitations sent and not finished, on the service's schedule:
    the first after ``reminder_after_days``, the next as long again after it, up to
    ``max_reminders``. Never for a used, withdrawn or expired invitation, nor one whose
    questionnaires are all completed or cancelled."""
    counts = {"reminded": 0, "reminder_failed": 0}
    awaiting_answers = Administration.objects.filter(links=OuterRef("pk"), status__in=OPEN_STATUSES)
    candidates = (
        QuestionnaireLink.objects.filter(
            delivery_status=DeliveryStatus.SENT,
            channel__in=(Channel.EMAIL, Channel.SMS),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .filter(Exists(awaiting_answers))
        .exclude(episode__client__processing_restricted=True)
        .select_related("episode__client", "episode__service")
        .order_by("pk")
    )
    for link in candidates[:1000]:
        plan = schedule_for(link.episode.service)
        last = link.last_reminder_at or link.sent_at
        if link.reminders_sent >= plan.max_reminders or last is None:
            continue
        if now - last < timedelta(days=plan.reminder_after_days):
            continue
        claimed = QuestionnaireLink.objects.filter(
            pk=link.pk, reminders_sent=link.reminders_sent
        ).update(reminders_sent=F("reminders_sent") + 1, last_reminder_at=now)
        if not claimed:
            continue
        try:
            _send(link, reminder=True)
            counts["reminded"] += 1
        except delivery.DeliveryError as exc:
            # Give the reminder back so that the next sweep tries again.
            QuestionnaireLink.objects.filter(pk=link.pk).update(
                reminders_sent=link.reminders_sent,
                last_reminder_at=link.last_reminder_at,
                last_error=str(exc)[:255],
            )
            counts["reminder_failed"] += 1
    return counts


def _expire(now: datetime) -> int:
    """Questionnaires whose every invitation has lapsed or been withdrawn show "Expired"."""
    live_link = QuestionnaireLink.objects.filter(
        administrations=OuterRef("pk"), revoked_at__isnull=True, expires_at__gt=now
    )
    any_link = QuestionnaireLink.objects.filter(administrations=OuterRef("pk"))
    return (
        Administration.objects.filter(status__in=(AdministrationStatus.SCHEDULED, *OPEN_STATUSES))
        .filter(Exists(any_link))
        .exclude(Exists(live_link))
        .update(status=AdministrationStatus.EXPIRED, version=F("version") + 1)
    )


def send_due_invitations(*, now: datetime | None = None) -> dict:
    """The periodic sweep: invite what is due, send, retry, remind, expire. Never raises
    for a delivery failure; returns counts of what it did."""
    now = now or timezone.now()
    counts: dict[str, int] = {"invited": _invite_due(now)}
    counts.update(send_pending(now=now))
    counts.update(_send_reminders(now))
    counts["expired"] = _expire(now)
    return counts


def letters_to_print(services) -> Q:
    return Q(
        delivery_status=DeliveryStatus.TO_PRINT,
        episode__service__in=services,
    )


@transaction.atomic
def record_hna(
    episode: Episode,
    *,
    by,
    on: date,
    concerns: Mapping[str, bool],
    distress: int | None,
    timepoint: str = Timepoint.AD_HOC,
    comment: str = "",
) -> Administration:
    """Store a holistic needs concerns checklist and distress thermometer entered by staff.

    It is an administration of instrument ``hna`` (ad hoc, or at entry or discharge), so
    the measures reports count it with the other questionnaires. Raises InvalidValues.
    """
    instrument = get_instrument("hna")
    values: dict[str, float] = {area: float(bool(concerns.get(area))) for area in HNA_CONCERN_AREAS}
    if distress is not None:
        values["distress"] = float(distress)
    problems = instrument.validate(values)
    if problems:
        raise InvalidValues(problems)
    administration = Administration.objects.create(
        episode=episode,
        instrument="hna",
        instrument_version=instrument.version,
        timepoint=timepoint,
        date=on,
        status=AdministrationStatus.COMPLETED,
        entered_by=by,
        comment=comment,
    )
    ItemValue.objects.bulk_create(
        ItemValue(administration=administration, item=item, value=value)
        for item, value in values.items()
    )
    refresh_scores([administration.pk])
    return administration
