"""Article extraction (cleaning, metadata, text, language), on the pages the base HTML layer
(``crawler.html``) decodes and parses.

The entry point is :func:`crawler.extract.article.extract_article`; ``worker`` is what a page
worker runs (scan and extraction from one parse). Whether a page is an article is decided by
``crawler.pages.pagetype``.
"""
