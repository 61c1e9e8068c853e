"""The episode core's answers to signals of the apps below it (connected in apps.py)."""

from __future__ import annotations

from .models import Episode


def clients_with_episode_reference(sender, *, service, reference, **kwargs):
    """A client search by reference finds the client of the episode with that reference."""
    return Episode.objects.filter(service=service, reference=reference).values_list(
        "client_id", flat=True
    )
