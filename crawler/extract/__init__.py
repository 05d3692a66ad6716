"""Building blocks of article extraction (decoding, cleaning, metadata, text).

The entry point is :func:`crawler.extract.article.extract_article`; this package stays light to
import so that :mod:`crawler.dates` can use its JSON-LD reader.
"""
