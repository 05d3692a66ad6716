"""URLs and pages: from a URL to what a crawl requests and what a page holds.

Pure (no Scrapy, no Twisted): canonical URLs (``urls``), the crawl's site (``site``), site
profiles (``profiles``), article or listing (``pagetype``), one page's scan for the crawl
(``pagescan``), its requisites (``requisites``) and discovery documents (``discovery``).
"""
