import pytest
from django.core.management import CommandError, call_command

from vocrehab.accounts.models import Membership, Organisation, Role, Service, User
from vocrehab.management.commands.demo import DEMO_PASSWORD, STAFF


def _counts():
    from vocrehab.clients.models import Client
    from vocrehab.directory.models import Cohort, DirectoryService, Programme, SelfHelpMaterial
    from vocrehab.economics.models import ServiceCostYear, ServiceStaffCost
    from vocrehab.episodes.models import Episode

    return (
        Organisation.objects.count(),
        Service.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Client.objects.count(),
        Episode.objects.count(),
        DirectoryService.objects.count(),
        SelfHelpMaterial.objects.count(),
        Programme.objects.count(),
        Cohort.objects.count(),
        ServiceCostYear.objects.count(),
        ServiceStaffCost.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_demo_sets_up_every_role_and_is_idempotent(settings, capsys):
    settings.DEMO_MODE = True
    call_command("demo", "--no-serve", "--episodes", "40")
    first = _counts()
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    call_command("demo", "--no-serve", "--episodes", "40")
    assert _counts() == first
    assert first[1] == 3
    # A directory to signpost to, material to give at tier 1, a course per service.
    directory, material, programmes, cohorts = first[6:10]
    assert directory >= 2 and material >= 3
    assert programmes == cohorts == 3
    assert set(Service.objects.values_list("nation", flat=True)) == {"scotland", "england"}
    # Letters and messages to clients give a number to call and when.
    assert all(s.phone and s.opening_hours for s in Service.objects.all())
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for local, *_rest in STAFF:
        user = User.objects.get(email__startswith=f"{local}@")
        assert user.check_password(DEMO_PASSWORD)
        assert f"{local}@" in output
    # A commissioning hierarchy, every service in it, and a commissioner granted a node.
    from vocrehab.accounts.access import Perm, services_for
    from vocrehab.accounts.models import Area

    assert Service.objects.filter(area__isnull=True).count() == 0
    for area in Area.objects.all():
        area.full_clean()
    commissioner = User.objects.get(email__startswith="commissioner@")
    grant = commissioner.memberships.get()
    assert grant.area.code == "E92000001" and grant.organisation is None
    assert set(services_for(commissioner, Perm.VIEW_DASHBOARD).values_list("code", flat=True)) == {
        "LEEDS-VR",
        "SUSSEX-VR",
    }
    supporter = Membership.objects.get(role=Role.SUPPORT_WORKER)
    assert supporter.supervisor is not None
    # Three years of costs for each service, so that every cost-benefit preset runs.
    assert first[10:] == (9, 18)
    _every_preset_runs_on_the_demo()


def _every_preset_runs_on_the_demo():
    from vocrehab.economics.analysis import run_analysis
    from vocrehab.economics.presets import available
    from vocrehab.economics.queries import get_preset, outcomes_for, stored_costs

    services = Service.objects.all()
    costs = stored_costs(services)
    for name in available():
        result = run_analysis(get_preset(name), outcomes_for(services=services), costs, draws=100)
        assert result.total_costs > 0 and result.ratio is not None, name


@pytest.mark.django_db
def test_demo_data_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="VOCREHAB_DEMO"):
        call_command("demo", "--no-serve")
