"""Charts of the evaluation tables, drawn with matplotlib as SVG.

The same SVG goes into the PDF and, as a ``data:`` image, into the web page (the
Content Security Policy allows ``data:`` images but no inline styles or scripts, so
the SVG is never inlined into the HTML). Suppressed cells are drawn as gaps and the
chart says so; every chart has a text alternative built from the same numbers.
"""

from __future__ import annotations

import base64
import functools
import io
import threading

from .labels import header, label
from .spc import Better

_LOCK = threading.Lock()  # pyplot keeps global state
_BLUE, _DARK, _GREY = "#005eb8", "#003087", "#768692"


@functools.cache
def _pyplot():
    """Matplotlib's pyplot, loaded the first time a chart is drawn.

    Not imported with this module: the report views and exports import it, and loading
    Matplotlib (and, on a new machine, building its font cache) would slow every
    command and web worker start (issue 21). The Agg backend draws without a display.
    """
    # Matplotlib is heavy: loaded here, on first use (see above).
    import matplotlib

    matplotlib.use("Agg")
    # Text stays text (with a list of fonts to fall back on): a reader can select and
    # search it in the PDF, and the PDF is quicker to make than with every letter a
    # drawn path.
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt  # after use("Agg"), so pyplot never looks for a display

    return plt


# table id -> (category dimension, series dimension or None, measure)
CHARTS: dict[str, tuple[str, str | None, str]] = {
    "referral_sources": ("referral_source", None, "count"),
    "conditions": ("condition", None, "count"),
    "work_status": ("work_status", "timepoint", "count"),
    "work_status_transitions": ("discharge_status", "entry_group", "count"),
    "hads_bands": ("band", "timepoint", "count"),
    "phq9_bands": ("band", "timepoint", "count"),
    "gad7_bands": ("band", "timepoint", "count"),
    "length_of_stay": ("within", None, "count"),
}


def _series(table_id: str, table: dict):
    category_dim, series_dim, measure = CHARTS[table_id]
    cells = table["cells"]
    if table_id == "conditions":
        cells = [c for c in cells if c["condition_detail"] == ""]
    categories: list[str] = []
    series: dict[str, dict[str, float | None]] = {}
    for c in cells:
        category = label(category_dim, c[category_dim], table_id=table_id, cell=c)
        if table_id == "hads_bands":
            # One chart for both subscales: categories "Anxiety: Mild" and so on.
            category = f"{label('subscale', c['subscale'])}: {category}"
        if category not in categories:
            categories.append(category)
        key = label(series_dim, c[series_dim], table_id=table_id, cell=c) if series_dim else ""
        series.setdefault(key, {})[category] = c.get(measure)
    # Drop categories that are zero everywhere (long code lists) but keep suppressed ones.
    categories = [
        cat for cat in categories if any(s.get(cat) is None or s.get(cat) for s in series.values())
    ]
    return categories, series


