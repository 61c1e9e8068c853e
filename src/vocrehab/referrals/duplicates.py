"""Is this person already known to the service? Same NHS/CHI number, or same date of
birth and a similar name."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Prefetch, Q

from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode

# Names at least this alike (difflib ratio of the normalised full names) count as similar:
# high enough that "Ann Smith" and "Anne Smith" match, "Ann Smith" and "Ian Smart" do not.
SIMILAR_NAME_RATIO = 0.85


def normalise_name(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed (``O'Neil`` → ``oneil``)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(c for c in decomposed if c.isalpha() or c.isspace())
    return " ".join(letters.lower().split())


def names_similar(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    """True when two people's names are the same or nearly so (typos, a missing letter)."""
    a = normalise_name(f"{first_a} {last_a}")
    b = normalise_name(f"{first_b} {last_b}")
    if not a or not b:
        return False
    if a == b:
        return True
    # Names written surname first, or with first and last swapped by the referrer.
    swapped = normalise_name(f"{last_b} {first_b}")
    return max(SequenceMatcher(None, a, b).ratio(), SequenceMatcher(None, a, swapped).ratio()) >= (
        SIMILAR_NAME_RATIO
    )


@dataclass
class Match:
    client: Client
    reason: str  # "nhs_number" or "name_and_dob"
    open_episodes: list = field(default_factory=list)
    closed_episodes: list = field(default_factory=list)

    @property
    def latest_closed(self):
        return max(self.closed_episodes, key=lambda e: (e.discharge_date, e.pk), default=None)


def find_matches(
    service,
    *,
    nhs_number: str = "",
    date_of_birth=None,
    first_name: str = "",
    last_name: str = "",
    exclude_episode=None,
) -> list[Match]:
    """Clients of ``service`` who may be this person, NHS-number matches first.

    Each match carries the client's open and closed episodes (``exclude_episode``, the
    new referral's own, left out). Two queries whatever the number of candidates.
    """
    condition = Q()
    if nhs_number:
        condition |= Q(nhs_number=nhs_number)
    if date_of_birth:
        condition |= Q(date_of_birth=date_of_birth)
    if not condition:
        return []
    episodes = Episode.objects.order_by("referral_date", "pk")
    if exclude_episode is not None:
        episodes = episodes.exclude(pk=exclude_episode.pk)
    candidates = Client.objects.filter(condition, service=service).prefetch_related(
        Prefetch("episodes", queryset=episodes)
    )
    matches = []
    for client in candidates:
        if nhs_number and client.nhs_number == nhs_number:
            reason = "nhs_number"
        elif (
            date_of_birth
            and client.date_of_birth == date_of_birth
            and names_similar(first_name, last_name, client.first_name, client.last_name)
        ):
            reason = "name_and_dob"
        else:
            continue
        eps = list(client.episodes.all())
        matches.append(
            Match(
                client=client,
                reason=reason,
                open_episodes=[e for e in eps if e.discharge_date is None],
                closed_episodes=[e for e in eps if e.discharge_date is not None],
            )
        )
    matches.sort(key=lambda m: (m.reason != "nhs_number", m.client.pk))
    return matches
