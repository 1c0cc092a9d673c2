"""Small SVG charts drawn on the server: no script, no CDN, readable without colour (dashes, labels)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

#: Line styles that differ by dash pattern as well as colour (WCAG 1.4.1); colours have at least
#: 3:1 contrast with the white background (WCAG 1.4.11).
_STYLES = (
    ("#1f4e99", ""),
    ("#8a3b00", "8 4"),
    ("#2d6a2d", "2 3"),
    ("#6b2a80", "10 3 2 3"),
)


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[float, float | None]]


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_max: float = 100.0,
    y_unit: str = "%",
    width: int = 720,
    height: int = 240,
    time_label: Callable[[float], str] | None = None,
) -> Markup:
    """A line chart over time (x in seconds); missing values break the line.

    `time_label` writes the first and last times under the axis.
    """
    left, right, top, bottom = 48, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    times = [t for one in series for t, value in one.points if value is not None]
    parts = [_open_svg("health-chart", width, height, title, description)]
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - fraction)
        tick = f"{fraction * y_max:.0f}{escape(y_unit)}"
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    if times:
        start, end = min(times), max(times)
        span = max(end - start, 1.0)

        def point(t: float, value: float) -> str:
            x = left + plot_w * (t - start) / span
            y = top + plot_h * (1 - min(value, y_max) / y_max)
            return f"{x:.1f},{y:.1f}"

        if time_label is not None:
            baseline = top + plot_h + 18
            parts.append(
                f'<text x="{left}" y="{baseline}" text-anchor="start">{escape(time_label(start))}</text>'
            )
            parts.append(
                f'<text x="{left + plot_w}" y="{baseline}" text-anchor="end">{escape(time_label(end))}</text>'
            )
        for index, one in enumerate(series):
            colour, dash = _STYLES[index % len(_STYLES)]
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            for run in _runs(one.points):
                if len(run) == 1:
                    # A lone measure (the kiosk just started, or a gap on each side): a dot.
                    x, y = point(*run[0]).split(",")
                    parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
                    continue
                coordinates = " ".join(point(t, value) for t, value in run)
                parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}"')
                parts.append(f' stroke-width="2"{dashes}/>')
    else:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle">Aucune mesure</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: Sequence[Series]) -> Markup:
    """The legend as HTML next to the chart: each name with a sample of its line."""
    items = []
    for index, one in enumerate(series):
        colour, dash = _STYLES[index % len(_STYLES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            '<li><svg width="36" height="10" aria-hidden="true" focusable="false">'
            f'<line x1="0" x2="36" y1="5" y2="5" stroke="{colour}" stroke-width="3"{dashes}/></svg> '
            f"{escape(one.label)}</li>"
        )
    return Markup(f'<ul class="legend">{"".join(items)}</ul>')


def _open_svg(ident: str, width: int, height: int, title: str, description: str) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"'
        f' aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )


def _runs(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for t, value in points:
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((t, value))
    return [run for run in runs if run]


def bar_chart(
    bars: Sequence[tuple[str, float]], *, title: str, description: str, height: int = 220
) -> Markup:
    """Vertical bars with their value written above each (the numbers do not depend on the eye)."""
    left, top, bottom = 8, 24, 40
    bar_w, gap = 28, 10
    width = max(left * 2 + len(bars) * (bar_w + gap), 200)
    plot_h = height - top - bottom
    peak = max((value for _, value in bars), default=0) or 1
    parts = [_open_svg("usage-chart", width, height, title, description)]
    for index, (name, value) in enumerate(bars):
        x = left + index * (bar_w + gap)
        bar_h = plot_h * value / peak
        y = top + plot_h - bar_h
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{bar_h:.1f}" class="bar"/>')
        parts.append(f'<text x="{x + bar_w / 2}" y="{y - 4:.1f}" text-anchor="middle">{value:g}</text>')
        parts.append(
            f'<text x="{x + bar_w / 2}" y="{height - bottom + 14}" text-anchor="end" '
            f'transform="rotate(-45 {x + bar_w / 2} {height - bottom + 14})">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
