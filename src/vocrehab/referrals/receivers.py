"""Referrals' answers to signals of the apps below it (connected in apps.py)."""

from __future__ import annotations

from .models import Referral


def clients_with_referral_reference(sender, *, service, reference, **kwargs):
    """A referral merged into an episode is found by its own reference too."""
    return Referral.objects.filter(
        service=service, reference=reference, merged_into__isnull=False
    ).values_list("merged_into__client_id", flat=True)
