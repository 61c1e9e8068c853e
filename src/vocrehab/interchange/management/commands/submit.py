"""``vocrehab submit --hub NAME [--period YYYY-MM|YYYY-Qn] [--service CODE]``: send a
service's pseudonymised VRMDS submission to a hub now (by default, last month's)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.accounts.models import Service
from vocrehab.interchange.models import SubmissionStatus
from vocrehab.interchange.periods import PeriodError, parse_period, previous_month
from vocrehab.interchange.submitting import hubs_named, submit


class Command(BaseCommand):
    group = "data"
    help = "Send a service's submission to a hub now (default: last month's)."

    def add_arguments(self, parser):
        parser.add_argument("--hub", required=True, metavar="NAME", help="the hub's name")
        parser.add_argument(
            "--period", metavar="PERIOD", help="a month (2026-11) or a quarter (2026-Q4)"
        )
        parser.add_argument(
            "--service",
            metavar="CODE",
            help="only this service (default: every service that sends to the hub)",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        try:
            period = parse_period(options["period"]) if options["period"] else None
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        period = period or previous_month(today)
        services = None
        if options["service"]:
            services = Service.objects.filter(code=options["service"])
        hubs = hubs_named(options["hub"], services)
        if not hubs:
            raise CommandError(
                _('No service here sends to a hub named "%(name)s"%(only)s.')
                % {
                    "name": options["hub"],
                    "only": f" ({options['service']})" if options["service"] else "",
                }
            )
        failed = False
        for hub in hubs:
            outcome = submit(hub, period, today=today)
            self.stdout.write(
                _(
                    "%(service)s %(period)s to %(hub)s: %(status)s (%(episodes)s episodes, "
                    "SHA-256 %(checksum)s)"
                )
                % {
                    "service": hub.service.code,
                    "period": period.code,
                    "hub": hub.name,
                    "status": outcome.get_status_display(),
                    "episodes": outcome.episodes,
                    "checksum": outcome.checksum,
                }
            )
            if outcome.message:
                self.stdout.write(f"  {outcome.message}")
            for error in outcome.errors[:50]:
                where = ":".join(
                    str(p) for p in (error.get("file"), error.get("row"), error.get("column")) if p
                )
                self.stdout.write(f"  {where}: {error.get('message', '')}")
            if outcome.status == SubmissionStatus.RETRYING:
                self.stdout.write(
                    _("  It will be tried again on %(day)s.")
                    % {"day": outcome.next_attempt_on.isoformat()}
                )
            failed |= outcome.status not in (SubmissionStatus.ACCEPTED, SubmissionStatus.UNCHANGED)
        if failed:
            raise CommandError(_("Not every submission was accepted."))
