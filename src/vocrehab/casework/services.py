"""Writes to episodes. Views, the API, commands and tasks all change episodes here."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.accounts.models import Membership, Role
from vocrehab.codes import ContactWith, Engagement, WorkStatus
from vocrehab.dates import add_months
from vocrehab.episodes.models import Episode, TierChange
from vocrehab.episodes.services import change_tier
from vocrehab.episodes.signals import (
    episode_discharged,
    first_assessment_recorded,
    followup_interval_requested,
)
from vocrehab.measures.scores import refresh_scores
from vocrehab.uploads import display_name, validate_upload
from vocrehab.versioning import StaleEditError, save_versioned

from .models import (
    Assessment,
    CaseNote,
    Contact,
    ContactIntervention,
    Employer,
    EmployerContact,
    EmployerMeeting,
    EpisodeDocument,
    Goal,
    GoalReview,
    GoalStatus,
    KeyIssue,
    OnwardReferral,
    PlanPhase,
    PlanProgress,
    PlanReview,
    ReasonableAdjustment,
    Reminder,
    ReturnPlan,
    SignOff,
    SignOffAction,
    SignOffStatus,
)

# ---------------------------------------------------------------------------------------
# Casework writes (issue 5). Each function is the one path for its change, used by the
# views, the demo command and tests alike; multi-row writes are atomic.

log = logging.getLogger(__name__)

# Actions a support worker does that go to their supervisor. Override with the
# VOCREHAB_SIGN_OFF_ACTIONS setting (a list of SignOffAction values).
DEFAULT_SIGN_OFF_ACTIONS = (
    SignOffAction.DISCHARGE,
    SignOffAction.TIER_CHANGE,
    SignOffAction.EMPLOYER_CONTACT,
)

FOLLOWUP_MONTHS = 6


class CaseworkError(ValidationError):
    """A casework rule was broken; the message says which and how to put it right."""


def sign_off_actions() -> frozenset[str]:
    """The actions that need a supervisor's sign-off when a support worker does them."""
    configured = getattr(settings, "VOCREHAB_SIGN_OFF_ACTIONS", None)
    if configured is None:
        configured = DEFAULT_SIGN_OFF_ACTIONS
    unknown = set(configured) - set(SignOffAction.values)
    if unknown:
        raise ValueError(f"VOCREHAB_SIGN_OFF_ACTIONS has unknown actions: {sorted(unknown)}")
    return frozenset(str(a) for a in configured)


def _memberships_in(user, service_id):
    from vocrehab.accounts.access import _memberships

    return [m for m in _memberships(user) if m.service_id in (service_id, None)]


def is_supervised(user, service) -> bool:
    """True when ``user`` works in ``service`` only as a support worker (no practitioner role)."""
    if user is None:
        return False
    service_id = getattr(service, "pk", service)
    held = {m.role for m in _memberships_in(user, service_id)}
    practitioner = {Role.CASE_MANAGER, Role.SERVICE_MANAGER}
    return Role.SUPPORT_WORKER in held and not (held & practitioner)


def supervisor_of(user, service):
    """The supervising practitioner named on the support worker's membership, or None."""
    service_id = getattr(service, "pk", service)
    membership = (
        Membership.objects.filter(
            user=user, service_id=service_id, role=Role.SUPPORT_WORKER, active=True
        )
        .select_related("supervisor")
        .first()
    )
    return membership.supervisor if membership else None


def needs_sign_off(user, action: str, service) -> bool:
    """Does ``action`` by ``user`` in ``service`` go to a supervisor's sign-off queue?"""
    return action in sign_off_actions() and is_supervised(user, service)


def check_may_record(user, episode: Episode) -> None:
    """Support workers record only on the episodes allocated to them.

    Raises PermissionDenied otherwise. Practitioners may record on any episode of
    their service (covering a colleague's caseload is normal).
    """
    if is_supervised(user, episode.service_id) and episode.case_manager_id != user.pk:
        raise PermissionDenied(_("Support workers record only on their own caseload."))


