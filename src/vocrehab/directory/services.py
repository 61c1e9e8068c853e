"""Writes: directory entries, library material, programmes and in-work support.

Views, the CSV importer, commands and tests all change these records through here, so
validation and multi-row consistency live in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vocrehab import uploads
from vocrehab.casework.models import Contact, ContactIntervention
from vocrehab.codes import Condition, ContactMode, ContactWith, Intervention, OnwardCategory
from vocrehab.episodes import facts
from vocrehab.episodes.models import Episode

from .models import (
    DEFAULT_REVIEW_WEEKS,
    DEFAULT_THREE_WAY_WEEKS,
    Attendance,
    AwarenessSession,
    Cohort,
    CohortSession,
    DirectoryCategory,
    DirectoryCondition,
    DirectoryCoverage,
    DirectoryService,
    Enrolment,
    EnrolmentStatus,
    GivenChannel,
    InWorkReview,
    InWorkSchedule,
    InWorkSupport,
    MaterialGiven,
    PreCourseAssessment,
    ProgrammeTopic,
    ReviewStatus,
    SelfHelpMaterial,
)

DIRECTORY_FIELDS = (
    "reference",
    "name",
    "provider_type",
    "description",
    "eligibility",
    "email",
    "phone",
    "website",
    "address",
    "how_to_refer",
    "opening_times",
    "last_verified",
    "active",
)


# ---------------------------------------------------------------------------
# Directory


def _check_codes(values: Iterable[str], allowed, what: str) -> list[str]:
    values = list(dict.fromkeys(values))
    bad = [v for v in values if v not in allowed.values]
    if bad:
        raise ValidationError(
            _("Unknown %(what)s: %(codes)s."), params={"what": what, "codes": ", ".join(bad)}
        )
    return values


@transaction.atomic
def save_directory_service(
    *,
    organisation,
    values: dict,
    categories: Iterable[str],
    conditions: Iterable[str] = (),
    areas: Iterable[str] = (),
    instance: DirectoryService | None = None,
) -> DirectoryService:
    """Create or update a directory entry with its categories, conditions and areas.

    ``areas`` must already be normalised (``areas.parse_areas``). Raises ValidationError
    for unknown codes, a missing category or a reference already used.
    """
    categories = _check_codes(categories, OnwardCategory, _("category"))
    conditions = _check_codes(conditions, Condition, _("condition"))
    if not categories:
        raise ValidationError(_("Choose at least one category of need the service meets."))
    entry = instance or DirectoryService(organisation=organisation)
    for field in DIRECTORY_FIELDS:
        if field in values:
            setattr(entry, field, values[field])
    clash = DirectoryService.objects.filter(
        organisation=entry.organisation, reference=entry.reference
    ).exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError(
            _("The reference %(ref)s is already used by another entry."),
            params={"ref": entry.reference},
        )
    entry.full_clean(exclude=["organisation"])
    entry.save()
    _replace(entry, DirectoryCategory, "category", categories)
    _replace(entry, DirectoryCondition, "condition", conditions)
    _replace(entry, DirectoryCoverage, "area", list(dict.fromkeys(areas)))
    return entry


def _replace(entry, model, field, values):
    existing = set(model.objects.filter(service=entry).values_list(field, flat=True))
    wanted = set(values)
    model.objects.filter(service=entry, **{f"{field}__in": existing - wanted}).delete()
    for value in values:
        if value not in existing:
            # One by one, so the change history records each.
            model.objects.create(service=entry, **{field: value})


def mark_verified(entry: DirectoryService, *, on: datetime.date | None = None):
    """Record that someone confirmed the entry's details today (or ``on``)."""
    entry.last_verified = on or timezone.localdate()
    entry.save(update_fields=["last_verified", "updated_at"])
    return entry


# ---------------------------------------------------------------------------
# Self-help library


