"""A change to an episode's key facts through the API: each field by the web's own path.

- the key facts the web's "Change the key facts" form edits: that form checks them and
  ``save_versioned`` writes them;
- the first-contact and assessment dates: the triage services (their date rules, the
  referral's pauses and queue);
- the tier: ``change_tier_or_request`` (a support worker's change goes for sign-off);
- the case manager: ``allocate_worker`` (who may hold the episode at its tier).

Everything happens in one transaction: a refusal anywhere writes nothing. The version
sent must be the episode's current one, else :class:`StaleEditError` carries the record.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from vocrehab.accounts.access import Perm, has_perm
from vocrehab.casework import services as casework_services
from vocrehab.casework.forms import EpisodeFactsForm
from vocrehab.casework.models import SignOff
from vocrehab.episodes.models import Episode
from vocrehab.referrals import services as referral_services
from vocrehab.referrals.models import Referral
from vocrehab.versioning import StaleEditError, save_versioned

from .serializers import EPISODE_FACTS


def _refused(field: str, error: DjangoValidationError) -> ValidationError:
    return ValidationError({field: [str(m) for m in error.messages]})


def _current(episode: Episode, version: int) -> Episode:
    current = Episode.objects.select_for_update().get(pk=episode.pk)
    if current.version != version:
        raise StaleEditError(current)
    return current


def _save_facts(episode: Episode, change: dict) -> Episode:
    facts = {name: change[name] for name in EPISODE_FACTS if name in change}
    if not facts:
        return episode
    unchanged = EpisodeFactsForm(instance=episode).initial
    data = {name: unchanged.get(name) for name in EPISODE_FACTS}
    data.update(facts)
    data["version"] = episode.version
    form = EpisodeFactsForm({k: "" if v is None else v for k, v in data.items()}, instance=episode)
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return save_versioned(form.instance, episode.version, list(facts))


def _referral_of(episode: Episode, field: str, user) -> Referral:
    referral = Referral.objects.filter(episode=episode).first()
    if referral is None:
        raise ValidationError({field: [_("This episode has no referral to record it on.")]})
    if not has_perm(user, Perm.TRIAGE, episode.service):
        raise PermissionDenied
    return referral


def _staff_member(episode: Episode, pk: int):
    worker = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if worker is None:
        raise ValidationError({"case_manager": [_("No such member of staff.")]})
    return worker


@transaction.atomic
def apply(episode: Episode, change: dict, *, by) -> tuple[Episode, list[str]]:
    """Make ``change`` (validated by ``EpisodeChangeSerializer``); returns the episode and
    the fields sent for a supervisor's sign-off instead of changed."""
    episode = _save_facts(_current(episode, change["version"]), change)
    sign_offs = []
    if "first_contact_date" in change:
        referral = _referral_of(episode, "first_contact_date", by)
        try:
            episode = referral_services.record_first_contact(
                referral, on=change["first_contact_date"], version=episode.version, by=by
            )
        except DjangoValidationError as error:
            raise _refused("first_contact_date", error) from None
    if "assessment_date" in change:
        referral = _referral_of(episode, "assessment_date", by)
        try:
            referral_services.record_assessment(
                referral, on=change["assessment_date"], version=episode.version, by=by
            )
        except DjangoValidationError as error:
            raise _refused("assessment_date", error) from None
        episode = Episode.objects.get(pk=episode.pk)
    if "tier" in change:
        try:
            done = casework_services.change_tier_or_request(
                episode, to_tier=change["tier"], by=by, reason=change["tier_reason"].strip()
            )
        except casework_services.CaseworkError as error:
            raise _refused("tier", error) from None
        if isinstance(done, SignOff):
            sign_offs.append("tier")
        episode = Episode.objects.get(pk=episode.pk)
    if "case_manager" in change:
        if not has_perm(by, Perm.ALLOCATE, episode.service):
            raise PermissionDenied
        worker = _staff_member(episode, change["case_manager"])
        try:
            referral_services.allocate_worker(episode, worker=worker, by=by)
        except DjangoValidationError as error:
            raise _refused("case_manager", error) from None
        episode = Episode.objects.get(pk=episode.pk)
    return episode, sign_offs
