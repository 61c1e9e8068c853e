"""The directory's settings: defaults, Django settings and the environment."""

import datetime

import pytest

from vocrehab.directory import conf


def test_defaults():
    assert conf.review_months() == 12
    assert conf.upload_max_bytes() == 10 * 1024 * 1024
    assert conf.upload_scanner() == ""


def test_the_environment_is_read_when_settings_are_silent(monkeypatch):
    monkeypatch.setenv("VOCREHAB_DIRECTORY_REVIEW_MONTHS", "6")
    assert conf.review_months() == 6


def test_settings_win(settings, monkeypatch):
    monkeypatch.setenv("VOCREHAB_DIRECTORY_REVIEW_MONTHS", "6")
    settings.VOCREHAB_DIRECTORY_REVIEW_MONTHS = 18
    assert conf.review_months() == 18


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (datetime.date(2025, 3, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 3, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 1, 15), 12, datetime.date(2024, 1, 15)),
        (datetime.date(2025, 1, 15), 13, datetime.date(2023, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert conf.months_before(day, months) == expected