@transaction.atomic
def save_material(
    *,
    organisation,
    values: dict,
    upload=None,
    instance: SelfHelpMaterial | None = None,
) -> SelfHelpMaterial:
    """Create or update library material; an upload is checked before anything is stored.

    ``values`` holds title, summary, audience, link, conditions, topics and active. The
    material needs a link or a document (or both).
    """
    material = instance or SelfHelpMaterial(organisation=organisation)
    for field in ("title", "summary", "audience", "link", "conditions", "topics", "active"):
        if field in values:
            setattr(material, field, values[field])
    material.conditions = _check_codes(material.conditions or [], Condition, _("condition"))
    material.topics = [t.strip() for t in material.topics or [] if t and t.strip()]
    if upload is not None:
        kind = uploads.validate_upload(upload)
        if material.file:
            material.file.delete(save=False)
        material.file_extension = kind.extension
        material.content_type = kind.content_type
        material.size = upload.size
        material.original_name = uploads.display_name(upload.name)
        upload.seek(0)
        # The storage name comes from file_key (see material_upload_to), not upload.name.
        material.file.save("upload", upload, save=False)
    if not material.link and not material.file:
        raise ValidationError(_("Give a web link or upload a document."))
    material.full_clean(exclude=["organisation", "file"])
    material.save()
    return material


class NotSent(Exception):
    """The material could not be emailed (no address, or no consent to email)."""


@transaction.atomic
def give_material(
    *,
    episode: Episode,
    material: SelfHelpMaterial,
    channel: str,
    by=None,
    on: datetime.date | None = None,
) -> MaterialGiven:
    """Give material to a client and record it; by email, it is sent now.

    Email needs the client's address and their consent to be emailed (NotSent says
    which is missing). Printed material is recorded; the caller offers the print.
    """
    if channel not in GivenChannel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    if material.organisation_id != episode.service.organisation_id:
        raise ValidationError(_("That material belongs to another organisation's library."))
    given = MaterialGiven.objects.create(
        episode=episode,
        material=material,
        channel=channel,
        by=by,
        date=on or timezone.localdate(),
    )
    if channel == GivenChannel.EMAIL:
        _send_material(episode, material)
    return given


def _send_material(episode: Episode, material: SelfHelpMaterial) -> None:
    client = episode.client
    if not client.email:
        raise NotSent(_("The client has no email address on record."))
    if not client.contact_by_email:
        raise NotSent(_("The client has not agreed to be contacted by email."))
    subject, body = _material_message(episode, material)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[client.email],
        reply_to=[episode.service.email] if episode.service.email else None,
    )
    if material.file:
        with material.file.open("rb") as handle:
            message.attach(
                material.original_name or f"document{material.file_extension}",
                handle.read(),
                material.content_type.split(";")[0],
            )
    # Sent inside the transaction: if the mail server refuses, nothing is recorded.
    message.send(fail_silently=False)


def _material_message(episode: Episode, material: SelfHelpMaterial) -> tuple[str, str]:
    """The subject and body of the email that gives ``material`` to the client: our
    words and the service's name in the client's language for letters and messages."""
    with translation.override(episode.client.preferred_language):
        lines = [_("Your vocational rehabilitation service thought this would help you:"), ""]
        lines.append(material.title)
        if material.summary:
            lines.append(material.summary)
        if material.link:
            lines.append(material.link)
        if material.file:
            lines.append(_("The document is attached."))
        subject = _("Information from %(service)s") % {"service": episode.service.local_name}
    return subject, "\n".join(lines)


# ---------------------------------------------------------------------------
# Programmes


@transaction.atomic
def create_cohort(
    *,
    programme,
    start_date: datetime.date,
    capacity: int,
    venue: str = "",
    online_link: str = "",
    name: str = "",
    session_dates: list[datetime.date] | None = None,
    interval_days: int = 7,
) -> Cohort:
    """A cohort with one dated session per programme session (weekly unless given)."""
    if not venue and not online_link:
        raise ValidationError(_("Give a venue or an online link."))
    if capacity < 1:
        raise ValidationError(_("A cohort needs at least one place."))
    if session_dates is None:
        session_dates = [
            start_date + datetime.timedelta(days=interval_days * i)
            for i in range(programme.sessions)
        ]
    if len(session_dates) != programme.sessions:
        raise ValidationError(
            _("The programme has %(n)s sessions; give a date for each."),
            params={"n": programme.sessions},
        )
    cohort = Cohort(
        programme=programme,
        name=name,
        start_date=start_date,
        capacity=capacity,
        venue=venue,
        online_link=online_link,
    )
    cohort.full_clean()
    cohort.save()
    CohortSession.objects.bulk_create(
        [
            CohortSession(cohort=cohort, number=i + 1, date=d)
            for i, d in enumerate(sorted(session_dates))
        ]
    )
    return cohort


