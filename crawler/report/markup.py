"""Small HTML building blocks for the report: escaping, tables, numbers, badges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

Cell = Any  # text (escaped), or Raw markup


class Raw(str):
    """Markup that is inserted as it is (already escaped)."""


def esc(value: Any) -> str:
    """Escape anything for HTML text or attribute values; Raw passes through."""
    if isinstance(value, Raw):
        return str(value)
    return escape("" if value is None else str(value))


def num(value: Any) -> str:
    """Integers with thousands separators, floats with two decimals, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def seconds(value: float | None) -> str:
    """``3725.2`` → ``1h 02m 05s``."""
    if value is None:
        return "–"
    total = int(round(value))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h {m:02d}m {s:02d}s"
    return f"{m}m {s:02d}s" if m else f"{value:.1f}s"


def link(url: str) -> Raw:
    """A link to ``url`` (http/https only; anything else stays text)."""
    if url.startswith(("http://", "https://")):
        return Raw(f'<a href="{esc(url)}" rel="noreferrer">{esc(url)}</a>')
    return Raw(esc(url))


def badge(state: str) -> Raw:
    """A coloured state label: passed, failed, skipped."""
    return Raw(f'<span class="badge {esc(state)}">{esc(state)}</span>')


def table(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, cls: str = "",
          numeric: Sequence[int] = (), empty: str = "none") -> str:
    """A table; columns listed in ``numeric`` are right-aligned."""
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f'<td{" class=num" if i in numeric else ""}>'
                        f'{esc(c) if isinstance(c, Raw) else esc(num(c))}</td>'
                        for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}" class="empty">{esc(empty)}</td></tr>')
    thead = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    return f'<table class="{esc(cls)}">{thead}<tbody>{"".join(body)}</tbody></table>'



def section(title: str, ident: str, *parts: str) -> str:
    """A titled section with an anchor."""
    return f'<section id="{esc(ident)}"><h2>{esc(title)}</h2>\n' + "\n".join(parts) + "</section>"


CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;
background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:21px}
header .sub{color:#b9c1d0}main{padding:8px 28px 40px;max-width:1200px}
h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d8dce3;padding-bottom:4px}
h3{font-size:14px;margin:16px 0 6px}
table{border-collapse:collapse;background:#fff;margin:4px 0 12px;font-size:13px}
th,td{border:1px solid #dde1e7;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}
td.empty{color:#778;font-style:italic}td a{color:#1a56b0;word-break:break-all}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;min-width:130px}
.card .v{font-size:20px;font-weight:600}.card .k{color:#667;font-size:12px}
.cols{display:flex;flex-wrap:wrap;gap:24px}.cols>div{min-width:280px}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;font-size:12px;font-weight:600}
.badge.passed{background:#d8f3df;color:#17602c}.badge.failed{background:#fbd9d7;color:#9b1c13}
.badge.skipped{background:#e6e8ec;color:#555}
svg.chart{background:#fff;border:1px solid #dde1e7;border-radius:4px;margin:6px 0 12px;
max-width:100%;height:auto}
svg .grid{stroke:#e5e8ee;stroke-width:1}svg .axis{font-size:11px;fill:#556}
svg .chart-title{font-size:13px;font-weight:600;fill:#1d2330}
details{margin:8px 0}summary{cursor:pointer;color:#1a56b0}
.note{color:#667;font-size:12px}
"""
