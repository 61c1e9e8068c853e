"""Pages of the directory app. Thin: access is declared, rules live in services/queries."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, has_perm, is_aggregate_only, requires, services_for
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event, record_export, record_read
from vocrehab.forms_rendering import show_refusal

from . import csvio, queries, services
from .forms import (
    AwarenessSessionForm,
    CohortForm,
    DirectoryServiceForm,
    GiveMaterialForm,
    ImportForm,
    LibraryFilterForm,
    MaterialForm,
    PreCourseForm,
    ProgrammeForm,
    ReviewForm,
    ScheduleForm,
    SearchForm,
    StartInWorkForm,
)
from .models import (
    CohortSession,
    DirectoryService,
    Enrolment,
    GivenChannel,
    InWorkReview,
    InWorkSupport,
    MaterialGiven,
    PreCourseAssessment,
    ReviewStatus,
)

# ---------------------------------------------------------------------------
# Helpers


def _managed_organisation(request):
    """The organisation whose directory a manager edits: their current service's first."""
    service = request.service
    if service is not None and has_perm(request.user, Perm.MANAGE_DIRECTORY, service):
        return service.organisation
    organisation = queries.organisations_for(request.user, Perm.MANAGE_DIRECTORY).first()
    if organisation is None:
        raise PermissionDenied
    return organisation


def _managed_service(request):
    service = request.service
    if service is not None and has_perm(request.user, Perm.MANAGE_DIRECTORY, service):
        return service
    service = services_for(request.user, Perm.MANAGE_DIRECTORY).order_by("name").first()
    if service is None:
        raise PermissionDenied
    return service


def _episode(request, pk, perm=Perm.EDIT_PERSON):
    episode = get_object_or_404(
        queries.episodes_for(request.user, perm).select_related("client", "service"), pk=pk
    )
    record_read(request, episode)
    return episode


