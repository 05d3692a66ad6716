"""The crawl's stats collector: Scrapy's, without a shim that costs on every stats call."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class CrawlStatsCollector(MemoryStatsCollector):
    """:class:`~scrapy.statscollectors.MemoryStatsCollector` with plain attribute access.

    Scrapy 2.13+ routes every attribute access of a stats collector, its own ``self._stats``
    included, through a Python ``__getattribute__`` that wraps the public methods to warn about
    their deprecated ``spider`` argument. A crawl calls the stats a dozen times per response;
    the shim was 2 % of the crawl's main-process CPU (``bench/throughput.py``). The methods
    still take ``spider`` (and ignore it); only the deprecation warning is lost.
    """

    __getattribute__ = object.__getattribute__
