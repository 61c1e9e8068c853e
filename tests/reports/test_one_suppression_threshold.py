"""One setting decides small-number suppression everywhere aggregates are shown."""

from vocrehab.directory.queries import _suppress
from vocrehab.economics.report import _shown


def test_economics_and_service_mapping_follow_the_reports_threshold(settings):
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 10
    assert _suppress(7, True) is None
    assert _suppress(10, True) == 10
    assert "fewer than 10" in str(_shown(7, True))
    assert _shown(12, True) == 12
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 5
    assert _suppress(7, True) == 7
    assert _shown(7, True) == 7
