"""The ops settings, read once and checked before a crawl starts."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import UsageError
from crawler.monitors.checks import MonitorSettings
from crawler.typed_settings import SettingsReader

PROGRESS_MODES = ("auto", "line", "text", "json", "off")


@dataclass(frozen=True)
class OpsSettings:
    """What an operator watches while a crawl runs: ``PROGRESS_MODE`` (auto: a status line on a
    terminal, else the crawl's events in the log's format; line, text, json, off),
    ``PROGRESS_INTERVAL`` (seconds between progress events), ``METRICS_PORT`` (0: no Prometheus
    endpoint) and ``METRICS_HOST``, ``WEBHOOK_URL`` (empty: none) and ``WEBHOOK_TIMEOUT``, and
    ``LOG_JSON`` (every line of the log a JSON object)."""

    progress_mode: str
    progress_interval: float
    metrics_port: int
    metrics_host: str
    webhook_url: str
    webhook_timeout: float
    log_json: bool

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> OpsSettings:
        """Raises ValueError for a value of the wrong type."""
        read = SettingsReader(settings)
        return cls(progress_mode=read.str("PROGRESS_MODE").lower(),
                   progress_interval=read.float("PROGRESS_INTERVAL"),
                   metrics_port=read.int("METRICS_PORT"), metrics_host=read.str("METRICS_HOST"),
                   webhook_url=read.str("WEBHOOK_URL"),
                   webhook_timeout=read.float("WEBHOOK_TIMEOUT"), log_json=read.bool("LOG_JSON"))


def validate(settings: Mapping[str, Any] | Any) -> None:
    """Raise :class:`UsageError` (exit code 2) for a bad ops setting, before the crawl starts."""
    try:
        monitors = MonitorSettings.from_settings(settings)
        ops = OpsSettings.from_settings(settings)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"bad ops setting: {exc}") from exc
    min_articles, rate, stall = (monitors.min_articles, monitors.max_error_rate,
                                 monitors.stall_seconds)
    interval, port, timeout = ops.progress_interval, ops.metrics_port, ops.webhook_timeout
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
    mode = ops.progress_mode
    if mode not in PROGRESS_MODES:
        raise UsageError(f"PROGRESS_MODE must be one of {', '.join(PROGRESS_MODES)}, got {mode!r}")
    url = ops.webhook_url
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        raise UsageError(f"WEBHOOK_URL must be an http:// or https:// URL, got {url!r}")
    if not 0 <= port <= 65535:
        raise UsageError(f"METRICS_PORT must be a TCP port (1-65535) or 0 for off, got {port}")
    if port:
        _check_port_free(ops.metrics_host, port)


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
