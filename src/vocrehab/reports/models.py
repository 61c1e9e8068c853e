"""A working-day calendar per nation, so that service standards are computed in SQL.

Service standards count working days (Monday to Friday less the public holidays of the
service's nation). Counting them row by row in Python would not scale to a national
dataset, so each calendar date carries ``index``: the number of working days from a
fixed epoch up to and including that date. The working days between two dates are
then the difference of their indices, a join the database does for every episode.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import Nation


class WorkingDay(models.Model):
    nation = models.CharField(_("nation"), max_length=16, choices=Nation.choices)
    date = models.DateField(_("date"))
    index = models.IntegerField(
        _("working-day index"),
        help_text=_("Working days from the calendar epoch up to and including this date."),
    )
    is_working_day = models.BooleanField(_("working day"))

    class Meta:
        verbose_name = _("calendar day")
        constraints = [
            models.UniqueConstraint(fields=["nation", "date"], name="unique_calendar_day")
        ]

    def __str__(self):
        return f"{self.nation} {self.date} ({self.index})"
