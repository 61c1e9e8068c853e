"""The site's access policy, applied to API views.

Each API view declares its access the way web views do (``access_permission`` or
``access_signed_in`` on the class, read by ``declared_access`` and the access-policy
middleware), and :class:`DeclaredAccess` makes DRF enforce that same declaration
through ``has_perm``, so the middleware, the access-matrix test and DRF agree on one
rule. Object-level checks stay in the queries (``services_for``), as for web pages.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer

from vocrehab.accounts.access import has_perm
from vocrehab.accounts.tokens import HasScope


class DeclaredAccess(BasePermission):
    """Allow a request only as the view's declaration says; fail closed without one."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        perm = getattr(view, "access_permission", None)
        if perm is not None:
            return has_perm(user, perm)
        return bool(getattr(view, "access_signed_in", False))


class PolicyMixin:
    """Common behaviour of every API view: the declared policy, JSON only.

    Anonymous browser requests are sent to sign in (302), as everywhere else on the site;
    a request that sent ``Authorization`` (a program with a token) gets 401 instead.
    Users lacking the permission get a 403 JSON body from DRF. A token must also hold the
    view's ``required_scope`` (``HasScope``), and acts only in the token's services.
    """

    access_permission = None
    access_signed_in = False
    required_scope = None
    permission_classes = [HasScope, DeclaredAccess]
    # JSON only: DRF's browsable HTML renderer would need inline scripts the CSP forbids.
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            request = self.request
            if not request.user.is_authenticated and "Authorization" not in request.headers:
                return redirect_to_login(request.get_full_path())
        return super().handle_exception(exc)
