"""Who may record on an episode: the one rule every app's pages and the API use."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vocrehab.accounts.access import is_supervised

from .models import Episode


def may_record(user, episode: Episode) -> bool:
    """Support workers record only on the episodes allocated to them.

    Practitioners may record on any episode of their service (covering a colleague's
    caseload is normal). Pages use this to offer only the actions the user may take.
    Whether the user may record in the service at all is the caller's permission check.
    """
    return not (is_supervised(user, episode.service) and episode.case_manager_id != user.pk)


def check_may_record(user, episode: Episode) -> None:
    """Raise PermissionDenied unless ``may_record(user, episode)``."""
    if not may_record(user, episode):
        raise PermissionDenied(_("Support workers record only on their own caseload."))
