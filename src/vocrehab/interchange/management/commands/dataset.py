"""``vocrehab dataset validate|import|export``: VRMDS datasets from the command line.

``validate PATH`` prints one line per problem (``FILE:ROW:COLUMN: message``), then a
line with the true number of problems, and exits with status 1 when there is any.
``import PATH`` validates, then imports all or nothing, and prints what it created and
updated (status 1 and every error if the data is invalid). ``export --out PATH`` writes
VRMDS v1. Commands run as the server's administrator: they are not limited to one
service, so only people who administer the installation can run them.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vocrehab.codes import Nation
from vocrehab.interchange.exporter import FORMATS, ExportError, export_dataset
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.pseudonyms import DATE_MODES
from vocrehab.interchange.vrmds.reader import MIB, Limits
from vocrehab.interchange.vrmds.validate import (
    DEFAULT_MAX_ERRORS,
    format_errors,
    validate_dataset,
)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise CommandError(_("'%(value)s' is not a positive whole number.") % {"value": text})
    return value


class Command(BaseCommand):
    group = "data"  # where `vocrehab --help` lists it
    help = "Work with VRMDS datasets (folder, .zip or .xlsx)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = actions.add_parser(
            "validate",
            help="check a dataset against VRMDS v1 and print every error",
            description="Check a dataset against VRMDS v1; exit status 1 if it has errors.",
        )
        validate.add_argument("path", type=Path, help="folder, .zip or .xlsx")
        validate.add_argument(
            "--max-errors",
            type=_positive,
            default=DEFAULT_MAX_ERRORS,
            metavar="N",
            help=f"print at most N errors; the count is always complete (default "
            f"{DEFAULT_MAX_ERRORS})",
        )
        validate.add_argument(
            "--max-file-mb",
            type=_positive,
            default=Limits.max_file_bytes // MIB,
            metavar="MB",
            help="largest single file accepted, uncompressed",
        )
        validate.add_argument(
            "--max-total-mb",
            type=_positive,
            default=Limits.max_total_bytes // MIB,
            metavar="MB",
            help="largest dataset accepted, all files together, uncompressed",
        )

        importer = actions.add_parser(
            "import",
            help="validate a dataset, then import it all or nothing",
            description="Validate a VRMDS dataset and import it in one transaction; "
            "importing it again updates rather than duplicates.",
        )
        importer.add_argument("path", type=Path, help="folder, .zip or .xlsx")
        importer.add_argument(
            "--service",
            metavar="CODE",
            help="import only this service's episodes (or, if the dataset holds one "
            "other service code, import its episodes into this service)",
        )
        importer.add_argument(
            "--create-services",
            action="store_true",
            help="create services whose code is not known (under a default organisation)",
        )
        importer.add_argument(
            "--nation",
            choices=[str(n) for n in Nation.values],
            help="nation of created services (guessed from the data otherwise)",
        )
        importer.add_argument(
            "--dry-run", action="store_true", help="do everything, then roll back"
        )
        importer.add_argument(
            "--max-errors",
            type=_positive,
            default=DEFAULT_MAX_ERRORS,
            metavar="N",
            help="print at most N errors; the count is always complete",
        )
        exporter = actions.add_parser(
            "export",
            help="write services' records as a VRMDS v1 dataset",
            description="Write VRMDS v1 (stable row and column order).",
        )
        exporter.add_argument("--out", type=Path, required=True, metavar="PATH")
        exporter.add_argument(
            "--service",
            action="append",
            metavar="CODE",
            dest="services",
            help="a service to export (repeat for more; default: every service)",
        )
        exporter.add_argument("--format", choices=FORMATS, default=None)
        exporter.add_argument(
            "--pseudonymise",
            action="store_true",
            help="drop NHS numbers and free text, hash client and episode ids with "
            "VOCREHAB_PSEUDONYMISATION_KEY; age as a band, deprivation as a decile, rare "
            "values grouped, and k-anonymity reported",
        )
        exporter.add_argument(
            "--dates",
            choices=DATE_MODES,
            default="shift",
            help="pseudonymised dates: shift (each person's by a secret number of days, "
            "the default) or month (the first of the month)",
        )
        exporter.add_argument(
            "--min-k",
            type=_positive,
            default=None,
            metavar="K",
            help="refuse a pseudonymised export whose smallest group of episodes sharing "
            "age band, sex, area and condition is smaller than K",
        )

    def handle(self, *args, **options):
        action = options["action"]
        if action == "import":
            return self._import(options)
        if action == "export":
            return self._export(options)
        limits = Limits(
            max_file_bytes=options["max_file_mb"] * MIB,
            max_total_bytes=options["max_total_mb"] * MIB,
            max_container_bytes=options["max_file_mb"] * MIB,
        )
        result = validate_dataset(options["path"], max_errors=options["max_errors"], limits=limits)
        for line in format_errors(result):
            self.stdout.write(line)
        if not result.is_valid:
            raise SystemExit(1)

    def _import(self, options):
        summary = import_dataset(
            options["path"],
            service_code=options["service"],
            create_services=options["create_services"],
            dry_run=options["dry_run"],
            nation=options["nation"],
            max_errors=options["max_errors"],
        )
        for line in summary.lines():
            self.stdout.write(line)
        if not summary.ok:
            raise SystemExit(1)

    def _export(self, options):
        out = options["out"]
        fmt = options["format"] or {".zip": "zip", ".xlsx": "xlsx"}.get(out.suffix.lower(), "csv")
        if fmt == "csv" and out.exists() and not out.is_dir():
            raise CommandError(_("%(path)s exists and is not a folder.") % {"path": out})
        try:
            summary = export_dataset(
                out,
                services=options["services"],
                fmt=fmt,
                pseudonymise=options["pseudonymise"],
                dates=options["dates"],
                min_k=options["min_k"],
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(summary))
