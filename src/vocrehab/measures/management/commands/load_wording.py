"""``vocrehab load_wording PATH``: load licensed item wording from a CSV or JSON file.

CSV columns: instrument, item, language (default en-gb), text, hint (optional), and
option_<value> columns for answer labels (option_1, option_2 ...). JSON: a list of
objects with the same keys and ``options`` as an object. The project ships no
copyrighted wording; only a service that holds a licence loads it.
"""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vocrehab.measures.services import load_wording

MAX_BYTES = 2 * 1024 * 1024


class Command(BaseCommand):
    group = "data"  # where `vocrehab --help` lists it
    help = "Load licensed questionnaire wording (CSV or JSON) into the database."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--licence", default="", help="Licence reference to record.")

    def handle(self, *args, path, licence, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path} is not a file")
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than 2 MB")
        text = file.read_text(encoding="utf-8-sig")
        if file.suffix.lower() == ".json":
            try:
                rows = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path} is not valid JSON ({exc.msg})") from None
            if not isinstance(rows, list):
                raise CommandError("the JSON file must hold a list of objects")
        else:
            rows = []
            for row in csv.DictReader(text.splitlines()):
                options = {
                    key.removeprefix("option_"): value
                    for key, value in row.items()
                    if key and key.startswith("option_") and value
                }
                rows.append({**row, "options": options})
        try:
            count = load_wording(rows, licence=licence)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Loaded wording for {count} items."))
