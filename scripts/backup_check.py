#!/usr/bin/env python3
"""Prove a backup restores: dump a PostgreSQL database, restore it into a new one, compare.

    python scripts/backup_check.py postgres://user@host:5432/vocrehab [--keep DUMPFILE]

1. ``pg_dump --format=custom`` of the database (as docs/administration.md says to take it);
2. ``pg_restore`` into a new, empty database beside it;
3. for every table of the original: the row count and a checksum of the rows (an MD5 of
   every row's text, sorted, so row order does not matter) must be equal in the copy;
4. the triggers (the access log's and the change history's append-only triggers among
   them) must be the same, and the copy's access log must still refuse an UPDATE;
5. the copy is dropped. Exit status 0 when everything matched, 1 otherwise, with one line
   per difference.

Needs ``pg_dump`` and ``pg_restore`` of the server's major version, and a role that may
create databases.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

TABLES = """
SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1
"""
TRIGGERS = """
SELECT c.relname || '.' || t.tgname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal
ORDER BY 1
"""


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def table_facts(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table."""
    facts = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(TABLES)]
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
                "FROM (SELECT md5(t::text) AS h FROM {} AS t) AS rows"
            ).format(sql.SQL(table))
            count, checksum = conn.execute(query).fetchone()
            facts[table] = (count, checksum)
    return facts


def triggers(url: str) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [row[0] for row in conn.execute(TRIGGERS)]


def access_log_refuses_updates(url: str) -> bool:
    with psycopg.connect(url) as conn:
        try:
            conn.execute("UPDATE audit_accessevent SET detail = detail")
        except psycopg.errors.RaiseException:
            return True
        finally:
            conn.rollback()
    return False


def check(url: str, keep: str | None = None) -> list[str]:
    """Dump, restore into a new database, compare; the differences (empty: identical)."""
    source = urlsplit(url).path.lstrip("/")
    copy = f"{source}_restore_check_{os.getpid()}"
    copy_url = with_database(url, copy)
    admin_url = with_database(url, "postgres")
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        dump = keep or os.path.join(folder, "backup.dump")
        # The PostgreSQL client tools from PATH, with the operator's own database URL.
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", f"--file={dump}", url],  # noqa: S607
            check=True,
        )
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(copy)))
        try:
            subprocess.run(  # noqa: S603
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy_url}", dump],  # noqa: S607
                check=True,
            )
            before, after = table_facts(url), table_facts(copy_url)
            for table in sorted(set(before) | set(after)):
                if table not in after:
                    problems.append(f"{table}: missing from the restored copy")
                elif table not in before:
                    problems.append(f"{table}: only in the restored copy")
                elif before[table] != after[table]:
                    problems.append(
                        f"{table}: {before[table][0]} rows (checksum {before[table][1]}) in the "
                        f"original, {after[table][0]} rows (checksum {after[table][1]}) restored"
                    )
            if triggers(url) != triggers(copy_url):
                problems.append(
                    f"triggers differ: {triggers(url)} in the original, "
                    f"{triggers(copy_url)} restored"
                )
            if "audit_accessevent.audit_accessevent_no_update_delete" not in triggers(copy_url):
                problems.append("the access log's append-only trigger is missing")
            elif not access_log_refuses_updates(copy_url):
                problems.append("the restored access log accepts UPDATE")
            if not problems:
                print(
                    f"Backup of {source} restored identically: {len(before)} tables, "
                    f"{sum(c for c, _ in before.values())} rows, {len(triggers(url))} triggers."
                )
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy))
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--keep", metavar="DUMPFILE", help="keep the dump at this path")
    args = parser.parse_args(argv)
    url = args.database_url or ""
    if not url.startswith(("postgres://", "postgresql://")):
        print("backup_check: give a postgres:// URL (or set DATABASE_URL)", file=sys.stderr)
        return 2
    try:
        problems = check(url, args.keep)
    except (subprocess.CalledProcessError, psycopg.Error) as error:
        print(f"backup_check: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
