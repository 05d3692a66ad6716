"""News archival crawler: polite spiders, WARC archive, normalised article JSON."""

__version__ = "0.1.0"
