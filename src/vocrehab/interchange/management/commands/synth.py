"""``vocrehab synth``: write a synthetic VRMDS dataset for demonstrations and benchmarks.

The same ``--seed`` always gives the same bytes. Nothing in it is a real person.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vocrehab.interchange.synth import write_synthetic_dataset


class Command(BaseCommand):
    group = "data"  # where `vocrehab --help` lists it
    help = "Write a synthetic VRMDS dataset (a folder, or a .zip if PATH ends in .zip)."

    def add_arguments(self, parser):
        parser.add_argument("--episodes", type=int, required=True, metavar="N")
        parser.add_argument("--out", type=Path, required=True, metavar="PATH")
        parser.add_argument("--seed", type=int, default=0, metavar="S")
        parser.add_argument(
            "--services", type=int, default=3, metavar="K", help="number of services (sites)"
        )

    def handle(self, *args, **options):
        if options["episodes"] < 0:
            raise CommandError(_("--episodes must be 0 or more."))
        if options["services"] < 1:
            raise CommandError(_("--services must be 1 or more."))
        out = options["out"]
        if out.exists() and not out.is_dir() and out.suffix.lower() != ".zip":
            raise CommandError(_("%(path)s exists and is not a folder.") % {"path": out})
        started = time.perf_counter()
        counts = write_synthetic_dataset(
            out, episodes=options["episodes"], seed=options["seed"], services=options["services"]
        )
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count:,} rows")
        self.stdout.write(
            _("Wrote %(path)s in %(seconds).1f s.")
            % {"path": out, "seconds": time.perf_counter() - started}
        )
