"""Scheduled reports: the period a run covers, subscribing, and producing what is due.

Every day the worker announces the new day (:data:`vocrehab.scheduling.daily`); the
reports app queues :func:`tasks.run_scheduled_reports_task`, which calls
:func:`run_due`. For each active subscription the period due is the last complete
calendar month or quarter; a run is made once per subscription and period (a unique
constraint), so a second worker, or the same day twice, makes nothing more.

A run acts as its subscriber on the day it runs: the stored parameters are checked again
with :class:`~vocrehab.reports.forms.EvaluationForm` for them, and the report comes from
:func:`queries.evaluation_for`, so a service they may no longer report on fails the run
with the reason recorded, and a commissioner's figures are suppressed. The files are
those of the evaluation page's downloads (:mod:`exports`).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, has_perm
from vocrehab.accounts.mail import queue_staff_email
from vocrehab.audit.services import record_export
from vocrehab.dates import add_months
from vocrehab.measures.delivery import public_url

from . import exports, presentation, queries
from .forms import EvaluationForm
from .models import Frequency, ReportSubscription, RunStatus, ScheduledRun

logger = logging.getLogger(__name__)

# The parameters the schedule sets itself; a subscription never stores them.
PERIOD_PARAMETERS = ("date_from", "date_to")
# The two files every run keeps.
RUN_FORMATS = ("pdf", "xlsx")
# The evaluation form's fields that reach queries.evaluation_for (see report_for). A test
# fails when the form gains a field that is not listed here, so that it is passed on.
# What the evaluation form's fields become in the report; "area" (a commissioning node)
# is resolved into its services by the form on the day of each run, so a service that
# joins the area later is counted from then on.
REPORT_ARGUMENTS = ("services", "area", "date_from", "date_to", "publication", "value_set")
# A run still "being produced" after this long was abandoned by a stopped worker.
STALE_AFTER = dt.timedelta(hours=2)


# -- the period ------------------------------------------------------------------


def period_due(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete calendar month or quarter before ``today``: (first, last day)."""
    this_month = today.replace(day=1)
    if frequency == Frequency.MONTHLY:
        start = add_months(this_month, -1)
        return start, this_month - dt.timedelta(days=1)
    if frequency == Frequency.QUARTERLY:
        this_quarter = this_month.replace(month=(today.month - 1) // 3 * 3 + 1)
        return add_months(this_quarter, -3), this_quarter - dt.timedelta(days=1)
    raise ValueError(f"unknown frequency {frequency!r}")


def next_report(frequency: str, today: dt.date, made=()) -> tuple[dt.date, dt.date, dt.date]:
    """(first day, last day, day it is made) of a subscription's next report, given the
    first days of the periods ``made`` already: the period due now, made at the next
    daily run (tomorrow), or else the following one, made the day after it ends."""
    start, end = period_due(frequency, today)
    if start not in set(made):
        return start, end, today + dt.timedelta(days=1)
    following = end + dt.timedelta(days=1)
    last = add_months(following, 1 if frequency == Frequency.MONTHLY else 3) - dt.timedelta(days=1)
    return following, last, last + dt.timedelta(days=1)


def period_words(start: dt.date, end: dt.date) -> str:
    """ "November 2026", "October to December 2026", "December 2026 to February 2027"."""
    if (start.year, start.month) == (end.year, end.month):
        return date_format(start, "F Y")
    if start.year == end.year:
        return _("%(first)s to %(last)s") % {
            "first": date_format(start, "F"),
            "last": date_format(end, "F Y"),
        }
    return _("%(first)s to %(last)s") % {
        "first": date_format(start, "F Y"),
        "last": date_format(end, "F Y"),
    }


# -- subscribing -----------------------------------------------------------------


def report_parameters(query, user) -> tuple[EvaluationForm, dict]:
    """(form, parameters) from the evaluation page's query string, for ``user``.

    The parameters are every field the form accepts except the period, as lists of
    strings; valid only when the form is.
    """
    form = EvaluationForm(query, user=user)
    parameters = {
        name: [value for value in query.getlist(name) if value != ""]
        for name in form.fields
        if name not in PERIOD_PARAMETERS
    }
    return form, {name: values for name, values in parameters.items() if values}


def subscribe(user, *, name: str, frequency: str, parameters: dict) -> ReportSubscription:
    return ReportSubscription.objects.create(
        owner=user, name=name, frequency=frequency, parameters=parameters
    )


def cancel(subscription: ReportSubscription) -> None:
    """Stop future runs; the runs made so far stay to download."""
    ReportSubscription.objects.filter(pk=subscription.pk, active=True).update(
        active=False, cancelled_at=timezone.now()
    )


# -- running ---------------------------------------------------------------------


class RunRefused(Exception):
    """The report cannot be made for the subscriber: the message says why, to them."""


def run_dir(run: ScheduledRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "scheduled-reports" / str(run.pk)


def file_name(run: ScheduledRun, fmt: str) -> str:
    return f"evaluation-{run.period_start.isoformat()}-to-{run.period_end.isoformat()}.{fmt}"


def checked_form(subscription: ReportSubscription, start: dt.date, end: dt.date):
    """The subscription's report choice for the period, validated for its owner now.

    Raises :class:`RunRefused` with a reason the owner can act on.
    """
    owner = subscription.owner
    if not has_perm(owner, Perm.VIEW_REPORTS):
        raise RunRefused(_("You no longer have permission to see reports."))
    data = MultiValueDict({k: list(v) for k, v in subscription.parameters.items()})
    data.setlist("date_from", [start.isoformat()])
    data.setlist("date_to", [end.isoformat()])
    wanted = {str(v) for v in data.getlist("services")}
    allowed = {str(pk) for pk in queries.reportable_services(owner).values_list("pk", flat=True)}
    if wanted - allowed:
        raise RunRefused(
            _(
                "You may no longer report on every service this report covers. "
                "Cancel this scheduled report and subscribe again from the report page."
            )
        )
    form = EvaluationForm(data, user=owner)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else ''}: {message}".lstrip(": ")
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise RunRefused(
            _("The report's choices are no longer valid: %(problems)s")
            % {"problems": " ".join(problems)}
        )
    return form


def report_for(owner, data: dict) -> tuple[dict, bool]:
    """The evaluation report for the form's cleaned data, as :func:`queries.evaluation_for`
    gives it to ``owner`` (suppressed for a commissioner or for publication)."""
    return queries.evaluation_for(
        owner,
        data["services"],
        data["date_from"],
        data["date_to"],
        publication=data["publication"],
        value_set=data["value_set"] or None,
    )


def _claim(subscription: ReportSubscription, start: dt.date, end: dt.date) -> ScheduledRun | None:
    """The new run for the period, or None when another run has it already.

    A run left "being produced" for longer than :data:`STALE_AFTER` (its worker was
    stopped part-way) is taken over, by one claimant only.
    """
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                subscription=subscription, period_start=start, period_end=end
            )
    except IntegrityError:
        pass
    now = timezone.now()
    stale = ScheduledRun.objects.filter(
        subscription=subscription,
        period_start=start,
        status=RunStatus.RUNNING,
        created_at__lt=now - STALE_AFTER,
    )
    run = stale.first()
    if run is None or not stale.filter(pk=run.pk).update(created_at=now):
        return None
    run.refresh_from_db()
    run.subscription = subscription
    return run


