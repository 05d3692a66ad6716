"""The crawl report's "Rendered pages" section (pages built by JavaScript,
``crawler.render``), from the crawl's ``render/*`` stats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.report.markup import num, section, table


def _prefixed(stats: Mapping[str, Any], prefix: str) -> list[tuple[str, Any]]:
    return sorted((k[len(prefix):], v) for k, v in stats.items() if k.startswith(prefix))


def rendering(report: Mapping[str, Any]) -> str:
    """The section (empty when the crawl rendered nothing and was not asked to)."""
    stats = report.get("stats") or {}
    mode = stats.get("render/mode")
    pages = stats.get("render/pages") or 0
    if not mode and not pages:
        return ""
    restarts = sum(v for _, v in _prefixed(stats, "render/browser_restarts/"))
    ms = stats.get("render/ms") or 0
    facts = [
        ("Mode (RENDER_MODE)", mode or "–"),
        ("Pages rendered", num(pages)),
        ("Rendered and gained text or links", num(stats.get("render/gained") or 0)),
        ("Given up at the time limit (archived as far as they got)",
         num(stats.get("render/incomplete") or 0)),
        ("Mean time per rendered page", f"{ms / pages / 1000:.2f} s" if pages else "–"),
        ("Requests the pages made through the crawl's downloader",
         num(stats.get("render/fetched") or 0)),
        ("Served from the render cache", num(stats.get("render/cache_hits") or 0)),
        ("Browser launches / restarts", f"{num(stats.get('render/browser_launches') or 0)} / "
                                        f"{num(restarts)}"),
        ("Browser contexts", num(stats.get("render/contexts") or 0)),
        ("Browser memory, peak (PSS of its processes)",
         f"{stats['render/browser_peak_mb']:.0f} MB" if stats.get("render/browser_peak_mb")
         else "–"),
    ]
    if stats.get("render/unavailable"):
        facts.append(("Browser unavailable", stats["render/unavailable"]))
    reasons = _prefixed(stats, "render/reason/")
    skipped = _prefixed(stats, "render/skipped/")
    aborted = _prefixed(stats, "render/aborted/")
    return section(
        "Rendered pages", "rendering",
        table(["", ""], facts, cls="render-facts"),
        '<div class="cols"><div><h3>Why pages were rendered</h3>'
        + table(["Reason", "Pages"], reasons, numeric=[1], cls="render-reasons")
        + "<h3>Not rendered: the reason gained nothing on this site</h3>"
        + table(["Reason", "Pages"], skipped, numeric=[1], cls="render-skipped")
        + "</div><div><h3>Browser requests by type</h3>"
        + table(["Type", "Requests"], _prefixed(stats, "render/requests/"), numeric=[1],
                cls="render-requests")
        + "<h3>Aborted (refused by the crawl, failed, not http)</h3>"
        + table(["Why", "Requests"], aborted, numeric=[1], cls="render-aborted")
        + "</div></div>")
