"""Small server-side SVG charts of a score over time (no scripts, no style attributes)."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 40, 36, 12, 30


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"


def line_chart(
    points: list[tuple[str, float]],
    *,
    low: float | None = None,
    high: float | None = None,
    title: str = "",
) -> SafeString:
    """An SVG line chart of (label, value) points; empty string when there are none.

    ``low``/``high`` fix the vertical axis (the score's range) so that charts of the
    same score compare at a glance; otherwise the data's range is used. The chart has
    a title and description for screen readers; the table beside it holds the figures.
    """
    if not points:
        return mark_safe("")  # noqa: S308 - constant
    values = [v for _, v in points]
    low = min(values) if low is None else min(low, *values)
    high = max(values) if high is None else max(high, *values)
    if high == low:
        high, low = high + 1, low - 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 20
    step = (plot_w - inset) / max(len(points) - 1, 1)

    # Labels are centred on their points: keep the first one clear of the axis.
    def x(i: int) -> float:
        return LEFT + (inset + i * step if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
            'class="vr-chart" role="img" aria-labelledby="{}-t">',
            WIDTH,
            HEIGHT,
            _slug(title),
        ),
        format_html('<title id="{}-t">{}</title>', _slug(title), title),
        # Axes and range labels.
        format_html(
            '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#768692" stroke-width="1"/>',
            LEFT,
            TOP,
            TOP + plot_h,
        ),
        format_html(
            '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#768692" stroke-width="1"/>',
            LEFT,
            TOP + plot_h,
            LEFT + plot_w,
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#4c6272">{}</text>',
            LEFT - 4,
            TOP + 4,
            _fmt(high),
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#4c6272">{}</text>',
            LEFT - 4,
            TOP + plot_h,
            _fmt(low),
        ),
    ]
    coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
    if len(points) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="#005eb8" stroke-width="2"/>', coords
            )
        )
    for i, (label, value) in enumerate(points):
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="#005eb8"><title>{}: {}</title></circle>',
                f"{x(i):.1f}",
                f"{y(value):.1f}",
                label,
                _fmt(value),
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#212b32">{}</text>',
                f"{x(i):.1f}",
                HEIGHT - 10,
                label,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - parts escaped above


def _slug(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in escape(text).lower())
    return "chart-" + (cleaned.strip("-") or "score")[:40]
