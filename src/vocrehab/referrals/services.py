"""Writes for intake and triage. Views, commands and tasks all change referrals here."""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vocrehab.accounts.models import Membership, Role
from vocrehab.clients.identifiers import identifier_type_for, normalise_nhs_number
from vocrehab.clients.models import Client, Language
from vocrehab.clients.postcodes import deprivation_for, format_postcode
from vocrehab.codes import Engagement, Nation, Tier, WorkStatus
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import (
    change_tier,
    record_assessment_date,
    record_discharge,
    record_first_contact_date,
    set_case_manager,
)
from vocrehab.episodes.signals import library_material_requested
from vocrehab.episodes.standards import FIRST_CONTACT

from .duplicates import find_matches
from .models import Allocation, ClockPause, Referral, ServiceLevel, TriageStatus

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L, 5/S or 2/Z: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
REFERENCE_LENGTH = 6
MAX_EMAIL_ATTEMPTS = 5

CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "nhs_number",
    "sex",
    "ethnicity",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_by_phone",
    "contact_by_email",
    "contact_by_post",
    "safe_to_leave_message",
    "contact_notes",
    "preferred_language",
)
EPISODE_FIELDS = (
    "referral_source",
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_email",
    "referrer_phone",
    "consent_to_contact",
    "consent_to_share",
    "condition",
    "condition_detail",
    "diagnosis_date",
    "occupation",
    "job_title",
    "employer_name",
    "work_status_at_referral",
    "weeks_absent_at_referral",
    "main_reason",
)


