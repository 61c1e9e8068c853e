"""`{{ form }}` renders any Django form with NHS.UK markup, errors included."""

import datetime

from django import forms
from django.template import Context, Template

from vocrehab.forms_rendering import NHSUKDateInput

from .dom import parse


class ReferralForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on their GP record")
    email = forms.EmailField(required=False)
    tier = forms.ChoiceField(
        choices=[("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")],
        widget=forms.RadioSelect,
        help_text="How much support they need",
    )
    needs = forms.MultipleChoiceField(
        choices=[("money", "Money"), ("travel", "Travel")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(label="The person agrees to be referred")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    condition = forms.ChoiceField(choices=[("", "Choose"), ("cancer", "Cancer")])
    referred_on = forms.DateField(widget=NHSUKDateInput)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The referral could not be checked.")


def render(template: str, **context) -> str:
    return Template("{% load nhsuk %}" + template).render(Context(context))


def bound(**data):
    form = ReferralForm(data={"email": "not-an-email", "needs": ["travel"], **data})
    form.is_valid()
    return form


def test_error_summary_links_to_the_first_input_of_each_field_in_page_order():
    page = parse(str(bound()))
    summary = page.find("div", cls="nhsuk-error-summary")
    assert summary.attrs["tabindex"] == "-1"
    assert summary.find("div", role="alert")
    assert summary.find("h2").text() == "There is a problem"
    links = [a.attrs["href"] for a in summary.find_all("a")]
    assert links == [
        "#id_name",
        "#id_email",
        "#id_tier_0",
        "#id_consent",
        "#id_condition",
        "#id_referred_on_0",
    ]
    for href in links:
        assert page.find_all(id=href[1:]), f"{href} points at nothing"
    items = [li.text() for li in summary.find_all("li")]
    assert items[0] == "The referral could not be checked."
    assert "Token: This field is required." in items


def test_text_input_has_label_hint_error_and_describedby():
    page = parse(str(bound()))
    field = page.find("input", id="id_name")
    assert {"nhsuk-input", "nhsuk-input--error"} <= field.classes
    assert field.attrs["aria-describedby"] == "id_name_helptext id_name_error"
    assert field.attrs["aria-invalid"] == "true"
    assert page.find("label", for_="id_name").text() == "Full name"
    assert page.find(id="id_name_helptext").text() == "As on their GP record"
    error = page.find(id="id_name_error")
    assert "nhsuk-error-message" in error.classes
    assert error.find("span", cls="nhsuk-u-visually-hidden").text() == "Error:"
    group = field.parent
    assert {"nhsuk-form-group", "nhsuk-form-group--error"} <= group.classes


def test_optional_fields_say_so_and_valid_fields_have_no_error_class():
    page = parse(str(bound(email="someone@example.org")))
    assert page.find("label", for_="id_email").text() == "Email (optional)"
    email = page.find("input", id="id_email")
    assert "nhsuk-input--error" not in email.classes
    assert "aria-describedby" not in email.attrs


def test_radios_are_a_fieldset_with_nhsuk_items():
    page = parse(str(bound()))
    radios = page.find("div", cls="nhsuk-radios")
    assert radios.attrs["data-module"] == "nhsuk-radios"
    fieldset = next(a for a in radios.ancestors() if a.tag == "fieldset")
    assert fieldset.attrs["aria-describedby"] == "id_tier_helptext id_tier_error"
    assert fieldset.find("legend", cls="nhsuk-fieldset__legend").text() == "Tier"
    inputs = radios.find_all("input", cls="nhsuk-radios__input")
    assert [i.attrs["id"] for i in inputs] == ["id_tier_0", "id_tier_1", "id_tier_2"]
    assert all(i.attrs["type"] == "radio" and i.attrs["name"] == "tier" for i in inputs)
    label = radios.find("label", for_="id_tier_1")
    assert {"nhsuk-label", "nhsuk-radios__label"} <= label.classes
    assert label.text() == "Tier 2"


def test_checkboxes_keep_what_was_ticked():
    page = parse(str(bound()))
    boxes = page.find("div", cls="nhsuk-checkboxes", data_module="nhsuk-checkboxes")
    ticked = [i.attrs["value"] for i in boxes.find_all("input") if "checked" in i.attrs]
    assert ticked == ["travel"]
    assert all("nhsuk-checkboxes__input" in i.classes for i in boxes.find_all("input"))


def test_single_checkbox_has_its_label_after_the_input():
    page = parse(str(bound()))
    box = page.find("input", id="id_consent")
    assert "nhsuk-checkboxes__input" in box.classes
    item = box.parent
    assert "nhsuk-checkboxes__item" in item.classes
    assert item.find("label", for_="id_consent").text() == "The person agrees to be referred"
    assert page.find(id="id_consent_error")


def test_select_and_textarea_classes():
    page = parse(str(bound()))
    select = page.find("select", id="id_condition")
    assert {"nhsuk-select", "nhsuk-select--error"} <= select.classes
    textarea = page.find("textarea", id="id_notes")
    assert textarea.classes == {"nhsuk-textarea"}


def test_classes_set_on_the_widget_are_kept():
    class Short(forms.Form):
        postcode = forms.CharField(widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}))

    page = parse(str(Short()))
    assert page.find("input", id="id_postcode").classes == {"nhsuk-input--width-10", "nhsuk-input"}