def request_sign_off(
    episode: Episode,
    *,
    action: str,
    by,
    summary: str,
    payload: Mapping | None = None,
    held: bool = True,
) -> SignOff:
    """Put an action into the support worker's supervisor's queue."""
    supervisor = supervisor_of(by, episode.service_id)
    if supervisor is None:
        raise CaseworkError(
            _(
                "You have no supervising practitioner on record, so this cannot be sent "
                "for sign-off. Ask your service manager to name one."
            )
        )
    return SignOff.objects.create(
        episode=episode,
        action=action,
        summary=summary[:500],
        payload=dict(payload or {}),
        held=held,
        requested_by=by,
        supervisor=supervisor,
    )


@transaction.atomic
def decide_sign_off(sign_off: SignOff, *, by, approve: bool, comment: str = "") -> SignOff:
    """Sign off (applying a held action) or decline. Only a pending request can be decided."""
    sign_off = SignOff.objects.select_for_update().get(pk=sign_off.pk)
    if sign_off.status != SignOffStatus.PENDING:
        raise CaseworkError(_("This request was already decided."))
    if by.pk == sign_off.requested_by_id:
        raise CaseworkError(_("You cannot sign off your own action."))
    if approve and sign_off.held:
        _apply_held(sign_off, by=by)
    sign_off.status = SignOffStatus.APPROVED if approve else SignOffStatus.DECLINED
    sign_off.decided_by = by
    sign_off.decided_at = timezone.now()
    sign_off.comment = comment
    sign_off.save()
    return sign_off


def _apply_held(sign_off: SignOff, *, by) -> None:
    episode = sign_off.episode
    data = sign_off.payload
    requester = sign_off.requested_by
    if sign_off.action == SignOffAction.DISCHARGE:
        _discharge(
            episode,
            by=requester,
            on=datetime.date.fromisoformat(data["on"]),
            work_status=data["work_status"],
            reason=data.get("reason", ""),
            engagement=data.get("engagement") or "",
        )
    elif sign_off.action == SignOffAction.TIER_CHANGE:
        change_tier(
            episode,
            to_tier=data["to_tier"],
            by=requester,
            reason=data.get("reason", ""),
            on=datetime.date.fromisoformat(data["on"]) if data.get("on") else None,
        )
    else:
        raise CaseworkError(_("This kind of action cannot be held for sign-off."))


def change_tier_or_request(
    episode: Episode, *, to_tier: str, by, reason: str = "", on=None
) -> TierChange | SignOff:
    """Change the tier now, or send it for sign-off when a support worker asks for it."""
    if needs_sign_off(by, SignOffAction.TIER_CHANGE, episode.service_id):
        on = on or timezone.localdate()
        return request_sign_off(
            episode,
            action=SignOffAction.TIER_CHANGE,
            by=by,
            summary=_("Move to tier %(tier)s: %(reason)s") % {"tier": to_tier, "reason": reason},
            payload={"to_tier": to_tier, "reason": reason, "on": on.isoformat()},
        )
    return change_tier(episode, to_tier=to_tier, by=by, reason=reason, on=on)


# --- contacts -----------------------------------------------------------------------


@transaction.atomic
def record_contact(
    episode: Episode,
    *,
    by,
    contact_date: datetime.date,
    mode: str,
    contact_with: str = ContactWith.CLIENT,
    minutes: int | None = None,
    interventions: Iterable[str] = (),
    note: str = "",
) -> Contact:
    """Record a contact and the interventions delivered in it.

    The first contact with the client sets the episode's first-contact date (the
    5-working-day standard). A contact with the employer needs the client's recorded
    consent to contact them. A support worker's contact with an employer is recorded and
    countersigned by their supervisor when that action is on the sign-off list.
    """
    if contact_date > timezone.localdate():
        raise CaseworkError(_("The contact date is in the future."))
    if contact_date < episode.referral_date:
        raise CaseworkError(_("The contact date is before the referral was received."))
    if (
        contact_with == ContactWith.EMPLOYER
        and not Employer.objects.filter(episode=episode, consent_to_contact=True).exists()
    ):
        raise CaseworkError(
            _(
                "The client's consent to contact their employer is not recorded. Add the "
                "employer with the client's consent first."
            )
        )
    contact = Contact.objects.create(
        episode=episode,
        contact_date=contact_date,
        mode=mode,
        contact_with=contact_with,
        minutes=minutes,
        note=note,
        recorded_by=by,
    )
    codes = list(dict.fromkeys(interventions))
    ContactIntervention.objects.bulk_create(
        ContactIntervention(contact=contact, code=code, position=i) for i, code in enumerate(codes)
    )
    if contact_with == ContactWith.CLIENT and (
        episode.first_contact_date is None or contact_date < episode.first_contact_date
    ):
        Episode.objects.filter(pk=episode.pk).update(
            first_contact_date=contact_date, version=F("version") + 1
        )
        episode.first_contact_date = contact_date
        episode.version += 1
    if contact_with == ContactWith.EMPLOYER and needs_sign_off(
        by, SignOffAction.EMPLOYER_CONTACT, episode.service_id
    ):
        request_sign_off(
            episode,
            action=SignOffAction.EMPLOYER_CONTACT,
            by=by,
            summary=_("Contact with the employer on %(date)s (%(mode)s)")
            % {"date": contact_date, "mode": contact.get_mode_display()},
            payload={"contact_id": contact.pk},
            held=False,
        )
    return contact


