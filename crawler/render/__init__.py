"""Pages built by JavaScript: which to render, rendering them in Chromium with the crawler as the
browser's network, and the rendered DOM as its own WARC record (docs/render.md).

Pure: :mod:`~crawler.render.render_policy` (the decision, on what a page scan measures for it,
``crawler.pages.render_signals``), :mod:`~crawler.render.render_settings` (the ``RENDER_*``
settings, read once), :mod:`~crawler.render.conversion` (the DOM's WARC record),
:mod:`~crawler.render.procs`. Scrapy lives in :mod:`~crawler.render.render_extension` (one of the
crawl's parts: the spider asks it), Playwright in the modules it loads on the first render
(:mod:`~crawler.render.browser`, :mod:`~crawler.render.network`,
:mod:`~crawler.render.page_renderer`); with ``RENDER_MODE = never`` no Playwright module is
imported.
"""
