"""Extraction quality on the fixture site, measured against its ground truth (in-process).

Used by ``bench/extraction.py`` and by the tests. Leak strings are derived from each rendered
page: every text node of the page that is not part of the article's ground-truth text (menus,
read-also blocks, ads, captions, comments, teasers, date lines...) must not show up in the
extracted text.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.dates import PageDates
from crawler.extract.article import ExtractedArticle, ExtractOptions, extract_article
from crawler.html.tree import parse_html
from crawler.pages.profiles import SiteProfile
from crawler.sitefacts.boilerplate import paragraphs
from crawler.sitefacts.finalize import finalize
from crawler.sitefacts.learner import SiteLearner

_TOKEN = re.compile(r"\w+")
MIN_LEAK_CHARS = 4


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _TOKEN.findall(text.lower())


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-tokens F1 between two texts (1.0 when both are empty)."""
    pred, ref = Counter(tokens(predicted)), Counter(tokens(gold))
    if not pred and not ref:
        return 1.0
    overlap = sum((pred & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def _norm(text: str) -> str:
    return " ".join(text.split())


def noise_strings(html: str, gold_text: str) -> set[str]:
    """Text nodes of the page body that are not in the gold article text (the page's noise)."""
    tree = parse_html(html)
    body = tree.find("body") if tree is not None else None
    if body is None:
        return set()
    gold = _norm(gold_text)
    out = set()
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        for raw in (el.text, el.tail):
            piece = _norm(raw or "")
            if len(piece) >= MIN_LEAK_CHARS and any(c.isalpha() for c in piece) \
                    and piece not in gold:
                out.add(piece)
    return out


@dataclass
class FixtureScores:
    """Aggregated scores over the evaluated pages (and the worst pages, for debugging)."""

    pages: int = 0
    text_f1: float = 0.0
    title_exact: float = 0.0
    published_exact: float = 0.0
    modified_exact: float = 0.0
    authors_exact: float = 0.0
    language_exact: float = 0.0
    translation_exact: float = 0.0
    image_exact: float = 0.0
    tags_exact: float = 0.0
    leak_pages: int = 0
    skipped: int = 0
    ms_mean: float = 0.0
    ms_p95: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Rounded figures for reports."""
        out = {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}
        out["failures"] = self.failures[:20]
        return out


def evaluate_fixture(site: Any, profile: SiteProfile, *, base_url: str, limit: int | None = None,
                     options: ExtractOptions | None = None) -> FixtureScores:
    """Render each ground-truth article page of ``site`` in-process, extract it and score it.

    As in a crawl, every page is extracted first and learned from (``crawler.sitefacts``: the
    site's zone and boilerplate), then finalised with what was learned.
    """
    learner = SiteLearner(host=urlsplit(base_url).hostname, profile_zone=profile.timezone)
    pages = []
    times = []
    for gold in _take(site.ground_truth(base_url=base_url), limit):
        resp = site.render("GET", urlsplit(gold["url"]).path, {"Host": urlsplit(base_url).netloc})
        started = time.perf_counter()
        got = extract_article(resp.body, gold["url"], profile=profile, fetched_at=site.now,
                              http_charset=_header_charset(resp.headers), options=options,
                              finalize=False)
        times.append((time.perf_counter() - started) * 1000)
        if got.dates:
            learner.observe(got.language, paragraphs(got.text),
                            PageDates.from_json(got.dates).evidence)
        pages.append((gold, resp, got))
    facts = learner.current()
    checks: Counter[str] = Counter()
    f1_sum = 0.0
    scores = FixtureScores()
    for gold, resp, raw in pages:
        got = ExtractedArticle(**finalize(raw.to_dict(), facts)) if raw.dates else raw
        gold_text = "\n\n".join(gold["paragraphs"])
        f1 = token_f1(got.text, gold_text)
        f1_sum += f1
        html = resp.body.decode(gold.get("charset") or "utf-8", errors="replace")
        leaks = sorted(s for s in noise_strings(html, gold_text) if s in got.text)
        result = {
            "title": got.title == gold["title"],
            "published": got.published == gold["published"],
            "modified": got.modified == gold["modified"],
            "authors": got.authors == gold["authors"],
            "language": got.language == gold["language"],
            "translation": gold["translation"] in got.translations.values(),
            "image": got.image == gold["image"],
            "tags": got.tags == gold["tags"],
        }
        checks.update(key for key, ok in result.items() if ok)
        scores.pages += 1
        scores.leak_pages += bool(leaks)
        scores.skipped += bool(got.skip_reason)
        if f1 < 0.97 or leaks or not all(result.values()) or got.skip_reason:
            scores.failures.append({"url": gold["url"], "f1": round(f1, 4), "leaks": leaks[:5],
                                    "skip_reason": got.skip_reason,
                                    "wrong": [k for k, ok in result.items() if not ok]})
    n = max(1, scores.pages)
    scores.text_f1 = f1_sum / n
    for key in ("title", "published", "modified", "authors", "language", "translation", "image",
                "tags"):
        setattr(scores, f"{key}_exact", checks[key] / n)
    times.sort()
    scores.ms_mean = sum(times) / n
    scores.ms_p95 = times[int(0.95 * (len(times) - 1))] if times else 0.0
    return scores


def _take(items: Iterable[dict], limit: int | None) -> Iterable[dict]:
    for i, item in enumerate(items):
        if limit is not None and i >= limit:
            return
        yield item


def _header_charset(headers: Iterable[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type" and "charset=" in value.lower():
            return value.lower().split("charset=", 1)[1].split(";")[0].strip()
    return None
