"""Measures pages: staff entry and summaries on an episode; client questionnaire pages.

Client pages are public by decision (no login): a signed link is swapped on first use
for a grant in a short session and a redirect to a clean URL, so the token does not
stay in the address bar, history or Referer. Those pages send
``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, public, requires, services_for
from vocrehab.audit.services import record_read
from vocrehab.codes import Timepoint, WorkStatus
from vocrehab.episodes.access import may_record
from vocrehab.language import chose_a_language, remember_language
from vocrehab.ratelimit import address_key, hit

from . import charts, links, queries, services
from .forms import (
    ChooseQuestionnaireForm,
    CodeForm,
    HNAForm,
    InstrumentItemsForm,
    ScheduleForm,
    SendLinkForm,
    StaffEntryForm,
    client_items,
)
from .instruments import INSTRUMENTS, Flag, InvalidValues, ItemKind, get_instrument
from .models import Administration, AdministrationStatus, Channel, QuestionnaireLink
from .tasks import send_link_now
from .valuesets import VALUE_SETS

SESSION_KEY = "vocrehab_questionnaire_links"
# Answers given but not yet saved, by link: kept in the session until they are, so that
# a save refused by a busy database loses nothing and the next try completes.
UNSAVED_KEY = "vocrehab_questionnaire_unsaved"
CODE_ATTEMPTS = 10
CODE_WINDOW_SECONDS = 15 * 60

# ------------------------------------------------------------------------------ staff


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:g}"
    return str(value)


def _score_label(name: str) -> str:
    labels = {
        "index": _("Index"),
        "vas": _("VAS"),
        "in_work": _("In work"),
        "hours_per_week": _("Hours a week"),
        "more_support_needed": _("More support needed"),
        "percent": _("Percentage score"),
    }
    return str(labels.get(name, name.replace("_", " ").capitalize()))


def _flag(flag) -> str:
    return str(
        {
            Flag.PRORATED: _("prorated: one item missing"),
            Flag.FROM_TOTAL: _("from the recorded total"),
            Flag.REFER: _("at or above the referral cut-off"),
        }.get(flag, flag)
    )


def _axis(code: str, score_name: str) -> tuple[float | None, float | None]:
    instrument = get_instrument(code)
    if score_name == "index":
        return (-0.6, 1.0)
    try:
        item = instrument.item(score_name)
        return item.min, item.max
    except KeyError:
        return None, None


@requires(Perm.VIEW_PERSON)
def episode_measures(request, episode_id: int):
    episode = queries.episode_for(request.user, episode_id)
    record_read(request, episode, fields=["measures"])
    value_sets = {}
    for code in ("eq5d5l", "eq5d3l"):
        chosen = request.GET.get(f"value_set_{code}", "")
        if chosen in VALUE_SETS and VALUE_SETS[chosen].instrument == code:
            value_sets[code] = chosen
    summaries = queries.episode_measures(episode, value_sets=value_sets)
    blocks = []
    for summary in summaries:
        headers = [_("When"), _("Date")]
        for name in summary.score_names:
            headers.append({"text": _score_label(name), "numeric": True})
        rows = []
        for row in summary.rows:
            cells = [
                str(row.administration.get_timepoint_display()),
                date_format(row.administration.date) if row.administration.date else "–",
            ]
            for cell in row.cells:
                text = _fmt(cell.value)
                if cell.band_label:
                    text += f" ({cell.band_label})"
                if cell.change is not None:
                    sign = "+" if cell.change > 0 else ""
                    text += f", {_('change')} {sign}{_fmt(cell.change)}"
                    if cell.improved is True:
                        text += f" {_('better')}"
                    elif cell.improved is False:
                        text += f" {_('worse')}"
                if cell.clinically_significant:
                    text += f" – {_('clinically significant')}"
                if cell.flags:
                    text += " [" + ", ".join(sorted(_flag(f) for f in cell.flags)) + "]"
                cells.append({"text": text, "numeric": True})
            rows.append(cells)
        chart_list = []
        for name in summary.score_names:
            series = summary.series(name)
            if len(series) >= 1 and name not in ("in_work", "more_support_needed"):
                low, high = _axis(summary.code, name)
                chart_list.append(
                    {
                        "label": _score_label(name),
                        "svg": charts.line_chart(
                            series,
                            low=low,
                            high=high,
                            title=f"{summary.name}: {_score_label(name)}",
                        ),
                    }
                )
        choices = [
            {"code": vs.code, "name": vs.name, "selected": vs.code == summary.value_set}
            for vs in VALUE_SETS.values()
            if vs.instrument == summary.code
        ]
        blocks.append(
            {
                "summary": summary,
                "headers": headers,
                "rows": rows,
                "charts": chart_list,
                "value_sets": choices,
            }
        )
    administrations = list(
        episode.administrations.exclude(status=AdministrationStatus.COMPLETED).order_by(
            "due_date", "pk"
        )
    )
    unsent = queries.not_sent_to_clients() if administrations else set()
    pending = [
        {"administration": a, "sendable": a.instrument not in unsent} for a in administrations
    ]
    # One "send" per timepoint: everything the client can answer goes in one invitation.
    sendable_timepoints = []
    for row in pending:
        timepoint = row["administration"].timepoint
        if (
            row["sendable"]
            and row["administration"].status != AdministrationStatus.CANCELLED
            and timepoint not in [t.value for t in sendable_timepoints]
        ):
            sendable_timepoints.append(Timepoint(timepoint))
    invitations = episode.questionnaire_links.prefetch_related(
        Prefetch("administrations", Administration.objects.order_by("pk"))
    )[:20]
    return render(
        request,
        "measures/episode.html",
        {
            "episode": episode,
            "blocks": blocks,
            "pending": pending,
            "invitations": invitations,
            "sendable_timepoints": sendable_timepoints,
            "may_edit": services_may_edit(request.user, episode),
            "default_channel": services.choose_channel(episode.client),
        },
    )


def services_may_edit(user, episode) -> bool:
    return services_for(user, Perm.EDIT_PERSON).filter(
        pk=episode.service_id
    ).exists() and may_record(user, episode)


@requires(Perm.EDIT_PERSON)
def choose(request, episode_id: int):
    episode = queries.episode_for(request.user, episode_id, Perm.EDIT_PERSON)
    form = ChooseQuestionnaireForm(request.GET or None)
    if form.is_valid():
        return redirect(
            "measures:enter",
            episode_id=episode.pk,
            instrument=form.cleaned_data["instrument"],
            timepoint=form.cleaned_data["timepoint"],
        )
    return render(request, "measures/choose.html", {"episode": episode, "form": form})


@requires(Perm.EDIT_PERSON)
def enter(request, episode_id: int, instrument: str, timepoint: str):
    episode = queries.episode_for(request.user, episode_id, Perm.EDIT_PERSON)
    if instrument not in INSTRUMENTS or timepoint not in Timepoint.values:
        raise Http404
    definition = get_instrument(instrument)
    if timepoint not in definition.timepoints:
        raise Http404
    record_read(request, episode, fields=["measures"])
    existing = None
    if timepoint != Timepoint.AD_HOC:
        existing = (
            episode.administrations.filter(instrument=instrument, timepoint=timepoint)
            .in_place_first()
            .first()
        )
    wording = queries.wording_for(instrument, get_language() or "en-gb")
    if request.method == "POST":
        form = StaffEntryForm(request.POST, instrument=definition, wording=wording)
        if form.is_valid():
            try:
                services.record_staff_entry(
                    episode,
                    instrument=instrument,
                    timepoint=timepoint,
                    date_completed=form.cleaned_data["date"],
                    values=form.item_values(),
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                    administration=existing,
                    expected_version=form.cleaned_data.get("version"),
                )
            except services.StaleAdministration:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this questionnaire while you were entering it. "
                        "Check their answers below before saving again."
                    ),
                )
            except InvalidValues as exc:
                for code, message in exc.errors.items():
                    form.add_error(code if code in form.fields else None, message)
            else:
                messages.success(request, _("Questionnaire saved."))
                return redirect("measures:episode", episode_id=episode.pk)
    else:
        initial = {"version": existing.version if existing else None}
        if existing is not None:
            initial.update(
                {
                    k: (_fmt(v) if isinstance(v, float) else v)
                    for k, v in queries.values_of(existing).items()
                }
            )
            initial["date"] = existing.date
            initial["comment"] = existing.comment
        form = StaffEntryForm(initial=initial, instrument=definition, wording=wording)
    return render(
        request,
        "measures/enter.html",
        {
            "episode": episode,
            "instrument": definition,
            "timepoint": Timepoint(timepoint),
            "form": form,
            "existing": existing,
        },
    )


@requires(Perm.EDIT_PERSON)
@require_POST
def send_invitation(request, episode_id: int, timepoint: str):
    """Send the client one invitation to every questionnaire they can answer at
    ``timepoint`` (withdrawing an earlier one): by email, text message or letter."""
    episode = queries.episode_for(request.user, episode_id, Perm.EDIT_PERSON)
    if timepoint not in Timepoint.values:
        raise Http404
    back = redirect("measures:episode", episode_id=episode.pk)
    form = SendLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to send the questionnaires."))
        return back
    channel = form.cleaned_data["channel"]
    client = episode.client
    if channel == Channel.EMAIL and not client.email:
        messages.error(request, _("There is no email address for this client."))
        return back
    if channel == Channel.SMS and not (client.phone and services.delivery.can_send_sms()):
        messages.error(
            request, _("Text messages need a mobile number and GOV.UK Notify to be set up.")
        )
        return back
    try:
        link = services.issue_invitation(episode, timepoint, channel=channel, by=request.user)
    except ValueError:
        messages.error(
            request,
            _(
                "Nothing at %(timepoint)s can be sent to the client: the questionnaires are "
                "finished, or are entered by staff."
            )
            % {"timepoint": Timepoint(timepoint).label.lower()},
        )
        return back
    if channel == Channel.LETTER:
        return redirect("measures:letter", link_id=link.pk)
    transaction.on_commit(lambda: services._enqueue_safely(send_link_now, link.pk))
    messages.success(request, _("The invitation will be sent in a moment."))
    return back


@requires(Perm.EDIT_PERSON)
@require_POST
def cancel(request, administration_id: int):
    administration = queries.administration_for(request.user, administration_id, Perm.EDIT_PERSON)
    if administration.status == AdministrationStatus.COMPLETED:
        messages.error(request, _("A completed questionnaire cannot be cancelled."))
    else:
        services.cancel_administration(administration)
        messages.success(request, _("Questionnaire cancelled; any link sent for it is withdrawn."))
    return redirect("measures:episode", episode_id=administration.episode_id)


@requires(Perm.EDIT_PERSON)
def letter(request, link_id: int):
    link = queries.link_for(request.user, link_id, Perm.EDIT_PERSON)
    if link.channel != Channel.LETTER:
        raise Http404
    episode = link.episode
    record_read(request, episode.client, fields=["name", "address"])
    services.mark_printed(link)
    language = episode.client.preferred_language
    # The letter is in the client's language, the questionnaires' names with it.
    with translation.override(language):
        names, any_in_english = services.invitation_names(services.invitation_administrations(link))
    return render(
        request,
        "measures/letter.html",
        {
            "link": link,
            "episode": episode,
            "service": episode.service,
            "client": episode.client,
            "questionnaires": services.invitation_administrations(link),
            "names": names,
            "any_in_english": any_in_english,
            "other_language": services.delivery.other_language_line(episode.service, language),
            "code": links.letter_code(link) if link.is_usable else None,
            "code_url": services.delivery.public_url(reverse("measures:enter_code")),
            "today": timezone.localdate(),
        },
    )


@requires(Perm.EDIT_PERSON)
def hna(request, episode_id: int):
    """Staff enter a holistic needs concerns checklist and distress thermometer."""
    episode = queries.episode_for(request.user, episode_id, Perm.EDIT_PERSON)
    form = HNAForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_hna(
                episode,
                by=request.user,
                on=form.cleaned_data["date"],
                concerns=form.concerns(),
                distress=form.cleaned_data["distress"],
                timepoint=form.cleaned_data["timepoint"],
            )
        except InvalidValues as exc:
            for code, message in exc.errors.items():
                form.add_error(code if code in form.fields else None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("casework:episode", args=[episode.pk]) + "#assessment")
    else:
        record_read(request, episode)
    return render(request, "measures/hna.html", {"episode": episode, "form": form})


@requires(Perm.VIEW_PERSON)
def service_overview(request):
    """What needs doing across the user's services: letters, failed sends, overdue."""
    work = queries.work_to_do(request.user)
    return render(request, "measures/overview.html", work)