def new_reference(prefix: str = "VR") -> str:
    """A short public reference such as ``VR-7K3M9Q`` (about 387 million possibilities)."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{prefix}-{code}"


def _json_ready(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime.date):
            out[key] = value.isoformat()
        elif hasattr(value, "pk"):
            out[key] = value.pk
        else:
            out[key] = value
    return out


def _age(born: datetime.date | None, on: datetime.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Intake:
    referral: Referral
    matches: list


@transaction.atomic
def create_referral(
    *,
    service,
    channel: str,
    data: dict,
    entered_by=None,
    acknowledgement_email: str = "",
    received: datetime.date | None = None,
    language: str = Language.ENGLISH,
) -> Intake:
    """Store a referral in full: client (new or matched), episode and referral, together.

    Nothing else happens inside: the acknowledgement email is queued only after the
    transaction commits, so a mail failure can never lose the referral. A client already
    known by NHS/CHI number (or by date of birth and a similar name) is reused; if their
    latest episode is closed, the new episode is a re-referral linked to it; if one is
    open, the match is returned for triage to merge.
    """
    received = received or timezone.localdate()
    nhs_number = normalise_nhs_number(data.get("nhs_number", ""))
    matches = find_matches(
        service,
        nhs_number=nhs_number,
        date_of_birth=data.get("date_of_birth"),
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
    )
    client_values = {f: data[f] for f in CLIENT_FIELDS if f in data and data[f] is not None}
    client_values["nhs_number"] = nhs_number
    if client_values.get("postcode"):
        client_values["postcode"] = format_postcode(client_values["postcode"])
    client_values["identifier_type"] = identifier_type_for(
        nhs_number,
        scottish=service.nation == Nation.SCOTLAND,
        date_of_birth=data.get("date_of_birth"),
    )
    deprivation = deprivation_for(client_values.get("postcode", ""), service.nation)
    if deprivation is not None:
        client_values.update(
            area_code=deprivation.local_authority_code or deprivation.area_code,
            deprivation_index=deprivation.index,
            deprivation_rank=deprivation.rank,
            deprivation_decile=deprivation.decile,
        )

    if matches:
        client = matches[0].client
        # Keep what staff have recorded; fill only what the record lacks.
        changed = [
            f for f, v in client_values.items() if v not in ("", None) and not getattr(client, f)
        ]
        for name in changed:
            setattr(client, name, client_values[name])
        if changed:
            client.save(update_fields=[*changed, "updated_at"])
    else:
        client = Client.objects.create(
            service=service, reference=_unique_client_reference(service), **client_values
        )
    previous = None
    if matches and not matches[0].open_episodes:
        previous = matches[0].latest_closed

    episode_values = {f: data[f] for f in EPISODE_FIELDS if f in data and data[f] is not None}
    for text_field in ("referrer_name", "referrer_role", "referrer_organisation"):
        episode_values.setdefault(text_field, "")
    reference = None
    for _attempt in range(5):
        reference = new_reference()
        if not Referral.objects.filter(reference=reference).exists():
            break
    episode = Episode.objects.create(
        service=service,
        client=client,
        reference=reference,
        previous_episode=previous,
        referral_date=received,
        sex=client.sex,
        ethnicity=client.ethnicity,
        age_at_referral=_age(client.date_of_birth, received),
        area_code=client.area_code,
        deprivation_index=client.deprivation_index,
        deprivation_rank=client.deprivation_rank,
        deprivation_decile=client.deprivation_decile,
        **episode_values,
    )
    referral = Referral.objects.create(
        episode=episode,
        service=service,
        reference=reference,
        channel=channel,
        submitted=_json_ready(data),
        treatment_stage=data.get("treatment_stage") or "",
        entered_by=entered_by,
        acknowledgement_email=acknowledgement_email,
        language=Language.of(language),
    )
    if acknowledgement_email:
        # Here, not at the top: the tasks module imports this one.
        from .tasks import send_acknowledgement_task

        transaction.on_commit(
            lambda: _queue_acknowledgement(send_acknowledgement_task, referral.pk)
        )
    return Intake(referral=referral, matches=[m for m in matches if m.open_episodes])


def _queue_acknowledgement(task, referral_id: int) -> None:
    # A queue outage must not turn a stored referral into an error page: the retry
    # command finds it later because email_sent_at is still empty.
    try:
        task.enqueue(referral_id)
    except Exception:  # noqa: BLE001
        logger.exception("Could not queue the acknowledgement of referral %s", referral_id)


def _unique_client_reference(service) -> str:
    while True:
        reference = new_reference("C")
        if not Client.objects.filter(service=service, reference=reference).exists():
            return reference


def send_acknowledgement(referral: Referral) -> bool:
    """Email the acknowledgement; record success, or the failure for a later retry.

    Never raises for a mail failure: the referral is already stored, and the failure is
    kept on it (attempts, last error) for ``retry_acknowledgements``.
    """
    if referral.email_sent_at is not None or not referral.acknowledgement_email:
        return True
    service = referral.service
    context = {
        "referral": referral,
        "service": service,
        "first_contact_days": FIRST_CONTACT.limit_for(service),
    }
    with translation.override(referral.language):
        subject = _("Your referral to %(service)s: %(reference)s") % {
            "service": service.local_name,
            "reference": referral.reference,
        }
        body = render_to_string("referrals/email/acknowledgement.txt", context)
    Referral.objects.filter(pk=referral.pk).update(email_attempts=referral.email_attempts + 1)
    referral.email_attempts += 1
    try:
        send_mail(subject, body, None, [referral.acknowledgement_email])
    except Exception as error:  # noqa: BLE001 - any transport failure is retried later
        # The address is personal data: log the reference and the kind of error only.
        referral.last_error = f"{type(error).__name__}: {error}"[:255]
        Referral.objects.filter(pk=referral.pk).update(last_error=referral.last_error)
        logger.warning(
            "Acknowledgement for %s not sent: %s", referral.reference, type(error).__name__
        )
        return False
    referral.email_sent_at = timezone.now()
    referral.last_error = ""
    Referral.objects.filter(pk=referral.pk).update(
        email_sent_at=referral.email_sent_at, last_error=""
    )
    return True


def retry_acknowledgements(*, max_attempts: int = MAX_EMAIL_ATTEMPTS) -> tuple[int, int]:
    """Send every acknowledgement not yet sent (fewer than ``max_attempts`` tries).

    Returns (sent, still failing).
    """
    pending = (
        Referral.objects.filter(email_sent_at__isnull=True, email_attempts__lt=max_attempts)
        .exclude(acknowledgement_email="")
        .select_related("service")
    )
    sent = failed = 0
    for referral in pending.iterator():
        if send_acknowledgement(referral):
            sent += 1
        else:
            failed += 1
    return sent, failed


# ------------------------------------------------------------------------- triage


def _advance(referral: Referral) -> None:
    """Leave the queue once triaged, assessed and allocated (so the queue stays small)."""
    episode = Episode.objects.get(pk=referral.episode_id)
    if (
        referral.triage_status == TriageStatus.TRIAGED
        and episode.assessment_date
        and episode.case_manager_id
    ):
        referral.triage_status = TriageStatus.COMPLETE
        Referral.objects.filter(pk=referral.pk).update(triage_status=TriageStatus.COMPLETE)


def _check_open(episode: Episode) -> None:
    if episode.discharge_date is not None:
        raise ValidationError(_("This episode is closed."))


def record_first_contact(
    referral: Referral, *, on: datetime.date, version: int, by=None
) -> Episode:
    """Record the first response to the client (the 5-working-day standard)."""
    return record_first_contact_date(referral.episode, on=on, expected_version=version)


def record_assessment(referral: Referral, *, on: datetime.date, version: int, by=None) -> Episode:
    """Record the initial assessment (the 10-working-day standard); ends any open pause."""
    episode = referral.episode
    with transaction.atomic():
        record_assessment_date(episode, on=on, expected_version=version)
        referral.pauses.filter(end__isnull=True).update(end=on)
        _advance(referral)
    return episode


def pause_clock(referral: Referral, *, start: datetime.date, reason: str, by=None) -> ClockPause:
    """Stop the service-standard clocks from ``start`` at the client's choice."""
    if not reason.strip():
        raise ValidationError(_("Give the reason the clock is paused."))
    if referral.pauses.filter(end__isnull=True).exists():
        raise ValidationError(_("The clock is already paused."))
    if start < referral.episode.referral_date:
        raise ValidationError(_("A pause cannot start before the referral was received."))
    return ClockPause.objects.create(
        referral=referral, start=start, reason=reason.strip(), created_by=by
    )