# --- assessment ---------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    name for _label, names in Assessment.AREAS for name in names if name != "sick_pay_end_date"
] + ["sick_pay_end_date"]


def _key_issue_lines(key_issues: Iterable[str]) -> list[str]:
    return [line.strip() for line in key_issues if line and line.strip()]


@transaction.atomic
def record_assessment(
    episode: Episode,
    *,
    by,
    assessed_on: datetime.date,
    data: Mapping,
    key_issues: Iterable[str] = (),
) -> Assessment:
    """Record an assessment with its key issues in priority order.

    The first assessment sets the episode's assessment date (the 10-working-day standard).
    """
    if assessed_on > timezone.localdate():
        raise CaseworkError(_("The assessment date is in the future."))
    fields = {k: v for k, v in data.items() if k in ASSESSMENT_FIELDS}
    assessment = Assessment.objects.create(
        episode=episode, assessed_on=assessed_on, assessed_by=by, **fields
    )
    KeyIssue.objects.bulk_create(
        KeyIssue(assessment=assessment, position=i, text=text[:500])
        for i, text in enumerate(_key_issue_lines(key_issues), start=1)
    )
    if episode.assessment_date is None or assessed_on < episode.assessment_date:
        first = episode.assessment_date is None
        Episode.objects.filter(pk=episode.pk).update(
            assessment_date=assessed_on, version=F("version") + 1
        )
        episode.assessment_date = assessed_on
        episode.version += 1
        if first:
            # Entry questionnaires are due at assessment (scheduling twice is harmless).
            first_assessment_recorded.send(sender=Episode, episode=episode)
    return assessment


@transaction.atomic
def update_assessment(
    assessment: Assessment,
    *,
    expected_version: int,
    data: Mapping,
    key_issues: Iterable[str] | None = None,
) -> Assessment:
    """Change an assessment unless someone saved it since ``expected_version``.

    Raises StaleEditError with the current assessment when the form was stale.
    """
    fields = [k for k in data if k in ASSESSMENT_FIELDS or k == "assessed_on"]
    for name in fields:
        setattr(assessment, name, data[name])
    save_versioned(assessment, expected_version, fields)
    if key_issues is not None:
        assessment.key_issues.all().delete()
        KeyIssue.objects.bulk_create(
            KeyIssue(assessment=assessment, position=i, text=text[:500])
            for i, text in enumerate(_key_issue_lines(key_issues), start=1)
        )
    return assessment


@transaction.atomic
def record_hna(
    episode: Episode,
    *,
    by,
    on: datetime.date,
    concerns: Mapping[str, bool],
    distress: int | None,
    timepoint: str = "ad_hoc",
    comment: str = "",
):
    """Store a holistic needs concerns checklist and distress thermometer.

    It is a measures Administration of instrument ``hna`` (ad hoc, or at entry or
    discharge), so the measures reports count it with the other questionnaires.
    """
    from vocrehab.measures.instruments import HNA_CONCERN_AREAS, get_instrument
    from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue

    instrument = get_instrument("hna")
    values: dict[str, float] = {area: float(bool(concerns.get(area))) for area in HNA_CONCERN_AREAS}
    if distress is not None:
        values["distress"] = float(distress)
    problems = instrument.validate(values)
    if problems:
        raise CaseworkError("; ".join(f"{k}: {v}" for k, v in problems.items()))
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


