"""Scoring article records against the unseen sites' ground truth (``bench/unseen_sites.py``
and the tests use it): published as an exact instant (a day-only gold needs that day-only
answer, a null gold needs null), invented dates, records holding a site-wide boilerplate line,
text token F1, exact titles, articles found.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fixture_site.evaluation import token_f1
from fixture_site.unseen.model import GoldArticle

TARGETS = {"published": 0.97, "invented": 0, "boilerplate_records": 0, "text_f1": 0.98}
TEXT_FAIL_BELOW = 0.98  # a page's text is listed as a failure under this F1


def read_records(out: Path) -> list[dict[str, Any]]:
    """Every article record the crawls wrote under ``out`` (``<out>/<spider>/<crawl-id>/``;
    sets ``crawler reextract`` wrote are not the crawl's)."""
    records = []
    for path in sorted(out.glob("*/*/articles/*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh if line.strip()]
    return records


def _norm(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def published_ok(got: str | None, gold: str | None) -> bool:
    """Whether ``got`` states the gold publication: the same instant to the minute for an exact
    gold, the same bare day for a day-only gold, null for a null gold."""
    if gold is None or got is None:
        return got is None and gold is None
    if len(gold) == 10:
        return got == gold
    try:
        mine = dt.datetime.fromisoformat(got)
    except ValueError:
        return False
    if len(got) <= 10 or mine.tzinfo is None:
        return False
    minute = lambda m: m.astimezone(dt.UTC).replace(second=0, microsecond=0)  # noqa: E731
    return minute(mine) == minute(dt.datetime.fromisoformat(gold))


Record = dict[str, Any]


def score_site(gold: list[GoldArticle], boilerplate: tuple[str, ...],
               records: list[Record]) -> tuple[Record, list[Record]]:
    """Metrics of one site and its failures."""
    by_url = {g.url: g for g in gold}
    found: dict[str, dict[str, Any]] = {}
    extra, fails = [], []
    bp_records = 0
    for rec in records:
        text = rec.get("text") or ""
        hits = [b for b in boilerplate if b in text]
        if hits:
            bp_records += 1
            fails.append({"url": rec.get("url"), "field": "boilerplate", "got": hits[0],
                          "gold": None})
        key = next((u for u in (_norm(rec.get("canonical_url") or ""), _norm(rec["url"]))
                    if u in by_url), None)
        if key is None:
            extra.append(rec["url"])
        else:
            found.setdefault(key, rec)
    pub_ok = invented = titles = offsets = 0
    f1s = []
    for url, g in by_url.items():
        record = found.get(url)
        if record is None:
            fails.append({"url": url, "field": "found", "got": None, "gold": "article"})
            continue
        rec = record
        got = rec.get("published")
        if published_ok(got, g.published):
            pub_ok += 1
            offsets += (g.published is None or len(g.published) == 10
                        or (got is not None and got[-6:] == g.published[-6:]))
        else:
            fails.append({"url": url, "field": "published", "got": got, "gold": g.published,
                          "source": rec.get("published_source")})
        if g.published is None and got is not None:
            invented += 1
        if rec.get("title") == g.title:
            titles += 1
        else:
            fails.append({"url": url, "field": "title", "got": rec.get("title"), "gold": g.title})
        f1 = token_f1(rec.get("text") or "", g.text)
        f1s.append(f1)
        if f1 < TEXT_FAIL_BELOW:
            mine, want = (rec.get("text") or "").split("\n\n"), g.text.split("\n\n")
            fails.append({"url": url, "field": "text", "f1": round(f1, 4),
                          "got": [p for p in mine if p not in want][:6],  # extra paragraphs
                          "gold": [p for p in want if p not in mine][:6]})  # missing ones
    n = len(found)
    metrics = {
        "expected": len(gold), "found": n, "extra_records": len(extra),
        "published_ok": pub_ok, "published": round(pub_ok / n, 4) if n else 0.0,
        "offset_as_site": offsets, "invented": invented, "boilerplate_records": bp_records,
        "text_f1": round(sum(f1s) / n, 4) if n else 0.0,
        "title_exact": round(titles / n, 4) if n else 0.0,
        "gold_kinds": {k: sum(1 for g in gold if _kind(g.published) == k)
                       for k in ("exact", "day", "null")},
    }
    return metrics, fails


def _kind(published: str | None) -> str:
    return "null" if published is None else ("day" if len(published) == 10 else "exact")


def overall(per_site: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Sums and found-weighted means over the sites."""
    found = sum(m["found"] for m in per_site.values())
    weighted = lambda k: round(sum(m[k] * m["found"] for m in per_site.values()) / found, 4)  # noqa: E731
    return {
        "expected": sum(m["expected"] for m in per_site.values()), "found": found,
        "extra_records": sum(m["extra_records"] for m in per_site.values()),
        "published": round(sum(m["published_ok"] for m in per_site.values()) / found, 4)
        if found else 0.0,
        "invented": sum(m["invented"] for m in per_site.values()),
        "boilerplate_records": sum(m["boilerplate_records"] for m in per_site.values()),
        "text_f1": weighted("text_f1") if found else 0.0,
        "title_exact": weighted("title_exact") if found else 0.0,
    }