def resume_clock(referral: Referral, *, end: datetime.date, by=None) -> ClockPause:
    """Restart the clocks on ``end`` (that day counts again)."""
    pause = referral.pauses.filter(end__isnull=True).first()
    if pause is None:
        raise ValidationError(_("The clock is not paused."))
    if end < pause.start:
        raise ValidationError(_("The clock cannot restart before the pause began."))
    pause.end = end
    pause.save(update_fields=["end"])
    return pause


def levels_for(service) -> list[ServiceLevel]:
    """The service's own levels, or the three VRMDS tiers (unsaved) when it has none."""
    levels = list(ServiceLevel.objects.filter(service=service))
    if levels:
        return levels
    return [
        ServiceLevel(service=service, name=str(label), vrmds_tier=value, position=int(value))
        for value, label in Tier.choices
    ]


@transaction.atomic
def set_level(
    referral: Referral,
    *,
    tier: str,
    reason: str,
    by=None,
    level: ServiceLevel | None = None,
    on: datetime.date | None = None,
):
    """Allocate or move the episode to a tier (stepped care); the move is kept with its reason.

    ``level`` is the service's own level, when it has levels of its own; its VRMDS tier
    is what is recorded for reporting.
    """
    if not reason.strip():
        raise ValidationError(_("Give the reason for this tier."))
    _check_open(referral.episode)
    if level is not None:
        if level.service_id != referral.service_id:
            raise ValidationError(_("That level belongs to another service."))
        tier = level.vrmds_tier
        reason = f"{level.name}: {reason.strip()}"
    change = change_tier(referral.episode, to_tier=tier, by=by, reason=reason.strip(), on=on)
    referral.service_level = level
    if referral.triage_status == TriageStatus.NEW:
        referral.triage_status = TriageStatus.TRIAGED
    referral.save(update_fields=["service_level", "triage_status"])
    referral.episode.refresh_from_db()
    _advance(referral)
    return change


