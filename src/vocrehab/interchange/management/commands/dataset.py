"""``vocrehab dataset validate PATH``: check a VRMDS dataset and list every problem.

Prints one line per problem (``FILE:ROW:COLUMN: message``), then a line with the true
number of problems. Exits with status 1 when there is any problem, 0 otherwise, so that
scripts and CI can rely on it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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

    def handle(self, *args, **options):
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
