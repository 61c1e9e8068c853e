"""Request-wide security rules: session limits, mandatory two-factor, deny by default."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from . import access
from .context_processors import services_of

_LOGIN_STARTED = "vocrehab_login_started"


class SessionTimeoutMiddleware:
    """End a session after an absolute lifetime, whatever the activity.

    The idle timeout is Django's own (SESSION_COOKIE_AGE renewed on every request).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(_LOGIN_STARTED)
            now = int(time.time())
            if started is None:
                request.session[_LOGIN_STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if not user.is_active:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def user_has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """Every member of staff enrols a TOTP second factor before doing anything else.

    In demonstration mode a user may skip enrolment (the banner says so).
    """

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and not settings.DEMO_MODE
            and not request.session.get("vocrehab_mfa_ok")
        ):
            if not user_has_mfa(user):
                return redirect(reverse("mfa_activate_totp"))
            request.session["vocrehab_mfa_ok"] = True
        return self.get_response(request)


class AccessPolicyMiddleware:
    """Refuse any view that has not declared who may use it (deny by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if access.declared_access(view_func) is not None:
            return None
        match = request.resolver_match
        if match is not None and (
            match.url_name in access.LIBRARY_DECIDED_URL_NAMES
            or set(match.namespaces) & access.LIBRARY_DECIDED_NAMESPACES
        ):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied


class CurrentServiceMiddleware:
    """Set ``request.service``: the service the user chose, or their first one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.service = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            services = services_of(user)
            chosen = request.session.get("service_id")
            service = services.filter(pk=chosen).first() if chosen else None
            request.service = service or services.order_by("name").first()
        return self.get_response(request)