# --- goals --------------------------------------------------------------------------


def add_goal(
    episode: Episode,
    *,
    by,
    description: str,
    term: str,
    target_date: datetime.date | None = None,
    set_on: datetime.date | None = None,
) -> Goal:
    """Set a short- or long-term goal."""
    set_on = set_on or timezone.localdate()
    if target_date and target_date < set_on:
        raise CaseworkError(_("The target date is before the date the goal was set."))
    return Goal.objects.create(
        episode=episode,
        description=description,
        term=term,
        target_date=target_date,
        set_on=set_on,
        created_by=by,
    )


@transaction.atomic
def review_goal(
    goal: Goal, *, by, status: str, note: str = "", on: datetime.date | None = None
) -> GoalReview:
    """Review progress on a goal; the goal takes the review's status."""
    if status not in GoalStatus.values:
        raise CaseworkError(_("Unknown goal status."))
    review = GoalReview.objects.create(
        goal=goal, reviewed_on=on or timezone.localdate(), status=status, note=note, reviewed_by=by
    )
    Goal.objects.filter(pk=goal.pk).update(status=status, version=F("version") + 1)
    goal.status = status
    return review


# --- onward referrals ---------------------------------------------------------------


def directory_picker_available() -> bool:
    """True when the services directory (issue 9) offers its picker for onward referrals.

    The directory app's ``directory/_picker.html`` partial, included in the onward form,
    fills ``service_name`` and ``service_ref`` (the directory reference) when a service
    is chosen; without it the service is typed as free text.
    """
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import NoReverseMatch, reverse

    try:
        get_template("directory/_picker.html")
        reverse("directory:picker")
    except (TemplateDoesNotExist, NoReverseMatch):
        return False
    return True


def add_onward_referral(
    episode: Episode,
    *,
    by,
    date: datetime.date,
    kind: str,
    category: str,
    service_name: str = "",
    service_ref: str = "",
    outcome: str = "",
) -> OnwardReferral:
    """Record a referral made for the client, or a signpost."""
    if not (service_name or service_ref):
        raise CaseworkError(_("Name the service the client was referred or signposted to."))
    return OnwardReferral.objects.create(
        episode=episode,
        date=date,
        kind=kind,
        category=category,
        service_name=service_name,
        service_ref=service_ref,
        outcome=outcome,
        recorded_by=by,
    )


def set_onward_outcome(onward: OnwardReferral, *, outcome: str) -> OnwardReferral:
    onward.outcome = outcome
    onward.version += 1
    onward.save(update_fields=["outcome", "version", "updated_at"])
    return onward


# --- employer liaison ---------------------------------------------------------------


def save_employer(
    episode: Episode,
    *,
    name: str,
    address: str = "",
    consent_to_contact: bool = False,
    consent_note: str = "",
    employer: Employer | None = None,
    expected_version: int | None = None,
) -> Employer:
    """Add the client's employer, or change it (optimistically, when a version is given)."""
    consent_on = timezone.localdate() if consent_to_contact else None
    if employer is None:
        return Employer.objects.create(
            episode=episode,
            name=name,
            address=address,
            consent_to_contact=consent_to_contact,
            consent_recorded_on=consent_on,
            consent_note=consent_note,
        )
    # Compare with what is stored: a bound form may already have changed ``employer``.
    had_consent = Employer.objects.filter(pk=employer.pk, consent_to_contact=True).exists()
    if consent_to_contact and not had_consent:
        employer.consent_recorded_on = consent_on
    elif not consent_to_contact:
        employer.consent_recorded_on = None
    employer.name, employer.address = name, address
    employer.consent_to_contact, employer.consent_note = consent_to_contact, consent_note
    fields = ["name", "address", "consent_to_contact", "consent_recorded_on", "consent_note"]
    return save_versioned(employer, expected_version or employer.version, fields)


def _require_consent(employer: Employer) -> None:
    if not employer.consent_to_contact:
        raise CaseworkError(
            _(
                "The client has not consented to us contacting %(employer)s. Record their "
                "consent first."
            )
            % {"employer": employer.name}
        )


def add_employer_contact(employer: Employer, **fields) -> EmployerContact:
    return EmployerContact.objects.create(employer=employer, **fields)


