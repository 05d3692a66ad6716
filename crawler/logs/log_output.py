"""Log output of a crawl: what is shown, in which format, and where.

A crawl's log shows warnings, errors and one line per failed request
(``crawler.logs.requestlog``): never Scrapy's start-up banner, its settings and component lists or
its stats dump (they go to DEBUG: the manifest keeps the stats), and never a traceback for a
network error (a refused connection, a timeout, a lost connection), which is one line naming the
error. The ``crawler`` command shows WARNING and up by default (``--log-level``).

* ``LOG_LEVEL`` (``--log-level``): the threshold; crawl events (``crawler.progress``) pass it;
* ``LOG_JSON`` (``--log-format json``): every line one JSON object, ``{"event": "log", "time",
  "level", "logger", "message"}`` for log records and the crawl's own events as they are;
* ``LOG_FILE`` (``--logfile``): write to this file (appended, ``LOG_FILE_APPEND``) instead of
  stderr.

:func:`install` sets this up for the ``crawler`` command before Scrapy starts. The
:class:`LogOutput` extension applies the same quieting, and ``LOG_JSON``, to a plain
``scrapy crawl``, whose banner is logged before any extension exists.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.misc import load_object

from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

PROGRESS_LOGGER = "crawler.progress"
EVENT_ATTR = "crawl_event"  # a crawl event (dict) carried by a log record: JSON as it is
RAW_ATTR = "crawl_event_raw"  # print the event as JSON whatever the format (PROGRESS_MODE=json)
TEXT_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

# Scrapy's own lines that are DEBUG here: (logger, message starts), the message unformatted.
QUIET: dict[str, tuple[str, ...]] = {
    "scrapy.utils.log": ("Scrapy %(version)s started", "Versions:"),
    "scrapy.addons": ("Enabled addons",),
    "scrapy.middleware": ("Enabled %(componentname)ss",),
    "scrapy.crawler": ("Overridden settings",),
    "scrapy.statscollectors": ("Dumping Scrapy stats",),
    "scrapy.extensions.logstats": ("Crawled %(pages)d pages",),
    "scrapy.extensions.telnet": ("Telnet console listening",),
    # replaced by one line per failed request (crawler.logs.requestlog)
    "scrapy.spidermiddlewares.httperror": ("Ignoring response",),
    # the spider warns itself when its robots.txt fails; the report counts the failures
    "scrapy.downloadermiddlewares.robotstxt": ("Error downloading",),
}
# Loggers whose network-error records lose their traceback.
NETWORK_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


@dataclass(frozen=True)
class LogSettings:
    """The log's settings: ``LOG_LEVEL``, ``LOG_JSON``, ``LOG_FORMAT``/``LOG_DATEFORMAT`` (text),
    ``LOG_ENABLED``, ``LOG_FILE`` (with ``LOG_FILE_APPEND``, ``LOG_ENCODING``),
    ``LOG_FAILED_REQUESTS`` (``crawler.logs.requestlog``) and the network errors
    (``RETRY_EXCEPTIONS``)."""

    level: str
    json: bool
    format: str
    date_format: str
    enabled: bool
    file: str
    file_append: bool
    encoding: str
    failed_requests: bool
    retry_exceptions: tuple[Any, ...]

    @classmethod
    def from_settings(cls, settings: Any) -> LogSettings:
        read = SettingsReader(settings)
        return cls(level=read.text("LOG_LEVEL").upper(), json=read.bool("LOG_JSON"),
                   format=read.text("LOG_FORMAT") or TEXT_FORMAT,
                   date_format=read.text("LOG_DATEFORMAT") or DATE_FORMAT,
                   enabled=read.bool("LOG_ENABLED"), file=read.str("LOG_FILE"),
                   file_append=read.bool("LOG_FILE_APPEND"),
                   encoding=read.text("LOG_ENCODING") or "utf-8",
                   failed_requests=read.bool("LOG_FAILED_REQUESTS"),
                   retry_exceptions=tuple(read.list("RETRY_EXCEPTIONS")))


def describe_error(exc: BaseException, limit: int = 300) -> str:
    """``DownloadTimeoutError: Getting … took longer than 30.0 seconds.``: one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:limit] if text else type(exc).__name__


def network_errors(settings: BaseSettings | None) -> tuple[type[BaseException], ...]:
    """The exception types of network failures: Scrapy's ``RETRY_EXCEPTIONS``."""
    found: list[type[BaseException]] = []
    specs = LogSettings.from_settings(settings).retry_exceptions if settings is not None else ()
    for spec in specs:
        try:
            cls = load_object(spec) if isinstance(spec, str) else spec
        except (ImportError, AttributeError, ValueError, NameError):
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found) or (OSError,)


