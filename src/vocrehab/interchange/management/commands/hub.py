"""``vocrehab hub``: the hubs a service sends its monthly submission to.

``vocrehab hub add --service CODE --name NAME --url URL`` reads the hub's token from
standard input (so it is in no command line or shell history) and never shows it
again; ``vocrehab hub list``; ``vocrehab hub remove --service CODE --name NAME`` stops
sending (what was sent stays recorded).
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vocrehab.accounts.models import Service
from vocrehab.interchange.models import Hub
from vocrehab.interchange.submitting import check_hub


class Command(BaseCommand):
    group = "data"
    help = "Add, list or remove the hubs services send their monthly submission to."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "list", "remove"])
        parser.add_argument("--service", metavar="CODE")
        parser.add_argument("--name", metavar="NAME")
        parser.add_argument("--url", metavar="URL")
        parser.add_argument(
            "--not-monthly", action="store_true", help="send only when asked (vocrehab submit)"
        )

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            for hub in Hub.objects.select_related("service").order_by("service__code", "name"):
                self.stdout.write(
                    f"{hub.service.code} {hub.name} {hub.url} token {hub.token_hint} "
                    + (_("monthly") if hub.monthly else _("when asked"))
                    + ("" if hub.active else " " + _("(stopped)"))
                )
            return
        if not options["service"] or not options["name"]:
            raise CommandError(_("Give --service and --name."))
        service = Service.objects.filter(code=options["service"]).first()
        if service is None:
            raise CommandError(_("There is no service %(code)s.") % {"code": options["service"]})
        if action == "remove":
            updated = Hub.objects.filter(service=service, name=options["name"]).update(active=False)
            if not updated:
                raise CommandError(_("No such hub."))
            self.stdout.write(_("Stopped sending to %(name)s.") % {"name": options["name"]})
            return
        if sys.stdin.isatty():
            token = getpass.getpass(_("The hub's token (not shown): "))
        else:
            token = sys.stdin.readline()
        hub = Hub(
            service=service,
            name=options["name"],
            url=options["url"] or "",
            token=token.strip(),
            monthly=not options["not_monthly"],
        )
        try:
            check_hub(hub)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        existing = Hub.objects.filter(service=service, name=hub.name).first()
        if existing is not None:
            # A new token or address for the same hub keeps its pseudonym key.
            existing.url, existing.token = hub.url, hub.token
            existing.monthly, existing.active = hub.monthly, True
            existing.save()
            hub = existing
        else:
            hub.save()
        self.stdout.write(
            _("%(service)s sends to %(name)s at %(url)s (token %(hint)s).")
            % {"service": service.code, "name": hub.name, "url": hub.url, "hint": hub.token_hint}
        )
