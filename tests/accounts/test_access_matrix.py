"""The access matrix, built from the URL configuration.

Every named URL is either public by an explicit decision, left to a library that
enforces its own rule (allauth, admin), or declares a permission; anonymous users are
sent to sign in, and roles without the permission are refused.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vocrehab.accounts import access
from vocrehab.accounts.models import Role


def _walk(patterns, prefix="", namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespaces, entry


def _all_views():
    for route, namespaces, pattern in _walk(get_resolver().url_patterns):
        if "admin" in namespaces or pattern.name in access.LIBRARY_DECIDED_URL_NAMES:
            continue
        if route.startswith("static/") or pattern.name is None and "djdt" in route:
            continue
        name = ":".join((*namespaces, pattern.name)) if pattern.name else None
        yield route, name, pattern.callback


def _sample_url(route):
    """A concrete URL for a route, with placeholder ids for its parameters."""
    url = re.sub(r"<int:\w+>", "999999", route)
    url = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", url)
    url = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", url)
    url = url.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + url


VIEWS = sorted(_all_views(), key=lambda v: v[0])


@pytest.mark.parametrize("route,name,view", VIEWS, ids=[v[0] or "/" for v in VIEWS])
def test_every_view_declares_its_access(route, name, view):
    assert access.declared_access(view) is not None, (
        f"/{route} (URL name {name!r}, view {view.__module__}.{view.__name__}) declares no "
        "access rule. For a vocrehab view, decorate it with @requires(Perm.X), @signed_in "
        "or @public from vocrehab.accounts.access. For a library's view that enforces its "
        "own rule, add its URL name to LIBRARY_DECIDED_URL_NAMES in accounts/access.py and "
        "test that rule in tests/accounts/."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,view", VIEWS, ids=[v[0] or "/" for v in VIEWS])
def test_anonymous_users_are_sent_to_sign_in(client, route, name, view):
    if access.declared_access(view) == "public":
        pytest.skip("public by explicit decision")
    response = client.get(_sample_url(route))
    if route.startswith("fhir/"):
        # A FHIR client cannot follow a sign-in page: it gets 401 and an OperationOutcome.
        assert response.status_code == 401, route
        assert response.json()["resourceType"] == "OperationOutcome", route
        return
    assert response.status_code == 302, route
    assert response["Location"].startswith(reverse("account_login")), route


ALL_ROLES = list(Role)


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,view", VIEWS, ids=[v[0] or "/" for v in VIEWS])
def test_roles_without_the_permission_are_refused(signed_in, client, route, name, view):
    declared = access.declared_access(view)
    if declared in ("public", "signed_in"):
        pytest.skip(f"{declared}: any signed-in user may use it")
    refused = [r for r in ALL_ROLES if access.Perm(declared) not in access.ROLE_PERMISSIONS[r]]
    assert refused or declared, route
    for role in refused:
        client.logout()
        signed_in(role)
        response = client.get(_sample_url(route))
        assert response.status_code == 403, f"{role} reached {route}"


@pytest.mark.django_db
def test_a_user_without_a_role_may_do_nothing(make_staff, service):
    from vocrehab.accounts.models import Membership

    user = make_staff(Role.CASE_MANAGER, service)
    Membership.objects.filter(user=user).update(active=False)
    user = type(user).objects.get(pk=user.pk)
    assert not any(access.has_perm(user, perm) for perm in access.Perm)
    assert not access.services_for(user, access.Perm.VIEW_PERSON).exists()


@pytest.mark.django_db
def test_an_undeclared_view_is_refused(rf, make_staff, service):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from vocrehab.accounts.middleware import AccessPolicyMiddleware

    def undeclared(request):
        return HttpResponse("secret")

    middleware = AccessPolicyMiddleware(lambda r: HttpResponse())
    request = rf.get("/somewhere")
    request.resolver_match = None
    request.user = AnonymousUser()
    assert middleware.process_view(request, undeclared, (), {}).status_code == 302
    request.user = make_staff(Role.SERVICE_MANAGER, service)
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared, (), {})
