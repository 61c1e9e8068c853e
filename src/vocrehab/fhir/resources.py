"""Build FHIR R4 resources (as JSON-ready dicts) from the project's records.

Pure mapping: no access checks, no queries beyond what the caller prefetched. Each
builder takes one record (with the related rows named in ``queries``) and the language
of its labels (the active one, which the caller reads once, not once per label), and
returns the resource; :mod:`vocrehab.fhir.queries` decides which records a user may see.
Scores come from the instrument definitions (``measures.queries.score_of`` and
``headline_scores``), so a questionnaire added to ``measures/instruments.py`` appears
here without a change. ``docs/fhir.md`` is the mapping table.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.utils import translation

from vocrehab.codes import (
    Condition,
    ContactMode,
    ContactWith,
    Intervention,
    MainReason,
    OnwardCategory,
    OnwardKind,
    ReferralSource,
    Tier,
    Timepoint,
    WorkStatus,
)
from vocrehab.episodes.tiers import reported_tier
from vocrehab.measures.instruments import INSTRUMENTS, Instrument, ItemKind
from vocrehab.measures.queries import headline_scores, score_of, values_of

from . import systems

Resource = dict[str, Any]

# Contact modes as the encounter's class (HL7 v3 ActCode): met in person, at home, or not.
_ENCOUNTER_CLASS = {
    ContactMode.FACE_TO_FACE: ("AMB", "ambulatory"),
    ContactMode.HOME_VISIT: ("HH", "home health"),
}
_VIRTUAL = ("VR", "virtual")

_GENDER = {"female": "female", "male": "male", "other": "other", "not_stated": "unknown"}

# Goal status -> (lifecycleStatus, achievementStatus code)
_GOAL_STATUS = {
    "open": ("active", "in-progress"),
    "achieved": ("completed", "achieved"),
    "partly": ("completed", "improving"),
    "not_achieved": ("completed", "not-achieved"),
    "dropped": ("cancelled", "not-attainable"),
}

# Work status recorded on the episode at each point: (timepoint, status field, date field)
WORK_STATUS_POINTS = (
    ("referral", "work_status_at_referral", "referral_date"),
    (Timepoint.DISCHARGE.value, "work_status_at_discharge", "discharge_date"),
    (Timepoint.FOLLOWUP.value, "work_status_at_followup", "followup_date"),
)


def fhir_id(text: str) -> str:
    """A code as a FHIR id (letters, digits, '-' and '.')."""
    return text.replace("_", "-")


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _meta(resource_type: str, updated: dt.datetime | None = None) -> dict:
    meta: dict[str, Any] = {}
    profile = systems.PROFILES.get(resource_type)
    if profile:
        meta["profile"] = [profile]
    if updated is not None:
        meta["lastUpdated"] = updated.isoformat()
    return meta


def _once_per_language(make):
    """``make`` called once per arguments, the last being the language of its labels (made
    in that language, whichever is active), its answer given again after that.

    A bulk export names the same few hundred codes millions of times, so a coding or a
    concept is made once and the same dict is given to every resource that names it:
    resources are built to be read, never changed afterwards."""

    @functools.lru_cache(maxsize=4096)
    def made(*args):
        with translation.override(args[-1]):
            return make(*args)

    return functools.wraps(make)(made)


def _coding(code_list, code: str, system_name: str, language: str | None) -> dict:
    """A coding from one of the project's code lists (``codes.py``), with its label in
    ``language``."""
    return _cached_coding(code_list, str(code), system_name, language)


@_once_per_language
def _cached_coding(code_list, code: str, system_name: str, language: str | None) -> dict:
    return {
        "system": systems.code_system(system_name),
        "code": code,
        "display": str(code_list(code).label),
    }


def _concept(code_list, code: str, system_name: str, language: str | None) -> dict:
    return _cached_concept(code_list, str(code), system_name, language)


@_once_per_language
def _cached_concept(code_list, code: str, system_name: str, language: str | None) -> dict:
    coding = _cached_coding(code_list, code, system_name, language)
    return {"coding": [coding], "text": coding["display"]}


def _ref(resource_type: str, pk) -> dict:
    return {"reference": f"{resource_type}/{pk}"}


def _service(service) -> dict:
    return {
        "identifier": {"system": systems.SERVICE, "value": service.code},
        "display": service.name,
    }


def _episode_extension(episode_id: int) -> dict:
    return {
        "url": systems.extension("episode-of-care"),
        "valueReference": _ref("EpisodeOfCare", episode_id),
    }


def _compact(resource: Resource) -> Resource:
    """Drop empty elements: FHIR forbids empty strings, lists and objects (0 and False
    are kept; a true value is kept without comparing it with each empty one)."""
    return {
        k: v
        for k, v in resource.items()
        if v or (v is not None and v != "" and v != [] and v != {})
    }


# --- Patient ------------------------------------------------------------------------


def patient(client, language: str | None) -> Resource:
    """``client`` with its ``service``."""
    identifiers = []
    if client.nhs_number:
        system = systems.CHI_NUMBER if client.identifier_type == "chi" else systems.NHS_NUMBER
        identifiers.append({"system": system, "value": client.nhs_number})
    identifiers.append(
        {"system": systems.client_reference(client.service.code), "value": client.reference}
    )
    name = _compact(
        {
            "use": "official",
            "family": client.last_name,
            "given": [client.first_name] if client.first_name else [],
        }
    )
    telecom = []
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    address = _compact({"text": client.address, "postalCode": client.postcode})
    return _compact(
        {
            "resourceType": "Patient",
            "id": str(client.pk),
            "meta": _meta("Patient", client.updated_at),
            "identifier": identifiers,
            "name": [name] if len(name) > 1 else [],
            "telecom": telecom,
            "gender": _GENDER.get(client.sex),
            "birthDate": _date(client.date_of_birth),
            "address": [address] if address else [],
            "managingOrganization": _service(client.service),
        }
    )


# --- EpisodeOfCare --------------------------------------------------------------------


def _episode_status(episode) -> str:
    if episode.discharge_date:
        return "finished"
    return "active" if episode.tier else "waitlist"


def _person_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.email


def episode_of_care(episode, language: str | None) -> Resource:
    """``episode`` with its ``service`` and ``case_manager``."""
    extensions = [
        {
            "url": systems.extension("condition"),
            "valueCoding": _coding(Condition, episode.condition, "condition", language),
        }
    ]
    tier = reported_tier(episode.highest_tier, episode.tier)
    if tier:
        extensions.append(
            {
                "url": systems.extension("highest-tier"),
                "valueCoding": _coding(Tier, tier, "tier", language),
            }
        )
    manager = _person_name(episode.case_manager)
    return _compact(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(episode.pk),
            "meta": _meta("EpisodeOfCare", episode.updated_at),
            "extension": extensions,
            "identifier": [
                {
                    "system": systems.episode_reference(episode.service.code),
                    "value": episode.reference,
                }
            ],
            "status": _episode_status(episode),
            "type": [_concept(Tier, episode.tier, "tier", language)] if episode.tier else [],
            "patient": _ref("Patient", episode.client_id),
            "managingOrganization": _service(episode.service),
            "period": _compact(
                {"start": _date(episode.referral_date), "end": _date(episode.discharge_date)}
            ),
            "referralRequest": [_ref("ServiceRequest", f"referral-{episode.pk}")],
            "careManager": {"display": manager} if manager else None,
        }
    )


# --- ServiceRequest -------------------------------------------------------------------


def referral(episode, language: str | None) -> Resource:
    """The referral that opened ``episode`` (with its ``service``)."""
    referrer = ", ".join(
        part
        for part in (episode.referrer_name, episode.referrer_role, episode.referrer_organisation)
        if part
    )
    return _compact(
        {
            "resourceType": "ServiceRequest",
            "id": f"referral-{episode.pk}",
            "meta": _meta("ServiceRequest", episode.updated_at),
            "extension": [_episode_extension(episode.pk)],
            "identifier": [
                {
                    "system": systems.episode_reference(episode.service.code),
                    "value": episode.reference,
                }
            ],
            "status": "completed" if episode.discharge_date else "active",
            "intent": "order",
            "category": [
                _concept(ReferralSource, episode.referral_source, "referral-source", language)
            ],
            "code": {"text": "Referral to vocational rehabilitation"},
            "subject": _ref("Patient", episode.client_id),
            "authoredOn": _date(episode.referral_date),
            "requester": {"display": referrer} if referrer else None,
            "performer": [_service(episode.service)],
            "reasonCode": [_concept(MainReason, episode.main_reason, "main-reason", language)]
            if episode.main_reason
            else [],
        }
    )


_ONWARD_STATUS = {"accepted": "active", "attended": "completed", "not_taken_up": "revoked"}


def onward_referral(onward, language: str | None) -> Resource:
    """An onward referral or signpost, with its ``episode``."""
    episode = onward.episode
    return _compact(
        {
            "resourceType": "ServiceRequest",
            "id": f"onward-{onward.pk}",
            "meta": _meta("ServiceRequest", onward.updated_at),
            "extension": [_episode_extension(onward.episode_id)],
            "status": _ONWARD_STATUS.get(onward.outcome, "active"),
            "intent": "order" if onward.kind == OnwardKind.REFERRAL else "proposal",
            "category": [_concept(OnwardCategory, onward.category, "onward-category", language)],
            "code": _concept(OnwardKind, onward.kind, "onward-kind", language),
            "subject": _ref("Patient", episode.client_id),
            "authoredOn": _date(onward.date),
            "performer": [{"display": onward.service_name}] if onward.service_name else [],
        }
    )


# --- Encounter --------------------------------------------------------------------------


def intervention_codes(contact) -> list[str]:
    """The contact's intervention codes in order: filled in bulk by an export
    (``bulk_intervention_codes``), else from its prefetched ``interventions``."""
    codes = getattr(contact, "bulk_intervention_codes", None)
    return contact.intervention_codes if codes is None else codes


def encounter(contact, language: str | None) -> Resource:
    """A contact with its ``episode`` and its interventions (see :func:`intervention_codes`)."""
    code, display = _ENCOUNTER_CLASS.get(contact.mode, _VIRTUAL)
    types = [_concept(ContactMode, contact.mode, "contact-mode", language)]
    types += [
        _concept(Intervention, code, "intervention", language)
        for code in intervention_codes(contact)
    ]
    return _compact(
        {
            "resourceType": "Encounter",
            "id": str(contact.pk),
            "meta": _meta("Encounter", contact.updated_at),
            "status": "finished",
            "class": {"system": systems.ACT_CODE, "code": code, "display": display},
            "type": types,
            "subject": _ref("Patient", contact.episode.client_id),
            "episodeOfCare": [_ref("EpisodeOfCare", contact.episode_id)],
            "participant": [
                {"type": [_concept(ContactWith, contact.contact_with, "contact-with", language)]}
            ],
            "period": {"start": _date(contact.contact_date), "end": _date(contact.contact_date)},
            "length": {
                "value": contact.minutes,
                "unit": "min",
                "system": systems.UCUM,
                "code": "min",
            }
            if contact.minutes is not None
            else None,
        }
    )


# --- Questionnaire and QuestionnaireResponse ----------------------------------------------

_ITEM_TYPE = {
    ItemKind.YES_NO: "boolean",
    ItemKind.CODE: "choice",
    ItemKind.TEXT: "string",
}


def _item_type(item) -> str:
    if item.kind is ItemKind.NUMBER:
        return "integer" if item.integer else "decimal"
    return _ITEM_TYPE[item.kind]


def questionnaire(instrument: Instrument, wording: dict | None = None) -> Resource:
    """An instrument's definition. Items carry the neutral labels of the definition;
    licensed wording only where a service has loaded it (``wording``: item -> ItemWording).
    """
    wording = wording or {}
    items = []
    for item in instrument.items:
        loaded = wording.get(item.code)
        entry: dict[str, Any] = {
            "linkId": item.code,
            "text": loaded.text if loaded else str(item.label),
            "type": _item_type(item),
        }
        if item.kind is ItemKind.CODE:
            entry["answerOption"] = [
                {"valueCoding": {"system": systems.code_system(_answer_system(item)), "code": c}}
                for c in item.choices
            ]
        items.append(entry)
    return {
        "resourceType": "Questionnaire",
        "id": fhir_id(instrument.code),
        "meta": _meta("Questionnaire"),
        "url": systems.questionnaire_url(instrument.code),
        "version": instrument.version,
        "name": instrument.code.replace("_", " ").title().replace(" ", ""),
        "title": str(instrument.name),
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }


def _answer_system(item) -> str:
    return _answer_system_of(item.code, item.choices)


@functools.lru_cache(maxsize=1024)
def _answer_system_of(item_code: str, choices: tuple[str, ...]) -> str:
    return "work-status" if set(choices) == set(WorkStatus.values) else fhir_id(item_code)


def _answer(item, value) -> dict | None:
    if value is None or value == "":
        return None
    if item.kind is ItemKind.YES_NO:
        return {"valueBoolean": bool(value)}
    if item.kind is ItemKind.CODE:
        return {"valueCoding": {"system": systems.code_system(_answer_system(item)), "code": value}}
    if item.kind is ItemKind.TEXT:
        return {"valueString": str(value)}
    if item.integer:
        return {"valueInteger": int(value)}
    return {"valueDecimal": float(value)}


_RESPONSE_STATUS = {"completed": "completed", "in_progress": "in-progress"}


@_once_per_language
def _timepoint_extension(timepoint: str, language: str | None) -> dict:
    return {
        "url": systems.extension("timepoint"),
        "valueCoding": _coding(Timepoint, timepoint, "timepoint", language),
    }


def answers(administration) -> dict[str, Any]:
    """Item code -> stored answer: read in bulk by an export (``bulk_answers``), else
    from its prefetched ``values``."""
    found = getattr(administration, "bulk_answers", None)
    return values_of(administration) if found is None else found


def questionnaire_response(administration, language: str | None) -> Resource:
    """An administration with its ``episode`` and its answers (see :func:`answers`)."""
    instrument = INSTRUMENTS.get(administration.instrument)
    items = []
    if instrument is not None:
        given = answers(administration)
        for item in instrument.items:
            answer = _answer(item, given.get(item.code))
            if answer is not None:
                items.append({"linkId": item.code, "answer": [answer]})
    return _compact(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(administration.pk),
            "meta": _meta("QuestionnaireResponse", administration.updated_at),
            "extension": [
                _episode_extension(administration.episode_id),
                _timepoint_extension(str(administration.timepoint), language),
            ],
            "questionnaire": systems.questionnaire_url(administration.instrument),
            "status": _RESPONSE_STATUS.get(administration.status, "in-progress"),
            "subject": _ref("Patient", administration.episode.client_id),
            "authored": _date(administration.date),
            "item": items,
        }
    )


# --- Observation ------------------------------------------------------------------------

_SURVEY = {
    "coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]
}
_SOCIAL_HISTORY = {
    "coding": [
        {
            "system": systems.OBSERVATION_CATEGORY,
            "code": "social-history",
            "display": "Social History",
        }
    ]
}


def score_code(instrument_code: str, score_name: str) -> str:
    """The project's code of one score of one questionnaire: "hads.anxiety"."""
    return f"{instrument_code}.{score_name}"


