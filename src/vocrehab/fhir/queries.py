"""Which records the FHIR interface reads, for whom, and how a search narrows them.

Every read starts from the services the user may see people in (``services_for`` with
``VIEW_PERSON`` for reads and searches, ``EXPORT_DATA`` for bulk export), so another
service's record is a 404 here exactly as on the web pages. Each resource type is one or
more :class:`Source`: a query over one model and the builder that turns one of its rows
into resources (:mod:`vocrehab.fhir.resources`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, services_for
from vocrehab.casework.models import Contact, ContactIntervention, Goal, OnwardReferral, ReturnPlan
from vocrehab.clients.models import Client, IdentifierType
from vocrehab.episodes.models import Episode
from vocrehab.measures.instruments import INSTRUMENTS
from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue
from vocrehab.measures.queries import wording_for

from . import resources as r
from . import systems

Resource = dict[str, Any]

DEFAULT_COUNT = 50
MAX_COUNT = 500
# Parameters every search takes, besides its own.
COMMON_PARAMETERS = frozenset({"_count", "_offset", "_format"})
_FORMATS = {"json", "application/json", "application/fhir+json"}


class SearchError(ValueError):
    """A search the server cannot answer: the message names the parameter and why."""


@dataclass(frozen=True)
class Source:
    """Rows of one model that give resources of one type.

    ``prefix`` starts the ids of the resources it gives ("" for the row's primary key);
    ``client``, ``service`` and ``date`` are paths from the row to the client's id, the
    service and the date a ``date`` search compares.
    """

    rows: Callable[[], QuerySet]
    build: Callable[[Any, str | None], list[Resource]]  # (row, language of the labels)
    client: str
    service: str
    date: str | None = None
    prefix: str = ""
    one_each: bool = True  # exactly one resource per row: paging can slice in the database
    # For a bulk export, which loads no more than ``build`` reads:
    # ``columns``: the only columns it loads, as ``.only()`` names them ("episode__client_id"
    # for the episode's); the relations named are joined, no others.
    columns: tuple[str, ...] = ()
    # ``plain``: ``build`` reads nothing of a row but its ``pk`` and ``columns``, as
    # attributes, so the export reads the rows as values (:class:`PlainRow`), much cheaper
    # than model instances; not for a builder that calls a model's methods.
    plain: bool = False
    # ``children(rows)``: the rows' children as value tuples, the parent's id first, in the
    # parent's order, streamed beside the rows in one query instead of prefetched as model
    # instances; ``adopt(row, tuples)`` hands a row its own (without the parent's id).
    children: Callable[[QuerySet], QuerySet] | None = None
    adopt: Callable[[Any, list[tuple]], None] | None = None

    @property
    def restricted(self) -> str:
        """The path to the client's "processing restricted" flag."""
        if self.client == "pk":
            return "processing_restricted"
        return self.client.removesuffix("_id") + "__processing_restricted"

    def in_services(self, services) -> QuerySet:
        return self.rows().filter(**{f"{self.service}__in": services}).order_by("pk")

    def for_export(self, rows: QuerySet) -> QuerySet:
        """``rows`` loading only what ``build`` reads (``columns``), without prefetching
        what ``children`` streams."""
        if self.columns:
            joined = {c.split("__")[0] for c in self.columns if "__" in c}
            rows = rows.select_related(None).select_related(*joined).only(*self.columns, *joined)
        if self.children is not None:
            rows = rows.prefetch_related(None)
        return rows

    def export_stream(self, rows: QuerySet, chunk_size: int) -> Generator:
        """The rows :meth:`for_export` gives, streamed: as plain rows if ``plain``."""
        if not self.plain:
            return rows.iterator(chunk_size=chunk_size)
        names = ("pk", *self.columns)
        make = PlainRow.maker(names)
        return (make(values) for values in rows.values_list(*names).iterator(chunk_size))

    def row_id(self, resource_id: str) -> int | None:
        """The primary key of the row behind ``resource_id``, if it is one of this source's."""
        if not resource_id.startswith(self.prefix):
            return None
        head = resource_id[len(self.prefix) :].split("-", 1)[0]
        if not head.isdigit() or (self.one_each and head != resource_id[len(self.prefix) :]):
            return None
        return int(head)


class PlainRow:
    """A row read as values, its columns as attributes and a related row's columns on a
    PlainRow of their own: ``("pk", "episode__client_id")`` gives ``row.pk`` and
    ``row.episode.client_id``, as a model instance would."""

    @classmethod
    def maker(cls, names: tuple[str, ...]) -> Callable[[tuple], PlainRow]:
        """A function from a value tuple in the order of ``names`` to its PlainRow."""
        own = [(i, name) for i, name in enumerate(names) if "__" not in name]
        related: dict[str, list[tuple[int, str]]] = {}
        for i, name in enumerate(names):
            if "__" in name:
                relation, column = name.split("__", 1)
                related.setdefault(relation, []).append((i, column))

        def make(values: tuple) -> PlainRow:
            row = cls()
            row.__dict__ = {name: values[i] for i, name in own}
            for relation, columns in related.items():
                other = cls()
                other.__dict__ = {column: values[i] for i, column in columns}
                row.__dict__[relation] = other
            return row

        return make


@dataclass(frozen=True)
class ResourceType:
    name: str
    sources: tuple[Source, ...]
    parameters: frozenset[str] = field(default_factory=frozenset)


def _one(builder):
    return lambda row, language: [builder(row, language)]


def _episodes():
    return Episode.objects.select_related("service", "case_manager")


def _contacts():
    return Contact.objects.select_related("episode").prefetch_related(
        Prefetch("interventions", queryset=ContactIntervention.objects.order_by("position"))
    )


def _intervention_codes(contacts: QuerySet) -> QuerySet:
    return (
        ContactIntervention.objects.filter(contact__in=contacts.values("pk"))
        .order_by("contact_id", "position")
        .values_list("contact_id", "code")
    )


def _adopt_intervention_codes(contact, found: list[tuple]) -> None:
    contact.bulk_intervention_codes = [code for (code,) in found]


def _item_values(administrations: QuerySet) -> QuerySet:
    return (
        ItemValue.objects.filter(administration__in=administrations.values("pk"))
        .order_by("administration_id", "pk")
        .values_list("administration_id", "item", "value", "text_value")
    )


def _adopt_answers(administration, found: list[tuple]) -> None:
    administration.bulk_answers = {
        item: ItemValue.answer_of(value, text) for item, value, text in found
    }


def _administrations(*statuses):
    return (
        Administration.objects.filter(status__in=statuses)
        .select_related("episode")
        .prefetch_related(Prefetch("values", queryset=ItemValue.objects.order_by("pk")))
    )


_PATIENT = Source(
    rows=lambda: Client.objects.select_related("service"),
    build=_one(r.patient),
    client="pk",
    service="service",
    plain=True,
    columns=(
        *("updated_at", "reference", "nhs_number", "identifier_type", "first_name", "last_name"),
        *("phone", "email", "address", "postcode", "sex", "date_of_birth"),
        *("service__code", "service__name"),
    ),
)
_EPISODE_SOURCE = {"client": "client_id", "service": "service"}
_CHILD = {"client": "episode__client_id", "service": "episode__service"}
# What every builder of an episode's record reads of it.
_EPISODE = ("updated_at", "client_id", "reference", "service__code", "service__name")
# What every builder of a record of an episode reads of the record and its episode.
_OF_EPISODE = ("updated_at", "episode_id", "episode__client_id")
_ADMINISTRATION = (*_OF_EPISODE, "instrument", "status", "timepoint", "date")

TYPES: dict[str, ResourceType] = {
    t.name: t
    for t in (
        ResourceType("Patient", (_PATIENT,), frozenset({"_id", "identifier"})),
        ResourceType(
            "EpisodeOfCare",
            (
                Source(
                    _episodes,
                    _one(r.episode_of_care),
                    date="referral_date",
                    columns=(
                        *(_EPISODE + ("referral_date", "discharge_date")),
                        *("condition", "tier", "highest_tier"),
                        *("case_manager__first_name", "case_manager__last_name"),
                        "case_manager__email",
                    ),
                    **_EPISODE_SOURCE,
                ),
            ),
            frozenset({"patient", "date"}),
        ),
        ResourceType(
            "ServiceRequest",
            (
                Source(
                    _episodes,
                    _one(r.referral),
                    date="referral_date",
                    prefix="referral-",
                    plain=True,
                    columns=(
                        *(_EPISODE + ("referral_date", "discharge_date")),
                        *("referrer_name", "referrer_role", "referrer_organisation"),
                        *("referral_source", "main_reason"),
                    ),
                    **_EPISODE_SOURCE,
                ),
                Source(
                    lambda: OnwardReferral.objects.select_related("episode"),
                    _one(r.onward_referral),
                    date="date",
                    prefix="onward-",
                    plain=True,
                    columns=(*_OF_EPISODE, "outcome", "kind", "category", "date", "service_name"),
                    **_CHILD,
                ),
            ),
            frozenset({"patient", "date"}),
        ),
        ResourceType(
            "Encounter",
            (
                Source(
                    _contacts,
                    _one(r.encounter),
                    date="contact_date",
                    plain=True,
                    columns=(*_OF_EPISODE, "contact_date", "mode", "contact_with", "minutes"),
                    children=_intervention_codes,
                    adopt=_adopt_intervention_codes,
                    **_CHILD,
                ),
            ),
            frozenset({"patient", "date"}),
        ),
        ResourceType(
            "QuestionnaireResponse",
            (
                Source(
                    lambda: _administrations(
                        AdministrationStatus.COMPLETED, AdministrationStatus.IN_PROGRESS
                    ),
                    _one(r.questionnaire_response),
                    date="date",
                    plain=True,
                    columns=_ADMINISTRATION,
                    children=_item_values,
                    adopt=_adopt_answers,
                    **_CHILD,
                ),
            ),
            frozenset({"patient", "date"}),
        ),
        ResourceType(
            "Observation",
            (
                Source(
                    lambda: _administrations(AdministrationStatus.COMPLETED),
                    r.score_observations,
                    date="date",
                    prefix="score-",
                    one_each=False,
                    plain=True,
                    columns=(*_ADMINISTRATION, "episode__age_at_referral", "episode__sex"),
                    children=_item_values,
                    adopt=_adopt_answers,
                    **_CHILD,
                ),
                Source(
                    lambda: Episode.objects.all(),
                    r.work_status_observations,
                    prefix="work-",
                    one_each=False,
                    plain=True,
                    columns=(
                        *("updated_at", "client_id", "referral_date", "discharge_date"),
                        *("followup_date", "work_status_at_referral", "work_status_at_discharge"),
                        "work_status_at_followup",
                    ),
                    **_EPISODE_SOURCE,
                ),
            ),
            frozenset({"patient", "code", "date"}),
        ),
        ResourceType(
            "Goal",
            (
                Source(
                    lambda: Goal.objects.select_related("episode"),
                    _one(r.goal),
                    columns=(
                        *(_OF_EPISODE + ("status", "term", "description")),
                        *("set_on", "target_date"),
                    ),
                    **_CHILD,
                ),
            ),
            frozenset({"patient"}),
        ),
        ResourceType(
            "CarePlan",
            (
                Source(
                    lambda: ReturnPlan.objects.select_related("episode").prefetch_related(
                        "phases", "progress"
                    ),
                    _one(r.care_plan),
                    columns=(
                        *(_OF_EPISODE + ("is_current", "start_date", "number", "adjustments")),
                        "episode__discharge_date",
                    ),
                    **_CHILD,
                ),
            ),
            frozenset({"patient"}),
        ),
    )
}

# Definitions, not anyone's record: every instrument, the same for every user.
QUESTIONNAIRE = "Questionnaire"
PERSON_TYPES = tuple(TYPES)
ALL_TYPES = (*PERSON_TYPES, QUESTIONNAIRE)


def viewable_services(user):
    return services_for(user, Perm.VIEW_PERSON)


# --- definitions ------------------------------------------------------------------------


def questionnaires() -> list[Resource]:
    return [
        r.questionnaire(instrument, wording_for(code)) for code, instrument in INSTRUMENTS.items()
    ]


def questionnaire(resource_id: str) -> Resource | None:
    code = next((c for c in INSTRUMENTS if r.fhir_id(c) == resource_id), None)
    if code is None:
        return None
    return r.questionnaire(INSTRUMENTS[code], wording_for(code))


# --- read ---------------------------------------------------------------------------------


def read(user, type_name: str, resource_id: str) -> tuple[Any, Source, Resource] | None:
    """The row, its source and the resource ``type_name/resource_id`` if ``user`` may see it."""
    services = viewable_services(user)
    for source in TYPES[type_name].sources:
        pk = source.row_id(resource_id)
        if pk is None:
            continue
        row = source.in_services(services).filter(pk=pk).first()
        if row is None:
            return None
        found = next(
            (res for res in source.build(row, get_language()) if res["id"] == resource_id), None
        )
        return (row, source, found) if found else None
    return None


def _follow(row, path: str):
    value = row
    for name in path.split("__"):
        value = getattr(value, name)
    return value


def client_id(row, source: Source) -> int:
    return _follow(row, source.client)


def service_id(row, source: Source) -> int:
    return _follow(row, f"{source.service}_id")


# --- search -------------------------------------------------------------------------------


def _reference_id(value: str, type_name: str) -> str:
    prefix = f"{type_name}/"
    return value[len(prefix) :] if value.startswith(prefix) else value


_DATE_PREFIXES = {"eq": "", "ge": "__gte", "le": "__lte", "gt": "__gt", "lt": "__lt"}


def parse_date(value: str, name: str) -> tuple[str, dt.date]:
    prefix = value[:2] if value[:2] in _DATE_PREFIXES else "eq"
    text = value[2:] if value[:2] in _DATE_PREFIXES else value
    try:
        return _DATE_PREFIXES[prefix], dt.date.fromisoformat(text)
    except ValueError:
        raise SearchError(
            _(
                "%(name)s=%(value)s is not a date: give YYYY-MM-DD, "
                "optionally after ge, le, gt, lt or eq."
            )
            % {"name": name, "value": value}
        ) from None


def _identifier_filter(value: str) -> Q:
    system, bar, code = value.partition("|")
    if not bar:
        system, code = "", value
    if not code:
        raise SearchError(_("identifier needs a value: system|value, or value alone."))
    by_reference = Q(reference=code)
    by_number = Q(nhs_number=code)
    if system == systems.NHS_NUMBER:
        return by_number & ~Q(identifier_type=IdentifierType.CHI)
    if system == systems.CHI_NUMBER:
        return by_number & Q(identifier_type=IdentifierType.CHI)
    if system.startswith(f"{systems.BASE}/Id/") and system.endswith("/client-reference"):
        code_of_service = system[len(f"{systems.BASE}/Id/") : -len("/client-reference")]
        return by_reference & Q(service__code=code_of_service)
    if system:
        raise SearchError(
            _("identifier system %(system)s is not one this server knows.") % {"system": system}
        )
    return by_reference | by_number


def _positive(params, name: str, default: int, maximum: int | None = None) -> int:
    values = params.getlist(name)
    if not values:
        return default
    try:
        number = int(values[-1])
    except ValueError:
        number = -1
    if number < 0:
        raise SearchError(_("%(name)s must be a whole number, 0 or more.") % {"name": name})
    return min(number, maximum) if maximum else number


@dataclass
class Search:
    type: ResourceType
    filters: dict[Source, Q]
    codes: list[tuple[str, str]]
    dates: list[tuple[str, dt.date]]
    count: int
    offset: int


def parse_search(type_name: str, params) -> Search:
    """Check the search's parameters; SearchError naming the first one the server cannot use."""
    kind = TYPES[type_name]
    allowed = kind.parameters | COMMON_PARAMETERS
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise SearchError(
            _("%(type)s cannot be searched by %(names)s. It can be searched by: %(allowed)s.")
            % {
                "type": type_name,
                "names": ", ".join(unknown),
                "allowed": ", ".join(sorted(kind.parameters)),
            }
        )
    for value in params.getlist("_format"):
        if value not in _FORMATS:
            raise SearchError(
                _("_format=%(value)s: this server answers JSON only.") % {"value": value}
            )
    dates = [parse_date(value, "date") for value in params.getlist("date")]
    filters = {}
    for source in kind.sources:
        q = Q()
        for value in params.getlist("patient"):
            pk = _reference_id(value, "Patient")
            if not pk.isdigit():
                raise SearchError(_("patient=%(value)s is not a Patient id.") % {"value": value})
            q &= Q(**{source.client: int(pk)})
        for value in params.getlist("_id"):
            q &= Q(pk=int(value)) if value.isdigit() else Q(pk__in=[])
        for value in params.getlist("identifier"):
            q &= _identifier_filter(value)
        if source.date:
            for lookup, day in dates:
                q &= Q(**{f"{source.date}{lookup}": day})
        filters[source] = q
    codes = []
    for value in params.getlist("code"):
        for token in value.split(","):
            system, bar, code = token.partition("|")
            codes.append((system, code) if bar else ("", token))
    return Search(
        type=kind,
        filters=filters,
        codes=codes,
        dates=dates,
        count=_positive(params, "_count", DEFAULT_COUNT, MAX_COUNT),
        offset=_positive(params, "_offset", 0),
    )


def _has_code(resource: Resource, codes: list[tuple[str, str]]) -> bool:
    for coding in resource.get("code", {}).get("coding", []):
        for system, code in codes:
            if coding["code"] == code and (not system or coding["system"] == system):
                return True
    return False


_COMPARE = {
    "": lambda a, b: a == b,
    "__gte": lambda a, b: a >= b,
    "__lte": lambda a, b: a <= b,
    "__gt": lambda a, b: a > b,
    "__lt": lambda a, b: a < b,
}


def _date_matches(resource: Resource, dates: list[tuple[str, dt.date]]) -> bool:
    """For resources whose date is not one column (work status at each point)."""
    text = resource.get("effectiveDateTime")
    if not text:
        return False
    day = dt.date.fromisoformat(text[:10])
    return all(_COMPARE[lookup](day, wanted) for lookup, wanted in dates)


def run_search(user, search: Search) -> tuple[list[tuple[Any, Source, Resource]], bool]:
    """One page of results, as (row, source, resource), and whether another page follows."""
    services = viewable_services(user)
    language = get_language()
    wanted = search.count + 1  # one more than the page, to know if there is a next page
    skip = search.offset
    found: list[tuple[Any, Source, Resource]] = []
    for source in search.type.sources:
        rows = source.in_services(services).filter(search.filters[source])
        post_dates = search.dates if source.date is None else []
        if source.one_each and not search.codes and not post_dates:
            total = rows.count()
            if skip >= total:
                skip -= total
                continue
            for row in rows[skip : skip + wanted - len(found)]:
                found.append((row, source, source.build(row, language)[0]))
            skip = 0
        else:
            for row in rows.iterator(chunk_size=200):
                for resource in source.build(row, language):
                    if search.codes and not _has_code(resource, search.codes):
                        continue
                    if post_dates and not _date_matches(resource, post_dates):
                        continue
                    if skip:
                        skip -= 1
                        continue
                    found.append((row, source, resource))
                if len(found) >= wanted:
                    break
        if len(found) >= wanted:
            break
    return found[: search.count], len(found) > search.count


# --- a patient's record -------------------------------------------------------------------


def patient_for(user, resource_id: str):
    if not resource_id.isdigit():
        return None
    return _PATIENT.in_services(viewable_services(user)).filter(pk=int(resource_id)).first()


def everything(client) -> Iterator[Resource]:
    """Every resource about ``client`` (already checked to be visible), Patient first."""
    language = get_language()
    yield r.patient(client, language)
    for kind in TYPES.values():
        if kind.name == "Patient":
            continue
        for source in kind.sources:
            rows = source.rows().filter(**{source.client: client.pk}).order_by("pk")
            for row in rows:
                yield from source.build(row, language)
