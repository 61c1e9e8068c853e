"""Staff views for intake and triage. Thin: rules live in services.py and queries.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, has_perm, requires, services_for
from vocrehab.audit.services import record_listing, record_read
from vocrehab.clients.queries import CONTACT_FIELDS
from vocrehab.episodes.models import Episode
from vocrehab.episodes.standards import ClockState
from vocrehab.versioning import StaleEditError

from . import forms as f
from . import queries, services
from .duplicates import find_matches
from .models import Allocation, Channel, ServiceLevel

# One screen of work: the clocks are computed for the rows shown, so a page stays quick.
QUEUE_PAGE_SIZE = 25


def _service_for(request, perm: Perm):
    """The user's current service if they may do ``perm`` there, else their first such."""
    allowed = services_for(request.user, perm)
    current = getattr(request, "service", None)
    if current is not None and allowed.filter(pk=current.pk).exists():
        return current
    service = allowed.order_by("name").first()
    if service is None:
        raise PermissionDenied
    return service


@requires(Perm.TRIAGE)
def queue(request):
    """New referrals of the current service, oldest first, with their clocks."""
    service = _service_for(request, Perm.TRIAGE)
    page = Paginator(queries.queue_queryset(service), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = queries.queue_rows(page.object_list, service, timezone.localdate())
    record_listing(
        request,
        page="triage queue",
        client_ids=[row.episode.client_id for row in rows],
        service_id=service.pk,
    )
    return render(
        request,
        "referrals/queue.html",
        {"service": service, "rows": rows, "page": page, "lines": _queue_lines(rows)},
    )


def _queue_lines(rows):
    """The queue's rows as ready-made text: the page is rendered for every triage visit,
    and translating and formatting once per page rather than per cell keeps it fast."""
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    tags = {
        ClockState.MET: ("nhsuk-tag--green", _("Met")),
        ClockState.LATE: ("nhsuk-tag--orange", _("Met late")),
        ClockState.BREACHED: ("nhsuk-tag--red", _("Breached")),
        ClockState.AT_RISK: ("nhsuk-tag--yellow", _("At risk")),
        ClockState.PAUSED: ("nhsuk-tag--grey", _("Paused")),
        ClockState.ON_TRACK: ("nhsuk-tag--blue", _("On track")),
    }
    days_of = _("%(n)s of %(limit)s working days")
    due_word = _("due")
    not_triaged = _("Not triaged")
    re_referral = _("Re-referral")
    detail_url = reverse("referrals:detail", kwargs={"pk": 0})[:-2]

    def day(value):
        return f"{value.day} {months[value.month]} {value.year}" if value else ""

    def clock_cell(clock):
        css, label = tags[clock.state]
        text = days_of % {"n": clock.elapsed, "limit": clock.limit}
        if clock.due and not clock.done_on:
            text = f"{text} · {due_word} {day(clock.due)}"
        return {"css": css, "label": label, "text": text}

    lines = []
    for row in rows:
        episode = row.episode
        lines.append(
            {
                "state": row.worst_state,
                "reference": row.referral.reference,
                "url": f"{detail_url}{row.referral.pk}/",
                "channel": row.referral.get_channel_display(),
                "re_referral": re_referral if episode.previous_episode_id else "",
                "name": episode.client.full_name,
                "received": day(episode.referral_date),
                "first_contact": clock_cell(row.first_contact),
                "assessment": clock_cell(row.assessment),
                "tier": episode.get_tier_display() if episode.tier else not_triaged,
                "worker": str(episode.case_manager) if episode.case_manager_id else "",
            }
        )
    return lines


@requires(Perm.TRIAGE)
def phone_intake(request):
    """A referral taken by phone, entered by staff into the current service."""
    service = _service_for(request, Perm.TRIAGE)
    data = request.POST if request.method == "POST" else None
    person = f.PersonForm(data, prefix="person", choose_service=False)
    health = f.HealthWorkForm(data, prefix="health")
    source = f.PhoneSourceForm(data, prefix="source", initial={"received": timezone.localdate()})
    consent = f.ConsentForm(data, prefix="consent")
    all_forms = [person, health, source, consent]
    if request.method == "POST" and all(form.is_valid() for form in all_forms):
        intake_data = {}
        for form in (person, health, source, consent):
            intake_data.update(form.to_intake())
        intake = services.create_referral(
            service=service,
            channel=Channel.PHONE,
            data=intake_data,
            entered_by=request.user,
            acknowledgement_email=source.cleaned_data.get("referrer_email", ""),
            received=source.cleaned_data["received"],
        )
        messages.success(
            request,
            _("Referral %(reference)s saved.") % {"reference": intake.referral.reference},
        )
        return redirect("referrals:detail", pk=intake.referral.pk)
    return render(
        request,
        "referrals/phone.html",
        {
            "service": service,
            "forms": all_forms,
            "person": person,
            "health": health,
            "source": source,
            "consent": consent,
        },
    )


def _detail(request, referral, status=200, **bound):
    """The triage page of one referral; ``bound`` replaces a form with its invalid copy."""
    episode = referral.episode
    service = referral.service
    today = timezone.localdate()
    context = {
        "referral": referral,
        "episode": episode,
        "service": service,
        "contact_only": _contact_only(request.user, service),
    }
    if episode is None:
        return render(request, "referrals/detail.html", context, status=status)
    first, assessment = queries.clocks_for(referral, episode, service, today)
    levels = services.levels_for(service)
    tier = episode.tier
    workers = list(services.eligible_workers(service, tier)) if tier else []
    counts = queries.caseload_counts(service, workers)
    matches = find_matches(
        service,
        nhs_number=episode.client.nhs_number,
        date_of_birth=episode.client.date_of_birth,
        first_name=episode.client.first_name,
        last_name=episode.client.last_name,
        exclude_episode=episode,
    )
    open_matches = [e for m in matches for e in m.open_episodes]
    version = {"version": episode.version}
    context.update(
        {
            "client": episode.client,
            "first_contact": first,
            "assessment": assessment,
            "pauses": list(referral.pauses.all()),
            "open_pause": referral.pauses.filter(end__isnull=True).first(),
            "tier_changes": list(episode.tier_changes.select_related("changed_by")),
            "allocations": list(
                Allocation.objects.filter(episode=episode).select_related("worker", "allocated_by")
            ),
            "open_matches": open_matches,
            "workers": [(w, counts.get(w.pk, 0)) for w in workers],
            "first_contact_form": bound.get("first_contact_form")
            or f.DateOnlyForm(initial={"on": today, **version}, prefix="fc"),
            "assessment_form": bound.get("assessment_form")
            or f.DateOnlyForm(initial={"on": today, **version}, prefix="as"),
            "pause_form": bound.get("pause_form")
            or f.PauseForm(initial={"start": today}, prefix="pause"),
            "resume_form": bound.get("resume_form")
            or f.ResumeForm(initial={"end": today}, prefix="resume"),
            "tier_form": bound.get("tier_form") or f.TierForm(levels=levels, prefix="tier"),
            "allocate_form": bound.get("allocate_form")
            or (
                f.AllocateForm(workers=workers, counts=counts, prefix="alloc") if workers else None
            ),
            "self_help_form": bound.get("self_help_form")
            or f.SelfHelpForm(initial={"on": today}, prefix="sh"),
            "not_engaged_form": bound.get("not_engaged_form")
            or f.NotEngagedForm(initial={"on": today}, prefix="ne"),
            "can_edit": has_perm(request.user, Perm.EDIT_PERSON, service),
            "can_allocate": has_perm(request.user, Perm.ALLOCATE, service),
            "may_take": services.may_take(request.user, referral),
        }
    )
    return render(request, "referrals/detail.html", context, status=status)


def _contact_only(user, service) -> bool:
    """Triage without the client record (admin assistants): the page shows the clocks,
    how to reach the person and who works with them, never their identifiers or health."""
    return not has_perm(user, Perm.VIEW_PERSON, service)


# What a triage page shows a role with contact details only (see clients.views).
CONTACT_ONLY_FIELDS = [*CONTACT_FIELDS, "referral_date", "first_contact_date", "tier"]


@requires(Perm.TRIAGE)
def detail(request, pk):
    referral = queries.referral_for(request.user, pk)
    fields = CONTACT_ONLY_FIELDS if _contact_only(request.user, referral.service) else ()
    record_read(request, referral.current_episode or referral, fields=fields)
    return _detail(request, referral)


def _action(request, pk, perm, form_name, build, apply, done_message):
    """Shared shape of a triage action: check, validate, apply, or show the problem."""
    referral = queries.referral_for(request.user, pk)
    if not has_perm(request.user, perm, referral.service):
        raise PermissionDenied
    if referral.episode is None:
        messages.error(request, _("This referral was merged into another episode."))
        return redirect("referrals:detail", pk=pk)
    form = build(referral)
    if form.is_valid():
        try:
            apply(referral, form)
        except StaleEditError:
            messages.error(
                request,
                _("Someone else changed this episode after you opened it. Check and try again."),
            )
            return redirect("referrals:detail", pk=pk)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, done_message)
            return redirect("referrals:detail", pk=pk)
    return _detail(request, referral, status=400, **{form_name: form})


