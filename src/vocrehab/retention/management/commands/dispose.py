"""``vocrehab dispose``: records past their retention period (see docs/administration.md)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vocrehab.accounts.models import Service
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode

from ... import anonymise, queries, services


class Command(BaseCommand):
    group = "operations"  # where `vocrehab --help` lists it
    help = (
        "List, record or dispose of the records past their retention period. "
        "--dry-run lists what would go and writes nothing; --find records it for a "
        "manager's confirmation (what the nightly check does); --confirm --by EMAIL "
        "anonymises what is awaiting confirmation in one service."
    )

    def add_arguments(self, parser):
        parser.add_argument("--service", help="A service's code (default: every service).")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="List what would go.")
        mode.add_argument("--find", action="store_true", help="Record what is due.")
        mode.add_argument("--confirm", action="store_true", help="Anonymise what awaits.")
        parser.add_argument("--by", help="The confirming service manager's email.")

    def handle(self, *args, service=None, dry_run, find, confirm, by, **options):
        services_chosen = self._services(service)
        today = timezone.localdate()
        if dry_run:
            for svc in services_chosen:
                self._dry_run(svc, today)
        elif find:
            for svc in services_chosen:
                found = services.find_due(svc, today=today)
                self.stdout.write(
                    f"{svc.code}: {found.added} newly due, {found.awaiting} awaiting "
                    f"confirmation, {found.withdrawn} no longer due"
                )
        else:
            self._confirm(service, services_chosen, by, today)

    def _services(self, code):
        found = Service.objects.filter(active=True).order_by("code")
        if code:
            found = found.filter(code=code)
            if not found:
                raise CommandError(f"no active service has the code {code!r}")
        return list(found)

    def _dry_run(self, service, today):
        due = queries.due_clients(service, today)
        episodes = sum(len(d.episode_ids) for d in due)
        self.stdout.write(
            f"{service.code}: {len(due)} people, {episodes} episodes would be anonymised "
            "(dry run: nothing is changed)"
        )
        references = dict(
            Episode.objects.filter(pk__in=[pk for d in due for pk in d.episode_ids]).values_list(
                "pk", "reference"
            )
        )
        for d in due:
            counts = anonymise.counts(Client.objects.get(pk=d.client_id))
            refs = ", ".join(references[pk] for pk in d.episode_ids)
            parts = [
                f"{action} {n} {kind}"
                for action in ("deleted", "anonymised")
                for kind, n in counts[action].items()
            ]
            self.stdout.write(
                f"  client {d.client_id}: {refs}; retention ended {d.due_on.day} {d.due_on:%b %Y}; "
                + "; ".join(parts)
            )

    def _confirm(self, code, services_chosen, email, today):
        if not code or not email:
            raise CommandError("--confirm needs --service CODE and --by EMAIL")
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account has the email {email!r}")
        (service,) = services_chosen
        try:
            done = services.dispose(service, by=user, today=today)
        except PermissionDenied:
            raise CommandError(
                f"{email} may not confirm disposals in {service.code} (a service manager must)"
            ) from None
        self.stdout.write(
            f"{service.code}: {done.clients} people, {done.episodes} episodes anonymised; "
            f"{done.change_history_removed} change history entries deleted"
        )