def eligible_workers(service, tier: str):
    """Staff who may hold an episode at ``tier``: case managers; support workers at tier 2."""
    roles = [Role.CASE_MANAGER]
    if tier == Tier.TWO:
        roles.append(Role.SUPPORT_WORKER)
    user_ids = Membership.objects.filter(
        service=service, role__in=roles, active=True, user__is_active=True
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids).order_by("last_name", "first_name")


@transaction.atomic
def allocate_worker(episode: Episode, *, worker, by=None, reason: str = "") -> Allocation:
    """Give the episode to a worker; a transfer ends the previous allocation, kept in history."""
    _check_open(episode)
    if not episode.tier:
        raise ValidationError(_("Choose a tier before allocating."))
    if not eligible_workers(episode.service, episode.tier).filter(pk=worker.pk).exists():
        if (
            episode.tier != Tier.TWO
            and Membership.objects.filter(
                user=worker, service=episode.service, role=Role.SUPPORT_WORKER, active=True
            ).exists()
        ):
            raise ValidationError(_("A support worker can only hold tier 2 clients."))
        raise ValidationError(_("That person cannot hold clients in this service."))
    now = timezone.now()
    Allocation.objects.filter(episode=episode, end__isnull=True).update(end=now)
    allocation = Allocation.objects.create(
        episode=episode, worker=worker, allocated_by=by, reason=reason.strip()
    )
    set_case_manager(episode, worker=worker, by=by)
    for referral in Referral.objects.filter(episode=episode):
        _advance(referral)
    return allocation


def may_take(user, referral: Referral) -> bool:
    """A case manager may allocate an unallocated referral to themselves, where the
    service allows it (``Service.case_managers_take_referrals``)."""
    episode = referral.episode
    return bool(
        episode is not None
        and episode.service.case_managers_take_referrals
        and episode.case_manager_id is None
        and episode.discharge_date is None
        and Membership.objects.filter(
            user=user, service=episode.service, role=Role.CASE_MANAGER, active=True
        ).exists()
    )


def take_referral(referral: Referral, *, by) -> Allocation:
    """The case manager ``by`` allocates the referral to themselves (see :func:`may_take`)."""
    if not may_take(by, referral):
        raise PermissionDenied(_("You cannot allocate this referral to yourself."))
    return allocate_worker(
        referral.episode, worker=by, by=by, reason=_("Allocated to themselves from triage")
    )


def _with_library_material(episode: Episode, material: str) -> str:
    """The material sent: items given from the self-help library, then any free text."""
    titles = [
        title
        for _receiver, found in library_material_requested.send(sender=Episode, episode=episode)
        for title in found
    ]
    return "; ".join([*titles, material.strip()] if material.strip() else titles)


@transaction.atomic
def close_self_help(
    referral: Referral,
    *,
    material: str,
    work_status: str = "",
    on: datetime.date | None = None,
    by=None,
) -> Episode:
    """Tier 1: record the self-help material sent and close the episode with its outcome."""
    episode = Episode.objects.select_for_update().get(pk=referral.episode_id)
    _check_open(episode)
    if episode.tier != Tier.ONE:
        raise ValidationError(_("Only a tier 1 (self-help) episode closes this way."))
    material = _with_library_material(episode, material)
    if not material:
        raise ValidationError(
            _("Say which self-help material was sent, or give it from the self-help library.")
        )
    episode = record_discharge(
        episode,
        on=on or timezone.localdate(),
        work_status=work_status or WorkStatus.NOT_KNOWN,
        reason=_("Self-help material sent"),
        engagement=Engagement.ENGAGED,
    )
    referral.self_help_material = material
    referral.triage_status = TriageStatus.CLOSED
    referral.save(update_fields=["self_help_material", "triage_status"])
    Allocation.objects.filter(episode=episode, end__isnull=True).update(end=timezone.now())
    return episode


class NonEngagement:
    COULD_NOT_CONTACT = "could_not_contact"
    DID_NOT_ATTEND = "did_not_attend"
    WITHDREW = "withdrew"
    LABELS = {
        COULD_NOT_CONTACT: _("Could not be contacted"),
        DID_NOT_ATTEND: _("Did not attend"),
        WITHDREW: _("Withdrew"),
    }


