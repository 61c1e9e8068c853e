"""``vocrehab demo`` loads its synthetic clients through the VRMDS import."""

import pytest
from django.core.management import call_command

from vocrehab.audit.models import AccessEvent, Action
from vocrehab.episodes.models import Episode
from vocrehab.interchange.synth import service_catalogue
from vocrehab.management.commands.demo import SERVICES


def test_synthetic_service_codes_are_the_demo_services():
    assert [s.code for s in service_catalogue(len(SERVICES))] == [s[0] for s in SERVICES]


@pytest.mark.django_db(transaction=True)
def test_demo_episodes_arrive_through_the_import(settings, capsys):
    settings.DEMO_MODE = True
    call_command("demo", "--no-serve", "--episodes", "40")
    out = capsys.readouterr().out
    # Other parts of the demo may add episodes of their own; the import gives 40.
    assert "episodes.csv: 40 created" in out
    assert Episode.objects.count() >= 40
    assert set(Episode.objects.values_list("service__code", flat=True)) == {s[0] for s in SERVICES}
    assert AccessEvent.objects.filter(action=Action.IMPORT).count() == 1
