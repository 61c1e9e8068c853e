"""Error pages: plain English, a way home, and nothing about the person or the request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from .dom import parse

HEADINGS = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    500: "Sorry, there is a problem with the service",
}


@pytest.mark.parametrize("status", sorted(HEADINGS))
def test_error_page_renders_without_a_request(status):
    # Django renders 500.html with an empty context: no request, no user.
    page = parse(render_to_string(f"errors/{status}.html", {}))
    assert page.find("h1").text() == HEADINGS[status]
    assert page.find("title").text() == f"{HEADINGS[status]} – vocrehab"
    assert page.find("main").find("a").attrs["href"] == "/"


@pytest.mark.parametrize("status", sorted(HEADINGS))
def test_error_page_does_not_echo_the_request(status):
    request = RequestFactory().get("/clients/AB123456C/?name=Alex+Example")
    request.user = AnonymousUser()
    html = render_to_string(
        f"errors/{status}.html", {"exception": "Client AB123456C not found"}, request=request
    )
    assert "AB123456C" not in html
    assert "Alex" not in html


def test_unknown_url_uses_the_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
