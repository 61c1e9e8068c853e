from django.conf import settings
from django.urls import reverse

from . import access
from .models import Service
from .navigation import navigation_for


def shell(request):
    """What every page's frame needs: navigation by role, service switcher, demo banner."""
    context = {"demo_mode": settings.DEMO_MODE, "language_next": language_next(request)}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    current = getattr(request, "service", None)
    choices = [{"id": s.pk, "name": s.name} for s in services_of(user)]
    context.update(
        {
            "nav_items": navigation_for(request),
            "current_service": current,
            "service_choices": choices if len(choices) > 1 else [],
            "home_url": reverse("home"),
        }
    )
    return context


def language_next(request) -> str:
    """Where the language switch returns to: the same page when it is a public page.

    Any other page (an error page, a page that asks for sign-in) returns to the home
    page, so a link never repeats an address that may hold someone's details.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or access.declared_access(match.func) != "public":
        return "/"
    return request.get_full_path()


def services_of(user):
    memberships = access._memberships(user)
    if not memberships:
        return Service.objects.none()
    return Service.objects.filter(access.membership_services(memberships), active=True)