class Demote(logging.Filter):
    """A logger filter: records whose message starts with one of ``starts`` become DEBUG."""

    def __init__(self, starts: Iterable[str]) -> None:
        super().__init__()
        self.starts = tuple(starts)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG and isinstance(record.msg, str) \
                and record.msg.startswith(self.starts):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class NetworkErrorInOneLine(logging.Filter):
    """A logger filter: a record carrying a network error loses its traceback; its message
    names the error instead (``…: DownloadConnectionRefusedError: Connection was refused``)."""

    def __init__(self, kinds: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not isinstance(exc, self.kinds):
            return True
        message, said = record.getMessage(), " ".join(str(exc).split())
        named = said and said in " ".join(message.split())
        record.msg = message if named else f"{message}: {describe_error(exc)}"
        record.args, record.exc_info, record.exc_text = None, None, None
        return True


class LevelGate(logging.Filter):
    """A handler filter: records at ``level`` or above, and crawl events whatever their level."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or hasattr(record, EVENT_ATTR)


def _iso(created: float) -> str:
    return dt.datetime.fromtimestamp(created, dt.UTC).isoformat(timespec="milliseconds")


def event_json(record: logging.LogRecord) -> str:
    """The crawl event a record carries, as one JSON line (``{"event", "time", …}``)."""
    event = dict(getattr(record, EVENT_ATTR))
    name = event.pop("event")
    return json.dumps({"event": name, "time": _iso(record.created), **event},
                      ensure_ascii=False, default=str)


class JsonFormatter(logging.Formatter):
    """Every record one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        if hasattr(record, EVENT_ATTR):
            return event_json(record)
        line: dict[str, Any] = {"event": "log", "time": _iso(record.created),
                                "level": record.levelname, "logger": record.name,
                                "message": record.getMessage()}
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = describe_error(record.exc_info[1])
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Scrapy's log line format; a crawl event asked for as JSON (``PROGRESS_MODE=json``) is
    printed as JSON."""

    def __init__(self, fmt: str = TEXT_FORMAT, datefmt: str = DATE_FORMAT) -> None:
        super().__init__(fmt, datefmt)

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, RAW_ATTR, False) and hasattr(record, EVENT_ATTR):
            return event_json(record)
        return super().format(record)


def formatter(settings: BaseSettings) -> logging.Formatter:
    """The formatter ``LOG_JSON`` asks for (Scrapy's ``LOG_FORMAT``/``LOG_DATEFORMAT`` for text)."""
    config = LogSettings.from_settings(settings)
    if config.json:
        return JsonFormatter()
    return TextFormatter(config.format, config.date_format)


def notice(settings: BaseSettings, message: str, **fields: Any) -> None:
    """A line for the user on stdout (a summary line, "resuming crawl …"): as it is, or with
    ``LOG_JSON`` one JSON object ``{"event": "notice", "time", "message", …}``."""
    if settings is not None and LogSettings.from_settings(settings).json:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        message = json.dumps({"event": fields.pop("event", "notice"), "time": now,
                              "message": message, **fields}, ensure_ascii=False, default=str)
    print(message, flush=True)


def quiet_scrapy(settings: BaseSettings) -> None:
    """Install the logger filters (once per process): Scrapy's dumps to DEBUG, network errors
    in one line."""
    for name, starts in QUIET.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, Demote) for f in logger.filters):
            logger.addFilter(Demote(starts))
    kinds = network_errors(settings)
    for name in NETWORK_LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, NetworkErrorInOneLine)]:
            logger.removeFilter(old)
        logger.addFilter(NetworkErrorInOneLine(kinds))


def install(settings: BaseSettings) -> logging.Handler:
    """The ``crawler`` command's log output: one handler on the root logger (replacing one an
    earlier call installed), for ``CrawlerProcess(settings, install_root_handler=False)``."""
    config = LogSettings.from_settings(settings)
    level = logging.getLevelName(config.level)
    path = config.file
    handler: logging.Handler
    if not config.enabled:
        handler = logging.NullHandler()
    elif path:
        handler = logging.FileHandler(path, mode="a" if config.file_append else "w",
                                      encoding=config.encoding)
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(settings))
    handler.addFilter(LevelGate(level))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "crawler_output", False)]:
        root.removeHandler(old)
        old.close()
    handler.crawler_output = True  # type: ignore[union-attr]
    root.addHandler(handler)
    root.setLevel(level)  # DEBUG records are not even built at INFO
    logging.getLogger(PROGRESS_LOGGER).setLevel(logging.INFO)
    quiet_scrapy(settings)
    return handler


class LogOutput:
    """Scrapy extension: :func:`quiet_scrapy` and ``LOG_JSON`` for ``scrapy crawl`` (the
    ``crawler`` command has set them up already)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        quiet_scrapy(settings)
        if LogSettings.from_settings(settings).json:
            # Scrapy installs its root handler anew after the extensions are built
            crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    def engine_started(self) -> None:
        """JSON from here on (Scrapy's start-up lines were written already)."""
        for handler in logging.getLogger().handlers:
            if not getattr(handler, "crawler_output", False):
                handler.setFormatter(JsonFormatter())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogOutput:
        return cls(crawler)
