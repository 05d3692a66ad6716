"""What a page worker process runs: parse a page once, scan it for the crawl, extract it.

Pure: no Scrapy, no Twisted (a test holds it to that), so the workers' processes stay small and
start fast. The pool that runs these and the Scrapy extension around it are
``crawler.pageworkers``; the crawlers of one process share the pool, so each crawl's scan scope
is kept in every worker under a key of its own (:func:`remember_scope`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crawler.extract.article import extract_article, extract_parsed
from crawler.html.decode import MAX_HTML_BYTES, Decoded
from crawler.pages.pagescan import PageScan, ScanScope, parse_page, probe_render, scan_tree
from crawler.pages.profiles import SiteProfile
from crawler.pages.render_signals import script_count
from crawler.sitefacts.boilerplate import paragraph_keys
from crawler.sitefacts.finalize import PARAGRAPH_KEYS

# In each worker: the scan scope (profile, hosts) of each crawl using the pool, by key, sent once
# per worker (ProcessPool.broadcast) so it is not pickled with every page.
_SCOPES: dict[str, ScanScope] = {}


def warm_up() -> None:
    """Import the heavy modules once per worker, before the first page arrives."""
    import crawler.extract.article  # noqa: F401


def remember_scope(key: str, scope: ScanScope) -> None:
    """Keep a crawl's scan scope in this worker, for its pages (``key``)."""
    _SCOPES[key] = scope


def forget_scope(key: str) -> None:
    """The crawl ``key`` has ended."""
    _SCOPES.pop(key, None)


def scan_in_worker(scope_key: str, body: bytes, url: str, page_url: str, fetched_at: str,
                   http_charset: str | None, extract: bool,
                   server_date: str | None = None) -> tuple[PageScan, dict | None]:
    """Run in a pool process: parse once, scan for the crawl, extract an article (``extract``)
    from the same tree, for the crawl whose scope is ``scope_key``'s (:func:`remember_scope`).
    ``url`` is the fetched URL, ``page_url`` its canonical form;
    ``server_date`` the response's ``Date`` (relative dates count from it). The extraction is
    not finalised: the crawl does that with what it learned of the site. Never raises: a
    failed scan is an empty one with ``scan_error``; extraction errors are skips."""
    scope = _SCOPES[scope_key]
    try:
        decoded, tree = parse_page(body, http_charset)
        scan = scan_tree(tree, url, scope) if tree is not None else PageScan()
    except Exception as exc:  # pathological markup: the page stays archived, nothing follows
        return PageScan(scan_error=f"{type(exc).__name__}: {str(exc)[:300]}"), None
    if not (extract and scan.is_article):
        if scan.is_article and scope.render_probe and tree is not None:
            probe_render(scan, tree, scan.canonical or page_url, scope)
        return scan, None
    if len(body) > MAX_HTML_BYTES:
        decoded = Decoded(None, skip_reason="too_large")
    # extraction strips scripts from the tree: count them first when a render may be decided
    scripts = script_count(tree) if scope.render_probe and tree is not None else 0
    try:
        result = extract_parsed(decoded, tree, scan.canonical or page_url, profile=scope.profile,
                                fetched_at=fetched_at, reference=server_date, finalize=False)
    except Exception as exc:
        return scan, {"skip_reason": f"extraction_error:{type(exc).__name__}",
                      "error": str(exc)[:500]}
    out = result.to_dict()
    if not out.get("skip_reason"):  # what the crawl's site facts count and strip, hashed here
        out[PARAGRAPH_KEYS] = paragraph_keys(out.get("text") or "")
    if scope.render_probe and len(out.get("text") or "") < scope.render_probe:
        probe_render(scan, tree, scan.canonical or page_url, scope, scripts)  # thin
    return scan, out


def extract_in_worker(body: bytes, url: str, profile: SiteProfile, fetched_at: str,
                      http_charset: str | None, server_date: str | None = None
                      ) -> dict[str, Any]:
    """Extraction alone (not finalised), never raising (errors become a skip reason): for
    articles that reach the pipeline without a scan's extraction, and for
    ``bench/throughput.py``'s ceiling."""
    try:
        result = extract_article(body, url, profile=profile,
                                 fetched_at=dt.datetime.fromisoformat(fetched_at),
                                 http_charset=http_charset, reference=server_date,
                                 finalize=False)
    except Exception as exc:  # a bug must not lose the crawl: the page stays archived
        return {"skip_reason": f"extraction_error:{type(exc).__name__}", "error": str(exc)[:500]}
    return result.to_dict()
