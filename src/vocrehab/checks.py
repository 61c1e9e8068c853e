"""Deployment checks of our own (``vocrehab check --deploy``), beside Django's.

Each is an error: a production installation with any of these problems is unsafe.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that every web process and worker share. A per-process cache (locmem) would
# let each process keep its own rate-limit counts and its own record of used one-time
# codes: with four processes a limit of 60 lets through up to 240, and a code used on one
# process is accepted again on another.
SHARED_CACHES = frozenset(
    {
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.memcached.PyLibMCCache",
        "django.core.cache.backends.db.DatabaseCache",
    }
)


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs) -> list[Error]:
    """A shared cache, the public address for links, and no demonstration mode."""
    errors = []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in SHARED_CACHES:
        errors.append(
            Error(
                f"The cache ({backend.rsplit('.', 1)[-1]}) is kept in each process, so rate "
                "limits and single-use two-factor and questionnaire codes are counted per "
                "process, not across the installation.",
                hint="Set VOCREHAB_REDIS_URL (for example redis://cache.internal:6379/0).",
                id="vocrehab.E001",
            )
        )
    public_url = getattr(settings, "VOCREHAB_PUBLIC_URL", "")
    parts = urlsplit(public_url)
    if not public_url or parts.scheme != "https" or not parts.netloc:
        errors.append(
            Error(
                "VOCREHAB_PUBLIC_URL is not set to the site's https address, so links in "
                "emails, text messages and letters would point elsewhere.",
                hint="Set VOCREHAB_PUBLIC_URL, for example https://vocrehab.example.nhs.uk.",
                id="vocrehab.E002",
            )
        )
    if getattr(settings, "DEMO_MODE", False):
        errors.append(
            Error(
                "Demonstration mode is on: it lets users skip two-factor enrolment.",
                hint="Unset VOCREHAB_DEMO and VOCREHAB_ALLOW_DEMO_WITHOUT_DEBUG.",
                id="vocrehab.E003",
            )
        )
    return errors