@_once_per_language
def _score_concept(instrument_code: str, name: str, language: str | None) -> dict:
    instrument = INSTRUMENTS[instrument_code]
    codings = []
    loinc = systems.LOINC_SCORES.get((instrument.code, name))
    if loinc:
        codings.append({"system": systems.LOINC, "code": loinc[0], "display": loinc[1]})
    text = f"{instrument.name}: {name.replace('_', ' ')}"
    codings.append(
        {
            "system": systems.code_system("scores"),
            "code": score_code(instrument.code, name),
            "display": text,
        }
    )
    return {"coding": codings, "text": text}


@functools.lru_cache(maxsize=1024)
def _yes_no_score(instrument_code: str, name: str) -> bool:
    """Whether the score ``name`` is one of the instrument's yes/no items, given as is."""
    defined = next((i for i in INSTRUMENTS[instrument_code].items if i.code == name), None)
    return defined is not None and defined.kind is ItemKind.YES_NO


def _score_value(instrument: Instrument, name: str, value) -> dict | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return {"valueString": value}
    if _yes_no_score(instrument.code, name):
        return {"valueBoolean": bool(value)}
    return {
        "valueQuantity": {
            "value": value,
            "unit": "score",
            "system": systems.UCUM,
            "code": "{score}",
        }
    }


