"""One setting decides small-number suppression everywhere aggregates are shown."""

import pytest

from vocrehab.directory.queries import _suppress
from vocrehab.economics.report import _shown
from vocrehab.episodes.models import Episode
from vocrehab.interchange.forms import default_min_k
from vocrehab.interchange.pseudonyms import profile

from .helpers import make_episode


def test_economics_and_service_mapping_follow_the_reports_threshold(settings):
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 10
    assert _suppress(7, True) is None
    assert _suppress(10, True) == 10
    assert "fewer than 10" in str(_shown(7, True))
    assert _shown(12, True) == 12
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 5
    assert _suppress(7, True) == 7
    assert _shown(7, True) == 7


@pytest.mark.django_db
def test_the_pseudonymised_export_groups_rare_values_by_the_same_threshold(service, settings):
    for _ in range(3):
        make_episode(service, area_code="W01000001")
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 4
    assert default_min_k() == 4
    assert profile(Episode.objects.all()).rare["area_code"] == {"W01000001"}
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 3
    assert default_min_k() == 3
    assert profile(Episode.objects.all()).rare["area_code"] == set()
