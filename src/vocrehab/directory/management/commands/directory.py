"""``vocrehab directory``: import, export and review an organisation's services directory.

    vocrehab directory import services.csv --organisation demo
    vocrehab directory export --organisation demo [-o services.csv]
    vocrehab directory due --organisation demo

Import is all or nothing, like the page: every problem is printed by row and column and
the command exits with status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vocrehab.accounts.models import Organisation
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event
from vocrehab.directory import csvio, queries
from vocrehab.directory.models import DirectoryService


class Command(BaseCommand):
    group = "directory"  # where `vocrehab --help` lists it
    help = "Import, export or list for review an organisation's services directory."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create or update entries from a CSV file.")
        imp.add_argument("path", type=Path)
        exp = sub.add_parser("export", help="Write the directory as CSV.")
        exp.add_argument("-o", "--output", type=Path, help="File to write (default stdout).")
        sub.add_parser("due", help="List entries whose details are due for checking.")
        for p in (imp, exp, sub.choices["due"]):
            p.add_argument("--organisation", required=True, help="The organisation's code.")

    def handle(self, *args, action, organisation, **options):
        try:
            org = Organisation.objects.get(code=organisation)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with code {organisation!r}.") from exc
        if action == "import":
            self._import(org, options["path"])
        elif action == "export":
            self._export(org, options.get("output"))
        else:
            self._due(org)

    def _import(self, org, path: Path):
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > csvio.MAX_BYTES:
            raise CommandError(f"{path} is larger than 5 MB.")
        try:
            result = csvio.import_directory(path.read_bytes(), organisation=org)
        except csvio.DirectoryImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError("Nothing was imported.", returncode=1) from failed
        record_event(
            action=Action.IMPORT,
            detail=f"services directory CSV (command): {result.created} added, "
            f"{result.updated} updated",
        )
        self.stdout.write(f"{result.created} added, {result.updated} updated.")

    def _export(self, org, output: Path | None):
        entries = queries.with_details(DirectoryService.objects.filter(organisation=org))
        text = csvio.export_csv(entries)
        record_event(action=Action.EXPORT, detail="services directory CSV (command)")
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)

    def _due(self, org):
        entries = queries.due_for_review(
            DirectoryService.objects.filter(organisation=org, active=True)
        ).order_by("last_verified", "name")
        for e in entries:
            checked = e.last_verified.isoformat() if e.last_verified else "never"
            self.stdout.write(f"{e.reference}\t{checked}\t{e.name}")
