"""The directory's answers to the episode core's signals (connected in ``apps.py``)."""

from __future__ import annotations

from .models import MaterialGiven
from .queries import due_in_work_reviews


def library_material_titles(sender, *, episode, **kwargs) -> list[str]:
    """Titles of the self-help material given in ``episode``, in the order given."""
    return list(
        MaterialGiven.objects.filter(episode=episode)
        .order_by("date", "pk")
        .values_list("material__title", flat=True)
    )


def in_work_reviews_due(sender, *, user, services, today, **kwargs) -> list:
    """The in-work reviews of the user's own clients due this week."""
    return list(due_in_work_reviews(services=services, today=today, case_manager=user))