def _int(value) -> int:
    """A posted id, or 0 (which matches nothing) when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# Directory


@requires(Perm.VIEW_DIRECTORY)
def index(request):
    form = SearchForm(request.GET or None)
    entries = DirectoryService.objects.none()
    # Only the page number: an empty search lists the whole directory.
    searching = any(request.GET.get(k) for k in form.fields)
    if searching and form.is_valid():
        data = form.cleaned_data
        entries = queries.search_services(
            area_code=data["area_code"] or None,
            postcode=data["postcode"] or None,
            category=data["category"] or None,
            condition=data["condition"] or None,
            text=data["q"] or None,
            user=request.user,
        )
    elif not searching:
        form = SearchForm()
        entries = queries.with_details(
            queries.directory_for(request.user).filter(active=True).order_by("name", "pk")
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    cutoff = queries.review_cutoff()
    for entry in page:
        entry.needs_review = entry.last_verified is None or entry.last_verified < cutoff
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/index.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_manage": has_perm(request.user, Perm.MANAGE_DIRECTORY),
        },
    )


@requires(Perm.VIEW_DIRECTORY)
def detail(request, pk):
    entry = get_object_or_404(queries.with_details(queries.directory_for(request.user)), pk=pk)
    may_edit = queries.directory_for(request.user, Perm.MANAGE_DIRECTORY).filter(pk=pk).exists()
    return render(
        request,
        "directory/detail.html",
        {
            "entry": entry,
            "needs_review": queries.is_due_for_review(entry),
            "may_edit": may_edit,
        },
    )


def _save_entry(request, form, organisation, instance=None):
    try:
        return services.save_directory_service(
            organisation=organisation,
            values={f: form.cleaned_data[f] for f in form.Meta.fields},
            categories=form.cleaned_data["categories"],
            conditions=form.cleaned_data["conditions"],
            areas=form.cleaned_data["areas"],
            instance=instance,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                form.add_error(target, errors)
        else:
            form.add_error(None, exc)
        return None


@requires(Perm.MANAGE_DIRECTORY)
def create(request):
    organisation = _managed_organisation(request)
    form = DirectoryServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = _save_entry(request, form, organisation)
        if entry is not None:
            messages.success(request, _("%(name)s added to the directory.") % {"name": entry})
            return redirect("directory:detail", entry.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("Add a service")})


@requires(Perm.MANAGE_DIRECTORY)
def edit(request, pk):
    entry = get_object_or_404(queries.directory_for(request.user, Perm.MANAGE_DIRECTORY), pk=pk)
    form = DirectoryServiceForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = _save_entry(request, form, entry.organisation, instance=entry)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("directory:detail", saved.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "title": _("Change %(name)s") % {"name": entry.name}, "entry": entry},
    )


@requires(Perm.MANAGE_DIRECTORY)
@require_POST
def verify(request, pk):
    entry = get_object_or_404(queries.directory_for(request.user, Perm.MANAGE_DIRECTORY), pk=pk)
    services.mark_verified(entry)
    messages.success(request, _("Marked as checked today."))
    return redirect("directory:detail", entry.pk)


@requires(Perm.MANAGE_DIRECTORY)
def review(request):
    entries = queries.with_details(
        queries.due_for_review(queries.directory_for(request.user, Perm.MANAGE_DIRECTORY))
    ).order_by("last_verified", "name")
    return render(
        request,
        "directory/review.html",
        {"entries": entries, "review_months": queries.conf.review_months()},
    )


@requires(Perm.MANAGE_DIRECTORY)
def import_csv(request):
    organisation = _managed_organisation(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > csvio.MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                result = csvio.import_directory(upload.read(), organisation=organisation)
            except csvio.DirectoryImportFailed as failed:
                errors = failed.errors
            else:
                record_event(
                    action=Action.IMPORT,
                    request=request,
                    detail=(
                        f"services directory CSV: {result.created} added, {result.updated} updated"
                    ),
                )
                messages.success(
                    request,
                    _("Imported: %(created)s added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("directory:index")
    return render(
        request,
        "directory/import.html",
        {"form": form, "errors": errors, "columns": csvio.COLUMNS},
    )


@requires(Perm.VIEW_DIRECTORY)
def export_csv(request):
    entries = queries.with_details(queries.directory_for(request.user))
    record_export(request, detail="services directory CSV")
    response = HttpResponse(csvio.export_csv(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services-directory.csv"'
    return response


_FIELD_NAME = re.compile(r"^[A-Za-z][\w-]{0,80}$")


def _input_name(request, key, default):
    value = request.GET.get(key, default)
    return value if _FIELD_NAME.match(value) else default


@requires(Perm.VIEW_DIRECTORY)
def picker(request):
    """htmx partial: directory services for the client and need, each with a Choose button."""
    get = request.GET
    data = {
        "area_code": get.get("directory_area_code", ""),
        "postcode": get.get("directory_postcode", ""),
        "category": next(
            (v for v in get.getlist(_input_name(request, "category_input", "category")) if v),
            "",
        ),
        "condition": get.get("directory_condition", ""),
        "q": get.get("directory_q", ""),
    }
    form = SearchForm(data)
    results = []
    if form.is_valid():
        d = form.cleaned_data
        results = list(
            queries.search_services(
                area_code=d["area_code"] or None,
                postcode=d["postcode"] or None,
                category=d["category"] or None,
                condition=d["condition"] or None,
                text=d["q"] or None,
                user=request.user,
            )[:25]
        )
    return render(
        request,
        "directory/_picker_results.html",
        {
            "form": form,
            "results": results,
            "name_input": _input_name(request, "name_input", "service_name"),
            "ref_input": _input_name(request, "ref_input", "service_ref"),
            "hints": request.GET.get("hints", "1") != "0",
        },
    )


@requires(Perm.VIEW_DIRECTORY)
def picker_choose(request, pk):
    """htmx partial: fills the form's service name and reference inputs (out of band)."""
    entry = get_object_or_404(queries.directory_for(request.user).filter(active=True), pk=pk)
    return render(
        request,
        "directory/_picker_chosen.html",
        {
            "entry": entry,
            "name_input": _input_name(request, "name_input", "service_name"),
            "ref_input": _input_name(request, "ref_input", "service_ref"),
            "hints": request.GET.get("hints", "1") != "0",
        },
    )


@requires(Perm.VIEW_SERVICE_MAPPING)
def mapping(request):
    data = queries.service_mapping(request.user)
    matrix = data["matrix"]
    rows = [
        [area, *[matrix["cells"].get((area, code), 0) for code, _label in matrix["categories"]]]
        for area in matrix["areas"]
    ]
    return render(request, "directory/mapping.html", {**data, "matrix_rows": rows})


# ---------------------------------------------------------------------------
# Self-help library


@requires(Perm.VIEW_DIRECTORY)
def library(request):
    form = LibraryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    items = queries.filter_library(
        queries.library_for(request.user),
        audience=data.get("audience") or None,
        condition=data.get("condition") or None,
        topic=data.get("topic") or None,
    )
    return render(
        request,
        "directory/library.html",
        {
            "form": form,
            "items": items,
            "may_manage": has_perm(request.user, Perm.MANAGE_DIRECTORY),
        },
    )


