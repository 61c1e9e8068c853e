"""``vocrehab repair_questionnaires``: schedule the entry, discharge and follow-up
questionnaires that episodes recorded before every path announced its steps never got.

Only what can still be collected is scheduled (see
:func:`vocrehab.measures.services.schedule_missing_questionnaires`); running it again
schedules nothing.
"""

from django.core.management.base import BaseCommand

from vocrehab.codes import Timepoint
from vocrehab.measures.services import schedule_missing_questionnaires


class Command(BaseCommand):
    group = "operations"  # where `vocrehab --help` lists it
    help = (
        "Schedule the entry, discharge and follow-up questionnaires missing from episodes, "
        "where they can still be collected. Says how many per timepoint; a second run "
        "schedules nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be scheduled and write nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        counts = schedule_missing_questionnaires(dry_run=dry_run)
        verb = "Would schedule" if dry_run else "Scheduled"
        for timepoint in (Timepoint.ENTRY, Timepoint.DISCHARGE, Timepoint.FOLLOWUP):
            episodes, questionnaires = counts[str(timepoint)]
            self.stdout.write(
                f"{verb} {questionnaires} {timepoint.label.lower()} questionnaire(s) "
                f"for {episodes} episode(s)."
            )
        if not any(q for _e, q in counts.values()):
            self.stdout.write(self.style.SUCCESS("Nothing was missing."))
