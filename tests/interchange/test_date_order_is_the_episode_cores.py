"""The dataset validator keeps the episode core's order of dates (``episodes.facts``):
over every arrangement of an episode's dates, the validator flags exactly the columns
that ``facts.date_order`` finds out of order. The validator works on day numbers row by
row for speed, so it keeps its own loop; this holds the two to one rule."""

import datetime as dt
import itertools

from vocrehab.episodes import facts
from vocrehab.interchange.vrmds.schema import DATE_ORDER
from vocrehab.interchange.vrmds.validate import validate_dataset

from .helpers import TODAY, read_example, write_dataset

E = "episodes.csv"
REFERRAL = dt.date(2024, 3, 1)
# Before, on and after the referral, and later still; None leaves the date out.
DAYS = (None, REFERRAL - dt.timedelta(days=1), REFERRAL, REFERRAL + dt.timedelta(days=10))
VRMDS_NAME = dict(zip(facts.DATE_FIELDS, DATE_ORDER, strict=True))


def test_the_validator_flags_what_the_episode_core_refuses(tmp_path):
    template = read_example()[E][1]
    rows, expected = [], {}
    later = facts.DATE_FIELDS[1:]
    for n, days in enumerate(itertools.product(DAYS, repeat=len(later)), start=2):
        dates = {"referral_date": REFERRAL, **dict(zip(later, days, strict=True))}
        discharged = dates["discharge_date"] is not None
        row = {
            **template,
            "episode_id": f"ORDER-{n}",
            "client_id": f"P-ORDER-{n}",
            "engagement": "engaged",
            "work_status_at_discharge": "at_work" if discharged else "",
            "work_status_at_followup": "at_work" if dates["followup_collected_on"] else "",
            "previous_episode_id": "",
        }
        for field, day in dates.items():
            row[VRMDS_NAME[field]] = day.isoformat() if day else ""
        rows.append(row)
        expected[n] = {VRMDS_NAME[b.field] for b in facts.date_order(dates)}
    result = validate_dataset(write_dataset(tmp_path, {E: rows}), today=TODAY, max_errors=10_000)
    flagged = {n: set() for n in expected}
    for issue in result.errors:
        assert issue.column in DATE_ORDER, str(issue)
        flagged[issue.row].add(issue.column)
    assert flagged == expected
    # Both refuse something, and not everything.
    assert any(expected.values()) and not all(expected.values())