def record_pre_course_assessment(
    *, episode: Episode, needs: Iterable[str], by=None, on=None, notes: str = ""
) -> PreCourseAssessment:
    """The one-to-one before a course: which course topics would meet the client's needs."""
    needs = _check_codes(needs, ProgrammeTopic, _("course topic"))
    if not needs:
        raise ValidationError(_("Choose at least one need a course could meet."))
    return PreCourseAssessment.objects.create(
        episode=episode, needs=needs, by=by, date=on or timezone.localdate(), notes=notes
    )


def enrol(*, assessment: PreCourseAssessment, cohort: Cohort, by=None) -> Enrolment:
    """Enrol the assessed episode on a cohort, or put it on the waiting list when full.

    The cohort row is locked so that two people enrolling at once cannot both take the
    last place.
    """
    episode = assessment.episode
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
        if cohort.programme.service_id != episode.service_id:
            raise ValidationError(_("That course is run by another service."))
        if (
            cohort.enrolments.filter(episode=episode)
            .exclude(status=EnrolmentStatus.WITHDRAWN)
            .exists()
        ):
            raise ValidationError(_("This client is already on that course or its waiting list."))
        taken = cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        status = EnrolmentStatus.ENROLLED if taken < cohort.capacity else EnrolmentStatus.WAITING
        previous = cohort.enrolments.filter(episode=episode).first()
        if previous is not None:
            # Re-joining after withdrawal: back of the queue, same row.
            previous.status = status
            previous.assessment = assessment
            previous.withdrawn_on = None
            previous.requested_at = timezone.now()
            previous.by = by
            previous.save()
            return previous
        try:
            return Enrolment.objects.create(
                cohort=cohort, episode=episode, assessment=assessment, status=status, by=by
            )
        except IntegrityError as exc:
            raise ValidationError(_("This client is already on that course.")) from exc


def withdraw(enrolment: Enrolment, *, on=None, by=None) -> Enrolment | None:
    """Withdraw from a cohort; a freed place goes to the first on the waiting list.

    Returns the promoted enrolment, or None when nobody was waiting (or the person
    withdrawing was only waiting).
    """
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        was = enrolment.status
        if was == EnrolmentStatus.WITHDRAWN:
            return None
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_on = on or timezone.localdate()
        enrolment.save(update_fields=["status", "withdrawn_on"])
        if was != EnrolmentStatus.ENROLLED:
            return None
        nxt = (
            cohort.enrolments.select_for_update()
            .filter(status=EnrolmentStatus.WAITING)
            .order_by("requested_at", "pk")
            .first()
        )
        if nxt is None:
            return None
        nxt.status = EnrolmentStatus.ENROLLED
        nxt.save(update_fields=["status"])
        return nxt


@transaction.atomic
def record_attendance(*, session: CohortSession, present: Iterable[int]) -> int:
    """Mark every enrolled participant of the session's cohort present or absent.

    ``present`` holds enrolment ids; anyone enrolled and not in it is marked absent.
    Returns how many were marked present.
    """
    present = {int(p) for p in present}
    enrolments = list(
        session.cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).values_list(
            "pk", flat=True
        )
    )
    unknown = present - set(enrolments)
    if unknown:
        raise ValidationError(_("Someone marked present is not enrolled on this cohort."))
    for pk in enrolments:
        Attendance.objects.update_or_create(
            enrolment_id=pk, session=session, defaults={"attended": pk in present}
        )
    return len(present)


# ---------------------------------------------------------------------------
# In-work support


def schedule_for(service) -> tuple[list[int], list[int]]:
    """The service's review weeks and three-way weeks (default 2, 6 and 12; three-way at 6)."""
    schedule = InWorkSchedule.objects.filter(service=service).first()
    if schedule is None or not schedule.weeks:
        return list(DEFAULT_REVIEW_WEEKS), list(DEFAULT_THREE_WAY_WEEKS)
    return sorted(set(schedule.weeks)), sorted(set(schedule.three_way_weeks or []))


