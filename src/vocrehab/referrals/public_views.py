"""The public referral forms: no sign-in, one topic per page, check answers, acknowledge.

Answers are kept in the session between pages (a draft, never in the database) and the
whole set is validated again when sent, so a skipped or tampered page cannot slip by.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from vocrehab.accounts.access import public
from vocrehab.codes import ReferralSource
from vocrehab.episodes.standards import FIRST_CONTACT

from . import forms as f
from .display import summary_rows
from .models import Channel
from .protection import protected_form
from .services import create_referral


class Journey:
    def __init__(self, kind, title, channel, steps, description):
        self.kind = kind
        self.title = title
        self.channel = channel
        self.steps = steps  # [(slug, form class)]
        self.description = description

    def form_class(self, slug):
        for name, cls in self.steps:
            if name == slug:
                return cls
        raise Http404

    def make(self, slug, data=None):
        return self.form_class(slug)(data, kind=self.kind)

    def next_after(self, slug):
        names = [s for s, _ in self.steps]
        position = names.index(slug)
        return names[position + 1] if position + 1 < len(names) else None


JOURNEYS = {
    "professional": Journey(
        "professional",
        _("Refer someone as a professional"),
        Channel.PROFESSIONAL_FORM,
        [
            ("person", f.PersonForm),
            ("health", f.HealthWorkForm),
            ("you", f.ReferrerForm),
            ("consent", f.ConsentForm),
        ],
        _("For health, social care, employment and charity staff."),
    ),
    "self": Journey(
        "self",
        _("Refer yourself"),
        Channel.SELF_FORM,
        [("person", f.PersonForm), ("health", f.HealthWorkForm), ("consent", f.ConsentForm)],
        _("If you have a health condition and want help with work."),
    ),
    "carer": Journey(
        "carer",
        _("Refer a family member or someone you care for"),
        Channel.THIRD_PARTY_FORM,
        [
            ("person", f.PersonForm),
            ("health", f.HealthWorkForm),
            ("you", f.CarerForm),
            ("consent", f.ConsentForm),
        ],
        _("With their agreement."),
    ),
}

_DRAFT = "referral_draft_{}"
_DONE = "referral_done"


def _journey(kind) -> Journey:
    journey = JOURNEYS.get(kind)
    if journey is None:
        raise Http404
    return journey


def _draft(request, journey) -> dict:
    return request.session.get(_DRAFT.format(journey.kind), {})


def _save_step(request, journey, slug, post):
    draft = _draft(request, journey)
    draft[slug] = {k: v for k, v in post.lists() if k != "csrfmiddlewaretoken"}
    request.session[_DRAFT.format(journey.kind)] = draft


def _step_data(draft, slug):
    stored = draft.get(slug)
    return MultiValueDict(stored) if stored is not None else None


def _bot(request):
    # Pretend all went well: telling a bot it was caught only teaches it.
    request.session[_DONE] = {"reference": "", "service": ""}
    for kind in JOURNEYS:
        request.session.pop(_DRAFT.format(kind), None)
    return redirect("referrals:public_done")


@public
def start(request):
    """Who is referring? Three journeys, one page each."""
    journeys = [
        {
            "journey": journey,
            "url": reverse("referrals:public_step", kwargs={"kind": kind, "slug": "person"}),
        }
        for kind, journey in JOURNEYS.items()
    ]
    return render(request, "referrals/public/start.html", {"journeys": journeys})


@public
@protected_form
@require_http_methods(["GET", "POST"])
def step(request, kind, slug):
    journey = _journey(kind)
    draft = _draft(request, journey)
    names = [s for s, _ in journey.steps]
    if slug not in names:
        raise Http404
    for earlier in names[: names.index(slug)]:
        if earlier not in draft:
            return redirect("referrals:public_step", kind=kind, slug=earlier)
    if request.method == "POST":
        form = journey.make(slug, request.POST)
        if form.is_bot():
            return _bot(request)
        if form.is_valid():
            _save_step(request, journey, slug, request.POST)
            following = journey.next_after(slug)
            if following is None or request.GET.get("change") == "1":
                return redirect("referrals:public_check", kind=kind)
            return redirect("referrals:public_step", kind=kind, slug=following)
    else:
        form = journey.make(slug, _step_data(draft, slug))
        if not form.is_bound:
            form = journey.make(slug)
    position = names.index(slug)
    back = (
        reverse("referrals:public_step", kwargs={"kind": kind, "slug": names[position - 1]})
        if position
        else reverse("referrals:public_start")
    )
    return render(
        request,
        "referrals/public/step.html",
        {
            "journey": journey,
            "form": form,
            "step_number": position + 1,
            "step_count": len(names),
            "back_url": back,
        },
    )


def _valid_forms(journey, draft):
    """Every step's form, bound to the draft; (forms, first invalid step or None)."""
    built = []
    for slug, _cls in journey.steps:
        data = _step_data(draft, slug)
        form = journey.make(slug, data)
        if data is None or not form.is_valid():
            return built, slug
        built.append((slug, form))
    return built, None


@public
@protected_form
@require_http_methods(["GET", "POST"])
def check(request, kind):
    """Check your answers, then send: the referral is stored before anything else."""
    journey = _journey(kind)
    draft = _draft(request, journey)
    built, invalid = _valid_forms(journey, draft)
    if invalid is not None:
        return redirect("referrals:public_step", kind=kind, slug=invalid)
    forms_by_step = dict(built)
    if request.method == "POST":
        if request.POST.get("website"):
            return _bot(request)
        person = forms_by_step["person"]
        data = {}
        for _slug, form in built:
            data.update(form.to_intake())
        if journey.kind == "self":
            data["referral_source"] = ReferralSource.SELF
        service = person.cleaned_data["service"]
        email = _acknowledgement_address(journey, data)
        intake = create_referral(
            service=service,
            channel=journey.channel,
            data=data,
            acknowledgement_email=email,
            # The acknowledgement goes to whoever filled the form in, in their language.
            language=(
                data["preferred_language"] if journey.kind == "self" else request.LANGUAGE_CODE
            ),
        )
        request.session.pop(_DRAFT.format(kind), None)
        request.session[_DONE] = {
            "reference": intake.referral.reference,
            "service": service.local_name,
            "service_phone": service.phone,
            "emailed": bool(email),
            "self_referral": journey.kind == "self",
            "first_contact_days": FIRST_CONTACT.limit_for(service),
        }
        return redirect("referrals:public_done")
    sections = []
    for slug, form in built:
        change = reverse("referrals:public_step", kwargs={"kind": kind, "slug": slug}) + "?change=1"
        sections.append({"title": form.title_text, "rows": summary_rows(form, change)})
    return render(
        request,
        "referrals/public/check.html",
        {
            "journey": journey,
            "sections": sections,
            "service": forms_by_step["person"].cleaned_data["service"],
        },
    )


def _acknowledgement_address(journey, data) -> str:
    if journey.kind == "self":
        return data.get("email", "") if data.get("contact_by_email") else ""
    return data.get("referrer_email", "") or ""


@public
def done(request):
    """The acknowledgement page, with the reference (once; then the session forgets it)."""
    outcome = request.session.pop(_DONE, None)
    if outcome is None:
        return redirect("referrals:public_start")
    # With no service to name (a discarded submission), the national standard.
    outcome.setdefault("first_contact_days", FIRST_CONTACT.national_days)
    return render(request, "referrals/public/done.html", {"outcome": outcome})
