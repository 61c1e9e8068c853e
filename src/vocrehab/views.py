"""Error pages in plain English, without personal data."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    """A form was sent without its security token (often an expired page): say so plainly."""
    return render(request, "errors/403_csrf.html", status=403)
