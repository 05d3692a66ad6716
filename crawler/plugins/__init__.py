"""The crawler's Scrapy plug-ins: downloader, middlewares, scheduler queues, extensions.

One component per module, wired by ``crawler.settings``; each reads its settings in
``__init__`` and raises ``NotConfigured`` to switch off. Pipelines live in ``pipelines``.
"""
