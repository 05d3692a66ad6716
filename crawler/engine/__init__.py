"""Scrapy's engine, tuned: the downloader, the scheduler's queues, the duplicate filter's
seen-sets, the stats collector, the garbage collector, two stock middlewares in their places and
``Retry-After`` pauses. Each is switched by a setting in ``crawler.settings``.
"""
