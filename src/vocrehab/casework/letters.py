"""The words of the letters to referrers and GPs: placeholders, defaults, checks, PDF.

A service edits each letter's subject and body (``LetterTemplate``). The body is plain
text; a placeholder such as ``{{ client_name }}`` is replaced by the episode's value.
Only the placeholders in :data:`PLACEHOLDERS` exist: a template is checked on save
(:func:`check_template` names an unknown one), and rendered by a template engine with
no tags, no filters and nothing in its context but those strings, so a template cannot
reach anything else in the record.

What a letter may say is fixed here: names, dates, the tier, the work status at
discharge and the service's contact details. Never questionnaire answers, case notes,
the diagnosis or the assessment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocrehab.dates import human_date

from .models import LetterKind, LetterTemplate

# Each placeholder and what it holds, as the template page lists them. A date, tier or
# outcome not yet recorded reads "not recorded".
PLACEHOLDERS: dict[str, str] = {
    "client_name": _("The client's full name"),
    "client_first_name": _("The client's first name"),
    "client_date_of_birth": _("The client's date of birth, as 6 Dec 1970"),
    "episode_reference": _("The episode's reference"),
    "referral_date": _("The date the referral was received"),
    "first_contact_date": _("The date of the first contact with the client"),
    "assessment_date": _("The date of the initial assessment"),
    "discharge_date": _("The discharge date (discharge summary only)"),
    "tier": _("The client's tier, in words"),
    "outcome": _("The work status at discharge, in words (discharge summary only)"),
    "case_manager_name": _("The case manager's name"),
    "recipient_name": _("The name of the person or practice the letter goes to"),
    "service_name": _("The service's name"),
    "service_phone": _("The service's phone number"),
    "service_email": _("The service's email address"),
    "opening_hours": _("When the service's phone is answered"),
    "service_name_cy": _("The service's name in Welsh (its name when none is set)"),
    "opening_hours_cy": _("When the phone is answered, in Welsh (as above when none is set)"),
    "today": _("The date the letter is written"),
}

_REGARDING = (
    "Re: {{ client_name }}, born {{ client_date_of_birth }} (our reference {{ episode_reference }})"
)
_QUESTIONS = (
    "If you have any questions, please call us on {{ service_phone }} "
    "({{ opening_hours }}) or email {{ service_email }}."
)
_SIGNED = "Yours sincerely,\n\n{{ case_manager_name }}\n{{ service_name }}"

DEFAULTS: dict[str, tuple[str, str]] = {
    LetterKind.FIRST_CONTACT: (
        "{{ service_name }}: {{ client_name }} is now in touch with us",
        "\n\n".join(
            (
                "Dear {{ recipient_name }},",
                _REGARDING,
                "We are writing to let you know that {{ client_name }} was referred to "
                "{{ service_name }} (the referral reached us on {{ referral_date }}) and that "
                "we first spoke with {{ client_first_name }} on {{ first_contact_date }}.",
                "{{ case_manager_name }} will support {{ client_first_name }} with staying in "
                "or returning to work. We will write again when the support ends.",
                _QUESTIONS,
                _SIGNED,
            )
        ),
    ),
    LetterKind.DISCHARGE: (
        "{{ service_name }}: discharge summary for {{ client_name }}",
        "\n\n".join(
            (
                "Dear {{ recipient_name }},",
                _REGARDING,
                "{{ client_name }} was discharged from {{ service_name }} on {{ discharge_date }}.",
                "Referral received: {{ referral_date }}\n"
                "First contact: {{ first_contact_date }}\n"
                "Initial assessment: {{ assessment_date }}\n"
                "Level of support: {{ tier }}\n"
                "Work status at discharge: {{ outcome }}\n"
                "Case manager: {{ case_manager_name }}",
                "We will contact {{ client_first_name }} about six months after discharge to "
                "ask how work is going.",
                _QUESTIONS,
                _SIGNED,
            )
        ),
    ),
}

# What may stand between "{{" and "}}": one name, nothing else.
_VARIABLE = re.compile(r"{{\s*(.*?)\s*}}", re.DOTALL)
_NAME = re.compile(r"^[a-z_]+$")

# Its own engine: no template libraries, no loaders, no autoescape (the text is escaped
# when put in the PDF's page). check_template lets through nothing but "{{ name }}".
_ENGINE = Engine(libraries={}, autoescape=False, string_if_invalid="")


def check_template(text: str) -> list[str]:
    """What is wrong with a subject or body, in words (an empty list when nothing is)."""
    problems = []
    if "{%" in text or "%}" in text:
        problems.append(str(_("Remove the {% … %}: letters take placeholders only.")))
    if "{#" in text:
        problems.append(str(_("Remove the {# … #}: letters take placeholders only.")))
    for found in _VARIABLE.findall(text):
        if not _NAME.match(found) or found not in PLACEHOLDERS:
            problems.append(
                str(
                    _(
                        "Unknown placeholder {{ %(name)s }}. "
                        "Use one of the placeholders listed on this page."
                    )
                    % {"name": found}
                )
            )
    if not problems:
        stripped = _VARIABLE.sub("", text)
        if "{{" in stripped or "}}" in stripped:
            problems.append(str(_("A placeholder is not closed: write it as {{ client_name }}.")))
        else:
            try:
                _ENGINE.from_string(text)
            except TemplateSyntaxError:
                problems.append(str(_("This text cannot be read as a letter template.")))
    return list(dict.fromkeys(problems))


def wording(service, kind: str) -> tuple[str, str]:
    """The subject and body the service uses for ``kind``: its own, or the default."""
    own = LetterTemplate.objects.filter(service=service, kind=kind).first()
    if own is not None:
        return own.subject, own.body
    return DEFAULTS[kind]


def values_for(episode, *, recipient_name: str) -> dict[str, str]:
    """The placeholders' values for ``episode``, as people read them."""
    client = episode.client
    service = episode.service
    manager = episode.case_manager
    none = str(_("not recorded"))

    def day(value) -> str:
        return human_date(value) or none

    return {
        "client_name": client.full_name,
        "client_first_name": client.first_name,
        "client_date_of_birth": human_date(client.date_of_birth),
        "episode_reference": episode.reference,
        "referral_date": human_date(episode.referral_date),
        "first_contact_date": day(episode.first_contact_date),
        "assessment_date": day(episode.assessment_date),
        "discharge_date": day(episode.discharge_date),
        "tier": str(episode.get_tier_display()) if episode.tier else none,
        "outcome": (
            str(episode.get_work_status_at_discharge_display())
            if episode.work_status_at_discharge
            else none
        ),
        "case_manager_name": (manager.get_full_name() or str(manager)) if manager else "",
        "recipient_name": recipient_name,
        "service_name": service.name,
        "service_phone": service.phone,
        "service_email": service.email,
        "opening_hours": service.opening_hours,
        # For a service that writes its own letters in Welsh.
        "service_name_cy": service.name_in("cy"),
        "opening_hours_cy": service.opening_hours_in("cy"),
        "today": human_date(timezone.localdate()),
    }


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled in from ``values`` (and nothing else)."""
    safe = {name: str(values.get(name, "")) for name in PLACEHOLDERS}
    return _ENGINE.from_string(text).render(Context(safe, autoescape=False))


@dataclass(frozen=True)
class Written:
    subject: str
    body: str


def write(episode, kind: str, *, recipient_name: str) -> Written:
    """The subject and body of a letter of ``kind`` about ``episode``, filled in."""
    subject, body = wording(episode.service, kind)
    if check_template(subject) or check_template(body):
        # Saved some other way than the template page: the checked default goes instead.
        subject, body = DEFAULTS[kind]
    values = values_for(episode, recipient_name=recipient_name)
    return Written(subject=" ".join(render(subject, values).split()), body=render(body, values))


def letter_html(letter) -> str:
    """The letter as a self-contained page: what the PDF is made from."""
    episode = letter.episode
    return render_to_string(
        "casework/letter_pdf.html",
        {
            "letter": letter,
            "service": episode.service,
            "written_on": human_date(timezone.localtime(letter.created_at).date()),
            "paragraphs": [p.strip() for p in letter.body.split("\n\n") if p.strip()],
        },
    )


def letter_pdf_bytes(letter) -> bytes:
    """The letter as a PDF (WeasyPrint, loaded only when a PDF is made)."""
    # WeasyPrint is heavy: loaded only when a PDF is made.
    from weasyprint import HTML

    return HTML(string=letter_html(letter)).write_pdf()


def pdf_filename(letter) -> str:
    return f"{letter.kind.replace('_', '-')}-{letter.recipient_kind}-{letter.episode.reference}.pdf"
