"""Filters for the log: what an operator need not read."""

import logging

# SVG presentation properties. WeasyPrint reads the style attributes of the charts' SVG
# as CSS and warns that each is unknown to CSS, though its SVG drawing applies them.
SVG_PROPERTIES = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "text-anchor",
    }
)


class SvgStylesInPdfs(logging.Filter):
    """Drop WeasyPrint's "Ignored `fill: …`, unknown property" lines: about 1,800 for
    every report PDF, none of them a problem. Its other warnings stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (
            str(record.msg).startswith("Ignored `")
            and len(args) >= 2
            and args[0] in SVG_PROPERTIES
            and args[-1] == "unknown property"
        )