@requires(Perm.TRIAGE)
@require_POST
def first_contact(request, pk):
    return _action(
        request,
        pk,
        Perm.TRIAGE,
        "first_contact_form",
        lambda r: f.DateOnlyForm(request.POST, prefix="fc"),
        lambda r, form: services.record_first_contact(
            r, on=form.cleaned_data["on"], version=form.cleaned_data["version"], by=request.user
        ),
        _("First contact recorded."),
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def assessment(request, pk):
    return _action(
        request,
        pk,
        Perm.EDIT_PERSON,
        "assessment_form",
        lambda r: f.DateOnlyForm(request.POST, prefix="as"),
        lambda r, form: services.record_assessment(
            r, on=form.cleaned_data["on"], version=form.cleaned_data["version"], by=request.user
        ),
        _("Assessment recorded."),
    )


@requires(Perm.TRIAGE)
@require_POST
def pause(request, pk):
    return _action(
        request,
        pk,
        Perm.TRIAGE,
        "pause_form",
        lambda r: f.PauseForm(request.POST, prefix="pause"),
        lambda r, form: services.pause_clock(
            r, start=form.cleaned_data["start"], reason=form.cleaned_data["reason"], by=request.user
        ),
        _("The clock is paused."),
    )


@requires(Perm.TRIAGE)
@require_POST
def resume(request, pk):
    return _action(
        request,
        pk,
        Perm.TRIAGE,
        "resume_form",
        lambda r: f.ResumeForm(request.POST, prefix="resume"),
        lambda r, form: services.resume_clock(r, end=form.cleaned_data["end"], by=request.user),
        _("The clock has restarted."),
    )


def _set_tier(request, referral, form):
    level = form.chosen()
    services.set_level(
        referral,
        tier=level.vrmds_tier,
        level=level if level.pk else None,
        reason=form.cleaned_data["reason"],
        by=request.user,
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def tier(request, pk):
    return _action(
        request,
        pk,
        Perm.EDIT_PERSON,
        "tier_form",
        lambda r: f.TierForm(request.POST, levels=services.levels_for(r.service), prefix="tier"),
        lambda r, form: _set_tier(request, r, form),
        _("Tier recorded."),
    )


def _allocate_form(request, referral):
    episode = referral.episode
    workers = (
        list(services.eligible_workers(referral.service, episode.tier)) if episode.tier else []
    )
    counts = queries.caseload_counts(referral.service, workers)
    return f.AllocateForm(request.POST, workers=workers, counts=counts, prefix="alloc")


@requires(Perm.ALLOCATE)
@require_POST
def allocate(request, pk):
    return _action(
        request,
        pk,
        Perm.ALLOCATE,
        "allocate_form",
        lambda r: _allocate_form(request, r),
        lambda r, form: services.allocate_worker(
            r.episode, worker=form.chosen(), by=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Allocated."),
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def take(request, pk):
    """A case manager allocates the referral to themselves, where the service allows it."""
    referral = queries.referral_for(request.user, pk)
    try:
        services.take_referral(referral, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Allocated to you."))
    return redirect("referrals:detail", pk=pk)


@requires(Perm.EDIT_PERSON)
@require_POST
def self_help(request, pk):
    return _action(
        request,
        pk,
        Perm.EDIT_PERSON,
        "self_help_form",
        lambda r: f.SelfHelpForm(request.POST, prefix="sh"),
        lambda r, form: services.close_self_help(
            r,
            material=form.cleaned_data["material"],
            work_status=form.cleaned_data["work_status"],
            on=form.cleaned_data["on"],
            by=request.user,
        ),
        _("Self-help material recorded and the episode closed."),
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def not_engaged(request, pk):
    return _action(
        request,
        pk,
        Perm.EDIT_PERSON,
        "not_engaged_form",
        lambda r: f.NotEngagedForm(request.POST, prefix="ne"),
        lambda r, form: services.close_not_engaged(
            r.episode,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            work_status=form.cleaned_data["work_status"],
            on=form.cleaned_data["on"],
            by=request.user,
        ),
        _("The episode is closed."),
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def merge(request, pk, episode_pk):
    """Merge this (duplicate) referral into the client's open episode."""
    referral = queries.referral_for(request.user, pk, Perm.EDIT_PERSON)
    target = get_object_or_404(
        Episode, pk=episode_pk, service=referral.service, discharge_date__isnull=True
    )
    try:
        services.merge_into(referral, target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", pk=pk)
    messages.success(
        request,
        _("Merged into episode %(reference)s.") % {"reference": target.reference},
    )
    return redirect("clients:detail", pk=target.client_id)


@requires(Perm.MANAGE_SERVICE)
def levels(request):
    """The current service's own levels (or the three VRMDS tiers when it has none)."""
    service = _service_for(request, Perm.MANAGE_SERVICE)
    form = f.ServiceLevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_level(service, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("Level added."))
            return redirect("referrals:levels")
    own = list(ServiceLevel.objects.filter(service=service))
    return render(
        request,
        "referrals/levels.html",
        {"service": service, "levels": own, "form": form},
    )


@requires(Perm.MANAGE_SERVICE)
@require_POST
def remove_level(request, pk):
    level = get_object_or_404(
        ServiceLevel, pk=pk, service__in=services_for(request.user, Perm.MANAGE_SERVICE)
    )
    try:
        services.remove_level(level)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Level removed."))
    return redirect("referrals:levels")