def produce(run: ScheduledRun) -> ScheduledRun:
    """Make the run's files, or record why not; never raises. Then tell the subscriber."""
    subscription = run.subscription
    owner = subscription.owner
    folder = run_dir(run)
    try:
        form = checked_form(subscription, run.period_start, run.period_end)
        data = form.cleaned_data
        report, suppressed = report_for(owner, data)
        bodies = {
            "xlsx": exports.to_xlsx(report),
            "pdf": exports.to_pdf(
                report,
                suppressed=suppressed,
                change_over_time=presentation.change_over_time(
                    data["services"], data["date_from"], data["date_to"], suppressed=suppressed
                ),
            ),
        }
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for fmt in RUN_FORMATS:
            name = file_name(run, fmt)
            (folder / name).write_bytes(bodies[fmt])
            files.append({"format": fmt, "name": name, "size": len(bodies[fmt])})
    except RunRefused as refused:
        _finish(run, status=RunStatus.FAILED, error=str(refused))
    except Exception as error:  # noqa: BLE001 - one subscription must not stop the others
        logger.exception("scheduled report run %s failed", run.pk)
        shutil.rmtree(folder, ignore_errors=True)
        _finish(
            run,
            status=RunStatus.FAILED,
            error=_("The report could not be produced (%(error)s). Ask your administrator.")
            % {"error": type(error).__name__},
        )
    else:
        services = list(data["services"])
        _finish(
            run,
            status=RunStatus.DONE,
            files=files,
            suppressed=suppressed,
            service_ids=[s.pk for s in services],
        )
        record_export(
            user=owner,
            detail=(
                f"scheduled evaluation report {run.pk} produced (pdf, xlsx) "
                f"services={','.join(s.code for s in services)} "
                f"from={run.period_start} to={run.period_end}"
                f"{' suppressed' if suppressed else ''}"
            ),
            service_id=services[0].pk if len(services) == 1 else None,
        )
    run.refresh_from_db()
    notify(run)
    return run