def test_date_input_has_three_labelled_boxes_and_round_trips():
    form = ReferralForm(
        data={"referred_on_day": "31", "referred_on_month": "2", "referred_on_year": "2025"}
    )
    form.is_valid()
    assert "referred_on" in form.errors
    page = parse(str(form))
    date = page.find("div", cls="nhsuk-date-input", id_="id_referred_on")
    boxes = date.find_all("input")
    assert [b.attrs["id"] for b in boxes] == [
        "id_referred_on_0",
        "id_referred_on_1",
        "id_referred_on_2",
    ]
    assert [b.attrs["value"] for b in boxes] == ["31", "2", "2025"]
    labels = [date.find("label", for_=b.attrs["id"]).text() for b in boxes]
    assert labels == ["Day", "Month", "Year"]
    assert all("nhsuk-input--error" in b.classes for b in boxes)

    good = ReferralForm(
        data={"referred_on_day": "3", "referred_on_month": "11", "referred_on_year": "2025"}
    )
    good.is_valid()
    assert good.cleaned_data["referred_on"] == datetime.date(2025, 11, 3)
    unbound = parse(str(ReferralForm(initial={"referred_on": datetime.date(2024, 1, 9)})))
    boxes = unbound.find("div", cls="nhsuk-date-input").find_all("input")
    values = [b.attrs["value"] for b in boxes]
    assert values == ["9", "1", "2024"]


def test_an_unbound_form_has_no_summary_and_no_error_markup():
    html = str(ReferralForm())
    assert "nhsuk-error-summary" not in html
    assert "nhsuk-error-message" not in html
    assert "aria-invalid" not in html


def test_summary_shown_above_the_heading_is_not_repeated_by_the_form():
    form = bound()
    html = render("{% error_summary form %}<h1>Refer</h1>{{ form }}", form=form)
    assert html.count('class="nhsuk-error-summary"') == 1
    assert html.index("nhsuk-error-summary") < html.index("<h1>")


def test_field_include_renders_one_field():
    form = bound()
    html = Template('{% include "forms/field.html" with field=form.name %}').render(
        Context({"form": form})
    )
    page = parse(html)
    assert page.find("input", id="id_name")
    assert not page.find_all("input", id="id_email")


def test_fields_without_ids_still_show_their_errors_without_links():
    form = ReferralForm(data={}, auto_id=False)
    form.is_valid()
    page = parse(str(form))
    summary = page.find("div", cls="nhsuk-error-summary")
    assert not summary.find_all("a")
    assert "Enter full name" in summary.text()


def test_every_error_names_its_field():
    form = bound()
    page = parse(str(form))
    items = [li.text() for li in page.find("div", cls="nhsuk-error-summary").find_all("li")]
    assert "Enter full name" in items  # a text box
    assert "Answer “Which tier?”" not in items and "Choose tier" in items  # radios
    assert "Tick the box to confirm: The person agrees to be referred" in items
    assert "Choose condition" in items  # a select
    assert "Enter referred on" in items  # the date input
    assert not [item for item in items if item.startswith("This field is required")]
    # The message under each field says the same as the summary.
    assert "Enter full name" in page.find(id="id_name_error").text()


def test_a_question_label_is_quoted_and_the_projects_own_messages_are_kept():
    class Form(forms.Form):
        safe = forms.ChoiceField(
            label="Is it safe to leave a message?",
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect,
        )
        postcode = forms.CharField(error_messages={"required": "Enter a real postcode."})
        minutes = forms.IntegerField(min_value=1)

    form = Form(data={"minutes": "0"})
    form.is_valid()
    items = [li.text() for li in parse(str(form)).find_all("li")]
    assert "Answer “Is it safe to leave a message?”" in items
    assert "Enter a real postcode." in items
    assert "Minutes: ensure this value is greater than or equal to 1." in items
