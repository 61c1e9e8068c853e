"""Deployment checks of our own, run by ``vocrehab check --deploy``.

They read the settings only and never connect to the database, so CI and an
administrator can run them before the database exists.
"""

from django.conf import settings
from django.core.checks import Warning, register

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
