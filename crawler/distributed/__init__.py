"""Distributed crawls: several crawler processes share one crawl through Redis.

Switched on by ``REDIS_URL`` (``crawler crawl SPIDER --redis redis://host:port/db``). The add-on
(:mod:`crawler.distributed.addon`) turns a process into a *worker* of the crawl of its spider and
site on that Redis:

- :mod:`~crawler.distributed.scheduler`: scrapy-redis's shared priority queue and duplicate
  filter, with a *lease* on every request a worker takes, acknowledged once the request has left
  the engine (downloaded, archived, parsed, its items written);
- :mod:`~crawler.distributed.politeness`: per-host concurrency and delay for the whole crawl;
- :mod:`~crawler.distributed.worker_extension`: heartbeats, the reaper that gives a dead worker's
  leases back to the queue (and repairs its files on a shared folder), the end of the crawl, and the
  crawl manifest written by the last worker to leave;
- :mod:`~crawler.distributed.claims`: each article written once across workers.

Redis keys live under ``<REDIS_KEY_PREFIX>:<spider>:<site>:`` (:mod:`~crawler.distributed.keys`),
``<site>`` the site key of the crawl's folder (``crawler.pages.site``).
"""
