"""Factories for directory tests: synthetic clients, episodes and directory entries."""

import datetime
import itertools

import pytest

from tests.browser.conftest import (  # noqa: F401 - Debian's Chromium for the picker test
    browser_context_args,
    browser_type_launch_args,
    console_errors,
)
from vocrehab.casework.models import OnwardReferral
from vocrehab.clients.models import Client
from vocrehab.directory.models import DirectoryService
from vocrehab.directory.services import save_directory_service
from vocrehab.episodes.models import Episode

_n = itertools.count(1)


@pytest.fixture
def make_episode(db):
    def make(service, *, area_code="", postcode="", condition="cancer", **extra):
        n = next(_n)
        client = Client.objects.create(
            service=service,
            reference=f"C{n:04d}",
            first_name="Synthetic",
            last_name=f"Person{n}",
            postcode=postcode,
            area_code=area_code,
            email=extra.pop("email", ""),
            contact_by_email=extra.pop("contact_by_email", False),
        )
        return Episode.objects.create(
            service=service,
            client=client,
            reference=f"E{n:04d}",
            referral_date=datetime.date(2025, 1, 6),
            referral_source="acute_nhs",
            condition=condition,
            work_status_at_referral="off_sick",
            main_reason="return_from_sickness",
            area_code=area_code,
            **extra,
        )

    return make


@pytest.fixture
def make_entry(db):
    def make(
        organisation,
        *,
        name=None,
        categories=("welfare",),
        areas=(),
        conditions=(),
        active=True,
        last_verified=None,
        **values,
    ) -> DirectoryService:
        n = next(_n)
        values.setdefault("reference", f"svc-{n}")
        values.setdefault("provider_type", "voluntary")
        return save_directory_service(
            organisation=organisation,
            values={
                "name": name or f"Service {n}",
                "active": active,
                "last_verified": last_verified,
                **values,
            },
            categories=categories,
            conditions=conditions,
            areas=areas,
        )

    return make


@pytest.fixture
def make_onward(db):
    def make(episode, category, *, kind="referral", service_ref="", outcome=""):
        return OnwardReferral.objects.create(
            episode=episode,
            date=datetime.date(2025, 2, 1),
            kind=kind,
            category=category,
            service_ref=service_ref,
            service_name="",
            outcome=outcome,
        )

    return make