def _save_material_view(request, instance=None):
    form = MaterialForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in form.Meta.fields}
        values.update(
            conditions=form.cleaned_data["conditions"], topics=form.cleaned_data["topics"]
        )
        try:
            services.save_material(
                organisation=instance.organisation if instance else _managed_organisation(request),
                values=values,
                upload=form.cleaned_data.get("upload"),
                instance=instance,
            )
        except ValidationError as exc:
            form.add_error("upload" if request.FILES else None, exc)
        else:
            messages.success(request, _("Saved to the library."))
            return redirect("directory:library")
    title = _("Change material") if instance else _("Add material")
    return render(
        request, "directory/material_form.html", {"form": form, "title": title, "item": instance}
    )


@requires(Perm.MANAGE_DIRECTORY)
def material_create(request):
    return _save_material_view(request)


@requires(Perm.MANAGE_DIRECTORY)
def material_edit(request, pk):
    item = get_object_or_404(queries.library_for(request.user, Perm.MANAGE_DIRECTORY), pk=pk)
    return _save_material_view(request, item)


@requires(Perm.VIEW_DIRECTORY)
def material_download(request, pk):
    item = get_object_or_404(queries.library_for(request.user), pk=pk)
    if not item.file:
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name or f"document{item.file_extension}",
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were to render it, it gets no scripts and no origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@requires(Perm.EDIT_PERSON)
def give_material(request, episode_pk):
    episode = _episode(request, episode_pk)
    materials = queries.library_for(request.user).filter(
        active=True, organisation=episode.service.organisation
    )
    form = GiveMaterialForm(request.POST or None, materials=materials)
    if request.method == "POST" and form.is_valid():
        try:
            given = services.give_material(
                episode=episode,
                material=form.cleaned_data["material"],
                channel=form.cleaned_data["channel"],
                by=request.user,
            )
        except services.NotSent as exc:
            form.add_error("channel", str(exc))
        except ValidationError as exc:
            form.add_error("material", exc)
        else:
            if given.channel == GivenChannel.PRINTED:
                return redirect("directory:material_print", given.pk)
            messages.success(request, _("Sent by email and recorded."))
            return redirect("directory:give_material", episode.pk)
    suitable = {m.pk for m in queries.filter_library(materials, condition=episode.condition)}
    history = episode.material_given.select_related("material", "by")
    return _no_store(
        render(
            request,
            "directory/give.html",
            {"form": form, "episode": episode, "history": history, "suitable": suitable},
        )
    )


@requires(Perm.EDIT_PERSON)
def material_print(request, pk):
    given = get_object_or_404(
        MaterialGiven.objects.filter(
            episode__service__in=services_for(request.user, Perm.EDIT_PERSON)
        ).select_related("material", "episode__service"),
        pk=pk,
    )
    return render(request, "directory/print.html", {"given": given, "item": given.material})


# ---------------------------------------------------------------------------
# Group programmes


@requires(Perm.VIEW_DIRECTORY)
def programmes(request):
    items = (
        queries.programmes_for(request.user).select_related("service").prefetch_related("cohorts")
    )
    return render(
        request,
        "directory/programmes.html",
        {"programmes": items, "may_manage": has_perm(request.user, Perm.MANAGE_DIRECTORY)},
    )


