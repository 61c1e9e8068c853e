"""The small SVG charts: no scripts or style attributes, labels escaped, axis fixed."""

from vocrehab.measures.charts import line_chart


def test_no_points_no_chart():
    assert line_chart([]) == ""


def test_a_chart_has_a_title_points_and_no_style_or_script():
    svg = line_chart([("Entry", 12), ("Discharge", 8)], low=0, high=21, title="HADS: Anxiety")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title" in svg and "HADS: Anxiety" in svg
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "style=" not in svg and "<script" not in svg
    assert ">21<" in svg and ">0<" in svg  # the fixed axis, not the data range


def test_labels_are_escaped():
    svg = line_chart([("<b>x</b>", 1)], title="<script>")
    assert "<b>" not in svg and "<script>" not in svg
    assert "&lt;b&gt;" in svg


def test_one_point_draws_no_line():
    svg = line_chart([("Entry", 0.5)], low=-0.6, high=1)
    assert "<polyline" not in svg and svg.count("<circle") == 1
