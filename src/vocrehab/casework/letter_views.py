"""Letters to referrers and GPs: the letters to print, a letter's PDF, the service's wording.

Thin views: access is checked here, the work is in ``services.letters`` and ``queries``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, requires, services_for
from vocrehab.audit.services import record_event, record_listing
from vocrehab.conf import notify_api_key

from . import letters, queries
from .forms import LettersByPostForm, LetterTemplateForm, WithheldLetterDaysForm
from .models import LetterKind, LetterTemplate
from .services import CaseworkError
from .services import letters as letter_services


@requires(Perm.SEND_LETTERS)
def letters_to_print(request):
    """Letters with no email address, waiting to be printed and posted; failed emails."""
    found = queries.letters_to_print(request.user)
    record_listing(
        request,
        page="letters to print",
        client_ids=[letter.episode.client_id for letter in found["waiting"] + found["failed"]],
    )
    return render(request, "casework/letters_to_print.html", found)


@requires(Perm.SEND_LETTERS)
def letter_pdf(request, pk):
    """One letter as a PDF, exactly as written (a download, logged)."""
    letter = queries.get_letter(request.user, pk)
    if not letter.has_pdf:
        raise Http404
    record_event(
        action="read",
        request=request,
        object_type="casework.letter",
        object_id=letter.pk,
        client_id=letter.episode.client_id,
        service_id=letter.episode.service_id,
        detail=f"letter {letter.pk} (PDF)",
    )
    response = HttpResponse(letters.letter_pdf_bytes(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letters.pdf_filename(letter)}"'
    response["Cache-Control"] = "no-store"
    return response


def _act(request, pk, action, done):
    letter = queries.get_letter_to_send(request.user, pk)
    try:
        action(letter)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("casework:letters_to_print")


@requires(Perm.SEND_LETTERS)
@require_POST
def letter_posted(request, pk):
    return _act(
        request,
        pk,
        lambda letter: letter_services.mark_posted(letter, by=request.user, request=request),
        _("Marked as posted."),
    )


@requires(Perm.SEND_LETTERS)
@require_POST
def letter_retry(request, pk):
    return _act(
        request,
        pk,
        lambda letter: letter_services.try_again(letter, by=request.user),
        _("The letter will be sent again."),
    )


@requires(Perm.SEND_LETTERS)
@require_POST
def letter_print_instead(request, pk):
    return _act(
        request,
        pk,
        lambda letter: letter_services.print_instead(letter, by=request.user),
        _("The letter is now in the letters to print."),
    )


# --- the service's wording -------------------------------------------------------------


def _managed_service(request):
    service = request.service
    if service is None or not services_for(request.user, Perm.MANAGE_SERVICE).filter(pk=service.pk):
        raise Http404
    return service


@requires(Perm.MANAGE_SERVICE)
def letter_templates(request):
    """The service's wording of each letter, how letters with no email go, and how long a
    withheld letter may still be written once the record allows it."""
    service = _managed_service(request)
    notify_ready = bool(notify_api_key())
    posted = request.POST if request.method == "POST" else None
    days_posted = posted is not None and "withheld_letter_days" in posted
    form = LettersByPostForm(
        None if days_posted else posted,
        notify_ready=notify_ready,
        initial={"letters_by_post": service.letters_by_post},
    )
    days_form = WithheldLetterDaysForm(
        posted if days_posted else None,
        initial={"withheld_letter_days": service.withheld_letter_days},
    )
    if days_posted and days_form.is_valid():
        try:
            letter_services.set_withheld_letter_days(
                service, days_form.cleaned_data["withheld_letter_days"]
            )
        except CaseworkError as error:
            days_form.add_error("withheld_letter_days", str(error))
        else:
            days = service.withheld_letter_days
            messages.success(
                request,
                ngettext(
                    "Saved. A withheld letter is written later only if it was withheld within "
                    "%(days)s day.",
                    "Saved. A withheld letter is written later only if it was withheld within "
                    "%(days)s days.",
                    days,
                )
                % {"days": days},
            )
            return redirect("casework:letter_templates")
    elif posted is not None and not days_posted and form.is_valid():
        try:
            letter_services.set_letters_by_post(service, form.cleaned_data["letters_by_post"])
        except CaseworkError as error:
            form.add_error("letters_by_post", str(error))
        else:
            messages.success(request, _("Saved. Letters written from now on go this way."))
            return redirect("casework:letter_templates")
    own = {t.kind: t for t in LetterTemplate.objects.filter(service=service)}
    rows = [(kind, label, own.get(kind)) for kind, label in LetterKind.choices]
    return render(
        request,
        "casework/letter_templates.html",
        {
            "service": service,
            "rows": rows,
            "form": form,
            "days_form": days_form,
            "notify_ready": notify_ready,
        },
    )


@requires(Perm.MANAGE_SERVICE)
def letter_template_edit(request, kind):
    service = _managed_service(request)
    if kind not in LetterKind.values:
        raise Http404
    if request.method == "POST" and "restore" in request.POST:
        LetterTemplate.objects.filter(service=service, kind=kind).delete()
        messages.success(request, _("The default wording is back."))
        return redirect("casework:letter_templates")
    subject, body = letters.wording(service, kind)
    form = LetterTemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    if request.method == "POST" and form.is_valid():
        try:
            letter_services.save_letter_template(
                service,
                kind,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except CaseworkError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("Letter saved. Letters written from now on use it."))
            return redirect("casework:letter_templates")
    return render(
        request,
        "casework/letter_template_form.html",
        {
            "service": service,
            "kind_label": LetterKind(kind).label,
            "form": form,
            "placeholders": list(letters.PLACEHOLDERS.items()),
            "has_own": LetterTemplate.objects.filter(service=service, kind=kind).exists(),
        },
    )