@_once_per_language
def _interpretation(instrument_code: str, name: str, band: str, language: str | None) -> list:
    instrument = INSTRUMENTS[instrument_code]
    label = next((b.label for b in instrument.bands.get(name, ()) if b.code == band), band)
    return [
        {
            "coding": [
                {
                    "system": systems.code_system(f"{fhir_id(instrument.code)}-bands"),
                    "code": band,
                    "display": str(label),
                }
            ]
        }
    ]


def score_observations(administration, language: str | None) -> list[Resource]:
    """The scores of one completed administration (with its ``episode`` and answers),
    as its instrument's scorer gives them; one Observation per score that has a value."""
    instrument = INSTRUMENTS.get(administration.instrument)
    if instrument is None or administration.status != "completed":
        return []
    episode = administration.episode
    score = score_of(
        administration,
        age=episode.age_at_referral,
        sex=episode.sex,
        answers=answers(administration),
    )
    if score is None:
        return []
    names = headline_scores(instrument.code) or [
        name for name, value in score.scores.items() if isinstance(value, int | float)
    ]
    found = []
    for name in names:
        value = _score_value(instrument, name, score.get(name))
        if value is None:
            continue
        observation = {
            "resourceType": "Observation",
            "id": fhir_id(f"score-{administration.pk}-{name}"),
            "meta": _meta("Observation", administration.updated_at),
            "extension": [
                _episode_extension(administration.episode_id),
                _timepoint_extension(str(administration.timepoint), language),
            ],
            "status": "final",
            "category": [_SURVEY],
            "code": _score_concept(instrument.code, name, language),
            "subject": _ref("Patient", episode.client_id),
            "effectiveDateTime": _date(administration.date),
            **value,
            "derivedFrom": [_ref("QuestionnaireResponse", administration.pk)],
        }
        band = score.bands.get(name)
        if band:
            observation["interpretation"] = _interpretation(instrument.code, name, band, language)
        found.append(_compact(observation))
    return found