def _finish(run: ScheduledRun, **fields) -> None:
    ScheduledRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **fields)


def notify(run: ScheduledRun) -> None:
    """Email the subscriber that the run is ready (or was not produced), with a link to the
    Scheduled reports page: no figures, services or reasons in the email."""
    owner = run.subscription.owner
    if not owner.email:
        return
    period = period_words(run.period_start, run.period_end)
    link = public_url(reverse("reports:scheduled"))
    name = run.subscription.name
    if run.status == RunStatus.DONE:
        subject = _("Your scheduled report is ready: %(name)s") % {"name": name}
        first = _(
            'Your scheduled report "%(name)s" for %(period)s is ready to download as PDF and XLSX.'
        ) % {"name": name, "period": period}
    else:
        subject = _("Your scheduled report was not produced: %(name)s") % {"name": name}
        first = _(
            'Your scheduled report "%(name)s" for %(period)s could not be produced. The '
            "Scheduled reports page says why."
        ) % {"name": name, "period": period}
    body = "\n\n".join(
        [
            first,
            _("Scheduled reports (sign-in needed): %(link)s") % {"link": link},
            _(
                "You get this email because you subscribed to this report. You can cancel it "
                "on the same page."
            ),
        ]
    )
    message = EmailMessage(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [owner.email])
    queue_staff_email(message, user_id=owner.pk, purpose="scheduled report")


@dataclass
class Outcome:
    produced: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    already: int = 0

    def as_dict(self) -> dict:
        return {"produced": self.produced, "failed": self.failed, "already": self.already}


def run_due(today: dt.date | None = None) -> Outcome:
    """Make every active subscription's report for its period due on ``today``, once."""
    today = today or timezone.localdate()
    outcome = Outcome()
    subscriptions = ReportSubscription.objects.filter(
        active=True, owner__is_active=True
    ).select_related("owner")
    for subscription in subscriptions.order_by("pk"):
        start, end = period_due(subscription.frequency, today)
        run = _claim(subscription, start, end)
        if run is None:
            outcome.already += 1
            continue
        run = produce(run)
        (outcome.produced if run.status == RunStatus.DONE else outcome.failed).append(run.pk)
    return outcome


# -- downloading -----------------------------------------------------------------


def runs_of(user):
    """The user's own runs, with their subscription."""
    return ScheduledRun.objects.filter(subscription__owner=user).select_related("subscription")


def may_download(user, run: ScheduledRun) -> bool:
    """May ``user`` still have this run's figures? Only its subscriber, while they may
    report on every service it covers, and not an unsuppressed report once they would
    only be shown it suppressed."""
    if run.subscription.owner_id != user.pk or run.status != RunStatus.DONE:
        return False
    services = list(queries.reportable_services(user).filter(pk__in=run.service_ids))
    if len(services) != len(set(run.service_ids)):
        return False
    return run.suppressed or not queries.must_suppress(user, services)
