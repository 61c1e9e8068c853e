"""The referral forms in Welsh name the service by its Welsh name: the list of services,
the check and confirmation pages and the acknowledgement email; the name otherwise."""

import pytest
from django.core import mail

from tests.ui.dom import parse
from vocrehab.clients.deprivation_import import load_samples
from vocrehab.referrals.models import Referral

from .helpers import fill_steps
from .test_welsh import in_welsh

pytestmark = pytest.mark.django_db

WELSH_NAME = "Gwasanaeth Adsefydlu Galwedigaethol Glasgow"


@pytest.fixture
def glasgow(service):
    service.covered_areas = ["S12000049"]
    service.save()
    load_samples()
    return service


@pytest.fixture
def named_in_welsh(glasgow):
    glasgow.name_cy = WELSH_NAME
    glasgow.save()
    return glasgow


def test_a_welsh_referral_names_the_service_in_welsh(
    client, named_in_welsh, django_capture_on_commit_callbacks
):
    in_welsh(client)
    person = parse(client.get("/referrals/refer/self/person/").content.decode())
    options = [o.text() for o in person.find("select", name="service").find_all("option")]
    assert WELSH_NAME in options and named_in_welsh.name not in options
    fill_steps(client, "self", person={"service": str(named_in_welsh.pk)})
    check = client.get("/referrals/refer/self/check/").content.decode()
    assert f"<strong>{WELSH_NAME}</strong>" in check
    assert named_in_welsh.name not in check
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/referrals/refer/self/check/", {"website": ""})
    done = client.get(sent["Location"]).content.decode()
    assert WELSH_NAME in done and named_in_welsh.name not in done
    reference = Referral.objects.get().reference
    (email,) = mail.outbox
    assert email.subject == f"Eich atgyfeiriad i {WELSH_NAME}: {reference}"
    assert WELSH_NAME in email.body and named_in_welsh.name not in email.body


def test_an_english_referral_keeps_the_english_name(
    client, named_in_welsh, django_capture_on_commit_callbacks
):
    fill_steps(client, "self")
    check = client.get("/referrals/refer/self/check/").content.decode()
    assert f"<strong>{named_in_welsh.name}</strong>" in check and WELSH_NAME not in check
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/referrals/refer/self/check/", {"website": ""})
    (email,) = mail.outbox
    assert email.subject.startswith(f"Your referral to {named_in_welsh.name}: ")


def test_without_a_welsh_name_the_welsh_pages_use_the_name(
    client, glasgow, django_capture_on_commit_callbacks
):
    in_welsh(client)
    fill_steps(client, "self")
    check = client.get("/referrals/refer/self/check/").content.decode()
    assert f"<strong>{glasgow.name}</strong>" in check