WORK_STATUS_CODE = {
    "coding": [
        {
            "system": systems.code_system("observations"),
            "code": "work-status",
            "display": "Work status",
        }
    ],
    "text": "Work status",
}


@_once_per_language
def _work_status_point(point: str, language: str | None) -> dict:
    return {
        "url": systems.extension("timepoint"),
        "valueCoding": {
            "system": systems.code_system("timepoint"),
            "code": point,
            "display": "Referral" if point == "referral" else str(Timepoint(point).label),
        },
    }


def work_status_observations(episode, language: str | None) -> list[Resource]:
    """The work status recorded at referral, discharge and follow-up, where recorded."""
    found = []
    for point, status_field, date_field in WORK_STATUS_POINTS:
        status = getattr(episode, status_field)
        if not status:
            continue
        found.append(
            _compact(
                {
                    "resourceType": "Observation",
                    "id": f"work-{episode.pk}-{point}",
                    "meta": _meta("Observation", episode.updated_at),
                    "extension": [
                        _episode_extension(episode.pk),
                        _work_status_point(point, language),
                    ],
                    "status": "final",
                    "category": [_SOCIAL_HISTORY],
                    "code": WORK_STATUS_CODE,
                    "subject": _ref("Patient", episode.client_id),
                    "effectiveDateTime": _date(getattr(episode, date_field)),
                    "valueCodeableConcept": _concept(WorkStatus, status, "work-status", language),
                }
            )
        )
    return found


