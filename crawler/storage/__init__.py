"""Object storage (S3-compatible) output: spool, uploads, verification and listing of crawls."""

from crawler.storage.preflight import preflight
from crawler.storage.s3 import StorageError, is_s3_uri

__all__ = ["StorageError", "is_s3_uri", "preflight"]
