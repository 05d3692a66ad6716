"""The crawl's WARC archive (see docs/warc.md).

``records`` builds records from captures, ``naming`` names files, ``writer`` appends to rotating
per-record-gzip files, ``cdxj`` makes the pywb index, ``dedup`` finds earlier payloads,
``archive`` ties them together, ``recover`` repairs killed crawls, and ``middleware`` is the
Scrapy downloader middleware (order 950) that feeds it all.
"""
