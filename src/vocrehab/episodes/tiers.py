"""Tiers of support (stepped care) and the one rule for the highest tier reached.

Tier 1 is self-help, 2 moderate support, 3 intensive case management (``codes.Tier``).
Clients move between tiers as needs change; VRMDS reports the highest tier an episode
reached. Python and SQL both take that rule from here.
"""

from __future__ import annotations

from django.db.models import Case, CharField, F, When

from vocrehab.codes import Tier

# Lowest first. To add a tier: add it to codes.Tier and here, in its place.
TIER_ORDER: tuple[str, ...] = (Tier.ONE, Tier.TWO, Tier.THREE)


def tier_rank(tier: str) -> int:
    """0 for no tier, then 1, 2, 3 … up the order of support."""
    return TIER_ORDER.index(tier) + 1 if tier else 0


def higher_tier(first: str, second: str) -> str:
    """The higher of two tiers (no tier counts lowest)."""
    return second if tier_rank(second) > tier_rank(first) else first


def reported_tier(highest_tier: str, tier: str) -> str:
    """The tier an episode is reported at: the highest reached, or, for records where
    only the current tier was kept, that one (:func:`highest_tier_reached` in SQL)."""
    return highest_tier or tier


def highest_tier_reached(prefix: str = ""):
    """SQL for the tier an episode is reported at: the highest reached, or, for records
    where only the current tier was kept, that one (:func:`reported_tier` in Python).
    ``prefix`` reaches the episode from another model ("episode__")."""
    return Case(
        When(**{f"{prefix}highest_tier": ""}, then=F(f"{prefix}tier")),
        default=F(f"{prefix}highest_tier"),
        output_field=CharField(),
    )
