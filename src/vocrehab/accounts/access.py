"""The access policy: the one place that decides who may do what, where.

Every view declares what it needs with :func:`requires` (or :func:`public`, an explicit
decision that a page is open to anyone). :class:`~vocrehab.accounts.middleware.
AccessPolicyMiddleware` refuses any view that declares nothing, so a forgotten
declaration fails closed. Object-level checks (a case manager sees only their service's
people) go through :func:`services_for` in queries, so the API, exports and commands
are covered as well as the web pages.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Membership, Role, Service, User

__all__ = [
    "Perm",
    "Role",
    "has_perm",
    "people_with",
    "public",
    "requires",
    "services_beneath",
    "services_for",
    "signed_in",
]


class Perm(StrEnum):
    VIEW_CONTACTS = "view_contacts"  # find a client; their contact and scheduling details
    VIEW_PERSON = "view_person"  # read a client's record
    EDIT_PERSON = "edit_person"  # change a client's record, record casework
    TRIAGE = "triage"  # triage queue, intake by phone
    ALLOCATE = "allocate"  # allocate and transfer caseloads
    VIEW_CASELOAD = "view_caseload"  # own caseload
    VIEW_ALL_CASELOADS = "view_all_caseloads"  # every caseload in the service
    SIGN_OFF = "sign_off"  # supervise support workers
    MANAGE_SERVICE = "manage_service"  # service settings, standards, tiers
    # record a six-month follow-up outside the VRMDS window, giving the reason
    RECORD_FOLLOWUP_OUTSIDE_WINDOW = "record_followup_outside_window"
    IMPORT_DATA = "import_data"
    EXPORT_DATA = "export_data"  # person-level exports
    SUBJECT_ACCESS = "subject_access"  # everything held about one person (a data request)
    DISPOSE_RECORDS = "dispose_records"  # confirm anonymising records past their retention
    VIEW_REPORTS = "view_reports"  # aggregate reports (suppressed for commissioners)
    VIEW_DASHBOARD = "view_dashboard"  # operational dashboard (suppressed for commissioners)
    VIEW_DATA_QUALITY = "view_data_quality"  # data completeness, counts that lead to people
    RUN_ECONOMICS = "run_economics"
    VIEW_DIRECTORY = "view_directory"
    MANAGE_DIRECTORY = "manage_directory"
    VIEW_SERVICE_MAPPING = "view_service_mapping"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    # the letters to referrers and GPs waiting to be printed: print, mark as posted
    SEND_LETTERS = "send_letters"


_CASEWORK = {
    Perm.VIEW_CONTACTS,
    Perm.VIEW_PERSON,
    Perm.EDIT_PERSON,
    Perm.VIEW_CASELOAD,
    Perm.VIEW_DIRECTORY,
    Perm.SEND_LETTERS,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMINISTRATOR: frozenset({Perm.MANAGE_USERS, Perm.MANAGE_SERVICE, Perm.VIEW_AUDIT}),
    Role.SERVICE_MANAGER: frozenset(
        _CASEWORK
        | {
            Perm.TRIAGE,
            Perm.ALLOCATE,
            Perm.VIEW_ALL_CASELOADS,
            Perm.SIGN_OFF,
            Perm.MANAGE_SERVICE,
            Perm.RECORD_FOLLOWUP_OUTSIDE_WINDOW,
            Perm.IMPORT_DATA,
            Perm.EXPORT_DATA,
            Perm.SUBJECT_ACCESS,
            Perm.DISPOSE_RECORDS,
            Perm.VIEW_REPORTS,
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_DATA_QUALITY,
            Perm.RUN_ECONOMICS,
            Perm.MANAGE_DIRECTORY,
            Perm.VIEW_SERVICE_MAPPING,
        }
    ),
    Role.CASE_MANAGER: frozenset(_CASEWORK | {Perm.TRIAGE, Perm.SIGN_OFF}),
    Role.SUPPORT_WORKER: frozenset(_CASEWORK),
    # Least privilege: contact and scheduling details (find a client, phone them, book
    # them on a course, take a referral by phone), never the episode record, notes,
    # documents or questionnaire answers.
    # Printing and posting the letters to referrers and GPs is office work: the letter
    # is made to be read by its recipient, and holds no notes or answers.
    Role.ADMIN_ASSISTANT: frozenset(
        {Perm.VIEW_CONTACTS, Perm.TRIAGE, Perm.VIEW_DIRECTORY, Perm.SEND_LETTERS}
    ),
    # Aggregates only (AGGREGATE_ONLY_ROLES): reports and the dashboard suppressed, no
    # staff names, nothing that leads to a person.
    Role.COMMISSIONER: frozenset(
        {
            Perm.VIEW_REPORTS,
            Perm.VIEW_DASHBOARD,
            Perm.RUN_ECONOMICS,
            Perm.VIEW_SERVICE_MAPPING,
            Perm.VIEW_DIRECTORY,
        }
    ),
    Role.AUDITOR: frozenset({Perm.VIEW_AUDIT}),
}

# Roles that see aggregates only: reports shown to them are small-number suppressed.
AGGREGATE_ONLY_ROLES = frozenset({Role.COMMISSIONER})


def services_beneath(area) -> Q:
    """A filter on Service: the services beneath ``area`` (an Area or its id).

    The hierarchy nests nation → region → area, so a service is at most three steps
    below any node: three joins, one query, no recursion.
    """
    area_id = getattr(area, "pk", area)
    return Q(area_id=area_id) | Q(area__parent_id=area_id) | Q(area__parent__parent_id=area_id)


def _memberships(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_vocrehab_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, active=True).select_related("service"))
        _note_services_beneath(cached)
        token = getattr(user, "api_token", None)
        if token is not None:
            cached = _within_token(cached, token)
        user._vocrehab_memberships = cached
    return cached


def _note_services_beneath(memberships) -> None:
    """Give each membership for an area the ids of the services beneath it (one query)."""
    granted = {m.area_id for m in memberships if m.area_id is not None}
    if not granted:
        return
    beneath: dict[int, set[int]] = {area_id: set() for area_id in granted}
    query = Q()
    for area_id in granted:
        query |= services_beneath(area_id)
    rows = Service.objects.filter(query).values_list(
        "pk", "area_id", "area__parent_id", "area__parent__parent_id"
    )
    for pk, *above in rows:
        for area_id in above:
            if area_id in beneath:
                beneath[area_id].add(pk)
    for m in memberships:
        if m.area_id is not None:
            m.beneath = frozenset(beneath[m.area_id])


def membership_services(memberships) -> Q:
    """A filter on Service: the services ``memberships`` cover (their service, every
    service of an organisation-wide role's organisation, every service beneath an area)."""
    service_ids, organisation_ids, area_ids = set(), set(), set()
    for m in memberships:
        if m.area_id is not None:
            area_ids.add(m.area_id)
        elif m.service_id is None:
            organisation_ids.add(m.organisation_id)
        else:
            service_ids.add(m.service_id)
    query = Q(pk__in=service_ids) | Q(organisation_id__in=organisation_ids)
    for area_id in area_ids:
        query |= services_beneath(area_id)
    return query


def _covers(m: Membership, service: Service) -> bool:
    """Does membership ``m`` apply in ``service``?"""
    if m.area_id is not None:
        return service.pk in getattr(m, "beneath", ())
    if m.service_id is not None:
        return m.service_id == service.pk
    # Organisation-wide roles apply only within their own organisation.
    return m.organisation_id == service.organisation_id


def _within_token(memberships, token) -> list[Membership]:
    """The memberships a request made with an API token counts: only in its services.

    An organisation-wide role (an administrator's) becomes that role in each of the
    token's services of its organisation; a role in a service the token does not cover
    is left out. Every permission check and query then obeys the token.
    """
    covered = list(token.services.all())
    kept = []
    for m in memberships:
        if m.area_id is not None:
            kept.extend(
                Membership(
                    user_id=m.user_id,
                    organisation_id=service.organisation_id,
                    service=service,
                    role=m.role,
                    active=True,
                )
                for service in covered
                if service.pk in getattr(m, "beneath", ())
            )
            continue
        if m.service_id is not None:
            if any(service.pk == m.service_id for service in covered):
                kept.append(m)
            continue
        kept.extend(
            Membership(
                user_id=m.user_id,
                organisation_id=m.organisation_id,
                service=service,
                role=m.role,
                supervisor_id=m.supervisor_id,
                active=True,
            )
            for service in covered
            if service.organisation_id == m.organisation_id
        )
    return kept


def roles(user, service: Service | None = None) -> set[str]:
    """The user's roles, in one service (and organisation-wide roles) or anywhere."""
    return {m.role for m in _memberships(user) if service is None or _covers(m, service)}


def has_perm(user, perm: Perm, service: Service | None = None) -> bool:
    """May ``user`` do ``perm`` in ``service`` (or in at least one service)?"""
    return any(perm in ROLE_PERMISSIONS.get(role, ()) for role in roles(user, service))


def services_for(user, perm: Perm):
    """The services in which ``user`` may do ``perm``, as a queryset (empty if none).

    One query, whatever the user holds: a service, an organisation, or a node of the
    commissioning hierarchy (every active service beneath it).
    """
    held = [m for m in _memberships(user) if perm in ROLE_PERMISSIONS.get(m.role, ())]
    if not held:
        return Service.objects.none()
    return Service.objects.filter(membership_services(held), active=True)


def areas_granted(user, perm: Perm) -> set[int]:
    """The ids of the nodes of the commissioning hierarchy ``user`` was granted, with a
    role that may do ``perm``."""
    return {
        m.area_id
        for m in _memberships(user)
        if m.area_id is not None and perm in ROLE_PERMISSIONS.get(m.role, ())
    }


def people_with(perm: Perm, service: Service):
    """The active staff (people, not system accounts) who may do ``perm`` in ``service``:
    a role in the service itself, an organisation-wide role in its organisation, or a role
    granted a node of the commissioning hierarchy above it. A queryset of users."""
    roles_that_may = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    above, node = [], service.area
    while node is not None:  # the hierarchy nests at most three deep
        above.append(node.pk)
        node = node.parent
    covering = (
        Q(service=service)
        | Q(service__isnull=True, area__isnull=True, organisation_id=service.organisation_id)
        | Q(service__isnull=True, area_id__in=above)
    )
    holders = Membership.objects.filter(covering, role__in=roles_that_may, active=True)
    return User.objects.filter(
        pk__in=holders.values("user_id"), is_active=True, is_system_account=False
    ).order_by("last_name", "first_name", "pk")


def is_aggregate_only(user, service: Service | None = None) -> bool:
    """True when the user sees figures only because of a commissioner role."""
    held = roles(user, service)
    return bool(held) and all(role in AGGREGATE_ONLY_ROLES for role in held)


# Roles that may record on any episode of their service; a support worker works under
# their supervision.
PRACTITIONER_ROLES = frozenset({Role.CASE_MANAGER, Role.SERVICE_MANAGER})


def is_supervised(user, service: Service) -> bool:
    """True when ``user`` works in ``service`` only as a support worker (no practitioner role).

    Supervised staff record only for the people allocated to them, and some of their
    actions wait for a supervisor's sign-off.
    """
    held = roles(user, service)
    return Role.SUPPORT_WORKER in held and not (held & PRACTITIONER_ROLES)


def require_perm(user, perm: Perm, service: Service | None = None) -> None:
    """Raise PermissionDenied unless ``user`` may do ``perm`` (in ``service``)."""
    if not has_perm(user, perm, service):
        raise PermissionDenied


def requires(perm: Perm):
    """Declare the permission a view needs; anonymous users go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_permission = perm
        return wrapped

    return decorator


def signed_in(view):
    """Declare that any signed-in member of staff may use a view (their home page)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.access_signed_in = True
    return wrapped


def public(view):
    """Declare, as an explicit decision, that a view is open to anyone."""
    view.access_public = True
    return view


def declared_access(view) -> str | None:
    """How a view declared its access: 'public', 'signed_in', a permission, or None."""
    target = getattr(view, "view_class", None) or view
    for candidate in (view, target):
        if getattr(candidate, "access_public", False):
            return "public"
        if getattr(candidate, "access_signed_in", False):
            return "signed_in"
        perm = getattr(candidate, "access_permission", None)
        if perm:
            return str(perm)
    return None


# Views of libraries we use whose access is decided by the library itself, named here
# as an explicit decision: sign-in, password reset, the two-factor steps and admin (which
# requires a superuser and is wrapped by allauth's MFA-aware login).
LIBRARY_DECIDED_NAMESPACES = frozenset({"admin"})
LIBRARY_DECIDED_URL_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_login_code_confirm",
        "account_confirm_login_code",
        "account_request_login_code",
        "account_reauthenticate",
        # Re-authentication by an emailed code: refused with 403 because settings allow
        # only password and authenticator (ACCOUNT_REAUTHENTICATION_METHODS).
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_change_password",
        "account_set_password",
        "account_email",
        "account_inactive",
        "account_signup",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_change_phone",
        "account_verify_phone",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_trust",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_edit_webauthn",
        "mfa_remove_webauthn",
        "mfa_signup_webauthn",
        "mfa_login_webauthn",
        "mfa_reauthenticate_webauthn",
    }
)
