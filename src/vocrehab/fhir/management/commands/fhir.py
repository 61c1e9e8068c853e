"""``vocrehab fhir export``: services' records as FHIR R4 NDJSON, one file per type.

Runs as the server's administrator (not limited to one person's services), like
``vocrehab dataset export``; the export is written to the access log.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.accounts.models import Service
from vocrehab.audit.services import record_export
from vocrehab.fhir.export import check_types, write_ndjson


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--since %(value)s is not a date (YYYY-MM-DD).") % {"value": text}
        ) from None


class Command(BaseCommand):
    group = "data"  # where `vocrehab --help` lists it
    help = "Export services' records as FHIR R4 NDJSON files, one per resource type."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export",
            help="write DIR/<ResourceType>.ndjson and print the count of each type",
            description="Write FHIR R4 NDJSON (clients whose processing is restricted are "
            "left out).",
        )
        export.add_argument("--out", type=Path, required=True, metavar="DIR")
        export.add_argument(
            "--service",
            action="append",
            metavar="CODE",
            dest="services",
            help="a service to export (repeat for more; default: every active service)",
        )
        export.add_argument(
            "--since", metavar="DATE", help="only records changed on or after this date"
        )
        export.add_argument(
            "--type", metavar="T,...", dest="types", help="resource types (default: all)"
        )

    def handle(self, *args, action, out, services=None, since=None, types=None, **options):
        try:
            wanted = check_types((types or "").split(","))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        chosen = Service.objects.filter(active=True).order_by("code")
        if services:
            chosen = Service.objects.filter(code__in=services).order_by("code")
            missing = sorted(set(services) - {s.code for s in chosen})
            if missing:
                raise CommandError(_("Unknown service %(codes)s.") % {"codes": ", ".join(missing)})
        moment = None
        if since:
            moment = timezone.make_aware(dt.datetime.combine(_date(since), dt.time()))
        chosen = list(chosen)
        counts = write_ndjson(out, chosen, types=wanted, since=moment)
        for service in chosen:
            record_export(
                detail=f"FHIR export (command line) to {out}: {', '.join(wanted)}",
                service_id=service.pk,
            )
        for type_name, count in counts.items():
            self.stdout.write(f"{type_name}: {count}")
