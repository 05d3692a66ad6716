"""One site's line in a run: what its crawl did and how it ended, as the run's table shows it.

Pure: built from the crawl's stats (the same stats its manifest keeps), its seed and its
verdict (:mod:`crawler.multisite.verdict`), kept as JSON in the run folder as each site
finishes, so a run that was killed still says which sites it finished.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from crawler.monitors import counts
from crawler.multisite.seeds import Seed
from crawler.multisite.verdict import FAILED, site_verdict


@dataclass(frozen=True)
class SiteReport:
    """A site's row: status (complete / stopped / failed) with its reason, counts, what the
    crawl learned of the site, and where its crawl is (``crawl``: ``<site>/<crawl-id>``
    under the output)."""

    site: str
    url: str
    spider: str
    status: str
    reason: str = ""
    crawl_id: str | None = None
    crawl: str | None = None
    articles: int = 0
    pages: int = 0
    errors: int = 0
    zone: str | None = None
    boilerplate: int | None = None
    seconds: float | None = None
    finish_reason: str | None = None
    worker: int | None = None  # the run's process that crawled it (0 with one process)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SiteReport:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def site_report(seed: Seed, stats: Mapping[str, Any], finish_reason: str,
                crawl_id: str | None, worker: int | None = None) -> SiteReport:
    """The row of a site whose crawl ran (whatever its end)."""
    budget = {"CLOSESPIDER_ITEMCOUNT": seed.max_articles, "CLOSESPIDER_PAGECOUNT": seed.max_pages,
              "CLOSESPIDER_TIMEOUT": _seconds(seed.deadline)}
    verdict = site_verdict(stats, finish_reason, budget)
    elapsed = stats.get("elapsed_time_seconds")
    zone = stats.get("site_facts/zone")
    boilerplate = stats.get("site_facts/boilerplate_paragraphs")
    return SiteReport(
        site=seed.site, url=seed.url, spider=seed.spider, status=verdict.status,
        reason=verdict.reason, crawl_id=crawl_id,
        crawl=f"{seed.site}/{crawl_id}" if crawl_id else None,
        articles=counts.articles(stats), pages=counts.pages(stats), errors=counts.errors(stats),
        zone=str(zone) if zone else None,
        boilerplate=int(boilerplate) if isinstance(boilerplate, int) else None,
        seconds=round(float(elapsed), 3) if isinstance(elapsed, int | float) else None,
        finish_reason=finish_reason, worker=worker)


def not_crawled(seed: Seed, reason: str, worker: int | None = None) -> SiteReport:
    """The row of a site whose crawl could not start or never ran (locked, interrupted, its
    process died): failed, with the reason."""
    return SiteReport(site=seed.site, url=seed.url, spider=seed.spider, status=FAILED,
                      reason=reason, worker=worker)


def _seconds(deadline: float | None) -> str | None:
    if deadline is None:
        return None
    return f"{deadline:g} s"


def write_site_report(folder: Path, report: SiteReport) -> Path:
    """Write ``report`` as ``<folder>/<site>.json`` (atomically: a reader never sees half)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report.site}.json"
    part = path.with_suffix(".json.part")
    part.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    os.replace(part, path)
    return path


def read_site_reports(folder: Path) -> dict[str, SiteReport]:
    """The site reports written in ``folder`` so far, by site key."""
    found: dict[str, SiteReport] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.json")):
        try:
            report = SiteReport.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            continue  # a file being replaced right now: read again later
        found[report.site] = report
    return found
