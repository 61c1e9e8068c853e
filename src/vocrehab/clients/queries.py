"""Reads of client records, always within the services the user may see."""

from __future__ import annotations

import datetime
import re

from django.db.models import Q
from django.shortcuts import get_object_or_404

from vocrehab.accounts.access import Perm, services_for

from .identifiers import normalise_nhs_number
from .models import Client

SEARCH_LIMIT = 50
_REFERENCE = re.compile(r"^(VR|C)-[0-9A-Z]{4,10}$", re.IGNORECASE)


def parse_date(text: str) -> datetime.date | None:
    """A date typed as 14/05/1970, 14-05-1970, 14.05.1970 or 1970-05-14; else None."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    return None


def search_clients(service, query: str, *, limit: int = SEARCH_LIMIT):
    """Clients of ``service`` matching ``query``: a reference, NHS/CHI number, date of birth
    or name (surname, or first name and surname; matched from the start, any case).

    One query; each condition is served by an index (see docs/performance.md).
    """
    query = (query or "").strip()
    if not query or service is None:
        return Client.objects.none()
    base = Client.objects.filter(service=service)
    digits = normalise_nhs_number(query)
    if digits.isdigit() and len(digits) == 10:
        found = base.filter(nhs_number=digits)
    elif (born := parse_date(query)) is not None:
        found = base.filter(date_of_birth=born)
    elif _REFERENCE.match(query):
        from vocrehab.casework.models import Episode
        from vocrehab.referrals.models import Referral

        code = query.upper()
        # Subqueries rather than joins: each is one indexed look-up, and no row repeats.
        found = base.filter(
            Q(reference=code)
            | Q(pk__in=Episode.objects.filter(service=service, reference=code).values("client_id"))
            | Q(
                pk__in=Referral.objects.filter(service=service, reference=code).values(
                    "merged_into__client_id"
                )
            )
        )
    else:
        words = query.split()
        if len(words) == 1:
            found = base.filter(last_name__istartswith=words[0])
        else:
            found = base.filter(
                Q(first_name__istartswith=words[0], last_name__istartswith=words[-1])
                | Q(last_name__istartswith=words[0], first_name__istartswith=words[-1])
            )
    return found.order_by("last_name", "first_name", "pk")[:limit]


def client_for(user, pk: int, perm: Perm = Perm.VIEW_PERSON) -> Client:
    """One client the user may see (their services only), else 404."""
    return get_object_or_404(
        Client.objects.select_related("service"),
        pk=pk,
        service__in=services_for(user, perm),
    )