def set_schedule(*, service, weeks: Iterable[int], three_way_weeks: Iterable[int] = ()):
    """Configure a service's in-work reviews; three-way weeks must be review weeks."""
    weeks = sorted({int(w) for w in weeks})
    three = sorted({int(w) for w in three_way_weeks})
    if not weeks or any(w < 1 or w > 104 for w in weeks):
        raise ValidationError(_("Give review weeks between 1 and 104."))
    if not set(three) <= set(weeks):
        raise ValidationError(_("Three-way reviews must fall in review weeks."))
    schedule, _created = InWorkSchedule.objects.update_or_create(
        service=service, defaults={"weeks": weeks, "three_way_weeks": three}
    )
    return schedule


@transaction.atomic
def start_in_work_support(*, episode: Episode, return_date: datetime.date, by=None):
    """Schedule the in-work reviews after a client's return to work."""
    if InWorkSupport.objects.filter(episode=episode).exists():
        raise ValidationError(_("In-work support has already been started for this episode."))
    facts.require(
        facts.check_return_to_work_date(
            episode, return_date, field="return_date", what=_("the return to work")
        )
    )
    support = InWorkSupport.objects.create(episode=episode, return_date=return_date, started_by=by)
    weeks, three_way = schedule_for(episode.service)
    InWorkReview.objects.bulk_create(
        [
            InWorkReview(
                support=support,
                week=w,
                due_date=return_date + datetime.timedelta(weeks=w),
                three_way=w in three_way,
            )
            for w in weeks
        ]
    )
    return support


def default_interventions(review: InWorkReview) -> list[str]:
    codes = [Intervention.CONDITION_MANAGEMENT]
    if review.three_way:
        codes.append(Intervention.EMPLOYER_LIAISON)
    return codes


@transaction.atomic
def record_in_work_review(
    *,
    review: InWorkReview,
    on: datetime.date,
    mode: str,
    minutes: int | None = None,
    note: str = "",
    interventions: Iterable[str] | None = None,
    by=None,
) -> Contact:
    """Record a review as a casework contact with its interventions, and mark it done."""
    review = InWorkReview.objects.select_for_update().select_related("support").get(pk=review.pk)
    if review.status != ReviewStatus.DUE:
        raise ValidationError(_("This review has already been recorded or cancelled."))
    if mode not in ContactMode.values:
        raise ValidationError(_("Unknown contact mode %(mode)s."), params={"mode": mode})
    facts.require(
        facts.check_contact_date(review.support.episode, on, what=_("the in-work review"))
    )
    codes = _check_codes(
        interventions if interventions is not None else default_interventions(review),
        Intervention,
        _("intervention"),
    )
    contact = Contact.objects.create(
        episode_id=review.support.episode_id,
        contact_date=on,
        mode=mode,
        contact_with=ContactWith.EMPLOYER if review.three_way else ContactWith.CLIENT,
        minutes=minutes,
        note=note,
        recorded_by=by,
        extensions={"in_work_review_week": review.week, "three_way": review.three_way},
    )
    for position, code in enumerate(codes):
        # One by one, so the change history records each intervention.
        ContactIntervention.objects.create(contact=contact, code=code, position=position)
    review.status = ReviewStatus.DONE
    review.contact = contact
    review.save(update_fields=["status", "contact"])
    return contact


def cancel_in_work_review(review: InWorkReview) -> InWorkReview:
    if review.status == ReviewStatus.DUE:
        review.status = ReviewStatus.CANCELLED
        review.save(update_fields=["status"])
    return review


# ---------------------------------------------------------------------------
# Awareness sessions


def record_awareness_session(
    *, service, date: datetime.date, audience: str, professionals: int, topic: str, by=None
) -> AwarenessSession:
    """Log a session given to health professionals by ``service``."""
    session = AwarenessSession(
        service=service,
        date=date,
        audience=audience,
        professionals=professionals,
        topic=topic.strip(),
        recorded_by=by,
    )
    session.full_clean()
    if date > timezone.localdate():
        raise ValidationError(_("The date of the session cannot be in the future."))
    session.save()
    return session
