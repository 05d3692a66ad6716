"""Pages built by JavaScript: which to render, rendering them in Chromium with the crawler as the
browser's network, and the rendered DOM as its own WARC record (docs/render.md).

Pure, importable anywhere: :mod:`~crawler.render.policy` (the decision),
:mod:`~crawler.render.signals` (what a page scan measures for it),
:mod:`~crawler.render.conversion` (the DOM's WARC record), :mod:`~crawler.render.procs`.
Scrapy and Playwright live in :mod:`~crawler.render.extension` and the modules it loads on the
first render (:mod:`~crawler.render.browser`, :mod:`~crawler.render.network`,
:mod:`~crawler.render.session`); with ``RENDER_MODE = never`` none of them is imported.
"""
