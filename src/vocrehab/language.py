"""The language switch on the public pages: English and Welsh, equally available.

The choice is kept in Django's language cookie, which ``LocaleMiddleware`` reads on
every request; the page the person was on is shown again in the other language.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from vocrehab.accounts.access import public


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@public
@require_GET
def switch(request, code: str):
    """Keep ``code`` as the person's language and go back to the page they were on.

    A link rather than a form (the NHS Wales convention): choosing a language changes
    nothing but how pages are shown, so a GET is safe.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    return remember_language(redirect(_safe_next(request)), code)


def chose_a_language(request) -> bool:
    """Has this browser chosen a language with the switch?"""
    return settings.LANGUAGE_COOKIE_NAME in request.COOKIES


def remember_language(response, code: str):
    """Keep ``code`` as this browser's language (the cookie ``LocaleMiddleware`` reads)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