@requires(Perm.MANAGE_SERVICE)
def schedule(request):
    service = request.service
    if service is None or not queries.may_manage(request.user, service):
        raise Http404
    instance = services.schedule_for(service)
    form = ScheduleForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Questionnaire schedule saved."))
        return redirect("measures:schedule")
    return render(
        request,
        "measures/schedule.html",
        {"form": form, "service": service, "instruments": queries.wording_status()},
    )


# ----------------------------------------------------------------------------- client


def client_page(view=None, *, referrer_policy: str = "same-origin"):
    """Headers for a client's questionnaire pages: nothing cached, Referer limited.

    Responses to a URL holding a token send ``no-referrer``. The clean pages holding
    forms send ``same-origin`` instead: under ``no-referrer`` browsers send
    ``Origin: null`` with a form's POST, which CSRF protection rightly refuses, and
    those URLs carry no secret; ``same-origin`` still never sends a Referer to
    another site.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Referrer-Policy"] = referrer_policy
            response["Cache-Control"] = "no-store, private"
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


_PROBLEM_STATUS = {
    links.LinkProblem.INVALID: 404,
    links.LinkProblem.EXPIRED: 410,
    links.LinkProblem.USED: 410,
    links.LinkProblem.WITHDRAWN: 410,
}


def _problem(request, problem: str):
    return render(
        request,
        "measures/public/problem.html",
        {"problem": problem},
        status=_PROBLEM_STATUS.get(problem, 403),
    )


def _grant(request, link) -> None:
    # A new session key on entry: a token cannot be used to fix someone's session.
    request.session.cycle_key()
    granted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != link.pk]
    request.session[SESSION_KEY] = [*granted[-4:], link.pk]
    request.session[SUPPORT_KEY] = False


@public
@client_page(referrer_policy="no-referrer")
def open_link(request, token: str):
    state = links.check_token(token)
    if not state.ok:
        return _problem(request, state.problem)
    services.mark_opened(state.link)
    _grant(request, state.link)
    return _in_the_clients_language(
        request, redirect("measures:invitation", link_id=state.link.pk), state.link
    )


def _in_the_clients_language(request, response, link):
    """The pages open in the language the invitation was written in (the client's, from
    their record), unless this browser chose one with the switch."""
    if not chose_a_language(request):
        remember_language(response, link.episode.client.preferred_language)
    return response


def _rate_limited(request) -> bool:
    attempts, _seconds = hit(address_key(request, "measures-code"), CODE_WINDOW_SECONDS)
    return attempts > CODE_ATTEMPTS


@public
@client_page
def enter_code(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            return render(request, "measures/public/too_many.html", status=429)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                return _problem(request, links.LinkProblem.INVALID)
            state = links.check_code(form.cleaned_data["code"])
            if state.ok:
                services.mark_opened(state.link)
                _grant(request, state.link)
                return _in_the_clients_language(
                    request, redirect("measures:invitation", link_id=state.link.pk), state.link
                )
            if state.problem != links.LinkProblem.INVALID:
                return _problem(request, state.problem)
            form.add_error("code", _("That code was not recognised. Check it against your letter."))
    return render(request, "measures/public/enter_code.html", {"form": form})


def _granted_link(request, link_id: int):
    """The link if this browser was given it; otherwise (None, problem)."""
    if link_id not in request.session.get(SESSION_KEY, []):
        return None, "not_yours"

    link = QuestionnaireLink.objects.select_related("episode__service").filter(pk=link_id).first()
    if link is None:
        return None, links.LinkProblem.INVALID
    state = links.check_link(link)
    if not state.ok:
        # Sent, expired or withdrawn: answers kept unsaved for it can never be saved.
        for administration_id in link.administrations.values_list("pk", flat=True):
            _forget_unsaved(request, administration_id)
        return None, state.problem
    return link, None


# About how long one question takes to read and answer, for the time an invitation
# says it takes.
SECONDS_PER_QUESTION = 20


def _questionnaires(link) -> list[dict]:
    """The invitation's questionnaires in order, numbered from 1, with what the client
    needs to know about each."""
    found = []
    for number, administration in enumerate(services.invitation_administrations(link), start=1):
        instrument = get_instrument(administration.instrument)
        found.append(
            {
                "number": number,
                "administration": administration,
                "instrument": instrument,
                "questions": len(client_items(instrument)),
                "finished": administration.status in services.FINISHED_STATUSES,
                "completed": administration.status == AdministrationStatus.COMPLETED,
            }
        )
    return found


def _next_unfinished(questionnaires: list[dict]) -> dict | None:
    return next((q for q in questionnaires if not q["finished"]), None)


def _one(request, link_id: int, number: int):
    """(link, questionnaires, the one numbered ``number``) or (None, problem, None)."""
    link, problem = _granted_link(request, link_id)
    if link is None:
        return None, problem, None
    questionnaires = _questionnaires(link)
    if not 1 <= number <= len(questionnaires):
        return None, links.LinkProblem.INVALID, None
    return link, questionnaires, questionnaires[number - 1]


def _page_url(link, number: int, page: int, **extra) -> str:
    url = reverse("measures:questionnaire", args=[link.pk, number]) + f"?page={page}"
    return url + "".join(f"&{k}={v}" for k, v in extra.items())


def _pages(instrument) -> list[list]:
    return [[item] for item in client_items(instrument)]


def _unsaved(request, administration) -> dict:
    return dict(request.session.get(UNSAVED_KEY, {}).get(str(administration.pk), {}))


def _keep_unsaved(request, administration, answers: dict) -> None:
    if not answers:
        _forget_unsaved(request, administration.pk)
        return
    request.session[UNSAVED_KEY] = {
        **request.session.get(UNSAVED_KEY, {}),
        str(administration.pk): answers,
    }


def _forget_unsaved(request, administration_id: int) -> None:
    kept = dict(request.session.get(UNSAVED_KEY, {}))
    if kept.pop(str(administration_id), None) is not None:
        request.session[UNSAVED_KEY] = kept


def _save_unsaved(request, administration, answers: dict) -> None:
    """Keep ``answers`` (with any earlier unsaved ones) in the session, then save them
    all; they leave the session once saved. A transient database error propagates (the
    "service is busy" answer) with the answers still kept. Invalid answers are dropped
    (InvalidValues); so are all of them if the questionnaire was sent (ValueError)."""
    unsaved = {**_unsaved(request, administration), **answers}
    _keep_unsaved(request, administration, unsaved)
    if unsaved:
        try:
            services.save_answers(administration, unsaved)
        except InvalidValues as exc:
            _keep_unsaved(
                request,
                administration,
                {k: v for k, v in unsaved.items() if k not in exc.errors},
            )
            raise
        except ValueError:
            _keep_unsaved(request, administration, {})
            raise
    _keep_unsaved(request, administration, {})


def _answers(request, administration) -> dict:
    """Saved answers, with unsaved ones over them."""
    return {**queries.values_of(administration), **_unsaved(request, administration)}


@public
@client_page
def invitation(request, link_id: int):
    """The start of an invitation: what the client will be asked and how long it takes,
    and where they got to if they are coming back."""
    link, problem = _granted_link(request, link_id)
    if link is None:
        return _problem(request, problem)
    questionnaires = _questionnaires(link)
    following = _next_unfinished(questionnaires)
    if following is None:
        return _problem(request, links.LinkProblem.USED)
    questions = sum(q["questions"] for q in questionnaires if not q["finished"])
    in_english = queries.english_only(
        [q["instrument"].code for q in questionnaires], get_language() or "en-gb"
    )
    for q in questionnaires:
        q["in_english"] = q["instrument"].code in in_english
    started = any(q["finished"] for q in questionnaires) or bool(
        link.first_opened_at and following["administration"].values.exists()
    )
    return render(
        request,
        "measures/public/invitation.html",
        {
            "link": link,
            "service": link.episode.service,
            "questionnaires": questionnaires,
            "questions": questions,
            "minutes": max(1, -(-questions * SECONDS_PER_QUESTION // 60)),
            "start_url": _page_url(link, following["number"], 1),
            "started": started,
            "any_in_english": any(q["in_english"] and not q["finished"] for q in questionnaires),
        },
    )


@public
@client_page
def questionnaire(request, link_id: int, number: int):
    link, questionnaires, current = _one(request, link_id, number)
    if link is None:
        return _problem(request, questionnaires)
    if current["finished"]:
        return redirect("measures:invitation", link_id=link.pk)
    administration = current["administration"]
    instrument = current["instrument"]
    pages = _pages(instrument)
    wording = queries.wording_for(instrument.code, get_language() or "en-gb")
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    if page > len(pages):
        return redirect(reverse("measures:check", args=[link.pk, number]))
    page = max(page, 1)
    items = pages[page - 1]
    saved = _answers(request, administration)
    if request.method == "POST":
        form = InstrumentItemsForm(
            request.POST, instrument=instrument, items=items, wording=wording, for_client=True
        )
        if form.is_valid():
            answers = {
                code: None if value is None else str(value)
                for code, value in form.item_values().items()
            }
            try:
                _save_unsaved(request, administration, answers)
            except InvalidValues as exc:
                for code, message in exc.errors.items():
                    form.add_error(code if code in form.fields else None, message)
            except ValueError:
                return _problem(request, links.LinkProblem.USED)
            else:
                # An answer that alerts the case manager (saved, so they are told today)
                # points the client to help on the very next page, and again at the end.
                if instrument.safety_answers(answers):
                    request.session[SUPPORT_KEY] = True
                    request.session[SUPPORT_NOW_KEY] = True
                if request.GET.get("from") == "check":
                    return redirect(reverse("measures:check", args=[link.pk, number]))
                return redirect(_page_url(link, number, page + 1))
    else:
        initial = {item.code: _initial(saved[item.code]) for item in items if item.code in saved}
        form = InstrumentItemsForm(
            initial=initial, instrument=instrument, items=items, wording=wording, for_client=True
        )
    if page > 1:
        previous = _page_url(link, number, page - 1)
    else:
        previous = reverse("measures:invitation", args=[link.pk])
    return render(
        request,
        "measures/public/page.html",
        {
            "link": link,
            "instrument": instrument,
            "service": link.episode.service,
            "form": form,
            "page": page,
            "page_count": len(pages),
            "number": number,
            "count": len(questionnaires),
            "previous": previous,
            "from_check": request.GET.get("from") == "check",
            "english_only": _in_english(instrument.code),
            "support_now": request.session.pop(SUPPORT_NOW_KEY, False),
        },
    )


def _in_english(instrument: str) -> bool:
    """True when the page's language is not English but the questionnaire's wording is
    (no published translation shipped or loaded): the page then says so, and marks the
    wording as English."""
    return instrument in queries.english_only([instrument], get_language() or "en-gb")


def _initial(value):
    # Radio values are strings of whole numbers ("3"), not "3.0".
    return _fmt(value) if isinstance(value, float) else value


def _answer_text(item, value, wording) -> str:
    if value is None or value == "":
        return _("Not answered")
    entry = wording.get(item.code)
    text = _fmt(value)
    if entry is not None and entry.options.get(text):
        return entry.options[text]
    if item.kind is ItemKind.YES_NO:
        return _("Yes") if value in (1, 1.0, "1") else _("No")
    if item.kind is ItemKind.CODE and item.code == "work_status":
        return str(dict(WorkStatus.choices).get(value, value))
    return text


DONE_KEY = "vocrehab_questionnaire_done"
SUPPORT_KEY = "vocrehab_questionnaire_support"
SUPPORT_NOW_KEY = "vocrehab_questionnaire_support_now"


@public
@client_page
def check(request, link_id: int, number: int):
    """Check the answers to one questionnaire, and send them: the next one follows, or
    the thank-you page after the last."""
    link, questionnaires, current = _one(request, link_id, number)
    if link is None:
        return _problem(request, questionnaires)
    if current["finished"]:
        return redirect("measures:invitation", link_id=link.pk)
    administration = current["administration"]
    instrument = current["instrument"]
    wording = queries.wording_for(instrument.code, get_language() or "en-gb")
    saved = _answers(request, administration)
    nothing_answered = not any(v not in (None, "") for v in saved.values())
    if request.method == "POST" and not nothing_answered:
        try:
            _save_unsaved(request, administration, {})
            services.submit_response(link, administration=administration)
        except InvalidValues:
            return redirect(reverse("measures:check", args=[link.pk, number]))
        except ValueError:
            return _problem(request, links.LinkProblem.USED)
        # Answers that alert the case manager also point the client to help now: on
        # the next page at once (they may stop there), and again on the last.
        if instrument.safety_answers(saved):
            request.session[SUPPORT_KEY] = True
            request.session[SUPPORT_NOW_KEY] = True
        following = _next_unfinished([q for q in questionnaires if q["number"] != number])
        if following is not None:
            messages.success(
                request,
                _("Your answers to %(name)s are sent.") % {"name": instrument.name},
            )
            return redirect(_page_url(link, following["number"], 1))
        request.session[SESSION_KEY] = [
            pk for pk in request.session.get(SESSION_KEY, []) if pk != link.pk
        ]
        request.session[DONE_KEY] = [str(q["instrument"].name) for q in questionnaires]
        return redirect("measures:done")
    rows = []
    english_only = _in_english(instrument.code)
    for page, item in enumerate(client_items(instrument), start=1):
        label = wording[item.code].text if item.code in wording else item.label
        value = saved.get(item.code)
        rows.append(
            {
                "key": label,
                "value": _answer_text(item, value, wording),
                "url": _page_url(link, number, page, **{"from": "check"}),
                "action": _("Change"),
                # Published English wording on a page in another language: marked, so a
                # screen reader reads it as English ("Not answered" is ours, translated).
                "lang": "en-GB" if english_only else "",
                "value_lang": "en-GB" if english_only and value not in (None, "") else "",
            }
        )
    last = _next_unfinished([q for q in questionnaires if q["number"] != number]) is None
    return render(
        request,
        "measures/public/check.html",
        {
            "link": link,
            "instrument": instrument,
            "rows": rows,
            "service": link.episode.service,
            "number": number,
            "count": len(questionnaires),
            "last": last,
            "first_page": _page_url(link, number, 1),
            "nothing_answered": nothing_answered,
            "tried_to_send": request.method == "POST",
            "english_only": english_only,
            "support_now": request.session.pop(SUPPORT_NOW_KEY, False),
        },
        status=422 if request.method == "POST" else 200,
    )


@public
@client_page
def done(request):
    names = request.session.get(DONE_KEY) or []
    if isinstance(names, str):
        names = [names]
    support = request.session.get(SUPPORT_KEY, False)
    return render(request, "measures/public/done.html", {"names": names, "support": support})
