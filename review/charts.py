"""Inline SVG charts built from numbers on the server: no script, no external library.

Every text that goes into the SVG is escaped; the markup is returned as ``Markup`` for Jinja.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from markupsafe import Markup, escape

# One colour per violation kind, wherever a kind is drawn (the web digest, the digest file's chart, the
# XLSX chart, the PDF): the same kind never changes colour with the kinds shown beside it.
VIOLATION_COLOURS: dict[str, str] = {
    "counterfeit_mark": "#c0392b",
    "lookalike_mark": "#d35400",
    "banned_agri_input": "#2c7a7b",
    "false_advertising": "#6b46c1",
    "substandard_fuel": "#b7791f",
    "other": "#4a5568",
}


def colour_of(kind: str | None) -> str:
    """The colour of a violation kind (an unknown or missing kind is drawn as "other")."""
    return VIOLATION_COLOURS.get(kind or "other", VIOLATION_COLOURS["other"])


def in_kind_order(series: Mapping[str, Sequence[int]]) -> dict[str, Sequence[int]]:
    """Series in the one order of violation kinds, so every legend lists them alike."""
    rank = {kind: i for i, kind in enumerate(VIOLATION_COLOURS)}  # the order of scoring.VIOLATIONS
    return {k: series[k] for k in sorted(series, key=lambda k: (rank.get(k, len(rank)), k))}


def price_chart(
    points: Sequence[tuple[datetime, float]],
    *,
    label: str,
    fmt_time: Callable[[datetime], str],
    fmt_money: Callable[[float], str],
) -> Markup:
    """A step chart of a listing's price over time."""
    width, height, pad = 640, 200, 48
    if not points:
        return Markup("")
    times = [p[0].timestamp() for p in points]
    prices = [p[1] for p in points]
    t0, t1 = min(times), max(times)
    lo, hi = min(prices), max(prices)
    if hi == lo:
        lo, hi = lo * 0.9, hi * 1.1 + 1
    if t1 == t0:
        t1 = t0 + 1

    def x(t: float) -> float:
        return pad + (t - t0) / (t1 - t0) * (width - 2 * pad)

    def y(p: float) -> float:
        return height - pad + -(p - lo) / (hi - lo) * (height - 2 * pad)

    path = []
    for i, (t, p) in enumerate(zip(times, prices, strict=True)):
        if i == 0:
            path.append(f"M{x(t):.1f},{y(p):.1f}")
        else:
            path.append(f"H{x(t):.1f}V{y(p):.1f}")
    path.append(f"H{width - pad:.1f}")
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
        f'<line x1="{pad}" y1="{pad / 2}" x2="{pad}" y2="{height - pad}" stroke="#999"/>',
        f'<path d="{" ".join(path)}" fill="none" stroke="#c0392b" stroke-width="2"/>',
        f'<text x="{pad - 4}" y="{y(hi):.1f}" text-anchor="end" font-size="11">'
        f"{escape(fmt_money(hi))}</text>",
        f'<text x="{pad - 4}" y="{y(lo):.1f}" text-anchor="end" font-size="11">'
        f"{escape(fmt_money(lo))}</text>",
        f'<text x="{pad}" y="{height - pad + 16}" font-size="11">{escape(fmt_time(points[0][0]))}</text>',
        f'<text x="{width - pad}" y="{height - pad + 16}" text-anchor="end" font-size="11">'
        f"{escape(fmt_time(points[-1][0]))}</text>",
    ]
    for t, p, (when, _) in zip(times, prices, points, strict=True):
        parts.append(
            f'<circle cx="{x(t):.1f}" cy="{y(p):.1f}" r="3" fill="#c0392b">'
            f"<title>{escape(fmt_time(when))} {escape(fmt_money(p))}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_days(
    days: Sequence[date], series: Mapping[str, Sequence[int]], *, labels: dict[str, str], title: str
) -> Markup:
    """Stacked bars: one per day, one colour per series (violation kind, coloured by ``colour_of``),
    with a legend."""
    width, height, pad, legend = 760, 260, 40, 150
    plot_w = width - pad - legend
    top = max([sum(col) for col in zip(*series.values(), strict=True)] or [0]) or 1
    bar = plot_w / max(1, len(days))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{pad + plot_w}" y2="{height - pad}" stroke="#999"/>',
        f'<text x="{pad - 4}" y="{pad}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{pad - 4}" y="{height - pad}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, day in enumerate(days):
        base: float = height - pad
        for name, values in series.items():
            n = values[i]
            if not n:
                continue
            h = n / top * (height - 2 * pad)
            base -= h
            parts.append(
                f'<rect x="{pad + i * bar + 1:.1f}" y="{base:.1f}" width="{max(1.0, bar - 2):.1f}" '
                f'height="{h:.1f}" fill="{colour_of(name)}">'
                f"<title>{day.isoformat()} {escape(labels.get(name, name))}: {n}</title></rect>"
            )
        if i % 5 == 0 or i == len(days) - 1:
            parts.append(
                f'<text x="{pad + i * bar + bar / 2:.1f}" y="{height - pad + 14}" text-anchor="middle" '
                f'font-size="10">{day.strftime("%m-%d")}</text>'
            )
    for k, name in enumerate(series):
        ly = pad + k * 18
        parts.append(
            f'<rect x="{width - legend + 10}" y="{ly}" width="12" height="12" fill="{colour_of(name)}"/>'
        )
        parts.append(
            f'<text x="{width - legend + 28}" y="{ly + 11}" font-size="12">'
            f"{escape(labels.get(name, name))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def swatch(kind: str | None) -> Markup:
    """A small square in the kind's colour, for legends and table cells (an SVG: no inline style)."""
    return Markup(
        '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="10" height="10" fill="{colour_of(kind)}"/></svg>'
    )
