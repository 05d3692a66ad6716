"""The crawl's headline numbers, read from a Scrapy stats dict (pure, shared by every view)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STATUS_PREFIX = "downloader/response_status_count/"
EXCEPTION_PREFIX = "downloader/exception_type_count/"
IGNORED = "IgnoreRequest"
# A worker of a distributed crawl: what the crawl's other workers had fetched when it closed.
PEER_PAGES_STAT = "distributed/peer_responses"
# why the last worker of a done distributed crawl could not write its manifest
MANIFEST_HELD_STAT = "distributed/manifest_held"


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def pages(stats: Mapping[str, Any]) -> int:
    """Responses received (every status, redirects and retries included)."""
    return _int(stats.get("downloader/response_count"))


def peer_pages(stats: Mapping[str, Any]) -> int:
    """Responses the other workers of this worker's distributed crawl had received when it
    closed (0 outside a distributed crawl)."""
    return _int(stats.get(PEER_PAGES_STAT))


def manifest_held(stats: Mapping[str, Any]) -> str | None:
    """Why this worker, the last of a done distributed crawl, left its manifest unwritten."""
    held = stats.get(MANIFEST_HELD_STAT)
    return str(held) if held else None


def articles(stats: Mapping[str, Any]) -> int:
    """Article records written."""
    return _int(stats.get("articles/written"))


def status_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Responses by HTTP status code, as ``{"200": n, ...}`` sorted by code."""
    found = {k[len(STATUS_PREFIX):]: _int(v) for k, v in stats.items()
             if k.startswith(STATUS_PREFIX)}
    return dict(sorted(found.items()))


def exception_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Download exceptions (timeouts, refused connections, ...) by exception type.

    ``IgnoreRequest`` is left out: Scrapy counts requests a middleware chose not to send (robots.txt
    forbids them, for one) as exceptions, but nothing failed.
    """
    found: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith(EXCEPTION_PREFIX):
            name = key[len(EXCEPTION_PREFIX):].rsplit(".", 1)[-1]
            if name != IGNORED:
                found[name] = found.get(name, 0) + _int(value)
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def server_errors(stats: Mapping[str, Any]) -> int:
    """Responses with a status of 500 or more."""
    return sum(n for code, n in status_counts(stats).items() if code.isdigit() and int(code) >= 500)


def download_exceptions(stats: Mapping[str, Any]) -> int:
    """Fetches that ended in an exception instead of a response (``IgnoreRequest`` aside)."""
    return sum(exception_counts(stats).values())


def errors(stats: Mapping[str, Any]) -> int:
    """Server errors plus download exceptions: what the error-rate monitor counts."""
    return server_errors(stats) + download_exceptions(stats)


def error_rate(stats: Mapping[str, Any]) -> float | None:
    """Errors as a share of all fetch attempts; None before anything was fetched."""
    attempts = pages(stats) + download_exceptions(stats)
    return errors(stats) / attempts if attempts else None


def bytes_downloaded(stats: Mapping[str, Any]) -> int:
    """Response bytes as received (before decompression)."""
    return _int(stats.get("downloader/response_bytes"))


def fmt_bytes(n: float) -> str:
    """``1536`` → ``1.5 KB``; decimal units, as disks and object stores count."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover - loop always returns
