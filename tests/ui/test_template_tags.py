"""The nhsuk template tags and includes: summary list, table, cards, error summary."""

from django import forms
from django.forms import formset_factory
from django.template import Context, Template
from django.utils.html import format_html

from .dom import parse


def render(template: str, **context) -> str:
    return Template("{% load nhsuk %}" + template).render(Context(context))


def test_summary_list_rows_with_and_without_change_links():
    rows = [
        {"key": "Name", "value": "Alex Example", "url": "/change/name"},
        ("Tier", "2", "/change/tier"),
        ("Service", "Glasgow VR"),
    ]
    page = parse(render("{% summary_list rows %}", rows=rows))
    dl = page.find("dl", cls="nhsuk-summary-list")
    row_nodes = dl.find_all("div", cls="nhsuk-summary-list__row")
    assert len(row_nodes) == 3
    assert row_nodes[0].find("dt", cls="nhsuk-summary-list__key").text() == "Name"
    assert row_nodes[0].find("dd", cls="nhsuk-summary-list__value").text() == "Alex Example"
    link = row_nodes[0].find("dd", cls="nhsuk-summary-list__actions").find("a")
    assert link.attrs["href"] == "/change/name"
    # Screen-reader users hear which answer the link changes.
    assert link.text() == "Change name"
    assert link.find("span", cls="nhsuk-u-visually-hidden").text() == "name"
    assert row_nodes[1].find("a").attrs["href"] == "/change/tier"
    # A row without a link keeps the columns aligned when others have one.
    assert "nhsuk-summary-list__row--no-actions" in row_nodes[2].classes
    assert not row_nodes[2].find_all("a")


def test_summary_list_escapes_values():
    html = render("{% summary_list rows %}", rows=[("Notes", "<script>x</script>")])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_table_with_caption_headers_and_numeric_columns():
    headers = ["Service", {"text": "Referrals", "numeric": True}]
    rows = [["Glasgow", 120], ["Leeds", {"text": 95}]]
    page = parse(
        render(
            "{% table headers rows caption %}",
            headers=headers,
            rows=rows,
            caption="Referrals by service",
        )
    )
    table = page.find("table", cls="nhsuk-table")
    caption = table.find("caption", cls="nhsuk-table__caption")
    assert caption.text() == "Referrals by service"
    region = page.find("div", cls="nhsuk-scroll__content")
    assert caption.attrs["id"] == "table-referrals-by-service-caption"
    assert region.attrs["aria-labelledby"] == caption.attrs["id"]
    heads = table.find("thead").find_all("th")
    assert [h.attrs["scope"] for h in heads] == ["col", "col"]
    assert "nhsuk-table__header--numeric" in heads[1].classes
    cells = table.find("tbody").find_all("td")
    assert [c.text() for c in cells] == ["Glasgow", "120", "Leeds", "95"]
    assert "nhsuk-table__cell--numeric" in cells[1].classes
    assert "nhsuk-table__cell--numeric" not in cells[0].classes


def test_table_row_headers_and_safe_html_cells():
    link = format_html('<a href="{}">{}</a>', "/clients/1", "Open")
    page = parse(
        render(
            "{% table headers rows first_column_header=True %}",
            headers=["Measure", "Value"],
            rows=[["EQ-5D index", {"html": link}], ["Bad", "<b>x</b>"]],
        )
    )
    row_header = page.find("tbody").find("th")
    assert row_header.attrs["scope"] == "row"
    assert row_header.text() == "EQ-5D index"
    assert page.find("a", href="/clients/1")
    assert not page.find_all("b")


def test_card_include_is_a_clickable_card_with_a_heading_link():
    page = parse(
        Template('{% include "includes/card.html" with title=t url=u description=d %}').render(
            Context({"t": "Caseload", "u": "/caseload/", "d": "Your open episodes"})
        )
    )
    card = page.find("div", cls="nhsuk-card")
    assert "nhsuk-card--clickable" in card.classes
    heading = card.find("h2", cls="nhsuk-card__heading")
    assert heading.find("a", cls="nhsuk-card__link").attrs["href"] == "/caseload/"
    assert card.find("p", cls="nhsuk-card__description").text() == "Your open episodes"


