"""Helpers for the import and export tests."""

from pathlib import Path

from vocrehab.accounts.models import Service
from vocrehab.casework.models import Contact, ContactIntervention, OnwardReferral
from vocrehab.clients.models import Client
from vocrehab.codes import Nation
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration, ItemValue

from .helpers import TODAY


def table_counts() -> dict[str, int]:
    return {
        "clients": Client.objects.count(),
        "episodes": Episode.objects.count(),
        "contacts": Contact.objects.count(),
        "interventions": ContactIntervention.objects.count(),
        "onward": OnwardReferral.objects.count(),
        "administrations": Administration.objects.count(),
        "values": ItemValue.objects.count(),
    }


def make_services(organisation, *codes_and_nations):
    return [
        Service.objects.get_or_create(
            code=code, defaults={"organisation": organisation, "name": code, "nation": nation}
        )[0]
        for code, nation in codes_and_nations
    ]


def example_service(organisation):
    return make_services(organisation, ("DEMO-SCOT", Nation.SCOTLAND))[0]


def read_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def run_import(path, **kwargs):
    from vocrehab.interchange.importer import import_dataset

    kwargs.setdefault("today", TODAY)
    return import_dataset(path, **kwargs)
