"""The base HTML layer: bytes to text (``decode``), text to an lxml tree (``tree``) and the
tree's JSON-LD (``jsonld``). Below ``crawler.pages``, ``crawler.dates`` and ``crawler.extract``,
which all read pages through it. Pure: no Scrapy, no Twisted.
"""
