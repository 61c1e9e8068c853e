"""What the log leaves out: WeasyPrint's warnings about SVG styles, and nothing else."""

import logging

from vocrehab.logfilters import SvgStylesInPdfs


def _record(msg, *args, level=logging.WARNING):
    return logging.LogRecord("weasyprint", level, __file__, 1, msg, args, None)


def test_svg_style_warnings_are_left_out():
    keep = SvgStylesInPdfs().filter
    assert not keep(
        _record("Ignored `%s: %s` at %d:%d, %s.", "fill", "#005eb8", 1, 1, "unknown property")
    )
    assert not keep(
        _record("Ignored `%s:%s` at %d:%d, %s.", "text-anchor", " end", 1, 9, "unknown property")
    )


def test_other_warnings_stay():
    keep = SvgStylesInPdfs().filter
    # A CSS property we mistyped, a bad value of a real one, anything else.
    assert keep(
        _record("Ignored `%s: %s` at %d:%d, %s.", "colour", "red", 3, 1, "unknown property")
    )
    assert keep(_record("Ignored `%s: %s` at %d:%d, %s.", "fill", "bad", 3, 1, "invalid value"))
    assert keep(_record("Failed to load font %s", "DejaVu"))
