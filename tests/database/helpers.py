"""Give subprocesses the test's database, with the settings `make demo` runs with."""

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 300


def database_url(tmp_path: Path) -> str:
    """A URL other processes can open: a copy of the test database in a file, or
    PostgreSQL's test database."""
    if connection.vendor == "sqlite":
        path = tmp_path / "vocrehab.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        # In WAL mode already, as a database `vocrehab migrate` made is: otherwise the
        # processes a test starts together race to switch it, and the switch, which
        # needs the file to itself, fails at once with "database is locked".
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        return f"sqlite:///{path}"
    return postgresql_url()


def postgresql_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def read_back(url: str) -> None:
    """On SQLite, load the file back into the test database to look at it."""
    if connection.vendor == "sqlite":
        source = sqlite3.connect(url.removeprefix("sqlite:///"))
        source.backup(connection.connection)
        source.close()


def environment(url: str, tmp_path: Path) -> dict:
    """The environment of `make demo` (debug and demo mode) on the database at ``url``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VOCREHAB_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vocrehab.settings",
            "VOCREHAB_DEBUG": "1",
            "VOCREHAB_DEMO": "1",
            # The test client's host name.
            "VOCREHAB_ALLOWED_HOSTS": "testserver",
            "VOCREHAB_SECRET_KEY": settings.SECRET_KEY,
            "VOCREHAB_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "VOCREHAB_VAR_DIR": str(tmp_path / "var"),
            "VOCREHAB_LOG_LEVEL": "WARNING",
            "DATABASE_URL": url,
        }
    )
    return env


def vocrehab(args: list[str], env: dict, *, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the ``vocrehab`` command as an administrator would."""
    return run([sys.executable, "-m", "vocrehab.cli", *args], env, cwd=cwd)


def run_module(module: str, args: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run a module of the test suite (``tests.…``) in its own process."""
    return run([sys.executable, "-m", module, *args], env, cwd=ROOT)


def run(command: list[str], env: dict, *, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )


def database_locked() -> OperationalError:
    """The error Django raises when SQLite's lock was not free within the busy timeout:
    a real one, made by two connections to one file."""
    with tempfile.TemporaryDirectory() as tmp:
        holder = sqlite3.connect(Path(tmp) / "locked.sqlite3", timeout=0, isolation_level=None)
        other = sqlite3.connect(Path(tmp) / "locked.sqlite3", timeout=0, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as cause:
            error = OperationalError(*cause.args)
            error.__cause__ = cause
            return error
        finally:
            holder.close()
            other.close()
    raise AssertionError("the second connection got the lock")
