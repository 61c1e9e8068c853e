"""Abuse protection for the public forms, without third-party services.

A count of submissions per address per hour in the shared cache (Redis with more than
one web process), a cap on the request body, and a honeypot field (``forms``).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.shortcuts import render

from vocrehab.ratelimit import address_key, hit

# Every POST of every step counts: a referral takes four or five.
DEFAULT_LIMIT_PER_HOUR = 60
DEFAULT_MAX_BODY_BYTES = 64 * 1024


def limit_per_hour() -> int:
    return int(getattr(settings, "REFERRAL_RATE_LIMIT_PER_HOUR", DEFAULT_LIMIT_PER_HOUR))


def max_body_bytes() -> int:
    return int(getattr(settings, "REFERRAL_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def over_limit(request) -> bool:
    """Count this submission; True once the address has sent more than the hourly limit."""
    count, _seconds = hit(address_key(request, "referrals:rate"), 3600)
    return count > limit_per_hour()


def protected_form(view):
    """Refuse oversized bodies (413) and too many submissions from one address (429)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_body_bytes():
                return render(request, "referrals/public/too_large.html", status=413)
            if over_limit(request):
                response = render(request, "referrals/public/too_many.html", status=429)
                response["Retry-After"] = "3600"
                return response
        return view(request, *args, **kwargs)

    return wrapped