@transaction.atomic
def record_employer_meeting(
    employer: Employer, *, by, date: datetime.date, attendees: str = "", summary: str = ""
) -> EmployerMeeting:
    """Record a meeting with the employer; needs the client's consent to contact them."""
    _require_consent(employer)
    meeting = EmployerMeeting.objects.create(
        employer=employer, date=date, attendees=attendees, summary=summary, recorded_by=by
    )
    episode = employer.episode
    if needs_sign_off(by, SignOffAction.EMPLOYER_CONTACT, episode.service_id):
        request_sign_off(
            episode,
            action=SignOffAction.EMPLOYER_CONTACT,
            by=by,
            summary=_("Meeting with %(employer)s on %(date)s")
            % {"employer": employer.name, "date": date},
            payload={"meeting_id": meeting.pk},
            held=False,
        )
    return meeting


def add_adjustment(
    employer: Employer,
    *,
    description: str,
    status: str,
    agreed_on=None,
    review_on=None,
) -> ReasonableAdjustment:
    return ReasonableAdjustment.objects.create(
        employer=employer,
        description=description,
        status=status,
        agreed_on=agreed_on,
        review_on=review_on,
    )


def set_adjustment_status(adjustment: ReasonableAdjustment, *, status: str, on=None):
    """Move an adjustment on (proposed, agreed, in place, declined, ended)."""
    from .models import AdjustmentStatus

    adjustment.status = status
    if status == AdjustmentStatus.AGREED and adjustment.agreed_on is None:
        adjustment.agreed_on = on or timezone.localdate()
    adjustment.save()
    return adjustment


# --- phased return-to-work plans ----------------------------------------------------


@transaction.atomic
def save_return_plan(
    episode: Episode,
    *,
    by,
    start_date: datetime.date,
    phases: Iterable[Mapping],
    adjustments: str = "",
    review_dates: Iterable[datetime.date] = (),
    usual_hours=None,
    employer: Employer | None = None,
    agreed_by_client: bool = False,
    agreed_by_employer: str = "",
    agreed_on: datetime.date | None = None,
    based_on: ReturnPlan | None = None,
) -> ReturnPlan:
    """Save a new version of the episode's return-to-work plan; earlier versions are kept.

    ``phases`` are mappings with ``week``, ``hours``, ``days`` and ``duties``. If
    ``based_on`` is given and is no longer the current version (someone saved a newer one
    since the form was opened), StaleEditError carries the current plan.
    """
    phases = sorted(phases, key=lambda p: int(p["week"]))
    if not phases:
        raise CaseworkError(_("Add at least one week to the plan."))
    weeks = [int(p["week"]) for p in phases]
    if len(set(weeks)) != len(weeks):
        raise CaseworkError(_("Each week may appear only once in the plan."))
    current = (
        ReturnPlan.objects.select_for_update().filter(episode=episode, is_current=True).first()
    )
    if based_on is not None and (current is None or current.pk != based_on.pk):
        raise StaleEditError(current)
    if based_on is None and current is not None:
        raise StaleEditError(current)
    number = 1
    if current is not None:
        number = current.number + 1
        ReturnPlan.objects.filter(pk=current.pk).update(is_current=False)
    reviews = sorted(set(review_dates))
    plan = ReturnPlan.objects.create(
        episode=episode,
        number=number,
        employer=employer,
        start_date=start_date,
        usual_hours=usual_hours,
        adjustments=adjustments,
        review_dates=[d.isoformat() for d in reviews],
        agreed_by_client=agreed_by_client,
        agreed_by_employer=agreed_by_employer,
        agreed_on=agreed_on,
        created_by=by,
    )
    PlanPhase.objects.bulk_create(
        PlanPhase(
            plan=plan,
            week=int(p["week"]),
            hours=p["hours"],
            days=p.get("days", ""),
            duties=p.get("duties", ""),
        )
        for p in phases
    )
    PlanReview.objects.bulk_create(PlanReview(plan=plan, due_on=d) for d in reviews)
    return plan


def record_plan_progress(
    plan: ReturnPlan, *, by, week: int, hours_worked, note: str = ""
) -> PlanProgress:
    """Record what happened in a week of the plan (progress against it)."""
    if not plan.phases.filter(week=week).exists():
        raise CaseworkError(_("Week %(week)s is not in this plan.") % {"week": week})
    return PlanProgress.objects.create(
        plan=plan,
        week=week,
        hours_worked=hours_worked,
        note=note,
        recorded_on=timezone.localdate(),
        recorded_by=by,
    )


