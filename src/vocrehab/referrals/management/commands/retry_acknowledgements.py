"""``vocrehab retry_acknowledgements``: re-send acknowledgement emails that failed.

Run it from cron (say every 15 minutes), or schedule ``retry_acknowledgements_task``.
"""

from django.core.management.base import BaseCommand

from vocrehab.referrals.services import MAX_EMAIL_ATTEMPTS, retry_acknowledgements


class Command(BaseCommand):
    group = "operations"  # where `vocrehab --help` lists it
    help = "Re-send referral acknowledgement emails that have not gone yet."

    def add_arguments(self, parser):
        parser.add_argument("--max-attempts", type=int, default=MAX_EMAIL_ATTEMPTS)

    def handle(self, *args, max_attempts=MAX_EMAIL_ATTEMPTS, **options):
        sent, failed = retry_acknowledgements(max_attempts=max_attempts)
        self.stdout.write(f"Sent {sent}; still failing {failed}.")
