"""Inline SVG bar charts for the report: no scripts, no external files, readable offline."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 28, 42
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Series:
    """One stacked layer of a bar chart."""

    name: str
    color: str
    values: list[float]


TICKS = 4


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` for counts: four whole, round ticks."""
    step = max(value / TICKS, 1.0)
    power = 10 ** math.floor(math.log10(step))
    for mult in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step <= mult * power + 1e-9:
            step = mult * power
            break
    return float(math.ceil(step) * TICKS)


def _num(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def bar_chart(labels: list[str], series: list[Series], *, title: str, width: int = 760,
              height: int = 240, unit: str = "") -> str:
    """Stacked bars, one per label, with a y axis, thinned x labels, a legend and tooltips."""
    n = len(labels)
    totals = [sum(s.values[i] for s in series) for i in range(n)]
    top = nice_max(max(totals, default=0))
    plot_w, plot_h = width - PAD_LEFT - PAD_RIGHT, height - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(n, 1)
    bar_w = min(max(slot * 0.8, 1.0), 48.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}">',
           f'<text x="{PAD_LEFT}" y="16" class="chart-title">{escape(title)}</text>']
    for k in range(TICKS + 1):  # grid lines and y labels
        value = top * k / TICKS
        y = PAD_TOP + plot_h - plot_h * k / TICKS
        out.append(f'<line x1="{PAD_LEFT}" x2="{width - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'class="grid"/>')
        out.append(f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                   f'class="axis">{_num(value)}</text>')
    step = max(1, math.ceil(n / MAX_X_LABELS))
    for i, label in enumerate(labels):
        x = PAD_LEFT + i * slot + (slot - bar_w) / 2
        base: float = PAD_TOP + plot_h
        for s in series:
            v = s.values[i]
            if v <= 0:
                continue
            h = plot_h * v / top
            base -= h
            tip = f"{label} — {s.name}: {_num(v)}{unit}" if len(series) > 1 else \
                f"{label}: {_num(v)}{unit}"
            out.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{s.color}"><title>{escape(tip)}</title></rect>')
        if i % step == 0:
            cx = PAD_LEFT + i * slot + slot / 2
            out.append(f'<text x="{cx:.1f}" y="{PAD_TOP + plot_h + 16}" text-anchor="middle" '
                       f'class="axis">{escape(label)}</text>')
    if len(series) > 1:
        x = PAD_LEFT
        for s in series:
            out.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
                       f'fill="{s.color}"/>')
            out.append(f'<text x="{x + 14}" y="{height - 5}" class="axis">{escape(s.name)}</text>')
            x += 24 + 7 * len(s.name)
    out.append("</svg>")
    return "\n".join(out)
