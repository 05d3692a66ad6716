"""The parts of one crawl that its components share, one of each type, on its context.

Scrapy builds each component on its own. The few that others need add themselves here when they
are built, and the others ask for them by class (the part, who adds it: who asks):

- ``crawler.state.session.CrawlState``, the state extension: the spider, the incremental
  middleware, the state pipeline, the site facts;
- ``crawler.pageworkers.page_workers.PageWorkers``: the spider, the extraction pipeline;
- ``crawler.sitefacts.facts_extension.SiteFactsExtension``: the spider, the extraction pipeline;
- ``crawler.storage.upload_extension.StoreUploadExtension`` (``s3://``): the distributed worker;
- ``crawler.distributed.scheduler.LeasedScheduler`` and ``crawler.distributed.lifeline
  .RedisLifeline`` (``--redis``): the distributed worker, its Redis waits, ``--abandon-spool``;
- ``crawler.engine.queues.QueueBudget``, the spooling scheduler: its queues;
- ``crawler.warc.archive.WarcArchive``, the WARC middleware (``WARC_ENABLED``): the renderer,
  which adds a rendered page's DOM to it;
- ``crawler.render.render_extension.Renderer`` (``RENDER_MODE`` auto or always): the spider.

A part that is off (its setting, or another kind of crawl) is not there: :meth:`CrawlParts.get`
answers None. This module imports none of them, so every folder may use it.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


class CrawlParts:
    """Shared components of one crawl, by class."""

    def __init__(self) -> None:
        self._parts: dict[type, Any] = {}

    def add(self, part: T) -> T:
        """Register ``part`` (one per class); returns it."""
        kind = type(part)
        if kind in self._parts:
            raise RuntimeError(f"the crawl has a {kind.__name__} already")
        self._parts[kind] = part
        return part

    def get(self, kind: type[T]) -> T | None:
        """The part of class ``kind`` (or a subclass), None when the crawl has none."""
        found = self._parts.get(kind)
        if found is None:
            found = next((p for k, p in self._parts.items() if issubclass(k, kind)), None)
        return found

    def require(self, kind: type[T], why: str = "") -> T:
        """:meth:`get`, raising ``RuntimeError`` (naming ``why``) when the crawl has none."""
        found = self.get(kind)
        if found is None:
            raise RuntimeError(f"the crawl has no {kind.__name__}" + (f": {why}" if why else ""))
        return found
