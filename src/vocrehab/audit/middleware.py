"""Request-wide audit rules: no browser caching of staff pages; every API token request logged."""

from .models import Action
from .services import record_event, token_label


class NoStoreMiddleware:
    """Pages seen by signed-in staff may hold personal data: browsers must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class TokenRequestLogMiddleware:
    """Write every request made with an API token to the access log, with the token's name.

    The events the view writes (reads, changes) carry the token too; this one records the
    request itself, whatever it did, and each token refused (HTTP 401).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = token_label(getattr(request, "user", None))
        if token:
            record_event(
                action=Action.API_REQUEST,
                request=request,
                object_type="api",
                detail=f"{request.method} {request.get_full_path()} "
                f"answered {response.status_code}",
                token=token,
            )
        elif response.status_code == 401 and _bearer(request):
            record_event(
                action=Action.LOGIN_FAILED,
                request=request,
                object_type="api",
                detail=f"API token refused: {_bearer(request)[:40]}",
            )
        return response


def _bearer(request) -> str:
    """The public part of a presented Bearer token (never the secret), or ""."""
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return ""
    prefix = value.strip()[:14]  # "vrt_" and the 10-character prefix
    return prefix if prefix.startswith("vrt_") else "(not a vocrehab token)"