def complete_plan_review(review: PlanReview, *, on=None, note: str = "") -> PlanReview:
    review.done_on = on or timezone.localdate()
    review.note = note
    review.save(update_fields=["done_on", "note"])
    return review


# --- discharge and follow-up --------------------------------------------------------


def followup_months(service) -> int:
    """Months from discharge to follow-up: the service's own (the measures app keeps it
    with the questionnaire schedule), or 6."""
    for _receiver, months in followup_interval_requested.send(sender=Episode, service=service):
        if months:
            return int(months)
    return FOLLOWUP_MONTHS


def _discharge(episode, *, by, on, work_status, reason="", engagement=""):
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.discharge_date is not None:
        raise CaseworkError(_("This episode is already discharged."))
    if on < episode.referral_date:
        raise CaseworkError(_("The discharge date is before the referral was received."))
    if work_status not in WorkStatus.values:
        raise CaseworkError(_("Choose the client's work status at discharge."))
    episode.discharge_date = on
    episode.work_status_at_discharge = work_status
    episode.discharge_reason = reason
    if engagement:
        episode.engagement = engagement
    elif not episode.engagement:
        episode.engagement = Engagement.ENGAGED if episode.assessment_date else ""
    # The six-month follow-up is not due for people who died.
    episode.followup_date = (
        None
        if work_status == WorkStatus.DECEASED
        else add_months(on, followup_months(episode.service))
    )
    episode.version += 1
    episode.save()
    # The measures app schedules the discharge and follow-up questionnaires.
    episode_discharged.send(sender=Episode, episode=episode)
    return episode


@transaction.atomic
def discharge(
    episode: Episode,
    *,
    by,
    on: datetime.date,
    work_status: str,
    reason: str = "",
    engagement: str = "",
    expected_version: int | None = None,
) -> Episode | SignOff:
    """Discharge the episode and schedule the six-month follow-up.

    A support worker's discharge goes to their supervisor and happens when signed off
    (the SignOff is returned). The discharge questionnaires are scheduled through the
    measures app's ``schedule_discharge_questionnaires(episode)`` when it exists.
    """
    if on > timezone.localdate():
        raise CaseworkError(_("The discharge date is in the future."))
    if expected_version is not None and episode.version != expected_version:
        raise StaleEditError(Episode.objects.get(pk=episode.pk))
    if needs_sign_off(by, SignOffAction.DISCHARGE, episode.service_id):
        if episode.sign_offs.filter(
            action=SignOffAction.DISCHARGE, status=SignOffStatus.PENDING
        ).exists():
            raise CaseworkError(_("A discharge of this episode is already waiting for sign-off."))
        return request_sign_off(
            episode,
            action=SignOffAction.DISCHARGE,
            by=by,
            summary=_("Discharge on %(date)s, %(status)s: %(reason)s")
            % {"date": on, "status": WorkStatus(work_status).label, "reason": reason},
            payload={
                "on": on.isoformat(),
                "work_status": work_status,
                "reason": reason,
                "engagement": engagement,
            },
        )
    return _discharge(
        episode, by=by, on=on, work_status=work_status, reason=reason, engagement=engagement
    )


def record_followup(episode: Episode, *, work_status: str, by=None) -> Episode:
    """Record the work status found at the six-month follow-up."""
    if episode.discharge_date is None:
        raise CaseworkError(_("Follow-up is recorded after discharge."))
    if work_status not in WorkStatus.values:
        raise CaseworkError(_("Choose the client's work status at follow-up."))
    episode.work_status_at_followup = work_status
    return save_versioned(episode, episode.version, ["work_status_at_followup"])