class WithdrawalReason:
    HEALTH = "health_deteriorated"
    CIRCUMSTANCES = "circumstances_changed"
    DECLINED = "declined"
    LABELS = {
        HEALTH: _("Health deteriorated"),
        CIRCUMSTANCES: _("Circumstances changed"),
        DECLINED: _("Declined the service"),
    }


@transaction.atomic
def close_not_engaged(
    episode: Episode,
    *,
    kind: str,
    reason: str = "",
    on: datetime.date | None = None,
    work_status: str = "",
    by=None,
) -> Episode:
    """Close an episode whose client did not engage or withdrew.

    VRMDS engagement follows from the assessment: never assessed → ``did_not_engage``,
    assessed and then left → ``withdrew``. The discharge reason keeps what happened.
    """
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    _check_open(episode)
    if kind not in NonEngagement.LABELS:
        raise ValidationError(_("Choose what happened."))
    if kind == NonEngagement.WITHDREW and reason not in WithdrawalReason.LABELS:
        raise ValidationError(_("Choose why the client withdrew."))
    text = str(NonEngagement.LABELS[kind])
    if reason in WithdrawalReason.LABELS:
        text = f"{text}: {WithdrawalReason.LABELS[reason]}"
    episode = record_discharge(
        episode,
        on=on or timezone.localdate(),
        work_status=work_status or WorkStatus.NOT_KNOWN,
        reason=text,
        engagement=(Engagement.WITHDREW if episode.assessment_date else Engagement.DID_NOT_ENGAGE),
    )
    Referral.objects.filter(episode=episode).update(triage_status=TriageStatus.CLOSED)
    Allocation.objects.filter(episode=episode, end__isnull=True).update(end=timezone.now())
    return episode


@transaction.atomic
def merge_into(referral: Referral, target: Episode, *, by=None) -> Referral:
    """Merge a duplicate referral into the client's open episode.

    The duplicate episode is removed (only while nothing has been recorded on it); the
    referral itself is kept, pointing at ``target``, with its submitted answers.
    """
    duplicate = referral.episode
    if duplicate is None:
        raise ValidationError(_("This referral has already been merged."))
    if target.pk == duplicate.pk or target.service_id != referral.service_id:
        raise ValidationError(_("Choose another open episode of this service."))
    if target.discharge_date is not None:
        raise ValidationError(_("A referral can only be merged into an open episode."))
    if (
        duplicate.tier
        or duplicate.case_manager_id
        or duplicate.contacts.exists()
        or duplicate.tier_changes.exists()
    ):
        raise ValidationError(
            _("Work has been recorded on this referral's episode; close it instead of merging.")
        )
    old_client = duplicate.client
    referral.episode = None
    referral.merged_into = target
    referral.triage_status = TriageStatus.MERGED
    referral.save(update_fields=["episode", "merged_into", "triage_status"])
    referral.pauses.all().delete()
    try:
        duplicate.delete()
        if old_client.pk != target.client_id and not old_client.episodes.exists():
            old_client.delete()
    except IntegrityError as error:  # pragma: no cover - protected by the checks above
        raise ValidationError(_("This referral cannot be merged.")) from error
    return referral


def add_level(service, *, name: str, description: str, vrmds_tier: str, position: int):
    """Add one of the service's own levels (names are unique within the service)."""
    if ServiceLevel.objects.filter(service=service, name__iexact=name.strip()).exists():
        raise ValidationError(_("This service already has a level with that name."))
    if vrmds_tier not in Tier.values:
        raise ValidationError(_("Choose the VRMDS tier this level counts as."))
    return ServiceLevel.objects.create(
        service=service,
        name=name.strip(),
        description=description.strip(),
        vrmds_tier=vrmds_tier,
        position=position,
    )


def remove_level(level: ServiceLevel) -> None:
    """Remove a level no referral uses (tier history keeps its name in the reasons)."""
    if Referral.objects.filter(service_level=level).exists():
        raise ValidationError(_("Referrals are at this level; it cannot be removed."))
    level.delete()
