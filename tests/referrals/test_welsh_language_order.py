"""The language question of the referral forms lists the page's language first:
Cymraeg first on a Welsh page, English first on an English one."""

import pytest

from tests.ui.dom import parse

from .test_welsh import in_welsh

pytestmark = pytest.mark.django_db


def _language_choices(client, kind):
    page = parse(client.get(f"/referrals/refer/{kind}/person/").content.decode())
    inputs = page.find_all("input", name="preferred_language")
    labels = [page.find("label", for_=i.attrs["id"]).text() for i in inputs]
    return [i.attrs["value"] for i in inputs], labels


@pytest.mark.parametrize("kind", ["self", "professional", "carer"])
def test_the_language_question_lists_the_pages_language_first(client, kind):
    assert _language_choices(client, kind) == (["en-gb", "cy"], ["English", "Welsh (Cymraeg)"])
    in_welsh(client)
    assert _language_choices(client, kind) == (["cy", "en-gb"], ["Cymraeg", "Saesneg"])
