"""``vocrehab subject_access --service CODE --client REF --out FILE.zip``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vocrehab.clients import services
from vocrehab.clients.models import Client


class Command(BaseCommand):
    group = "data"  # where `vocrehab --help` lists it
    help = (
        "Write everything held about one client (a subject access request) to a zip: "
        "JSON, a PDF and their documents. Recorded in the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, metavar="CODE")
        parser.add_argument("--client", required=True, metavar="REF", help="client reference")
        parser.add_argument("--out", required=True, type=Path, metavar="FILE.zip")

    def handle(self, *args, service, client, out, **options):
        found = Client.objects.filter(service__code=service, reference=client).first()
        if found is None:
            raise CommandError(f"No client {client} in service {service}.")
        if out.exists():
            raise CommandError(f"{out} exists: choose a new file name.")
        result = services.subject_access(found)
        out.write_bytes(result.zip_bytes())
        self.stdout.write(
            f"Wrote {out}: everything held about {found.reference} ({len(result.files)} documents)."
        )
