"""The Scrapy add-on that turns a crawler process into a worker of a shared crawl.

With ``REDIS_URL`` empty it does nothing. Otherwise, once the spider exists, it joins the crawl
of that spider and site on Redis (the one ``<prefix>:<spider>:<site>:current`` names, a new one
if there is none, or ``CRAWL_ID`` when given), and switches the components a worker needs:

- ``SCHEDULER``: the leased shared queue; ``DOWNLOAD_DELAY`` moves to the crawl-wide limiter
  (``SHARED_DOWNLOAD_DELAY``, ``SHARED_CONCURRENT_REQUESTS_PER_DOMAIN``);
- every WARC, index, JSON part and report file name carries ``WORKER_ID``;
- the article JSON is flushed per record, and each article is claimed in Redis before it is
  written, so a record is written once across workers;
- the per-machine crawl state (SQLite: incremental crawls, ``--resume``) is off;
- the minimum-articles and error-rate monitors are off per worker (a worker may rightly write
  none, and a few fetches make a noisy rate): the user's ``MONITOR_MIN_ARTICLES`` and
  ``MONITOR_MAX_ERROR_RATE`` go to ``DISTRIBUTED_MIN_ARTICLES`` and
  ``DISTRIBUTED_MAX_ERROR_RATE``, for the crawl as a whole;
- ``--max-items`` (``CLOSESPIDER_ITEMCOUNT``) counts the crawl's articles, not each worker's
  (``DISTRIBUTED_MAX_ITEMS``, :mod:`crawler.distributed.claims`);
- the manifest is written once, by the last worker to leave a finished crawl, which checks the
  crawl as a whole.
- ``--abandon-spool WORKER`` (``DISTRIBUTED_ABANDON_WORKERS``) gives up a lost worker's files
  missing from the store and has their articles fetched again (:mod:`crawler.distributed.abandon`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis
from scrapy.settings import Settings

from crawler.crawl.naming import safe_part
from crawler.crawl.output import new_crawl_id
from crawler.distributed.keys import CrawlKeys, SiteKeys, default_worker_id
from crawler.distributed.shared import SharedCrawl, redis_client, text
from crawler.monitors.checks import MonitorSettings
from crawler.typed_settings import CrawlSettings, SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# The user's MONITOR_MIN_ARTICLES and MONITOR_MAX_ERROR_RATE, for the crawl as a whole (the
# checks are turned off for each worker).
CRAWL_MIN_ARTICLES_SETTING = "DISTRIBUTED_MIN_ARTICLES"
CRAWL_MAX_ERROR_RATE_SETTING = "DISTRIBUTED_MAX_ERROR_RATE"
CRAWL_MAX_ITEMS_SETTING = "DISTRIBUTED_MAX_ITEMS"  # the user's --max-items (claims.py reads it)


@dataclass(frozen=True)
class WorkerSettings:
    """A worker's settings: ``REDIS_KEY_PREFIX``, ``WORKER_HEARTBEAT_SECONDS``,
    ``WORKER_DEAD_SECONDS``, ``WORKER_IDLE_POLL_SECONDS``, ``DISTRIBUTED_CHECKPOINT_SECONDS``,
    ``DISTRIBUTED_KEEP_SECONDS``, ``REDIS_LOST_SECONDS`` (docs/distributed.md)."""

    key_prefix: str
    heartbeat_seconds: float
    dead_seconds: float
    idle_poll_seconds: float
    checkpoint_seconds: float
    keep_seconds: int
    redis_lost_seconds: float

    @classmethod
    def from_settings(cls, settings: Any) -> WorkerSettings:
        read = SettingsReader(settings)
        return cls(key_prefix=read.str("REDIS_KEY_PREFIX"),
                   heartbeat_seconds=read.float("WORKER_HEARTBEAT_SECONDS"),
                   dead_seconds=read.float("WORKER_DEAD_SECONDS"),
                   idle_poll_seconds=read.float("WORKER_IDLE_POLL_SECONDS"),
                   checkpoint_seconds=read.float("DISTRIBUTED_CHECKPOINT_SECONDS"),
                   keep_seconds=read.int("DISTRIBUTED_KEEP_SECONDS"),
                   redis_lost_seconds=read.float("REDIS_LOST_SECONDS"))


@dataclass(frozen=True)
class CrawlChecks:
    """The user's figures the crawl as a whole is judged by (each worker's own checks are off):
    ``MONITOR_MIN_ARTICLES``, ``MONITOR_MAX_ERROR_RATE`` and ``--max-items``."""

    min_articles: int
    max_error_rate: float
    max_items: int


class DistributedError(RuntimeError):
    """The shared crawl cannot be joined (Redis unreachable, the crawl finished, ...)."""


def redact(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
            f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    return url


def connect(url: str) -> redis.Redis:
    """A client for ``url``, checked with a PING; :class:`DistributedError` says what failed."""
    try:
        client = redis_client(url)
        client.ping()
    except ValueError as exc:
        raise DistributedError(f"bad --redis URL {redact(url)!r}: {exc} "
                               "(expected redis://host:port/db)") from exc
    except redis.RedisError as exc:
        raise DistributedError(f"cannot reach Redis at {redact(url)}: {exc} — start redis-server "
                               "there or fix --redis") from exc
    return client


def join_crawl(client: redis.Redis, site: SiteKeys, requested: str | None) -> str:
    """The id of the crawl this worker joins: ``requested``, the current one, or a new one."""
    if requested:
        if client.exists(site.crawl(requested).finalized):
            raise DistributedError(f"crawl {requested} is finished already (its manifest is "
                                   "written): start a new crawl without --crawl-id")
        client.set(site.current, requested, nx=True)
        return requested
    for _ in range(3):
        current = client.get(site.current)
        if current:
            return text(current)
        crawl_id = new_crawl_id()
        if client.set(site.current, crawl_id, nx=True):
            return crawl_id
    raise DistributedError(f"could not agree on a crawl id at {site.current}")


def reserve_worker_id(client: redis.Redis, keys: CrawlKeys, name: str) -> str:
    """``name``, or ``name_2``, ``name_3``... when an earlier process of this crawl used it (a
    restarted container keeps its host name): file names and leases never mix two processes."""
    candidate, n = name, 1
    while not client.sadd(keys.worker_names, candidate):
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def site_keys(spider: Spider | type[Spider], prefix: str, site: Any = None) -> SiteKeys:
    """The keys of a spider's site across its crawls: ``<prefix>:<spider>:<site key>``, the
    key of the crawl's site (``crawler.pages.site``) as in its folder, else the spider's name."""
    return SiteKeys(prefix, spider.name, site.key if site is not None else spider.name)


class DistributedAddon:
    """``ADDONS`` entry; active when ``REDIS_URL`` is set. Once it is, it holds the worker's
    :attr:`shared` crawl, the :attr:`site` keys and the :attr:`checks` of the whole crawl,
    for the distributed components (:func:`shared_crawl_of`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.shared: SharedCrawl | None = None
        self.site: SiteKeys | None = None
        self.checks: CrawlChecks | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedAddon:
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        crawl = CrawlSettings.from_settings(settings)
        if not crawl.distributed:
            return
        spider = self.crawler.spider
        if spider is None:
            raise RuntimeError("the distributed add-on starts with the spider (engine_started)")
        client = connect(crawl.redis_url)
        worker = safe_part(crawl.worker_id or default_worker_id())
        site = self.site = site_keys(spider, WorkerSettings.from_settings(settings).key_prefix,
                                     getattr(spider, "site", None))
        crawl_id = join_crawl(client, site, crawl.crawl_id or None)
        worker = reserve_worker_id(client, site.crawl(crawl_id), worker)
        self.shared = SharedCrawl(client, site.crawl(crawl_id), worker)
        monitors = MonitorSettings.from_settings(settings)
        self.checks = CrawlChecks(monitors.min_articles, monitors.max_error_rate, crawl.max_items)
        forced: dict[str, Any] = {
            "CRAWL_ID": crawl_id,
            "WORKER_ID": worker,
            "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
            "STATE_ENABLED": False,
            "ARTICLES_FLUSH_RECORDS": 1,
            "MANIFEST_WRITE": False,
            "DOWNLOAD_DELAY": 0,
            "PATH_SHAPE_COUNTER": "crawler.distributed.budget.SharedShapeCounter",
            # the discovery-stall watch asks the crawl (crawler.distributed.article_clock)
            "MONITOR_CRAWL_CLOCK": "crawler.distributed.article_clock.CrawlArticleClock",
            # A worker whose peers leased the articles writes none, and one 503 among a
            # worker's few fetches is a high rate: the worker that writes the crawl manifest
            # checks the user's figures against the whole crawl.
            # (recorded as settings for the report; the components read self.checks)
            CRAWL_MIN_ARTICLES_SETTING: self.checks.min_articles,
            "MONITOR_MIN_ARTICLES": 0,
            CRAWL_MAX_ERROR_RATE_SETTING: self.checks.max_error_rate,
            "MONITOR_MAX_ERROR_RATE": 1.0,
            # --max-items counts the crawl's articles (crawler.distributed.claims)
            CRAWL_MAX_ITEMS_SETTING: self.checks.max_items,
            "CLOSESPIDER_ITEMCOUNT": 0,
            # A worker acknowledges its leases as pages are fetched: a record held back while
            # the site's facts are learned would die with the worker, so none is held
            # (crawler.sitefacts: each record is finalised with what the worker knows then).
            "SITE_FACTS_HOLD_RECORDS": 0,
        }
        read = SettingsReader(settings)
        shared_defaults: dict[str, Any] = {
            "SHARED_DOWNLOAD_DELAY": read.float("DOWNLOAD_DELAY"),
            "SHARED_CONCURRENT_REQUESTS_PER_DOMAIN": read.int("CONCURRENT_REQUESTS_PER_DOMAIN"),
        }
        for name, value in shared_defaults.items():
            priority = settings.getpriority(name)
            if priority is None or priority < 40:
                settings.set(name, value, priority="cmdline")
        for name, value in forced.items():
            settings.set(name, value, priority="cmdline")
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", _load("crawler.distributed.politeness."
                                            "SharedPolitenessMiddleware"), 960)
        settings.set_in_component_priority_dict(
            "SPIDER_MIDDLEWARES", _load("crawler.distributed.seeding.SeedOnceMiddleware"), 10)
        settings.set_in_component_priority_dict(
            "ITEM_PIPELINES", _load("crawler.distributed.claims.ArticleClaimPipeline"), 790)
        settings.set_in_component_priority_dict(
            "EXTENSIONS",
            _load("crawler.distributed.worker_extension.DistributedCrawlExtension"), 105)
        settings.set_in_component_priority_dict(
            "EXTENSIONS", _load("crawler.distributed.lifeline.RedisLifeline"), 106)
        if read.list("DISTRIBUTED_ABANDON_WORKERS"):  # --abandon-spool
            settings.set_in_component_priority_dict(
                "EXTENSIONS", _load("crawler.distributed.abandon.AbandonSpool"), 104)
        logger.info("worker %s of crawl %s (%s, Redis %s); no SQLite crawl state for "
                    "workers: no incremental recrawl, no --resume", worker, crawl_id, site.base,
                    redact(crawl.redis_url))


def shared_crawl_of(crawler: Crawler) -> SharedCrawl:
    """The shared crawl this worker joined (:class:`DistributedAddon`)."""
    addon = crawler.get_addon(DistributedAddon)
    if addon is None or addon.shared is None:
        raise RuntimeError("no shared crawl: REDIS_URL is not set or the distributed add-on "
                           "(crawler.distributed.addon.DistributedAddon) is not in ADDONS")
    return addon.shared


def worker_addon(crawler: Crawler) -> DistributedAddon:
    """The distributed add-on of a worker, with its shared crawl, site keys and checks."""
    shared_crawl_of(crawler)
    addon = crawler.get_addon(DistributedAddon)
    assert addon is not None
    return addon


def _load(path: str) -> type:
    from scrapy.utils.misc import load_object

    return load_object(path)
