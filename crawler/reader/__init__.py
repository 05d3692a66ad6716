"""Reading finished crawls for downstream jobs: records, manifest and archived responses.

>>> crawl = open_crawl("out/vsedelo/20251125T222400Z-3f9a")   # or s3://bucket/prefix/...
>>> for record in crawl.records(since="2025-11-01", language="uk"):
...     status, headers, body = crawl.raw_response(record)

See docs/reader.md.
"""

from crawler.reader.finished import Crawl, open_crawl
from crawler.reader.http import RawResponse, decode_body
from crawler.reader.locations import LocalSource, ReaderError, S3Source

__all__ = ["Crawl", "LocalSource", "RawResponse", "ReaderError", "S3Source", "decode_body",
           "open_crawl"]
