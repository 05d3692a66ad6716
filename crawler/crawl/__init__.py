"""One crawl: its context (site, crawl id, resume, output, typed settings, shared parts), where
its files go and what they are called, its manifest document, its site lock and scratch files.

Every component of a crawl gets the one :class:`crawler.crawl.context.CrawlContext` of its Scrapy
crawler (``CrawlContext.of(crawler)``) instead of deciding these again.
"""
