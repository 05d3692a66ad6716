"""Articles by publication day, language and filled fields: bucketing for charts, and counting
from records."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MAX_BARS = 90
# Record fields whose fill rate the report shows (``text`` is always filled).
FILL_FIELDS = ("title", "authors", "published", "modified", "description", "image",
               "categories", "tags", "language", "site_name", "translations")


Periods = list[tuple[str, int]]


def _days(per_day: Mapping[str, int]) -> Counter[dt.date]:
    found: Counter[dt.date] = Counter()
    for key, n in per_day.items():
        try:
            found[dt.date.fromisoformat(key[:10])] += int(n)
        except ValueError:
            continue
    return found


def _period(day: dt.date, unit: str) -> str:
    if unit == "day":
        return day.isoformat()
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


def _span(first: dt.date, last: dt.date, unit: str) -> int:
    if unit == "day":
        return (last - first).days + 1
    if unit == "week":
        return (last - first).days // 7 + 2
    if unit == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def _labels(first: dt.date, last: dt.date, unit: str) -> list[str]:
    if unit == "year":
        return [str(y) for y in range(first.year, last.year + 1)]
    step = dt.timedelta(days=1 if unit == "day" else 7 if unit == "week" else 28)
    labels: list[str] = []
    day = first
    while day <= last:
        if not labels or labels[-1] != _period(day, unit):
            labels.append(_period(day, unit))
        day += step
    if labels[-1] != _period(last, unit):
        labels.append(_period(last, unit))
    return labels


def per_period(per_day: Mapping[str, int], max_bars: int = MAX_BARS) -> tuple[str, Periods]:
    """Counts per day, or per week/month/year when the days would not fit in ``max_bars``.

    Returns the unit and ``(label, count)`` pairs, with empty periods inside the range as 0 so a
    gap in publishing shows as a gap.
    """
    days = _days(per_day)
    if not days:
        return "day", []
    first, last = min(days), max(days)
    unit = next(u for u in ("day", "week", "month", "year")
                if u == "year" or _span(first, last, u) <= max_bars)
    totals: Counter[str] = Counter()
    for day, n in days.items():
        totals[_period(day, unit)] += n
    if _span(first, last, unit) > max_bars:  # centuries apart: only the years with articles
        return unit, sorted(totals.items())
    return unit, [(label, totals.get(label, 0)) for label in _labels(first, last, unit)]


def filled(record: Mapping[str, Any]) -> list[str]:
    """The :data:`FILL_FIELDS` a record has a value for (not null, empty or ``[]``)."""
    return [name for name in FILL_FIELDS if record.get(name) not in (None, "", [], {})]


def count_records(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per-day, per-language and per-field counts of article records."""
    per_day: Counter[str] = Counter()
    per_language: Counter[str] = Counter()
    fields = dict.fromkeys(FILL_FIELDS, 0)
    total = undated = 0
    for record in records:
        total += 1
        for name in filled(record):
            fields[name] += 1
        published = str(record.get("published") or "")
        try:
            dt.date.fromisoformat(published[:10])
            per_day[published[:10]] += 1
        except ValueError:
            undated += 1
        per_language[str(record.get("language") or "unknown")] += 1
    return {"articles": total, "articles_per_day": dict(sorted(per_day.items())),
            "articles_per_language": dict(per_language.most_common()),
            "articles_undated": undated, "fields_filled": fields}


def read_records(crawl_dir: Path) -> Iterable[dict[str, Any]]:
    """Every record in ``<crawl>/articles/*.jsonl.gz``, streamed."""
    for part in sorted((crawl_dir / "articles").glob("*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
