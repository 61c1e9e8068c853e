"""Background tasks (django-tasks). ``vocrehab worker`` runs them and enqueues the sweep.

Tasks take ids, not objects, and do their work through ``services`` so that a task run
twice does no harm.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from . import delivery
from .instruments import INSTRUMENTS

logger = logging.getLogger(__name__)


@task()
def send_due_invitations_task() -> dict:
    """The periodic sweep: see :func:`vocrehab.measures.services.send_due_invitations`."""
    # Here, not at the top: services imports this module to queue tasks.
    from .services import send_due_invitations

    return send_due_invitations()


@task()
def send_link_now(link_id: int) -> dict:
    """Send one link's invitation straight away (staff pressed "send")."""
    # Here, not at the top: services imports this module to queue tasks.
    from .services import send_pending

    return send_pending([link_id])


@task()
def tell_case_manager(administration_id: int) -> bool:
    """Email the case manager that a client completed a questionnaire (no answers in it).

    Raises on a transport failure so that the task shows as failed; the response it
    reports on is already stored and is not touched.
    """
    # Here, not at the top: services imports this module to queue tasks.
    from .models import Administration

    administration = (
        Administration.objects.select_related("episode__case_manager")
        .filter(pk=administration_id)
        .first()
    )
    if administration is None or administration.episode.case_manager is None:
        return False
    manager = administration.episode.case_manager
    if not manager.email:
        return False
    url = delivery.public_url(reverse("measures:episode", args=[administration.episode_id]))
    definition = INSTRUMENTS.get(administration.instrument)
    values = dict(administration.values.values_list("item", "value"))
    urgent = definition is not None and bool(definition.safety_answers(values))
    # No names or answers in the email: only the episode reference and a link to sign in.
    send_mail(
        ("Contact the client today: " if urgent else "")
        + f"Questionnaire completed for episode {administration.episode.reference}",
        "A client has completed a questionnaire.\n\n"
        + ("One answer needs contact with the client today: see My tasks.\n\n" if urgent else "")
        + f"See it (sign-in needed): {url}\n",
        settings.DEFAULT_FROM_EMAIL,
        [manager.email],
        fail_silently=False,
    )
    return True
