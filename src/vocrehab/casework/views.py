"""Casework pages. Views are thin: they check access, call queries and services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, has_perm, is_supervised, requires, services_for
from vocrehab.accounts.models import Role, User
from vocrehab.audit.services import record_export, record_listing, record_read
from vocrehab.codes import FOLLOWUP_WINDOW_CLOSES_DAYS, FOLLOWUP_WINDOW_OPENS_DAYS
from vocrehab.dates import human_date
from vocrehab.episodes.access import check_may_record, may_record
from vocrehab.episodes.facts import (
    followup_left_out,
    followup_window,
    followup_window_closed_on,
)
from vocrehab.forms_rendering import show_refusal
from vocrehab.versioning import StaleEditError, save_versioned

from . import forms, queries, services
from .models import (
    Assessment,
    CaseNote,
    Employer,
    EpisodeDocument,
    Goal,
    OnwardReferral,
    PlanReview,
    ReasonableAdjustment,
    Reminder,
    ReturnPlan,
    SignOff,
)
from .services import REFUSALS, CaseworkError
from .services import letters as letter_services


def _episode_url(episode, anchor=""):
    url = reverse("casework:episode", args=[episode.pk])
    return f"{url}#{anchor}" if anchor else url


def _editable_episode(request, pk):
    """The episode, if the user may record on it (404 for another service's)."""
    episode = queries.get_episode(request.user, pk, Perm.EDIT_PERSON)
    check_may_record(request.user, episode)
    return episode


def _add_errors(form, error, fields=None):
    show_refusal(form, error, fields)


def _form_page(
    request, episode, form, *, title, save, anchor="", submit=None, intro="", fields=None
):
    """Show ``form`` about ``episode``; on a valid POST call ``save`` and go to the record.

    A refusal is shown on the form; ``fields`` names the form's field for each episode
    field a rule names, where they differ."""
    if request.method == "POST" and form.is_valid():
        try:
            outcome = save(form)
        except REFUSALS as error:
            _add_errors(form, error, fields)
        else:
            if isinstance(outcome, SignOff):
                messages.info(
                    request,
                    _("Sent to %(who)s for sign-off; it takes effect when signed off.")
                    % {"who": outcome.supervisor},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(_episode_url(episode, anchor))
    else:
        record_read(request, episode)
    return render(
        request,
        "casework/form.html",
        {
            "episode": episode,
            "form": form,
            "title": title,
            "submit": submit or _("Save"),
            "intro": intro,
        },
    )


# --- caseload ------------------------------------------------------------------------


def _workers(request):
    """Workers whose caseloads the user may view (managers only), or None."""
    if not has_perm(request.user, Perm.VIEW_ALL_CASELOADS):
        return None
    managed = services_for(request.user, Perm.VIEW_ALL_CASELOADS)
    return list(
        User.objects.filter(
            memberships__service__in=managed,
            memberships__active=True,
            memberships__role__in=[Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.SERVICE_MANAGER],
        ).distinct()
    )


@requires(Perm.VIEW_CASELOAD)
def caseload(request):
    """A caseload: a worker's own, or (for managers) anyone's or the whole service's."""
    workers = _workers(request)
    everyone = workers is not None and request.GET.get("everyone") == "1"
    params = request.GET.copy()
    if everyone:
        # The whole service is listed longest-open first unless asked otherwise: sorting
        # thousands of episodes by a computed date would compute it for every one.
        params.setdefault("sort", "-days_open")
    form = forms.CaseloadFilterForm(params or None, workers=workers)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.CaseloadFilter(
        worker_id=data.get("worker"),
        everyone=everyone,
        tier=data.get("tier") or "",
        flag=data.get("flag") or "",
        status=data.get("status") or "all",
        search=data.get("search") or "",
        sort=data.get("sort") or "next_action",
    )
    page = Paginator(queries.caseload(request.user, filters), 100).get_page(request.GET.get("page"))
    queries.finish_rows(page.object_list)
    record_listing(request, page="caseload", client_ids=[row.client_id for row in page.object_list])
    counts = queries.caseload_counts(request.user) if workers is not None else None
    return render(
        request,
        "casework/caseload.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "is_manager": workers is not None,
            "everyone": everyone,
            "today": timezone.localdate(),
        },
    )


def _row_response(request, episode_pk, *, message=""):
    filters = queries.CaseloadFilter(worker_id=None, everyone=True, status="all")
    row = queries.caseload(request.user, filters).filter(pk=episode_pk).first()
    if row is None:
        # Not on a caseload the user sees (reassigned, or a colleague's): a plain row.
        row = (
            queries.annotate_caseload(
                queries.episodes_for(request.user).filter(pk=episode_pk),
                services=list(services_for(request.user, Perm.VIEW_CASELOAD)),
            )
            .select_related("client", "case_manager")
            .get()
        )
    queries.finish_rows([row])
    html = render_to_string(
        "casework/_caseload_row.html",
        {"e": row, "message": message, "today": timezone.localdate()},
        request=request,
    )
    return HttpResponse(html)


@requires(Perm.EDIT_PERSON)
def quick_contact(request, pk):
    """Record a contact inline from the caseload (htmx): the date starts at today, and how
    and with whom start unanswered."""
    episode = _editable_episode(request, pk)
    form = forms.QuickContactForm(request.POST or None, prefix=f"qc{episode.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(episode, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            _add_errors(form, error)
        else:
            if request.htmx:
                return _row_response(request, episode.pk, message=_("Contact recorded."))
            messages.success(request, _("Contact recorded."))
            return redirect("casework:caseload")
    template = "casework/_quick_contact.html" if request.htmx else "casework/form.html"
    return render(
        request,
        template,
        {"episode": episode, "form": form, "title": _("Record a contact"), "submit": _("Save")},
    )


@requires(Perm.VIEW_CASELOAD)
def caseload_row(request, pk):
    """One caseload row (htmx: cancel the inline form)."""
    queries.get_episode(request.user, pk)
    return _row_response(request, pk)


# --- tasks and sign-off --------------------------------------------------------------


@requires(Perm.VIEW_CASELOAD)
def tasks(request):
    context = queries.tasks_for(request.user)
    record_listing(request, page="my tasks", client_ids=queries.clients_in_tasks(context))
    return render(request, "casework/tasks.html", context)


@requires(Perm.SIGN_OFF)
def sign_off(request, pk):
    """Sign off, or decline, a support worker's action (their named supervisor only)."""
    item = get_object_or_404(
        SignOff.objects.select_related("episode", "episode__client", "requested_by").filter(
            episode__service__in=services_for(request.user, Perm.SIGN_OFF),
            supervisor=request.user,
        ),
        pk=pk,
    )
    form = forms.SignOffDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_sign_off(
                item,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except (*REFUSALS, KeyError, ValueError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("casework:tasks")
    record_read(request, item.episode)
    return render(request, "casework/sign_off.html", {"item": item, "form": form})


# --- the episode record --------------------------------------------------------------


@requires(Perm.VIEW_PERSON)
def episode(request, pk):
    """The episode record: key facts and a timeline of everything recorded."""
    ep = queries.get_episode(request.user, pk)
    record_read(request, ep)
    context = queries.episode_record(ep)
    today = timezone.localdate()
    context.update(
        episode=ep,
        today=today,
        # Not recorded, and too late to count: said instead of "Due …".
        followup_window_closed_on=followup_window_closed_on(ep, today),
        # Recorded, but not collected inside the window: the report leaves it out.
        followup_left_out=followup_left_out(ep),
        may_edit=has_perm(request.user, Perm.EDIT_PERSON) and may_record(request.user, ep),
        supervised=is_supervised(request.user, ep.service),
        progress=queries.plan_progress(context["current_plan"]) if context["current_plan"] else [],
    )
    return render(request, "casework/episode.html", context)


def _versioned_edit(request, ep, form_class, save, **context):
    """An edit page of the episode's own fields: ``save(form)`` stores a valid form and
    returns the episode; a stale form is refused and the current values shown."""
    form = form_class(request.POST or None, instance=ep)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except StaleEditError as stale:
            conflict = stale.current
            form = form_class(instance=stale.current)
        else:
            messages.success(request, _("Saved."))
            return redirect(_episode_url(saved))
    else:
        record_read(request, ep)
    fields = form_class.Meta.fields
    return render(
        request,
        "casework/form.html",
        {
            "episode": ep,
            "form": form,
            "submit": _("Save"),
            "conflict": conflict,
            "conflict_rows": _conflict_rows(conflict, fields),
            **context,
        },
    )


@requires(Perm.EDIT_PERSON)
def episode_edit(request, pk):
    """Change the episode's key facts."""

    def save(form):
        fields = list(forms.EpisodeFactsForm.Meta.fields)
        save_versioned(form.instance, form.cleaned_data["version"], fields)
        return form.instance

    ep = _editable_episode(request, pk)
    return _versioned_edit(
        request, ep, forms.EpisodeFactsForm, save, title=_("Change the key facts")
    )


@requires(Perm.EDIT_PERSON)
def referrer_edit(request, pk):
    """Correct or complete who referred; a letter withheld for want of them goes now."""

    def save(form):
        values = {name: form.cleaned_data[name] for name in forms.ReferrerForm.Meta.fields}
        return letter_services.update_referrer(
            form.instance, values=values, version=form.cleaned_data["version"]
        )

    ep = _editable_episode(request, pk)
    return _versioned_edit(
        request,
        ep,
        forms.ReferrerForm,
        save,
        title=_("Change the referrer's details"),
        intro=_(
            "A letter to the referrer that was withheld because no referrer was recorded "
            "is written and sent when you save."
        ),
    )


def _conflict_rows(current, fields):
    if current is None:
        return []
    rows = []
    for name in fields:
        field = current._meta.get_field(name)
        display = getattr(current, f"get_{name}_display", None)
        value = display() if display else getattr(current, name)
        rows.append((field.verbose_name.capitalize(), value if value not in (None, "") else "–"))
    return rows


@requires(Perm.EDIT_PERSON)
def tier_change(request, pk):
    ep = _editable_episode(request, pk)
    # The new tier starts unchosen: the page says where the episode is now.
    form = forms.TierForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Change tier"),
        intro=(
            _("Now in %(tier)s.") % {"tier": ep.get_tier_display()}
            if ep.tier
            else _("No tier yet.")
        ),
        save=lambda f: services.change_tier_or_request(
            ep, to_tier=f.cleaned_data["to_tier"], by=request.user, reason=f.cleaned_data["reason"]
        ),
    )


# --- assessment ----------------------------------------------------------------------


@requires(Perm.EDIT_PERSON)
def assessment_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.AssessmentForm(request.POST or None)

    def save(f):
        data = {k: v for k, v in f.cleaned_data.items() if k not in ("key_issues", "assessed_on")}
        return services.record_assessment(
            ep,
            by=request.user,
            assessed_on=f.cleaned_data["assessed_on"],
            data=data,
            key_issues=f.key_issue_lines(),
        )

    return _assessment_page(request, ep, form, save, _("Assessment"))


@requires(Perm.EDIT_PERSON)
def assessment_edit(request, pk):
    assessment = queries.get_child(request.user, Assessment, pk)
    ep = assessment.episode
    check_may_record(request.user, ep)
    form = forms.AssessmentEditForm(request.POST or None, instance=assessment)

    def save(f):
        data = {k: v for k, v in f.cleaned_data.items() if k not in ("key_issues", "version")}
        return services.update_assessment(
            assessment,
            expected_version=f.cleaned_data["version"],
            data=data,
            key_issues=f.key_issue_lines(),
        )

    return _assessment_page(request, ep, form, save, _("Change the assessment"))


# The episode's rules about an assessment's date, shown beside the form's date.
_ASSESSMENT_DATE = dict.fromkeys(
    ("contact_date", "assessment_date", "first_contact_date"), "assessed_on"
)


def _assessment_page(request, ep, form, save, title):
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEditError as stale:
            conflict = stale.current
            form = forms.AssessmentEditForm(instance=stale.current)
        except REFUSALS as error:
            _add_errors(form, error, _ASSESSMENT_DATE)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect(_episode_url(ep, "assessment"))
    else:
        record_read(request, ep)
    return render(
        request,
        "casework/assessment_form.html",
        {"episode": ep, "form": form, "title": title, "conflict": conflict},
    )


# --- goals ---------------------------------------------------------------------------


@requires(Perm.EDIT_PERSON)
def goal_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.GoalForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Set a goal"),
        anchor="goals",
        save=lambda f: services.add_goal(ep, by=request.user, **f.cleaned_data),
    )


@requires(Perm.EDIT_PERSON)
def goal_review(request, pk):
    goal = queries.get_child(request.user, Goal, pk)
    check_may_record(request.user, goal.episode)
    form = forms.GoalReviewForm(request.POST or None)
    form.fields["status"].help_text = _("Recorded so far: %(status)s") % {
        "status": goal.get_status_display()
    }
    return _form_page(
        request,
        goal.episode,
        form,
        title=_("Review the goal: %(goal)s") % {"goal": goal.description},
        anchor="goals",
        save=lambda f: services.review_goal(goal, by=request.user, **f.cleaned_data),
    )


# --- contacts and onward referrals ---------------------------------------------------


@requires(Perm.EDIT_PERSON)
def contact_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.ContactForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Record a contact"),
        anchor="contacts",
        save=lambda f: services.record_contact(ep, by=request.user, **f.cleaned_data),
    )


@requires(Perm.EDIT_PERSON)
def onward_add(request, pk):
    """Record an onward referral or signpost; the directory's picker helps choose the service."""
    ep = _editable_episode(request, pk)
    form = forms.OnwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_onward_referral(ep, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_episode_url(ep, "onward"))
    elif request.method != "POST":
        record_read(request, ep)
    return render(
        request,
        "casework/onward_form.html",
        {
            "episode": ep,
            "form": form,
            "title": _("Onward referral or signpost"),
            "submit": _("Save"),
            "directory_picker": services.directory_picker_available()
            and has_perm(request.user, Perm.VIEW_DIRECTORY),
        },
    )


@requires(Perm.EDIT_PERSON)
def onward_outcome(request, pk):
    onward = queries.get_child(request.user, OnwardReferral, pk)
    check_may_record(request.user, onward.episode)
    form = forms.OnwardOutcomeForm(request.POST or None, initial={"outcome": onward.outcome})
    return _form_page(
        request,
        onward.episode,
        form,
        title=_("Outcome of the onward referral"),
        anchor="onward",
        save=lambda f: services.set_onward_outcome(onward, **f.cleaned_data),
    )


# --- employer liaison ----------------------------------------------------------------


@requires(Perm.EDIT_PERSON)
def employer_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.EmployerForm(request.POST or None, initial={"name": ep.employer_name})

    def save(f):
        data = {k: v for k, v in f.cleaned_data.items() if k != "version"}
        return services.save_employer(ep, **data)

    return _form_page(request, ep, form, title=_("Employer"), anchor="employer", save=save)


@requires(Perm.EDIT_PERSON)
def employer_edit(request, pk):
    employer = queries.get_child(request.user, Employer, pk)
    ep = employer.episode
    check_may_record(request.user, ep)
    form = forms.EmployerForm(request.POST or None, instance=employer)

    def save(f):
        data = {k: v for k, v in f.cleaned_data.items() if k != "version"}
        try:
            return services.save_employer(
                ep, employer=employer, expected_version=f.cleaned_data["version"], **data
            )
        except StaleEditError as stale:
            raise CaseworkError(
                _(
                    "Someone else changed this employer's details after you opened them "
                    "(now: %(name)s, consent %(consent)s). Reload and make your change again."
                )
                % {
                    "name": stale.current.name,
                    "consent": _("given") if stale.current.consent_to_contact else _("not given"),
                }
            ) from None

    return _form_page(request, ep, form, title=_("Employer"), anchor="employer", save=save)


def _employer_child_form(request, pk, form_class, title, save):
    employer = queries.get_child(request.user, Employer, pk)
    check_may_record(request.user, employer.episode)
    form = form_class(request.POST or None)
    return _form_page(
        request,
        employer.episode,
        form,
        title=title % {"employer": employer.name},
        anchor="employer",
        save=lambda f: save(employer, f.cleaned_data),
    )


@requires(Perm.EDIT_PERSON)
def employer_person_add(request, pk):
    return _employer_child_form(
        request,
        pk,
        forms.EmployerContactForm,
        _("A contact at %(employer)s"),
        lambda employer, data: services.add_employer_contact(employer, **data),
    )


@requires(Perm.EDIT_PERSON)
def meeting_add(request, pk):
    return _employer_child_form(
        request,
        pk,
        forms.MeetingForm,
        _("A meeting with %(employer)s"),
        lambda employer, data: services.record_employer_meeting(employer, by=request.user, **data),
    )


@requires(Perm.EDIT_PERSON)
def adjustment_add(request, pk):
    return _employer_child_form(
        request,
        pk,
        forms.AdjustmentForm,
        _("A reasonable adjustment at %(employer)s"),
        lambda employer, data: services.add_adjustment(employer, **data),
    )


@requires(Perm.EDIT_PERSON)
def adjustment_status(request, pk):
    adjustment = queries.get_child(request.user, ReasonableAdjustment, pk, path="employer__episode")
    ep = adjustment.employer.episode
    check_may_record(request.user, ep)
    form = forms.AdjustmentStatusForm(request.POST or None)
    form.fields["status"].help_text = _("Recorded so far: %(status)s") % {
        "status": adjustment.get_status_display()
    }
    return _form_page(
        request,
        ep,
        form,
        title=_("Status of: %(adjustment)s") % {"adjustment": adjustment.description},
        anchor="employer",
        save=lambda f: services.set_adjustment_status(adjustment, **f.cleaned_data),
    )


# --- return-to-work plans ------------------------------------------------------------


@requires(Perm.EDIT_PERSON)
def plan_edit(request, pk):
    """Write the plan, or its next version (prefilled from the current one)."""
    ep = _editable_episode(request, pk)
    current = ReturnPlan.objects.filter(episode=ep, is_current=True).first()
    initial, phases = {}, [{"week": w} for w in (1, 2, 3, 4)]
    if current is not None:
        initial = {
            "based_on": current.pk,
            "employer": current.employer_id,
            "start_date": current.start_date,
            "usual_hours": current.usual_hours,
            "adjustments": current.adjustments,
            "review_dates": "\n".join(current.review_dates),
            "agreed_by_client": current.agreed_by_client,
            "agreed_by_employer": current.agreed_by_employer,
            "agreed_on": current.agreed_on,
        }
        phases = [
            {"week": p.week, "hours": p.hours, "days": p.days, "duties": p.duties}
            for p in current.phases.all()
        ]
    form = forms.ReturnPlanForm(request.POST or None, initial=initial, episode=ep)
    formset = forms.PhaseFormSet(
        request.POST or None, initial=None if request.method == "POST" else phases, prefix="phase"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        based_on_pk = data.pop("based_on")
        based_on = ReturnPlan.objects.filter(episode=ep, pk=based_on_pk).first()
        rows = [phase for f in formset.forms if (phase := f.phase())]
        try:
            plan = services.save_return_plan(
                ep,
                by=request.user,
                phases=rows,
                based_on=based_on,
                **data,
            )
        except StaleEditError:
            form.add_error(
                None,
                _(
                    "Someone else saved a newer version of this plan after you opened it. "
                    "Open the plan again to see their version, then make your change."
                ),
            )
        except REFUSALS as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Plan version %(n)s saved.") % {"n": plan.number})
            return redirect("casework:plan", pk=plan.pk)
    elif request.method != "POST":
        record_read(request, ep)
    return render(
        request,
        "casework/plan_form.html",
        {"episode": ep, "form": form, "formset": formset, "current": current},
    )


def _plan(request, pk, perm=Perm.VIEW_PERSON):
    return get_object_or_404(
        ReturnPlan.objects.select_related(
            "episode", "episode__client", "episode__service", "employer"
        )
        .prefetch_related("phases", "reviews", "progress")
        .filter(episode__service__in=services_for(request.user, perm)),
        pk=pk,
    )


@requires(Perm.VIEW_PERSON)
def plan(request, pk):
    the_plan = _plan(request, pk)
    record_read(request, the_plan.episode)
    return render(
        request,
        "casework/plan.html",
        {
            "plan": the_plan,
            "episode": the_plan.episode,
            "progress": queries.plan_progress(the_plan),
            "versions": ReturnPlan.objects.filter(episode=the_plan.episode).order_by("-number"),
            "may_edit": has_perm(request.user, Perm.EDIT_PERSON)
            and may_record(request.user, the_plan.episode),
        },
    )


@requires(Perm.VIEW_PERSON)
def plan_pdf(request, pk):
    """The plan as a PDF for the client and the employer (a download, audited as an export)."""
    # The PDF code (and WeasyPrint) loads only when a plan is downloaded.
    from .documents import plan_pdf_bytes

    the_plan = _plan(request, pk)
    record_read(request, the_plan.episode)
    record_export(
        request,
        detail=f"return-to-work plan {the_plan.pk} v{the_plan.number} (PDF)",
        service_id=the_plan.episode.service_id,
    )
    response = HttpResponse(plan_pdf_bytes(the_plan), content_type="application/pdf")
    name = f"return-to-work-plan-{the_plan.episode.reference}-v{the_plan.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Perm.EDIT_PERSON)
def plan_progress(request, pk):
    the_plan = _plan(request, pk, Perm.EDIT_PERSON)
    ep = the_plan.episode
    check_may_record(request.user, ep)
    form = forms.ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_plan_progress(the_plan, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("casework:plan", pk=the_plan.pk)
    return render(
        request,
        "casework/form.html",
        {"episode": ep, "form": form, "title": _("Progress against the plan"), "submit": _("Save")},
    )


@requires(Perm.EDIT_PERSON)
def plan_review_done(request, pk):
    review = get_object_or_404(
        PlanReview.objects.select_related("plan", "plan__episode", "plan__episode__client").filter(
            plan__episode__service__in=services_for(request.user, Perm.EDIT_PERSON)
        ),
        pk=pk,
    )
    ep = review.plan.episode
    check_may_record(request.user, ep)
    form = forms.PlanReviewDoneForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Plan review due %(date)s") % {"date": review.due_on},
        anchor="plan",
        save=lambda f: services.complete_plan_review(review, note=f.cleaned_data["note"]),
    )


# --- discharge, follow-up, re-open, re-refer -----------------------------------------


@requires(Perm.EDIT_PERSON)
def discharge(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.DischargeForm(request.POST or None, initial={"version": ep.version})
    if ep.work_status_at_referral:
        form.fields["work_status"].help_text = _("At referral: %(status)s") % {
            "status": ep.get_work_status_at_referral_display()
        }

    def save(f):
        try:
            return services.discharge(
                ep,
                by=request.user,
                on=f.cleaned_data["discharge_date"],
                work_status=f.cleaned_data["work_status"],
                reason=f.cleaned_data["reason"],
                engagement=f.cleaned_data["engagement"],
                expected_version=f.cleaned_data["version"],
            )
        except StaleEditError:
            raise CaseworkError(
                _(
                    "Someone else changed this episode after you opened the form. Check "
                    "the record, then discharge again."
                )
            ) from None

    intro = _("Discharging schedules the discharge questionnaires and the six-month follow-up.")
    if services.needs_sign_off(request.user, "discharge", ep.service):
        intro += " " + _("Your supervisor signs off the discharge before it takes effect.")
    return _form_page(
        request,
        ep,
        form,
        title=_("Discharge"),
        save=save,
        submit=_("Discharge"),
        intro=intro,
        fields={"work_status_at_discharge": "work_status"},
    )


@requires(Perm.EDIT_PERSON)
def followup(request, pk):
    ep = _editable_episode(request, pk)
    may_override = services.may_record_followup_outside_window(request.user, ep)
    form = forms.FollowupForm(request.POST or None, may_override=may_override)
    intro = ""
    if ep.discharge_date:
        window = followup_window(ep.discharge_date)
        intro = _(
            "The follow-up counts when it is collected from %(opens)s to %(closes)s "
            "(%(first)s to %(last)s days after discharge)."
        ) % {
            "opens": human_date(window.opens),
            "closes": human_date(window.closes),
            "first": FOLLOWUP_WINDOW_OPENS_DAYS,
            "last": FOLLOWUP_WINDOW_CLOSES_DAYS,
        }
        if may_override:
            intro += " " + _(
                "Outside those dates it is left out of the evaluation; record it only with "
                "the reason."
            )

    def save(f):
        return services.record_followup(
            ep,
            by=request.user,
            on=f.cleaned_data["collected_on"],
            work_status=f.cleaned_data["work_status"],
            reason=f.cleaned_data.get("reason", ""),
        )

    return _form_page(
        request,
        ep,
        form,
        title=_("Six-month follow-up"),
        save=save,
        intro=intro,
        fields={
            "followup_collected_on": "collected_on",
            "work_status_at_followup": "work_status",
            "followup_outside_window_reason": "reason",
        },
    )


@requires(Perm.EDIT_PERSON)
def reopen(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.ReopenForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Re-open the episode"),
        save=lambda f: services.reopen(ep, by=request.user, **f.cleaned_data),
        submit=_("Re-open"),
        intro=_(
            "Re-opening clears the discharge and the six-month follow-up (a case note keeps "
            "them), cancels the discharge and follow-up questionnaires not yet completed, "
            "and stops a discharge summary that has not gone yet. Discharging again "
            "schedules new questionnaires and writes a new summary."
        ),
    )


@requires(Perm.EDIT_PERSON)
def re_refer(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.ReReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.re_refer(ep, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("New episode %(ref)s opened.") % {"ref": new.reference})
            return redirect(_episode_url(new))
    else:
        record_read(request, ep)
    return render(
        request,
        "casework/form.html",
        {"episode": ep, "form": form, "title": _("Re-refer"), "submit": _("Open a new episode")},
    )


# --- documents -----------------------------------------------------------------------


@requires(Perm.EDIT_PERSON)
def document_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                ep,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["upload"],
            )
        except REFUSALS as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Document saved."))
            return redirect(_episode_url(ep, "documents"))
    elif request.method != "POST":
        record_read(request, ep)
    return render(
        request,
        "casework/form.html",
        {
            "episode": ep,
            "form": form,
            "title": _("Add a document"),
            "submit": _("Upload"),
            "multipart": True,
        },
    )


@requires(Perm.VIEW_PERSON)
def document_download(request, pk):
    """Serve a document as an attachment, never inline; the read is logged."""
    document = queries.get_child(request.user, EpisodeDocument, pk, Perm.VIEW_PERSON)
    record_read(request, document.episode, fields=[f"document:{document.pk}"])
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- notes and reminders -------------------------------------------------------------


@requires(Perm.EDIT_PERSON)
def note_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.NoteForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Add a case note"),
        anchor="notes",
        save=lambda f: services.add_note(ep, by=request.user, **f.cleaned_data),
    )


@requires(Perm.EDIT_PERSON)
def note_correct(request, pk):
    note = queries.get_child(request.user, CaseNote, pk)
    check_may_record(request.user, note.episode)
    form = forms.NoteForm(request.POST or None, initial={"text": note.text})
    return _form_page(
        request,
        note.episode,
        form,
        title=_("Correct a note"),
        anchor="notes",
        intro=_("The original stays on the record, struck through, with your correction."),
        save=lambda f: services.correct_note(note, by=request.user, **f.cleaned_data),
    )


@requires(Perm.EDIT_PERSON)
def reminder_add(request, pk):
    ep = _editable_episode(request, pk)
    form = forms.ReminderForm(request.POST or None)
    return _form_page(
        request,
        ep,
        form,
        title=_("Add a reminder"),
        anchor="reminders",
        save=lambda f: services.add_reminder(ep, by=request.user, **f.cleaned_data),
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def reminder_done(request, pk):
    reminder = queries.get_child(request.user, Reminder, pk)
    check_may_record(request.user, reminder.episode)
    services.complete_reminder(reminder)
    messages.success(request, _("Done."))
    if request.POST.get("next") == "tasks":
        return redirect("casework:tasks")
    return redirect(_episode_url(reminder.episode, "reminders"))
