"""``vocrehab import_deprivation PATH --index simd2020|imd2019|imd2025``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vocrehab.clients.deprivation_import import (
    SUPPORTED_INDICES,
    ImportProblem,
    import_file,
    load_samples,
)


class Command(BaseCommand):
    group = "data"  # where `vocrehab --help` lists it
    help = (
        "Load the postcode → small area → deprivation look-up from the government's "
        "published files (see docs/referrals.md). Replaces the rows of that index."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="ranks file, or postcode look-up with ranks")
        parser.add_argument("--index", choices=SUPPORTED_INDICES)
        parser.add_argument(
            "--postcodes", help="postcode → small area file (NSPL) when PATH has no postcodes"
        )
        parser.add_argument(
            "--sample", action="store_true", help="load the invented sample shipped with vocrehab"
        )

    def handle(self, *args, path=None, index=None, postcodes=None, sample=False, **options):
        try:
            if sample and not path:
                count = load_samples()
            else:
                if not path or not index:
                    raise CommandError("Give PATH and --index (or --sample on its own).")
                source = Path(path)
                if not source.exists():
                    raise CommandError(f"{source} does not exist.")
                extra = Path(postcodes) if postcodes else None
                if extra is not None and not extra.exists():
                    raise CommandError(f"{extra} does not exist.")
                count = import_file(source, index, postcodes=extra, sample=sample)
        except ImportProblem as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} postcodes."))
