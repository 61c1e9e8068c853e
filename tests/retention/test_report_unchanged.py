"""Anonymising everyone past retention leaves the evaluation report exactly as it was."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from tests.reports.helpers import read_csv
from vocrehab.accounts.models import Role, Service
from vocrehab.clients.models import Client
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.synth import write_synthetic_dataset
from vocrehab.reports.evaluation import build_evaluation
from vocrehab.retention import services
from vocrehab.retention.models import Disposal

from .conftest import closed_episode

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 1, 1)
# Past every period: the synthetic people with cancer are kept 30 years from diagnosis.
LATER = datetime.date(2060, 1, 1)


def _report(service) -> str:
    report = build_evaluation([service], as_of=AS_OF)
    return json.dumps(report, cls=DjangoJSONEncoder, sort_keys=True)


def test_the_evaluation_report_is_identical_after_disposal(organisation, make_staff, tmp_path):
    write_synthetic_dataset(tmp_path / "synth", episodes=150, seed=11, services=1)
    summary = import_dataset(tmp_path / "synth", create_services=True, today=AS_OF)
    assert not summary.errors, summary.errors[:3]
    service = Service.objects.get(code=read_csv(tmp_path / "synth", "episodes")[0]["service_code"])
    manager = make_staff(Role.SERVICE_MANAGER, service)
    closed_episode(service, make_staff(Role.CASE_MANAGER, service), nhs_number="")
    before = _report(service)

    services.find_due(service, today=LATER)
    done = services.dispose(service, by=manager, today=LATER)

    assert done.clients >= 50, "most of the dataset must have been anonymised"
    assert done.counts["anonymised"]["contacts"] > 100
    assert not Client.objects.filter(
        pk__in=Disposal.objects.values("client_id"), last_name__gt=""
    ).exists()
    assert _report(service) == before
