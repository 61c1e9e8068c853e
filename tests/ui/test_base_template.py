"""base.html renders with and without the optional context the views may give it."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory

from .dom import parse


class FakeUser:
    is_authenticated = True
    email = "casey.manager@example.org"

    def get_full_name(self):
        return "Casey Manager"

    def get_username(self):
        return self.email


class FakeService:
    pk = 2
    name = "Leeds VR Service"


@pytest.fixture(autouse=True)
def _explicit_context_only(settings):
    """These tests give base.html its context directly, without the project's processors."""
    engines = [dict(engine) for engine in settings.TEMPLATES]
    for engine in engines:
        options = dict(engine.get("OPTIONS", {}))
        options["context_processors"] = [
            p for p in options.get("context_processors", []) if not p.startswith("vocrehab.")
        ]
        engine["OPTIONS"] = options
    settings.TEMPLATES = engines


def page_for(path="/", **context):
    request = RequestFactory().get(path)
    request.user = context.get("user", AnonymousUser())
    return render_to_string("base.html", context, request=request)


def test_bare_page_has_the_frame_and_no_optional_parts():
    html = render_to_string("base.html", {})
    page = parse(html)
    assert page.find("html").attrs["lang"] == "en-gb"
    skip = page.find("a", cls="nhsuk-skip-link")
    assert skip.attrs["href"] == "#maincontent"
    assert page.find("main", id_="maincontent")
    header = page.find("header", cls="nhsuk-header")
    home = header.find("a", cls="nhsuk-header__service-name")
    assert home.text() == "vocrehab"
    assert home.attrs["href"] == "/"
    assert page.find("footer", cls="nhsuk-footer")
    assert "Demonstration system" not in html
    assert not page.find_all("nav", cls="nhsuk-header__navigation")
    assert not page.find_all("form")


def test_skip_link_is_the_first_focusable_element():
    page = parse(page_for())
    body = page.find("body")
    first_link = next(n for n in body.iter() if n.tag in {"a", "button", "input", "select"})
    assert "nhsuk-skip-link" in first_link.classes


def test_assets_load_from_static_with_no_inline_script_or_style():
    html = page_for()
    page = parse(html)
    sheets = [link.attrs["href"] for link in page.find_all("link", rel="stylesheet")]
    assert sheets == [
        "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css",
        "/static/vocrehab/app.css",
    ]
    scripts = page.find_all("script")
    assert all(s.attrs.get("src", "").startswith("/static/") for s in scripts)
    assert all(not s.children for s in scripts), "inline script: the CSP forbids it"
    srcs = {s.attrs["src"]: s.attrs for s in scripts}
    assert srcs["/static/vendor/nhsuk-frontend/nhsuk-frontend.min.js"]["type"] == "module"
    assert "defer" in srcs["/static/vendor/htmx/htmx.min.js"]
    assert srcs["/static/vocrehab/app.js"]["type"] == "module"
    assert not page.find_all("style")
    assert not any("style" in n.attrs for n in page.iter())
    assert not re.search(r"\son[a-z]+=", html), "inline event handler: the CSP forbids it"


def test_navigation_marks_the_current_section():
    nav_items = [
        {"label": "Home", "url": "/", "active": False},
        {"label": "Clients", "url": "/clients/", "active": True},
        {"label": "Reports", "url": "/reports/", "active": False},
    ]
    page = parse(page_for("/clients/", nav_items=nav_items, user=FakeUser()))
    nav = page.find("nav", cls="nhsuk-header__navigation")
    links = nav.find_all("a", cls="nhsuk-header__navigation-link")
    assert [a.text() for a in links] == ["Home", "Clients", "Reports"]
    current = [a for a in links if "aria-current" in a.attrs]
    assert [a.text() for a in current] == ["Clients"]
    assert current[0].attrs["aria-current"] == "page"
    assert "nhsuk-header__navigation-item--current" in current[0].parent.classes


def test_signed_in_user_sees_name_and_a_logout_form_with_csrf():
    page = parse(page_for(user=FakeUser()))
    account = page.find("nav", cls="nhsuk-header__account")
    assert "Casey Manager" in account.text()
    form = account.find("form")
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == "/accounts/logout/"
    assert form.find("input", type="hidden", name="csrfmiddlewaretoken")
    assert form.find("button").text() == "Log out"