@requires(Perm.MANAGE_DIRECTORY)
def programme_create(request):
    service = _managed_service(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.service = service
        programme = form.save()
        messages.success(request, _("Course added."))
        return redirect("directory:programme", programme.pk)
    return render(request, "directory/simple_form.html", {"form": form, "title": _("Add a course")})


@requires(Perm.MANAGE_DIRECTORY)
def programme_edit(request, pk):
    programme = get_object_or_404(
        queries.programmes_for(request.user, Perm.MANAGE_DIRECTORY), pk=pk
    )
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("directory:programme", programme.pk)
    return render(
        request, "directory/simple_form.html", {"form": form, "title": _("Change course")}
    )


@requires(Perm.VIEW_DIRECTORY)
def programme(request, pk):
    item = get_object_or_404(queries.programmes_for(request.user).select_related("service"), pk=pk)
    aggregate = is_aggregate_only(request.user)
    cohorts = queries.programme_cohorts(item, suppress=aggregate)
    return render(
        request,
        "directory/programme.html",
        {
            "programme": item,
            "cohorts": cohorts,
            "may_manage": queries.programmes_for(request.user, Perm.MANAGE_DIRECTORY)
            .filter(pk=pk)
            .exists(),
            "may_see_people": has_perm(request.user, Perm.VIEW_CONTACTS, item.service),
            "suppressed": aggregate,
        },
    )


@requires(Perm.MANAGE_DIRECTORY)
def cohort_create(request, pk):
    item = get_object_or_404(queries.programmes_for(request.user, Perm.MANAGE_DIRECTORY), pk=pk)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cohort = services.create_cohort(
            programme=item,
            start_date=d["start_date"],
            capacity=d["capacity"],
            venue=d["venue"],
            online_link=d["online_link"],
            name=d["name"],
        )
        messages.success(request, _("Cohort added with %(n)s sessions.") % {"n": item.sessions})
        return redirect("directory:cohort", cohort.pk)
    return render(
        request,
        "directory/simple_form.html",
        {"form": form, "title": _("Add a cohort to %(name)s") % {"name": item.title}},
    )


@requires(Perm.VIEW_CONTACTS)
def cohort(request, pk):
    item = get_object_or_404(queries.cohorts_for(request.user).select_related("programme"), pk=pk)
    register = queries.cohort_register(item)
    waiting = list(queries.waiting_list(item).select_related("episode__client"))
    for enrolment in [*register, *waiting]:
        record_read(request, enrolment.episode)
    sessions = list(item.course_sessions.all())
    rows = [(e, [e.marks.get((e.pk, s.pk)) for s in sessions]) for e in register]
    return _no_store(
        render(
            request,
            "directory/cohort.html",
            {
                "cohort": item,
                "rows": rows,
                "sessions": sessions,
                "waiting": waiting,
                "counts": queries.cohort_counts(item),
                "may_edit": has_perm(request.user, Perm.EDIT_PERSON, item.programme.service),
            },
        )
    )


@requires(Perm.EDIT_PERSON)
def attendance(request, pk):
    session = get_object_or_404(
        CohortSession.objects.filter(
            cohort__programme__service__in=services_for(request.user, Perm.EDIT_PERSON)
        ).select_related("cohort__programme"),
        pk=pk,
    )
    enrolled = list(
        session.cohort.enrolments.filter(status="enrolled").select_related("episode__client")
    )
    for e in enrolled:
        record_read(request, e.episode)
    if request.method == "POST":
        present = request.POST.getlist("present")
        try:
            services.record_attendance(session=session, present=present)
        except (ValidationError, ValueError):
            messages.error(request, _("Only people enrolled on this cohort can be marked present."))
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("directory:cohort", session.cohort_id)
    marked = set(session.attendance.filter(attended=True).values_list("enrolment_id", flat=True))
    return _no_store(
        render(
            request,
            "directory/attendance.html",
            {"session": session, "enrolled": enrolled, "marked": marked},
        )
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def withdraw(request, pk):
    enrolment = get_object_or_404(
        Enrolment.objects.filter(episode__service__in=services_for(request.user, Perm.EDIT_PERSON)),
        pk=pk,
    )
    promoted = services.withdraw(enrolment, by=request.user)
    if promoted is not None:
        messages.success(
            request, _("Withdrawn. The first person waiting has been given the place.")
        )
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("directory:cohort", enrolment.cohort_id)


@requires(Perm.EDIT_PERSON)
def pre_course(request, episode_pk):
    episode = _episode(request, episode_pk)
    form = PreCourseForm(
        request.POST if request.POST.get("action") == "assess" else None,
        initial={"date": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        services.record_pre_course_assessment(
            episode=episode,
            needs=form.cleaned_data["needs"],
            notes=form.cleaned_data["notes"],
            on=form.cleaned_data["date"],
            by=request.user,
        )
        messages.success(request, _("Pre-course assessment recorded."))
        return redirect("directory:pre_course", episode.pk)
    if request.POST.get("action") == "enrol":
        assessment = get_object_or_404(
            PreCourseAssessment, pk=_int(request.POST.get("assessment")), episode=episode
        )
        matches = {c.pk: c for c in queries.matching_cohorts(assessment)}
        chosen = matches.get(_int(request.POST.get("cohort")))
        if chosen is None:
            messages.error(request, _("Choose one of the courses that match the assessment."))
        else:
            try:
                enrolment = services.enrol(assessment=assessment, cohort=chosen, by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                if enrolment.status == "waiting":
                    messages.success(request, _("The course is full: added to the waiting list."))
                else:
                    messages.success(request, _("Enrolled."))
                return redirect("directory:pre_course", episode.pk)
    latest = episode.pre_course_assessments.first()
    return _no_store(
        render(
            request,
            "directory/pre_course.html",
            {
                "episode": episode,
                "form": form,
                "latest": latest,
                "matches": queries.matching_cohorts(latest) if latest else [],
                "enrolments": episode.enrolments.select_related("cohort__programme"),
            },
        )
    )


# ---------------------------------------------------------------------------
# In-work support


@requires(Perm.VIEW_CASELOAD)
@never_cache
def in_work_due(request):
    mine = request.GET.get("mine") == "1"
    reviews = list(
        queries.due_in_work_reviews(
            request.user, case_manager=request.user if mine else None, within_days=14
        )
    )
    for r in reviews:
        record_read(request, r.support.episode)
    return render(
        request,
        "directory/in_work_due.html",
        {"reviews": reviews, "mine": mine, "today": timezone.localdate()},
    )


@requires(Perm.EDIT_PERSON)
def in_work(request, episode_pk):
    episode = _episode(request, episode_pk)
    support = InWorkSupport.objects.filter(episode=episode).first()
    form = StartInWorkForm(request.POST or None)
    if support is None and request.method == "POST" and form.is_valid():
        try:
            services.start_in_work_support(
                episode=episode, return_date=form.cleaned_data["return_date"], by=request.user
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("In-work reviews scheduled."))
            return redirect("directory:in_work", episode.pk)
    weeks, three_way = services.schedule_for(episode.service)
    return _no_store(
        render(
            request,
            "directory/in_work.html",
            {
                "episode": episode,
                "support": support,
                "reviews": support.reviews.all() if support else [],
                "form": form,
                "weeks": weeks,
                "three_way": three_way,
            },
        )
    )


@requires(Perm.EDIT_PERSON)
def in_work_review(request, pk):
    review = get_object_or_404(
        InWorkReview.objects.filter(
            support__episode__service__in=services_for(request.user, Perm.EDIT_PERSON)
        ).select_related("support__episode__client"),
        pk=pk,
    )
    episode = review.support.episode
    record_read(request, episode)
    if review.status != ReviewStatus.DUE:
        messages.info(request, _("This review has already been recorded or cancelled."))
        return redirect("directory:in_work", episode.pk)
    form = ReviewForm(
        request.POST or None,
        initial={
            "date": timezone.localdate(),
            "interventions": services.default_interventions(review),
        },
    )
    if request.method == "POST" and request.POST.get("action") == "cancel":
        services.cancel_in_work_review(review)
        messages.success(request, _("Review cancelled."))
        return redirect("directory:in_work", episode.pk)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_in_work_review(
                review=review,
                on=d["date"],
                mode=d["mode"],
                minutes=d["minutes"],
                note=d["note"],
                interventions=d["interventions"],
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error, fields={"contact_date": "date"})
        else:
            messages.success(request, _("Review recorded as a contact."))
            return redirect("directory:in_work", episode.pk)
    return _no_store(
        render(
            request,
            "directory/in_work_review.html",
            {"review": review, "episode": episode, "form": form},
        )
    )


@requires(Perm.MANAGE_SERVICE)
def in_work_schedule(request):
    service = request.service
    if service is None or not has_perm(request.user, Perm.MANAGE_SERVICE, service):
        service = services_for(request.user, Perm.MANAGE_SERVICE).order_by("name").first()
    if service is None:
        raise PermissionDenied
    weeks, three_way = services.schedule_for(service)
    form = ScheduleForm(
        request.POST or None,
        initial={
            "weeks": ", ".join(map(str, weeks)),
            "three_way_weeks": ", ".join(map(str, three_way)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_schedule(
                service=service,
                weeks=form.cleaned_data["weeks"],
                three_way_weeks=form.cleaned_data["three_way_weeks"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Schedule saved. It applies to returns recorded from now."))
            return redirect(reverse("directory:in_work_schedule"))
    return render(
        request,
        "directory/simple_form.html",
        {
            "form": form,
            "title": _("In-work review schedule for %(service)s") % {"service": service.name},
        },
    )


# ---------------------------------------------------------------------------
# Awareness sessions given to health professionals


@requires(Perm.VIEW_CASELOAD)
def awareness(request):
    practised = services_for(request.user, Perm.VIEW_CASELOAD).order_by("name")
    form = AwarenessSessionForm(request.POST or None, services=practised)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_awareness_session(
                service=data.get("service") or form.only_service,
                date=data["date"],
                audience=data["audience"],
                professionals=data["professionals"],
                topic=data["topic"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Awareness session recorded."))
            return redirect("directory:awareness")
    page = Paginator(queries.awareness_sessions_for(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/awareness.html",
        {"form": form, "page": page, "several_services": form.only_service is None},
    )
