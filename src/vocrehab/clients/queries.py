"""Reads of client records, always within the services the user may see."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Collate, Upper
from django.shortcuts import get_object_or_404

from vocrehab.accounts.access import Perm, services_for

from .identifiers import normalise_nhs_number
from .models import Client
from .signals import client_reference_searched

SEARCH_LIMIT = 50

# What a role with contact details only (admin assistants) is shown of a client: enough
# to confirm who they are speaking to and how to reach them.
CONTACT_FIELDS = ["first_name", "last_name", "date_of_birth", "address", "postcode", "phone"]
CONTACT_FIELDS += ["email", "contact_by_phone", "contact_by_email", "contact_by_post"]
CONTACT_FIELDS += ["safe_to_leave_message", "contact_notes"]
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


def _name_key(field: str):
    """The upper-cased name in byte order: the expression the PostgreSQL index holds."""
    if connection.vendor == "postgresql":
        return Collate(Upper(field), "C")
    return Upper(field)


def _prefix(alias: str, text: str) -> Q:
    """``alias`` starts with ``text`` (already upper case), as a range an index can use."""
    upper_bound = text[:-1] + chr(ord(text[-1]) + 1)
    return Q(**{f"{alias}__gte": text, f"{alias}__lt": upper_bound})


def search_clients(service, query: str, *, limit: int = SEARCH_LIMIT):
    """Clients of ``service`` matching ``query``: a reference, NHS/CHI number, date of birth
    or name (surname, or first name and surname either way round; matched from the start,
    any case). At most ``limit``, ordered by surname then first name.

    A bounded number of queries whatever the data (one, or three for a reference); each
    is served by an index on PostgreSQL (see docs/performance.md).
    """
    query = (query or "").strip()
    if not query or service is None:
        return Client.objects.none()
    base = Client.objects.filter(service=service).alias(
        last_key=_name_key("last_name"), first_key=_name_key("first_name")
    )
    digits = normalise_nhs_number(query)
    if digits.isdigit() and len(digits) == 10:
        found = base.filter(nhs_number=digits)
    elif (born := parse_date(query)) is not None:
        found = base.filter(date_of_birth=born)
    elif _REFERENCE.match(query):
        code = query.upper()
        # Looked up first, each by its unique index: an OR of subqueries would make
        # PostgreSQL scan the service's clients.
        ids = set()
        for _receiver, found in client_reference_searched.send(
            sender=Client, service=service, reference=code
        ):
            ids.update(found)
        found = base.filter(Q(reference=code) | Q(pk__in=ids))
    else:
        words = [w.upper() for w in query.split()]
        if len(words) == 1:
            found = base.filter(_prefix("last_key", words[0]), last_name__istartswith=words[0])
        else:
            first, last = words[0], words[-1]
            found = base.filter(
                (_prefix("first_key", first) & _prefix("last_key", last))
                | (_prefix("last_key", first) & _prefix("first_key", last))
            )
    return found.order_by("last_key", "first_key", "pk")[:limit]


def client_for(user, pk: int, perm: Perm = Perm.VIEW_PERSON) -> Client:
    """One client the user may see (their services only), else 404."""
    return get_object_or_404(
        Client.objects.select_related("service"),
        pk=pk,
        service__in=services_for(user, perm),
    )
