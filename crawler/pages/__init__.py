"""URLs and pages: from a URL to what a crawl requests and what a page holds.

No Scrapy, no Twisted: canonical URLs (``urls``), the crawl's site (``site``), site profiles
(``profiles``), the one article classifier (``pagetype``), one page's scan for the crawl
(``pagescan``), its requisites (``requisites``), discovery documents (``discovery_docs``:
robots.txt, sitemaps, feeds) and one page fetched politely outside a crawl (``fetch_page``, the
stdlib's HTTP client).
"""
