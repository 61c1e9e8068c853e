"""A chart's words are text a reader can select and search (in the page and the PDF),
not letters drawn as shapes."""

import re

from vocrehab.reports import charts
from vocrehab.reports.spc import xmr

CONDITIONS = {
    "cells": [
        {"condition": "cancer", "condition_detail": "", "count": 7},
        {"condition": "stroke", "condition_detail": "", "count": 5},
    ]
}


def _words(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _drawn_letters(svg: str) -> bool:
    # Letters drawn as shapes are glyph definitions that the chart reuses.
    return "DejaVuSans-" in svg


def test_a_bar_chart_labels_its_bars_and_axis_in_text():
    svg = charts.chart_svg("conditions", CONDITIONS)
    words = _words(svg)
    assert "Cancer" in words and "Count" in words, words
    assert not _drawn_letters(svg)
    # A reader without matplotlib's own font gets another sans-serif one.
    assert "sans-serif" in svg


def test_a_process_chart_titles_and_labels_in_text():
    svg = charts.spc_chart_svg(
        xmr([3, 4, 5, 4]),
        ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"],
        title="Referrals",
        slug="referrals",
    )
    words = _words(svg)
    assert "Referrals" in words and "Jan 2026" in words, words
    assert not _drawn_letters(svg)


def test_a_process_chart_of_counts_marks_whole_numbers_only():
    # A quiet year, then a busy autumn: the axis reaches 19.
    counts = [0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 19, 12, 0]
    labels = [f"Month {i}" for i in range(len(counts))]
    svg = charts.spc_chart_svg(xmr(counts), labels, title="Referrals per month", slug="referrals")
    ticks = [w for w in _words(svg) if re.fullmatch(r"[−\-]?[0-9.]+", w)]
    assert ticks and all("." not in t for t in ticks), ticks
