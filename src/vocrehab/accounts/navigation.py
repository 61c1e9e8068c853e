"""Navigation by role. Each app registers its entries; a user sees those they may use."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .access import Perm


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    perm: Perm | None  # None: any signed-in user
    order: int
    description: str = ""


_ENTRIES: list[NavEntry] = []


def register(label, url_name, perm=None, order=50, description=""):
    """Add a navigation entry (called from an app's ``AppConfig.ready``)."""
    entry = NavEntry(label, url_name, perm, order, description)
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def entries_for(user) -> list[tuple[NavEntry, str]]:
    visible = []
    for entry in sorted(_ENTRIES, key=lambda e: (e.order, str(e.label))):
        if entry.perm is not None and not access.has_perm(user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        visible.append((entry, url))
    return visible


def navigation_for(request):
    path = request.path
    return [
        {
            "label": entry.label,
            "url": url,
            "active": url != "/" and path.startswith(url),
            "description": entry.description,
        }
        for entry, url in entries_for(request.user)
    ]


register(_("Home"), "home", None, order=0)
register(
    _("Audit log"),
    "audit:log",
    Perm.VIEW_AUDIT,
    order=90,
    description=_("Who saw or changed which record, and every export."),
)
register(
    _("API tokens"),
    "accounts:tokens",
    None,
    order=92,
    description=_("Let a program use the API on your behalf, within limits you set."),
)
register(
    _("Administration"),
    "admin:index",
    Perm.MANAGE_USERS,
    order=95,
    description=_("Organisations, services, teams, staff and roles."),
)
