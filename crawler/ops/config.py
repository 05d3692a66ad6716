"""The ops settings: defaults, typed reading from Scrapy settings or a dict, and validation."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import UsageError

# Defaults; crawler/settings.py repeats them so ``-s NAME=VALUE`` is type-checked.
DEFAULTS: dict[str, Any] = {
    # auto (TTY: status line, else events in the log's format), line, text, json, off
    "PROGRESS_MODE": "auto",
    "PROGRESS_INTERVAL": 10.0,  # seconds between progress events
    "REPORT_ENABLED": True,
    "MONITORS_ENABLED": True,
    "MONITOR_MIN_ARTICLES": 1,  # 0: off
    "MONITOR_MAX_ERROR_RATE": 0.1,  # share of fetches answered >= 500 or failed; 1: off
    "MONITOR_STALL_SECONDS": 1800.0,  # no new article for this long while fetching; 0: off
    "MONITOR_STALL_CLOSE": True,  # close the spider (reason discovery_stall) when it trips
    "METRICS_PORT": 0,  # 0: no Prometheus endpoint
    "METRICS_HOST": "127.0.0.1",
    "WEBHOOK_URL": "",  # empty: no webhook
    "WEBHOOK_TIMEOUT": 10.0,
}
PROGRESS_MODES = ("auto", "line", "text", "json", "off")


def get(settings: Mapping[str, Any] | Any, name: str, default: Any = None) -> Any:
    """``settings[name]`` (Scrapy ``Settings`` or a plain dict), or the default when unset/empty."""
    value = settings.get(name) if settings is not None else None
    return DEFAULTS.get(name, default) if value is None or value == "" else value


def get_float(settings: Mapping[str, Any] | Any, name: str) -> float:
    """A setting as a float; raises ValueError when it is not a number."""
    return float(get(settings, name))


def get_int(settings: Mapping[str, Any] | Any, name: str) -> int:
    """A setting as an int; raises ValueError when it is not a whole number."""
    value = get(settings, name)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{name} must be a whole number")
    return int(value)


def get_bool(settings: Mapping[str, Any] | Any, name: str, default: bool = False) -> bool:
    """A setting as a bool (``1/true/yes/on`` are true)."""
    value = get(settings, name, default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def validate(settings: Mapping[str, Any] | Any) -> None:
    """Raise :class:`UsageError` (exit code 2) for a bad ops setting, before the crawl starts."""
    try:
        min_articles = get_int(settings, "MONITOR_MIN_ARTICLES")
        rate = get_float(settings, "MONITOR_MAX_ERROR_RATE")
        stall = get_float(settings, "MONITOR_STALL_SECONDS")
        interval = get_float(settings, "PROGRESS_INTERVAL")
        port = get_int(settings, "METRICS_PORT")
        timeout = get_float(settings, "WEBHOOK_TIMEOUT")
    except (TypeError, ValueError) as exc:
        raise UsageError(f"bad ops setting: {exc}") from exc
    if min_articles < 0:
        raise UsageError("MONITOR_MIN_ARTICLES must be 0 (off) or more")
    if not 0 <= rate <= 1:
        raise UsageError("MONITOR_MAX_ERROR_RATE must be between 0 and 1 (a share of fetches)")
    if stall < 0:
        raise UsageError("MONITOR_STALL_SECONDS must be 0 (off) or more")
    if interval <= 0:
        raise UsageError("PROGRESS_INTERVAL must be more than 0 seconds")
    if timeout <= 0:
        raise UsageError("WEBHOOK_TIMEOUT must be more than 0 seconds")
    mode = str(get(settings, "PROGRESS_MODE")).lower()
    if mode not in PROGRESS_MODES:
        raise UsageError(f"PROGRESS_MODE must be one of {', '.join(PROGRESS_MODES)}, got {mode!r}")
    url = str(get(settings, "WEBHOOK_URL") or "")
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        raise UsageError(f"WEBHOOK_URL must be an http:// or https:// URL, got {url!r}")
    if not 0 <= port <= 65535:
        raise UsageError(f"METRICS_PORT must be a TCP port (1-65535) or 0 for off, got {port}")
    if port:
        _check_port_free(str(get(settings, "METRICS_HOST")), port)


def _check_port_free(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UsageError(f"METRICS_HOST {host!r} does not resolve: {exc}") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UsageError(f"cannot serve metrics on {host}:{port}: "
                             f"{exc.strerror or exc}") from exc
