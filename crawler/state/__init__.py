"""Durable crawl state between runs: SQLite store, recheck policy, resume of killed crawls.

Pure parts: ``store`` (SQLite), ``buffer`` (batched writes), ``policy`` (what to request again),
``session`` (one crawl's view), ``salvage`` and ``resume`` (a killed crawl's folder). Scrapy
parts: ``extension`` (lock, state, resume) and ``pipeline`` (records not to write again).
See docs/incremental.md.
"""
