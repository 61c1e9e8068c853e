"""Deployment checks of our own (``vocrehab check --deploy``), beside Django's.

They read the settings only and never connect to the database, so CI and an
administrator can run them before the database exists. The errors make a production
installation unsafe; the warnings say when it has outgrown the embedded database.
"""

from __future__ import annotations

import importlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from vocrehab import fieldkeys

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
    """A shared cache, the public address for links, no demonstration mode, and keys of
    its own for the secrets kept in the database."""
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
    if not fieldkeys.configured_keys():
        errors.append(
            Error(
                "VOCREHAB_FIELD_KEYS is not set, so the secrets kept in the database (the "
                "tokens for sending to hubs and the hubs' pseudonym keys) are encrypted "
                "with a key derived from the SECRET_KEY: anyone with the SECRET_KEY and a "
                "copy of the database could read them.",
                hint="Make a key with `vocrehab fieldkeys new`, set VOCREHAB_FIELD_KEYS to it "
                "and run `vocrehab fieldkeys rotate` (docs/administration.md, 'Keys for "
                "secrets kept in the database').",
                id="vocrehab.E005",
            )
        )
    return errors


@register(Tags.security)
def field_keys_usable(app_configs=None, **kwargs) -> list[Error]:
    """Each key in VOCREHAB_FIELD_KEYS is a key (checked always, not only for deployment:
    without a usable key no hub token or pseudonym key can be kept or read)."""
    return [
        Error(
            problem,
            hint="Make a key with `vocrehab fieldkeys new`; keep the old keys after the new one.",
            id="vocrehab.E006",
        )
        for problem in fieldkeys.key_problems()
    ]


# Libraries that pages and commands import when they first need them, not at start-up,
# so that every command and web worker starts quickly (docs/development.md). A broken
# installation of one (a missing package, WeasyPrint without its system libraries) would
# otherwise show only when someone first draws a chart, runs a statistic, counts working
# days or writes a PDF or spreadsheet; the deployment check loads each one.
LOADED_ON_FIRST_USE = (
    "numpy",
    "scipy.stats",
    "matplotlib.backends.backend_agg",
    "holidays",
    "openpyxl",
    "weasyprint",
)


@register("libraries", deploy=True)
def libraries_load(app_configs=None, **kwargs) -> list[Error]:
    """Every library loaded on first use can be loaded."""
    errors = []
    for name in LOADED_ON_FIRST_USE:
        try:
            importlib.import_module(name)
        except Exception as problem:  # noqa: BLE001 - ImportError, OSError (a system library)…
            errors.append(
                Error(
                    f"{name} cannot be loaded ({type(problem).__name__}: {problem}), so the "
                    "pages and commands that use it would fail.",
                    hint="Install exactly the locked dependencies (docs/administration.md) "
                    "and the system libraries listed in requirements/debian.txt.",
                    id="vocrehab.E004",
                )
            )
    return errors


SQLITE_ENGINE = "django.db.backends.sqlite3"
MOVE_HINT = (
    "Move to PostgreSQL: set DATABASE_URL and load the data as docs/administration.md "
    "says under 'SQLite, and when to move to PostgreSQL'."
)


def _sqlite_aliases() -> list[str]:
    return [alias for alias, db in settings.DATABASES.items() if db["ENGINE"] == SQLITE_ENGINE]


@register("database_settings", deploy=True)
def sqlite_in_production(app_configs=None, **kwargs) -> list[Warning]:
    """Warn when a production installation, or several web processes, use SQLite."""
    aliases = _sqlite_aliases()
    if not aliases:
        return []
    warnings = []
    processes = settings.WEB_PROCESSES
    if processes > 1:
        warnings.append(
            Warning(
                f"The database is SQLite and {processes} web processes share it "
                "(VOCREHAB_WEB_PROCESSES or WEB_CONCURRENCY).",
                hint="SQLite lets one process write at a time: more web processes only "
                "queue for it, and the wait can outlast the busy timeout. Run one web "
                "process on SQLite. " + MOVE_HINT,
                id="vocrehab.W002",
            )
        )
    if not settings.DEBUG and not (settings.SQLITE_ACCEPTED and processes == 1):
        warnings.append(
            Warning(
                f"The database of this production installation is SQLite ({', '.join(aliases)}).",
                hint="SQLite is for the demonstration, trials and a small service with one "
                "web process. " + MOVE_HINT + " A small service that has read that section "
                "and runs one web process may set VOCREHAB_ACCEPT_SQLITE=1.",
                id="vocrehab.W001",
            )
        )
    return warnings