def chart_svg(table_id: str, table: dict) -> str | None:
    """SVG text of the chart of ``table_id``, or None when it has no chart or no data."""
    if table_id not in CHARTS:
        return None
    categories, series = _series(table_id, table)
    if not categories:
        return None
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator  # Matplotlib is loaded by _pyplot() above

    with _LOCK:
        height = max(2.4, 0.32 * len(categories) * max(1, len(series)) + 0.9)
        fig, ax = plt.subplots(figsize=(6.5, min(height, 8)))
        try:
            bar = 0.8 / max(1, len(series))
            colours = [_BLUE, "#41b6e6", _DARK, _GREY, "#330072"]
            for i, (name, values) in enumerate(series.items()):
                ys = [k + i * bar for k in range(len(categories))]
                xs = [values.get(cat) or 0 for cat in categories]
                ax.barh(ys, xs, height=bar, label=name or None, color=colours[i % len(colours)])
                for y, cat in zip(ys, categories, strict=True):
                    if cat in values and values[cat] is None:
                        ax.text(0, y, " suppressed", va="center", fontsize=7, color=_GREY)
            ax.set_yticks([k + bar * (len(series) - 1) / 2 for k in range(len(categories))])
            ax.set_yticklabels(categories, fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel(header(CHARTS[table_id][2]), fontsize=8)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            largest = max(
                (v or 0 for values in series.values() for v in values.values()), default=0
            )
            ax.set_xlim(0, max(1, largest) * 1.05)
            ax.tick_params(axis="x", labelsize=8)
            ax.spines[["top", "right"]].set_visible(False)
            if len(series) > 1:
                ax.legend(fontsize=7, frameon=False)
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg")
        finally:
            plt.close(fig)
    # Several charts share one PDF: give each its own element ids.
    svg = out.getvalue()
    for old, new in (
        ('id="', f'id="{table_id}-'),
        ('href="#', f'href="#{table_id}-'),
        ("url(#", f"url(#{table_id}-"),
    ):
        svg = svg.replace(old, new)
    return svg


def chart_data_uri(table_id: str, table: dict) -> str | None:
    svg = chart_svg(table_id, table)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def chart_alt(table_id: str, table: dict) -> str:
    """A text alternative: every bar's value, in words."""
    if table_id not in CHARTS:
        return ""
    categories, series = _series(table_id, table)
    parts = []
    for name, values in series.items():
        shown = ", ".join(
            f"{cat} {'suppressed' if values.get(cat) is None else values[cat]}"
            for cat in categories
            if cat in values
        )
        parts.append(f"{name}: {shown}" if name else shown)
    return f"{table['title']}. " + "; ".join(parts)


_ORANGE = "#ed8b00"  # special cause of concern, as Making Data Count colours it
_SPECIAL = {"improvement": _BLUE, "concern": _ORANGE, "neither": _DARK}


def _special_colour(chart, value: float) -> str:
    if chart.better is Better.NEITHER:
        return _SPECIAL["neither"]
    improving = (value > chart.mean) == (chart.better is Better.HIGHER)
    return _SPECIAL["improvement" if improving else "concern"]


def spc_chart_data_uri(chart, labels: list[str], *, title: str, slug: str) -> str:
    """An XmR chart as a ``data:`` SVG (see :func:`spc_chart_svg`)."""
    svg = spc_chart_svg(chart, labels, title=title, slug=slug)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def spc_chart_svg(chart, labels: list[str], *, title: str, slug: str) -> str:
    """An XmR chart as SVG markup: the values, the mean, the process limits, the
    target if any, special-cause points coloured (blue improvement, orange concern)."""
    plt = _pyplot()
    with _LOCK:
        fig, ax = plt.subplots(figsize=(6.5, 2.8))
        try:
            xs = list(range(len(chart.points)))
            values = [p.value for p in chart.points]
            ax.plot(xs, values, color=_GREY, linewidth=1.2, zorder=1)
            ax.scatter(
                xs,
                values,
                s=16,
                zorder=2,
                color=[
                    _special_colour(chart, p.value) if p.special_cause else _GREY
                    for p in chart.points
                ],
            )
            ax.axhline(chart.mean, color="#212b32", linewidth=1)
            # Counts and percentages cannot go below 0, so neither does the drawn limit.
            floor = 0.0 if min(values) >= 0 else None
            lower = chart.lower_limit if floor is None else max(chart.lower_limit, floor)
            for limit in (chart.upper_limit, lower):
                ax.axhline(limit, color="#212b32", linewidth=0.8, linestyle="--")
            if chart.target is not None:
                ax.axhline(chart.target, color="#da291c", linewidth=1, linestyle=":")
            step = max(1, len(labels) // 8)
            ax.set_xticks(xs[::step])
            ax.set_xticklabels(labels[::step], fontsize=7)
            ax.tick_params(axis="y", labelsize=7)
            if all(float(v).is_integer() for v in values):
                # Counts read as whole numbers: no "2.5 referrals" on the axis.
                from matplotlib.ticker import MaxNLocator  # loaded by _pyplot() above

                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(title, fontsize=9, loc="left")
            ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg")
        finally:
            plt.close(fig)
    svg = out.getvalue()
    for old, new in (
        ('id="', f'id="{slug}-'),
        ('href="#', f'href="#{slug}-'),
        ("url(#", f"url(#{slug}-"),
    ):
        svg = svg.replace(old, new)
    return svg