@transaction.atomic
def reopen(episode: Episode, *, by, reason: str) -> Episode:
    """Re-open a discharged episode (for example, discharged in error).

    The discharge details are cleared from the episode and kept in a case note, so
    nothing recorded is lost.
    """
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.discharge_date is None:
        raise CaseworkError(_("This episode is open."))
    CaseNote.objects.create(
        episode=episode,
        author=by,
        text=_(
            "Re-opened: %(reason)s. It had been discharged on %(date)s with work status "
            "%(status)s (%(why)s)."
        )
        % {
            "reason": reason,
            "date": episode.discharge_date,
            "status": episode.get_work_status_at_discharge_display(),
            "why": episode.discharge_reason or "-",
        },
    )
    episode.discharge_date = None
    episode.work_status_at_discharge = ""
    episode.discharge_reason = ""
    episode.followup_date = None
    episode.work_status_at_followup = ""
    episode.version += 1
    episode.save()
    return episode


_COPIED_ON_RE_REFERRAL = (
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_email",
    "referrer_phone",
    "consent_to_contact",
    "consent_to_share",
    "sex",
    "ethnicity",
    "area_code",
    "deprivation_index",
    "deprivation_rank",
    "deprivation_decile",
    "condition",
    "condition_detail",
    "diagnosis_date",
    "occupation",
    "job_title",
    "employer_name",
    "main_reason",
)


@transaction.atomic
def re_refer(
    episode: Episode, *, by, referral_date: datetime.date | None = None, referral_source=""
) -> Episode:
    """Open a new episode for the same client, linked to ``episode`` (a re-referral).

    The new episode starts untriaged (no tier), with the client's latest known work status
    as the status at referral.
    """
    if episode.discharge_date is None:
        raise CaseworkError(_("Discharge this episode before re-referring the client."))
    on = referral_date or timezone.localdate()
    if on < episode.discharge_date:
        raise CaseworkError(_("The re-referral date is before the earlier discharge."))
    base = f"{episode.reference}-R"
    n = Episode.objects.filter(service=episode.service, reference__startswith=base).count() + 1
    while Episode.objects.filter(service=episode.service, reference=f"{base}{n}").exists():
        n += 1
    latest_status = (
        episode.work_status_at_followup
        or episode.work_status_at_discharge
        or episode.work_status_at_referral
    )
    age = episode.age_at_referral
    if episode.client.date_of_birth:
        dob = episode.client.date_of_birth
        age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return Episode.objects.create(
        service=episode.service,
        client=episode.client,
        reference=f"{base}{n}",
        previous_episode=episode,
        referral_date=on,
        referral_source=referral_source or episode.referral_source,
        age_at_referral=age,
        work_status_at_referral=latest_status,
        case_manager=episode.case_manager,
        **{name: getattr(episode, name) for name in _COPIED_ON_RE_REFERRAL},
    )


# --- documents ----------------------------------------------------------------------


def add_document(episode: Episode, *, by, title: str, upload) -> EpisodeDocument:
    """Keep an uploaded document with the episode, after checking it.

    The checks are the directory's upload rules (allowed type, content matching the
    name, size limit, virus-scan hook); the stored name is chosen by the server and
    the original name kept, made safe, for display.
    """
    try:
        kind = validate_upload(upload)
    except ValidationError as error:
        raise CaseworkError(error.messages) from None
    document = EpisodeDocument(
        episode=episode,
        title=title,
        file_extension=kind.extension,
        original_name=display_name(upload.name)[:120],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


# --- notes and reminders ------------------------------------------------------------


def add_note(episode: Episode, *, by, text: str) -> CaseNote:
    if not text.strip():
        raise CaseworkError(_("Write the note."))
    return CaseNote.objects.create(episode=episode, author=by, text=text)


@transaction.atomic
def correct_note(note: CaseNote, *, by, text: str) -> CaseNote:
    """Correct a note: the correction is a new note; the original stays (struck through)."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if CaseNote.objects.filter(corrects=note).exists():
        raise CaseworkError(_("This note has already been corrected; correct the correction."))
    if not text.strip():
        raise CaseworkError(_("Write the corrected note."))
    return CaseNote.objects.create(episode=note.episode, author=by, text=text, corrects=note)


def add_reminder(episode: Episode, *, by, text: str, due_on, assigned_to=None) -> Reminder:
    return Reminder.objects.create(
        episode=episode,
        text=text,
        due_on=due_on,
        assigned_to=assigned_to or episode.case_manager or by,
        created_by=by,
    )


def complete_reminder(reminder: Reminder, *, on=None) -> Reminder:
    reminder.done_on = on or timezone.localdate()
    reminder.save(update_fields=["done_on"])
    return reminder
