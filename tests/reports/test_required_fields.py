"""The data-quality page's required fields are the VRMDS required episode columns that an
episode can lack (the schema is interchange's, which the reports do not import)."""

from vocrehab.episodes.models import Episode
from vocrehab.interchange.vrmds.schema import COLUMNS, EPISODES
from vocrehab.reports.completeness import REQUIRED_FIELDS


def test_the_required_fields_are_the_schemas():
    fields = {f.name for f in Episode._meta.concrete_fields}
    required = [c.name for c in COLUMNS[EPISODES] if c.required and c.name in fields]
    assert list(REQUIRED_FIELDS) == required