# --- Goal and CarePlan ----------------------------------------------------------------------


def goal(record, language: str | None) -> Resource:
    """A goal with its ``episode``."""
    lifecycle, achievement = _GOAL_STATUS.get(record.status, ("active", "in-progress"))
    return _compact(
        {
            "resourceType": "Goal",
            "id": str(record.pk),
            "meta": _meta("Goal", record.updated_at),
            "extension": [_episode_extension(record.episode_id)],
            "lifecycleStatus": lifecycle,
            "achievementStatus": {
                "coding": [{"system": systems.GOAL_ACHIEVEMENT, "code": achievement}],
                "text": str(record.get_status_display()),
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": systems.code_system("goal-term"),
                            "code": record.term,
                            "display": str(record.get_term_display()),
                        }
                    ]
                }
            ],
            "description": {"text": record.description},
            "subject": _ref("Patient", record.episode.client_id),
            "startDate": _date(record.set_on),
            "target": [{"dueDate": _date(record.target_date)}] if record.target_date else [],
        }
    )


def _plan_status(plan) -> str:
    if not plan.is_current:
        return "revoked"  # superseded by a later version of the plan
    return "completed" if plan.episode.discharge_date else "active"


def care_plan(plan, language: str | None) -> Resource:
    """A version of a phased return-to-work plan, with its ``episode`` and prefetched
    ``phases`` and ``progress``."""
    done_weeks = {p.week for p in plan.progress.all()}
    activities = []
    for phase in plan.phases.all():
        start = plan.start_date + dt.timedelta(weeks=phase.week - 1)
        description = f"Week {phase.week}: {phase.hours:g} hours ({phase.days})"
        if phase.duties:
            description += f". {phase.duties}"
        activities.append(
            {
                "detail": {
                    "status": "completed" if phase.week in done_weeks else "scheduled",
                    "description": description,
                    "scheduledPeriod": {
                        "start": _date(start),
                        "end": _date(start + dt.timedelta(days=6)),
                    },
                }
            }
        )
    return _compact(
        {
            "resourceType": "CarePlan",
            "id": str(plan.pk),
            "meta": _meta("CarePlan", plan.updated_at),
            "extension": [_episode_extension(plan.episode_id)],
            "status": _plan_status(plan),
            "intent": "plan",
            "category": [
                {
                    "coding": [
                        {
                            "system": systems.code_system("care-plan"),
                            "code": "phased-return-to-work",
                            "display": "Phased return to work",
                        }
                    ]
                }
            ],
            "title": f"Phased return to work, version {plan.number}",
            "description": plan.adjustments,
            "subject": _ref("Patient", plan.episode.client_id),
            "period": {"start": _date(plan.start_date)},
            "activity": activities,
        }
    )
