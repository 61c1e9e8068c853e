"""Counting requests in fixed windows, in the shared cache (Redis when more than one
process serves the site, so every process adds to one count).

Used for the public forms' submissions per address, a questionnaire code's attempts per
address, an API token's requests, and refused API tokens per address.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


def _window(key: str, period: int) -> tuple[str, int]:
    """The cache key of ``key``'s current window, and the seconds until it ends."""
    now = time.time()
    window = int(now // period)
    return f"{key}:{window}", max(1, math.ceil((window + 1) * period - now))


def hit(key: str, period: int) -> tuple[int, int]:
    """Count one more under ``key`` in the current window of ``period`` seconds:
    (the count in this window so far, seconds until the window ends)."""
    window_key, seconds = _window(key, period)
    cache.add(window_key, 0, period + 1)
    try:
        count = cache.incr(window_key)
    except ValueError:  # expired between add and incr
        cache.set(window_key, 1, period + 1)
        count = 1
    return count, seconds


def counted(key: str, period: int) -> tuple[int, int]:
    """The count under ``key`` in the current window, without adding to it: (count,
    seconds until the window ends)."""
    window_key, seconds = _window(key, period)
    return cache.get(window_key, 0), seconds


def address_key(request, purpose: str) -> str:
    """A cache key for ``purpose`` and the request's address, hashed so that the cache
    never holds an address in clear."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"{purpose}:{digest}"