def test_anonymous_visitor_has_no_account_area():
    html = page_for()
    assert not parse(html).find_all("nav", **{"aria-label": "Account"})
    assert "Log out" not in html and "Signed in as" not in html


def test_demo_mode_shows_a_visible_warning():
    page = parse(page_for(demo_mode=True))
    banner = page.find("div", cls="app-demo-banner")
    assert "Demonstration system: synthetic data only" in banner.text()
    assert "Two-factor sign-in is skipped in demo mode" in banner.text()


def test_service_switcher_posts_to_switch_service_with_the_current_one_selected():
    choices = [{"id": 1, "name": "Glasgow VR Service"}, {"id": 2, "name": "Leeds VR Service"}]
    page = parse(
        page_for(
            "/clients/",
            user=FakeUser(),
            current_service=FakeService(),
            service_choices=choices,
        )
    )
    form = page.find("form", cls="app-service-switcher")
    assert form.attrs["action"] == "/staff/switch-service/"
    assert form.attrs["method"] == "post"
    assert form.find("input", name="csrfmiddlewaretoken")
    assert form.find("input", name="next").attrs["value"] == "/clients/"
    select = form.find("select", name="service")
    assert page.find("label", for_=select.attrs["id"])
    selected = [o.text() for o in select.find_all("option") if "selected" in o.attrs]
    assert selected == ["Leeds VR Service"]


def test_one_service_is_shown_without_a_switcher():
    page = parse(page_for(user=FakeUser(), current_service=FakeService(), service_choices=[]))
    assert "Leeds VR Service" in page.find("section", cls="app-service-bar").text()
    assert not page.find_all("form", cls="app-service-switcher")


@pytest.mark.parametrize(
    ("level", "css_class", "role"),
    [
        (constants.SUCCESS, "nhsuk-notification-banner--success", "alert"),
        (constants.ERROR, "nhsuk-card--warning", "alert"),
        (constants.INFO, "nhsuk-inset-text", "status"),
    ],
)
def test_messages_use_nhsuk_components(level, css_class, role):
    page = parse(page_for(messages=[Message(level, "Referral saved")]))
    box = page.find("div", cls=css_class)
    assert box.attrs["role"] == role
    assert "Referral saved" in box.text()
    assert any(a.tag == "main" for a in box.ancestors())


def test_blocks_are_filled_by_child_templates():
    from django.template import Context, Template

    child = Template(
        '{% extends "base.html" %}'
        "{% block title %}Clients{% endblock %}"
        '{% block beforecontent %}<a class="nhsuk-back-link" href="/">Back</a>{% endblock %}'
        "{% block content %}<h1>Clients</h1>{% endblock %}"
        '{% block extra_head %}<meta name="x-test" content="1">{% endblock %}'
        '{% block extra_js %}<script src="/static/x.js" defer></script>{% endblock %}'
    )
    page = parse(child.render(Context({})))
    assert page.find("title").text() == "Clients – vocrehab"
    back = page.find("a", cls="nhsuk-back-link")
    assert not any(a.tag == "main" for a in back.ancestors())
    assert page.find("main").find("h1").text() == "Clients"
    assert page.find("meta", name="x-test")
    assert page.find("script", src="/static/x.js")


@pytest.mark.parametrize(
    ("path", "current"),
    [("/referrals/phone/", "Phone referral"), ("/referrals/42/", "Triage"), ("/", "Home")],
)
def test_only_the_most_specific_navigation_entry_is_current(path, current):
    nav_items = [
        {"label": "Home", "url": "/", "active": False},
        {"label": "Triage", "url": "/referrals/", "active": path.startswith("/referrals/")},
        {
            "label": "Phone referral",
            "url": "/referrals/phone/",
            "active": path.startswith("/referrals/phone/"),
        },
    ]
    page = parse(page_for(path, nav_items=nav_items, user=FakeUser()))
    marked = [a.text() for a in page.iter() if a.tag == "a" and "aria-current" in a.attrs]
    assert marked == [current]