def test_card_group_lays_cards_out_in_a_grid():
    cards = [{"title": f"Card {n}", "url": f"/{n}/", "description": ""} for n in range(3)]
    page = parse(
        Template('{% include "includes/card_group.html" %}').render(Context({"cards": cards}))
    )
    items = page.find("ul", cls="nhsuk-card-group").find_all("li", cls="nhsuk-card-group__item")
    assert len(items) == 3
    assert all("nhsuk-grid-column-one-third" in i.classes for i in items)


def test_breadcrumbs_and_back_link():
    items = [{"label": "Home", "url": "/"}, {"label": "Clients", "url": "/clients/"}]
    page = parse(
        Template('{% include "includes/breadcrumbs.html" with items=items %}').render(
            Context({"items": items})
        )
    )
    nav = page.find("nav", cls="nhsuk-breadcrumb")
    assert nav.attrs["aria-label"] == "Breadcrumb"
    assert [a.attrs["href"] for a in nav.find_all("a", cls="nhsuk-breadcrumb__link")] == [
        "/",
        "/clients/",
    ]
    assert nav.find("a", cls="nhsuk-back-link").attrs["href"] == "/clients/"
    back = parse(
        Template('{% include "includes/back_link.html" with url="/x/" %}').render(Context())
    )
    assert back.find("a", cls="nhsuk-back-link").text() == "Back"


class ContactForm(forms.Form):
    date = forms.CharField()


def test_error_summary_covers_several_forms_and_formsets():
    ContactFormSet = formset_factory(ContactForm, extra=0, min_num=1, validate_min=True)
    formset = ContactFormSet(
        data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-date": ""}
    )
    formset.is_valid()
    other = ContactForm(data={})
    other.is_valid()
    page = parse(render("{% error_summary other formset %}", other=other, formset=formset))
    hrefs = [a.attrs["href"] for a in page.find_all("a")]
    assert hrefs == ["#id_date", "#id_form-0-date"]


def test_error_summary_renders_nothing_without_errors():
    assert render("{% error_summary form %}", form=ContactForm()).strip() == ""
    assert render("{% error_summary form %}", form=ContactForm(data={"date": "x"})).strip() == ""


def test_error_summary_title_can_be_changed():
    form = ContactForm(data={})
    html = render('{% error_summary form title="Check your answers" %}', form=form)
    assert parse(html).find("h2").text() == "Check your answers"


def test_pagination_keeps_filters_and_marks_the_current_page():
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    page_obj = Paginator(list(range(200)), 10).page(5)
    request = RequestFactory().get("/clients/", {"tier": "2", "page": "5"})
    html = Template("{% load nhsuk %}{% pagination page_obj %}").render(
        Context({"page_obj": page_obj, "request": request})
    )
    nav = parse(html).find("nav", cls="nhsuk-pagination")
    assert nav.attrs["aria-label"] == "Pagination"
    assert nav.find("a", rel="prev").attrs["href"] == "?tier=2&page=4"
    assert nav.find("a", rel="next").attrs["href"] == "?tier=2&page=6"
    numbers = [a.text() for a in nav.find_all("a", cls="nhsuk-pagination__link")]
    assert numbers == ["1", "4", "5", "6", "20"]
    assert len(nav.find_all("li", cls="nhsuk-pagination__item--ellipsis")) == 2
    current = nav.find("a", aria_current="page")
    assert current.text() == "5"
    assert current.attrs["aria-label"] == "Page 5"


def test_pagination_is_absent_for_a_single_page():
    from django.core.paginator import Paginator

    page_obj = Paginator([1, 2], 10).page(1)
    html = Template("{% load nhsuk %}{% pagination page_obj %}").render(
        Context({"page_obj": page_obj})
    )
    assert html.strip() == ""
