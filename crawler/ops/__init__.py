"""Ops visibility for every crawl: progress, the crawl report, monitors, metrics and a webhook.

Pure parts (no Twisted): ``counts``, ``bounded``, ``observations``, ``monitors``, ``stall``,
``articles``, ``svg``, ``html``, ``render``, ``report``, ``config``, ``summary``. Scrapy
extensions: ``collector.ReportExtension``, ``monitoring.MonitorExtension``,
``progress.ProgressExtension``, ``metrics.MetricsExtension``, ``webhook.WebhookExtension``.
CLI: ``commands`` (``crawler report``). See ``docs/ops.md``.
"""
