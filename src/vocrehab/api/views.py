"""API v1: thin adapters over the same queries and services the web pages use.

Reads start from ``services_for`` (through the casework and reports queries), so another
service's record is a 404; every read of a person's record is in the access log; writes go
through the casework services, in their transactions.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from vocrehab.accounts.access import (
    ROLE_PERMISSIONS,
    Perm,
    has_perm,
    roles,
    services_beneath,
    services_for,
    signed_in,
)
from vocrehab.accounts.context_processors import services_of
from vocrehab.accounts.models import Scope
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event, record_listing, record_read
from vocrehab.casework import queries as casework_queries
from vocrehab.casework import services as casework_services
from vocrehab.casework.forms import OnwardForm
from vocrehab.casework.models import Contact, ContactIntervention, SignOff
from vocrehab.clients.identifiers import normalise_nhs_number
from vocrehab.clients.models import Client
from vocrehab.clients.queries import client_for
from vocrehab.episodes.access import check_may_record
from vocrehab.episodes.models import Episode
from vocrehab.interchange import receiving
from vocrehab.measures import queries as measures_queries
from vocrehab.measures import services as measures_services
from vocrehab.measures.instruments import INSTRUMENTS, InvalidValues, get_instrument
from vocrehab.measures.models import Administration, QuestionnaireScores
from vocrehab.measures.scores import COLUMNS as SCORE_COLUMNS
from vocrehab.referrals import forms as referral_forms
from vocrehab.referrals import services as referral_services
from vocrehab.referrals.models import Channel
from vocrehab.reports import queries as report_queries
from vocrehab.reports.evaluation import ReportError
from vocrehab.versioning import StaleEditError

from . import episode_changes
from . import serializers as s
from .policy import PolicyMixin

NOT_YOURS = _("Unknown service, or not one you may use for this.")
NOT_YOUR_AREA = _("Unknown commissioning area, or not one you may report on.")
ERROR_RESPONSES = {
    400: OpenApiResponse(description=_("Invalid input; the body names each field in error.")),
    403: OpenApiResponse(description=_("Your roles do not allow this.")),
}
NOT_FOUND = {404: OpenApiResponse(description=_("No such episode in your services."))}


class EpisodePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- services -----------------------------------------------------------------------


class ServiceList(PolicyMixin, APIView):
    """The services you work in, with your roles and permissions in each."""

    access_signed_in = True

    @extend_schema(responses={200: s.ServiceSerializer(many=True)})
    def get(self, request):
        user = request.user
        rows = []
        for service in services_of(user).order_by("name", "code"):
            held = sorted(roles(user, service))
            perms = set().union(*(ROLE_PERMISSIONS.get(r, ()) for r in held))
            rows.append(
                {
                    "code": service.code,
                    "name": service.name,
                    "nation": service.nation,
                    "roles": held,
                    "permissions": sorted(str(p) for p in perms),
                }
            )
        return Response(s.ServiceSerializer(rows, many=True).data)


# --- episodes -----------------------------------------------------------------------


class EpisodeList(PolicyMixin, generics.ListAPIView):
    """Episodes of your services, newest referral first.

    One access-log event per request names the service(s) and the episode ids returned.
    """

    access_permission = Perm.VIEW_PERSON
    required_scope = Scope.EPISODES_READ
    serializer_class = s.EpisodeSummarySerializer
    pagination_class = EpisodePagination

    def get_queryset(self):
        query = _validated(s.EpisodeQuerySerializer, self.request.query_params.dict())
        services = list(services_for(self.request.user, Perm.VIEW_PERSON))
        code = query.get("service")
        if code:
            services = [svc for svc in services if svc.code == code]
            if not services:
                raise ValidationError({"service": [NOT_YOURS]})
        self.services = services
        episodes = casework_queries.episodes_for(self.request.user, Perm.VIEW_PERSON).filter(
            service__in=[svc.pk for svc in services]
        )
        if query.get("open") is True:
            episodes = episodes.open()
        elif query.get("open") is False:
            episodes = episodes.discharged()
        return episodes.select_related("service", "client", "case_manager").order_by(
            "-referral_date", "-pk"
        )

    @extend_schema(
        parameters=[s.EpisodeQuerySerializer],
        responses={200: s.EpisodeSummarySerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        ids = [str(row["id"]) for row in response.data["results"]]
        codes = ",".join(svc.code for svc in self.services)
        record_event(
            action=Action.READ,
            request=request,
            object_type=Episode._meta.label_lower,
            service_id=self.services[0].pk if len(self.services) == 1 else None,
            fields=ids,
            detail=f"API episode list; services {codes}; {len(ids)} episodes (ids in fields)",
        )
        return response


def _with_contacts(episode: Episode) -> Episode:
    prefetch_related_objects(
        [episode],
        Prefetch(
            "contacts",
            queryset=Contact.objects.prefetch_related(
                Prefetch("interventions", queryset=ContactIntervention.objects.order_by("position"))
            ),
        ),
    )
    return episode


class EpisodeDetail(PolicyMixin, generics.RetrieveAPIView):
    """One episode with its contacts (GET), or a change to its key facts (PATCH).

    404 for an episode outside your services.
    """

    access_permission = Perm.VIEW_PERSON
    required_scope = {"GET": Scope.EPISODES_READ, "PATCH": Scope.EPISODES_WRITE}
    serializer_class = s.EpisodeDetailSerializer

    @extend_schema(responses={200: s.EpisodeDetailSerializer, **NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        episode = _with_contacts(casework_queries.get_episode(self.request.user, self.kwargs["pk"]))
        record_read(self.request, episode)
        return episode

    @extend_schema(
        request=s.EpisodeChangeSerializer,
        responses={
            200: s.EpisodeChangedSerializer,
            409: OpenApiResponse(
                s.EpisodeDetailSerializer,
                description=_("Changed by someone else since your version: the current record."),
            ),
            **ERROR_RESPONSES,
            **NOT_FOUND,
        },
    )
    def patch(self, request, pk):
        episode = casework_queries.get_episode(request.user, pk)
        if not has_perm(request.user, Perm.EDIT_PERSON, episode.service):
            raise PermissionDenied
        check_may_record(request.user, episode)
        change = _validated(s.EpisodeChangeSerializer, request.data)
        try:
            episode, sign_offs = episode_changes.apply(episode, change, by=request.user)
        except StaleEditError as stale:
            current = _with_contacts(casework_queries.get_episode(request.user, stale.current.pk))
            return Response(
                s.EpisodeDetailSerializer(current).data, status=status.HTTP_409_CONFLICT
            )
        episode = _with_contacts(casework_queries.get_episode(request.user, episode.pk))
        # The answer shows the whole record, so it is a read as well as a change.
        record_read(request, episode)
        episode.sign_off_requested = sign_offs
        return Response(s.EpisodeChangedSerializer(episode).data)


# --- recording a contact --------------------------------------------------------------


def _casework_error_body(error, renamed=None) -> dict:
    """A refusal as a 400 body: each message under the input field it is about (episode
    fields keep their names; ``renamed`` gives the input's name where it differs)."""
    if hasattr(error, "error_dict"):
        renamed = renamed or {}
        return {renamed.get(name, name): text for name, text in error.message_dict.items()}
    return {"non_field_errors": error.messages}


class ContactCreate(PolicyMixin, APIView):
    """Record a contact and the interventions delivered in it (casework ``record_contact``)."""

    access_permission = Perm.EDIT_PERSON
    required_scope = Scope.CONTACTS_WRITE

    @extend_schema(
        request=s.ContactInputSerializer,
        responses={201: s.ContactSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    )
    def post(self, request, pk):
        episode = casework_queries.get_episode(request.user, pk, Perm.EDIT_PERSON)
        check_may_record(request.user, episode)
        data = _validated(s.ContactInputSerializer, request.data)
        try:
            contact = casework_services.record_contact(episode, by=request.user, **data)
        except casework_services.REFUSALS as error:
            return Response(_casework_error_body(error), status=status.HTTP_400_BAD_REQUEST)
        return Response(s.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


# --- onward referrals ---------------------------------------------------------------------


class OnwardReferralList(PolicyMixin, APIView):
    """An episode's onward referrals and signposts (GET), or a new one (POST)."""

    access_permission = Perm.VIEW_PERSON
    required_scope = {"GET": Scope.EPISODES_READ, "POST": Scope.CONTACTS_WRITE}

    @extend_schema(responses={200: s.OnwardReferralSerializer(many=True), **NOT_FOUND})
    def get(self, request, pk):
        episode = casework_queries.get_episode(request.user, pk)
        record_read(request, episode, fields=["onward"])
        onward = episode.onward.order_by("date", "pk")
        return Response(s.OnwardReferralSerializer(onward, many=True).data)

    @extend_schema(
        request=s.OnwardInputSerializer,
        responses={201: s.OnwardReferralSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    )
    def post(self, request, pk):
        episode = casework_queries.get_episode(request.user, pk, Perm.EDIT_PERSON)
        check_may_record(request.user, episode)
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        # The web's onward form is the rule for each field.
        form = OnwardForm(data)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        try:
            onward = casework_services.add_onward_referral(
                episode, by=request.user, **form.cleaned_data
            )
        except casework_services.CaseworkError as error:
            return Response(_casework_error_body(error), status=status.HTTP_400_BAD_REQUEST)
        return Response(s.OnwardReferralSerializer(onward).data, status=status.HTTP_201_CREATED)


# --- questionnaires ------------------------------------------------------------------------


def _stored_scores(administration: Administration) -> dict:
    """The stored score columns that read this questionnaire's items (never re-scored here)."""
    codes = {item.code for item in get_instrument(administration.instrument).items}
    row = QuestionnaireScores.objects.filter(administration=administration).first()
    if row is None:
        return {}
    return {
        column: getattr(row, column)
        for column, (_aggregate, items) in SCORE_COLUMNS.items()
        if codes.intersection(items)
    }


def _administration_body(administration: Administration) -> dict:
    return s.AdministrationDetailSerializer(
        administration, context={"scores": _stored_scores(administration)}
    ).data


class AdministrationList(PolicyMixin, APIView):
    """An episode's questionnaires (scheduled, sent, completed), or one entered (POST).

    A POST stores a completed questionnaire as staff entry does on the web: every answer
    is checked by the questionnaire's definition, the scores are stored, and an answer
    that needs the case manager today (PHQ-9 item 9) raises the same-day alert.
    """

    access_permission = Perm.VIEW_PERSON
    required_scope = {"GET": Scope.QUESTIONNAIRES_READ, "POST": Scope.QUESTIONNAIRES_WRITE}

    @extend_schema(responses={200: s.AdministrationSerializer(many=True), **NOT_FOUND})
    def get(self, request, pk):
        episode = measures_queries.episode_for(request.user, pk)
        record_read(request, episode, fields=["measures"])
        administrations = episode.administrations.order_by("due_date", "date", "pk")
        return Response(s.AdministrationSerializer(administrations, many=True).data)

    @extend_schema(
        request=s.StaffEntryInputSerializer,
        responses={
            201: s.AdministrationDetailSerializer,
            409: OpenApiResponse(
                s.AdministrationDetailSerializer,
                description=_("Changed by someone else since your version: the current one."),
            ),
            **ERROR_RESPONSES,
            **NOT_FOUND,
        },
    )
    def post(self, request, pk):
        episode = measures_queries.episode_for(request.user, pk, Perm.EDIT_PERSON)
        data = _validated(s.StaffEntryInputSerializer, request.data)
        if data["instrument"] not in INSTRUMENTS:
            raise ValidationError({"instrument": [_("Unknown questionnaire.")]})
        items = {item.code for item in get_instrument(data["instrument"]).items}
        unknown = sorted(set(data["answers"]) - items)
        if unknown:
            raise ValidationError(
                {"answers": {code: [_("Not an item of this questionnaire.")] for code in unknown}}
            )
        try:
            administration = measures_services.record_staff_entry(
                episode,
                instrument=data["instrument"],
                timepoint=data["timepoint"],
                date_completed=data["date"],
                values=data["answers"],
                by=request.user,
                comment=data["comment"],
                expected_version=data.get("version"),
            )
        except measures_services.StaleAdministration as stale:
            current = measures_queries.administration_for(
                request.user, stale.args[0].pk, Perm.VIEW_PERSON
            )
            return Response(_administration_body(current), status=status.HTTP_409_CONFLICT)
        except InvalidValues as error:
            # Item codes name the answers in error; "date" is the date completed.
            errors = dict(error.errors)
            body = {"date": [errors.pop("date")]} if "date" in errors else {}
            if errors:
                body["answers"] = {code: [message] for code, message in errors.items()}
            raise ValidationError(body) from None
        except ValueError as error:
            raise ValidationError({"timepoint": [str(error)]}) from None
        return Response(_administration_body(administration), status=status.HTTP_201_CREATED)


class AdministrationDetail(PolicyMixin, APIView):
    """One questionnaire with its answers (item codes) and its stored scores."""

    access_permission = Perm.VIEW_PERSON
    required_scope = Scope.QUESTIONNAIRES_READ

    @extend_schema(responses={200: s.AdministrationDetailSerializer, **NOT_FOUND})
    def get(self, request, pk):
        administration = measures_queries.administration_for(request.user, pk, Perm.VIEW_PERSON)
        record_read(request, administration)
        return Response(_administration_body(administration))


# --- discharge and the six-month follow-up ----------------------------------------------

STALE = {
    409: OpenApiResponse(
        description=_("The episode changed since the version you sent; read it again.")
    )
}


def _stale(current) -> Response:
    return Response(
        {
            "non_field_errors": [
                _("Someone else changed this episode; read it again (version %(v)s).")
                % {"v": current.version}
            ]
        },
        status=status.HTTP_409_CONFLICT,
    )


def _episode_to_record(request, pk) -> Episode:
    episode = casework_queries.get_episode(request.user, pk, Perm.EDIT_PERSON)
    check_may_record(request.user, episode)
    return episode


class DischargeCreate(PolicyMixin, APIView):
    """Discharge an episode with its outcome (casework ``discharge``, as on the page).

    The discharge questionnaires and the six-month follow-up are scheduled as from the
    page. A support worker's discharge waits for their supervisor's sign-off (202).
    """

    access_permission = Perm.EDIT_PERSON
    required_scope = Scope.EPISODES_WRITE

    @extend_schema(
        request=s.DischargeInputSerializer,
        responses={
            200: s.EpisodeSummarySerializer,
            202: s.SignOffPendingSerializer,
            **ERROR_RESPONSES,
            **NOT_FOUND,
            **STALE,
        },
    )
    def post(self, request, pk):
        episode = _episode_to_record(request, pk)
        data = _validated(s.DischargeInputSerializer, request.data)
        try:
            outcome = casework_services.discharge(
                episode,
                by=request.user,
                on=data["discharge_date"],
                work_status=data["work_status_at_discharge"],
                reason=data["discharge_reason"],
                engagement=data["engagement"],
                expected_version=data.get("version"),
            )
        except casework_services.REFUSALS as error:
            return Response(_casework_error_body(error), status=status.HTTP_400_BAD_REQUEST)
        except StaleEditError as stale:
            return _stale(stale.current)
        if isinstance(outcome, SignOff):
            body = {
                "sign_off": outcome.pk,
                "detail": _("Sent to %(who)s for sign-off; it takes effect when signed off.")
                % {"who": outcome.supervisor},
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(s.EpisodeSummarySerializer(outcome).data)


class FollowupCreate(PolicyMixin, APIView):
    """Record the six-month follow-up: the work status and the date it was collected.

    Refused before the window opens (150 days after discharge) and after it closes (270
    days), with the dates; a service manager may record one outside it with ``reason``.
    """

    access_permission = Perm.EDIT_PERSON
    required_scope = Scope.EPISODES_WRITE

    @extend_schema(
        request=s.FollowupInputSerializer,
        responses={200: s.EpisodeSummarySerializer, **ERROR_RESPONSES, **NOT_FOUND, **STALE},
    )
    def post(self, request, pk):
        episode = _episode_to_record(request, pk)
        data = _validated(s.FollowupInputSerializer, request.data)
        try:
            episode = casework_services.record_followup(
                episode,
                by=request.user,
                on=data["followup_collected_on"],
                work_status=data["work_status_at_followup"],
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except casework_services.REFUSALS as error:
            body = _casework_error_body(error, {"followup_outside_window_reason": "reason"})
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        except StaleEditError as stale:
            return _stale(stale.current)
        return Response(s.EpisodeSummarySerializer(episode).data)


# --- clients --------------------------------------------------------------------------------


class ClientSearch(PolicyMixin, APIView):
    """Find a client by NHS or CHI number, in every service you may see.

    One access-log event names the clients returned.
    """

    access_permission = Perm.VIEW_PERSON
    required_scope = Scope.CLIENTS_READ

    @extend_schema(
        parameters=[s.ClientQuerySerializer],
        responses={200: s.ClientSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request):
        query = _validated(s.ClientQuerySerializer, request.query_params.dict())
        number = normalise_nhs_number(query["nhs_number"])
        if not (number.isdigit() and len(number) == 10):
            raise ValidationError({"nhs_number": [_("Enter a 10-digit NHS or CHI number.")]})
        found = Client.objects.filter(
            nhs_number=number, service__in=services_for(request.user, Perm.VIEW_PERSON)
        ).select_related("service")
        found = list(found.order_by("service__code", "pk"))
        record_listing(request, page="API client search", client_ids=[c.pk for c in found])
        return Response(s.ClientSerializer(found, many=True).data)


class ClientDetail(PolicyMixin, APIView):
    """One client of your services. 404 for a client outside them."""

    access_permission = Perm.VIEW_PERSON
    required_scope = Scope.CLIENTS_READ

    @extend_schema(responses={200: s.ClientSerializer, **NOT_FOUND})
    def get(self, request, pk):
        client = client_for(request.user, pk)
        record_read(request, client)
        return Response(s.ClientSerializer(client).data)


# --- electronic referrals ---------------------------------------------------------------------


# The web forms take dates as day, month and year boxes; the API takes ISO dates.
_REFERRAL_DATES = ("date_of_birth", "diagnosis_date")


def _with_date_parts(section: dict) -> dict:
    values = dict(section)
    for name in _REFERRAL_DATES:
        text = values.pop(name, None)
        if not text:
            continue
        try:
            day = datetime.date.fromisoformat(str(text))
        except ValueError:
            day = None
        # An unreadable date leaves the boxes empty or wrong, so the form names the field.
        values[f"{name}_day"] = str(day.day) if day else str(text)
        values[f"{name}_month"] = str(day.month) if day else ""
        values[f"{name}_year"] = str(day.year) if day else ""
    return values


def _referral_sections(data) -> list[tuple[str, object]]:
    """The web referral's forms, one per section of the body (so the same rules apply)."""

    def section(name):
        value = data.get(name) if isinstance(data, dict) else None
        return _with_date_parts(value) if isinstance(value, dict) else {}

    return [
        ("person", referral_forms.PersonForm(section("person"), choose_service=False)),
        ("health", referral_forms.HealthWorkForm(section("health"))),
        ("referrer", referral_forms.ReferrerForm(section("referrer"))),
        ("consent", referral_forms.ConsentForm(section("consent"))),
    ]


class ReferralCreate(PolicyMixin, APIView):
    """Receive an electronic referral: client, episode and referral, as the web form makes them.

    The referral joins the service's triage queue like any other; its service-standard
    clock starts today. A person already known (by NHS number, or date of birth and name)
    is matched, as on the web.
    """

    access_permission = Perm.TRIAGE
    required_scope = Scope.EPISODES_WRITE

    @extend_schema(
        request=s.ElectronicReferralSerializer,
        responses={201: s.ReferralCreatedSerializer, **ERROR_RESPONSES},
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        code = str(data.get("service", ""))
        service = services_for(request.user, Perm.TRIAGE).filter(code=code).first()
        errors = {} if service else {"service": [NOT_YOURS]}
        sections = _referral_sections(data)
        for name, form in sections:
            if not form.is_valid():
                errors[name] = {
                    field: [str(m) for m in messages] for field, messages in form.errors.items()
                }
        if errors:
            raise ValidationError(errors)
        intake_data = {}
        for _name, form in sections:
            intake_data.update(form.to_intake())
        referrer = dict(sections)["referrer"]
        intake = referral_services.create_referral(
            service=service,
            channel=Channel.ELECTRONIC,
            data=intake_data,
            entered_by=request.user,
            acknowledgement_email=referrer.cleaned_data.get("referrer_email", ""),
        )
        episode = intake.referral.episode
        body = {
            "referral": intake.referral.reference,
            "episode": episode.pk,
            "client_reference": episode.client.reference,
            "possible_duplicate": bool(intake.matches),
        }
        return Response(s.ReferralCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


# --- the evaluation report --------------------------------------------------------------


class EvaluationReport(PolicyMixin, APIView):
    """The VRMDS evaluation report for one service, or a commissioning area's services
    together, and a period.

    Small numbers are suppressed when you see the service as a commissioner (aggregates
    only); the ``Vocrehab-Suppressed`` header says whether they were.
    """

    access_permission = Perm.VIEW_REPORTS
    required_scope = Scope.REPORTS_READ

    @extend_schema(
        parameters=[
            s.EvaluationQuerySerializer,
            OpenApiParameter(
                "Vocrehab-Suppressed",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                enum=["true", "false"],
                response=[200],
                description=_("Whether small numbers were suppressed."),
            ),
        ],
        responses={200: s.EvaluationReportSerializer, **ERROR_RESPONSES},
    )
    def get(self, request):
        query = _validated(s.EvaluationQuerySerializer, request.query_params.dict())
        mine = report_queries.reportable_services(request.user)
        if "area" in query:
            area = next(
                (a for a in report_queries.areas_for(request.user) if a.code == query["area"]), None
            )
            if area is None:
                raise ValidationError({"area": [NOT_YOUR_AREA]})
            services = list(mine.filter(services_beneath(area)))
        else:
            services = list(mine.filter(code=query["service"]))
            if not services:
                raise ValidationError({"service": [NOT_YOURS]})
        try:
            report, suppressed = report_queries.evaluation_for(
                request.user, services, query.get("from"), query.get("to")
            )
        except ReportError as error:
            raise ValidationError({"non_field_errors": [str(error)]}) from None
        except PermissionDenied:
            raise ValidationError({"service": [NOT_YOURS]}) from None
        response = Response(report)
        response["Vocrehab-Suppressed"] = "true" if suppressed else "false"
        return response


# --- submissions to a hub -------------------------------------------------------------


class SubmissionCreate(PolicyMixin, APIView):
    """Receive a service's pseudonymised VRMDS submission for one period (hubs only).

    Multipart form: ``file`` (a .zip of the VRMDS CSV files), ``service`` (its code),
    ``period`` (``2026-11`` or ``2026-Q4``) and ``checksum`` (SHA-256 of the file, hex).
    201: accepted, a new current version. 200: the same file as the current version,
    nothing changed. 422: refused, with every problem by file, row and column; nothing
    was written. 404 when this install is not a hub (``VOCREHAB_HUB`` off).
    """

    access_permission = Perm.IMPORT_DATA
    required_scope = Scope.SUBMISSIONS_WRITE
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.SubmissionUploadSerializer},
        responses={
            200: s.SubmissionVersionSerializer,
            201: s.SubmissionVersionSerializer,
            403: OpenApiResponse(description=_("The token does not cover this service.")),
            404: OpenApiResponse(description=_("This install is not a hub.")),
            409: OpenApiResponse(description=_("Another submission arrived at the same time.")),
            422: s.SubmissionRefusalSerializer,
        },
    )
    def post(self, request):
        # Not a hub: as if the address did not exist (after the access policy, which
        # answers every address alike).
        if not receiving.hub_enabled():
            raise Http404
        token = getattr(request.user, "api_token", None)
        if token is None:
            raise PermissionDenied(_("Submissions are sent with an API token."))
        data = _validated(s.SubmissionUploadSerializer, request.data)
        outcome = receiving.receive_submission(
            user=request.user,
            token=token,
            service_code=data["service"],
            period=data["period"],
            checksum=data["checksum"],
            upload=data["file"],
            request=request,
        )
        if outcome.status == receiving.FORBIDDEN:
            return Response({"detail": outcome.message}, status=status.HTTP_403_FORBIDDEN)
        if outcome.status == receiving.CONFLICT:
            return Response({"detail": outcome.message}, status=status.HTTP_409_CONFLICT)
        if outcome.status == receiving.REFUSED:
            return Response(
                {
                    "detail": outcome.message,
                    "error_count": outcome.error_count,
                    "errors": outcome.errors_as_dicts(),
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        body = s.SubmissionVersionSerializer(outcome.version).data
        body["status"] = outcome.status
        code = (
            status.HTTP_201_CREATED if outcome.status == receiving.ACCEPTED else status.HTTP_200_OK
        )
        return Response(body, status=code)


# --- the schema -------------------------------------------------------------------------


class Schema(PolicyMixin, SpectacularAPIView):
    """The OpenAPI 3 description of this API (YAML, or JSON with ?format=json)."""

    access_signed_in = True
    # The schema view's own renderers (YAML, and JSON), not the JSON-only default.
    renderer_classes = SpectacularAPIView.renderer_classes


# --- the documentation page -------------------------------------------------------------

_METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict) -> list[dict]:
    """The operations of an OpenAPI document, flattened for a page."""
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": op.get("operationId", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
                    "responses": sorted(op.get("responses", {}).items()),
                }
            )
    return rows


@signed_in
def docs(request):
    """A readable listing of the API's operations, rendered on the server (no scripts)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {
            "operations": _operations(schema),
            "components": sorted(schema.get("components", {}).get("schemas", {}).items()),
            "info": schema.get("info", {}),
        },
    )
