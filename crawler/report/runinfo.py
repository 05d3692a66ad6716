"""What ran: software versions, user agent, the settings that matter and robots.txt status.

For the report's header, so whoever reads a report months later knows which crawler, with which
politeness and limits, produced it. Settings given on the command line (``-s``, options) are
listed besides the fixed set; values that may hold a secret (a webhook's path, a password in a
URL) are masked. Pure apart from reading package versions.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.settings import SETTINGS_PRIORITIES

from crawler import __version__
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import BaseSettings

# The settings an ops reader looks for first: politeness, limits, what is written.
KEY_SETTINGS = (
    "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "DEPTH_LIMIT", "BARREN_PAGES_LIMIT", "PATH_SHAPE_BUDGET",
    "CLOSESPIDER_ITEMCOUNT", "SINCE", "INCREMENTAL_ENABLED", "RECHECK_DAYS", "STATE_ENABLED",
    "WARC_DEDUP", "REQUISITES_ENABLED", "EXTRACTION_ENABLED", "SITE_FACTS_ENABLED",
)
PACKAGES = ("scrapy", "trafilatura", "warcio", "lxml")
_SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "CREDENTIAL")
_PATH_IS_SECRET = ("WEBHOOK_URL",)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def masked(name: str, value: Any) -> Any:
    """``value`` as the report may show it: no password in a URL, no webhook path, no secret."""
    if any(word in name for word in _SECRET_WORDS):
        return "…" if value else value
    if not isinstance(value, str) or "://" not in value:
        return value
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "…"
    path = "/…" if name in _PATH_IS_SECRET and parts.path not in ("", "/") else parts.path
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if hasattr(value, "copy_to_dict"):
        value = value.copy_to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def command_line_settings(settings: BaseSettings) -> list[str]:
    """Names of the settings given on the command line (``-s``, or options that set them)."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    return sorted(name for name in settings if (settings.getpriority(name) or 0) >= cmdline)


def run_info(settings: BaseSettings, spider: Spider | None = None) -> dict[str, Any]:
    """Software, user agent, settings and spider arguments of a crawl (JSON-ready)."""
    chosen = {name: masked(name, _plain(settings.get(name))) for name in KEY_SETTINGS}
    given = command_line_settings(settings)
    for name in given:
        chosen.setdefault(name, masked(name, _plain(settings.get(name))))
    profile = getattr(getattr(spider, "profile", None), "name", None)
    return {
        "software": f"newscrawler/{__version__}",
        "versions": {**{p: _version(p) for p in PACKAGES}, "python": platform.python_version()},
        "user_agent": settings.get("USER_AGENT"),
        "settings": dict(sorted(chosen.items())),
        "command_line": given,
        "profile": profile,
        "worker": SettingsReader(settings).optional("WORKER_ID"),
    }


def robots_status(stats: Mapping[str, Any], obeyed: bool) -> dict[str, Any]:
    """robots.txt as the crawl met it: obeyed or not, the answers and errors of its fetches
    (Scrapy's robots.txt middleware, per host), the requests it forbade, a Crawl-delay honoured."""
    answers = {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
               if k.startswith("robotstxt/response_status_count/")}
    errors: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("robotstxt/exception_count/"):
            name = key.rsplit("/", 1)[-1].strip("<>'").removeprefix("class '").rsplit(".", 1)[-1]
            errors[name] = errors.get(name, 0) + int(value)
    return {"obeyed": bool(obeyed), "answers": dict(sorted(answers.items())), "errors": errors,
            "forbidden": int(stats.get("robotstxt/forbidden") or 0),
            "crawl_delay": stats.get("robots/crawl_delay")}


def robots_summary(robots: Mapping[str, Any] | None) -> str:
    """One line: ``obeyed · HTTP 200 · 3 requests forbidden · Crawl-delay 2s``."""
    if not robots:
        return "–"
    if not robots.get("obeyed"):
        return "not obeyed (ROBOTSTXT_OBEY is off)"
    parts = ["obeyed"]
    answers = robots.get("answers") or {}
    parts += [f"HTTP {code}" + (f" ×{n}" if n > 1 else "") for code, n in answers.items()]
    if answers.get("404") and len(answers) == 1:
        parts[-1] += " (none: everything allowed)"
    parts += [f"{name} ×{n}" for name, n in (robots.get("errors") or {}).items()]
    if not answers and not robots.get("errors"):
        parts.append("not fetched")
    parts.append(f"{robots.get('forbidden', 0)} requests forbidden")
    if robots.get("crawl_delay"):
        parts.append(f"Crawl-delay {robots['crawl_delay']:g}s honoured")
    return " · ".join(parts)
