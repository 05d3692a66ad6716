"""The Scrapy add-on that turns a crawler process into a worker of a shared crawl.

With ``REDIS_URL`` empty it does nothing. Otherwise, once the spider exists, it joins the crawl
of that spider and site on Redis (the one ``<prefix>:<spider>:<host>:current`` names, a new one
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
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import redis
from scrapy.settings import Settings

from crawler.crawl.naming import safe_part
from crawler.crawl.output import new_crawl_id
from crawler.crawl.parts import parts
from crawler.distributed.keys import DEFAULT_PREFIX, CrawlKeys, SiteKeys, default_worker_id
from crawler.distributed.shared import SharedCrawl, redis_client, text
from crawler.ops import config

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# The user's MONITOR_MIN_ARTICLES and MONITOR_MAX_ERROR_RATE, for the crawl as a whole (the
# checks are turned off for each worker).
CRAWL_MIN_ARTICLES_SETTING = "DISTRIBUTED_MIN_ARTICLES"
CRAWL_MAX_ERROR_RATE_SETTING = "DISTRIBUTED_MAX_ERROR_RATE"
CRAWL_MAX_ITEMS_SETTING = "DISTRIBUTED_MAX_ITEMS"  # the user's --max-items (claims.py reads it)


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


def site_of(spider: Spider) -> str:
    """The site part of the keys: the start URL's host and port, else the spider's name."""
    url = getattr(spider, "start_url", None)
    return safe_part(urlsplit(url).netloc) if url else safe_part(spider.name)


class DistributedAddon:
    """``ADDONS`` entry; active when ``REDIS_URL`` is set."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedAddon:
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        spider = self.crawler.spider
        if spider is None:
            raise RuntimeError("the distributed add-on starts with the spider (engine_started)")
        client = connect(url)
        worker = safe_part(settings.get("WORKER_ID") or default_worker_id())
        site = SiteKeys(settings.get("REDIS_KEY_PREFIX") or DEFAULT_PREFIX, spider.name,
                        site_of(spider))
        crawl_id = join_crawl(client, site, settings.get("CRAWL_ID") or None)
        worker = reserve_worker_id(client, site.crawl(crawl_id), worker)
        parts(self.crawler).shared = SharedCrawl(client, site.crawl(crawl_id), worker)
        parts(self.crawler).shared_site = site
        forced = {
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
            CRAWL_MIN_ARTICLES_SETTING: config.get(settings, "MONITOR_MIN_ARTICLES"),
            "MONITOR_MIN_ARTICLES": 0,
            CRAWL_MAX_ERROR_RATE_SETTING: config.get(settings, "MONITOR_MAX_ERROR_RATE"),
            "MONITOR_MAX_ERROR_RATE": 1.0,
            # --max-items counts the crawl's articles (crawler.distributed.claims)
            CRAWL_MAX_ITEMS_SETTING: settings.getint("CLOSESPIDER_ITEMCOUNT"),
            "CLOSESPIDER_ITEMCOUNT": 0,
            # A worker acknowledges its leases as pages are fetched: a record held back while
            # the site's facts are learned would die with the worker, so none is held
            # (crawler.sitefacts: each record is finalised with what the worker knows then).
            "SITE_FACTS_HOLD_RECORDS": 0,
        }
        shared_defaults = {
            "SHARED_DOWNLOAD_DELAY": settings.getfloat("DOWNLOAD_DELAY"),
            "SHARED_CONCURRENT_REQUESTS_PER_DOMAIN":
                settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
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
        if settings.getlist("DISTRIBUTED_ABANDON_WORKERS"):  # --abandon-spool
            settings.set_in_component_priority_dict(
                "EXTENSIONS", _load("crawler.distributed.abandon.AbandonSpool"), 104)
        logger.info("worker %s of crawl %s (%s, Redis %s); no SQLite crawl state for "
                    "workers: no incremental recrawl, no --resume", worker, crawl_id, site.base,
                    redact(url))


def _load(path: str) -> type:
    from scrapy.utils.misc import load_object

    return load_object(path)
