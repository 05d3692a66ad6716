"""Checking an s3:// output before a crawl starts: bucket there, credentials good, writable."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crawler.storage.s3 import S3Location, StorageError, StoreConfig, explain
from crawler.typed_settings import SettingsReader

logger = logging.getLogger(__name__)
PROBE = ".crawler-write-test"


def preflight(uri: str, settings: Mapping[str, Any] | Any) -> None:
    """Write and delete a probe object under ``uri``; raise :class:`StorageError` with one line
    naming the problem (missing bucket, rejected credentials, unreachable endpoint…)."""
    location = S3Location.parse(uri)
    config = StoreConfig.from_settings(settings)
    check_spool_remove(SettingsReader(settings).text("SPOOL_REMOVE"))
    client = config.client(max_attempts=2)
    where = config.describe(client)
    key = location.key(PROBE)
    try:
        client.put_object(Bucket=location.bucket, Key=key, Body=b"")
    except Exception as exc:
        raise StorageError(f"cannot write to {uri}: {explain(exc, location, where)}") from None
    try:
        client.delete_object(Bucket=location.bucket, Key=key)
    except Exception as exc:  # writing works, which is what the crawl needs
        logger.debug("could not delete the probe %s: %s", key, explain(exc, location, where))


def check_spool_remove(mode: str) -> None:
    """``SPOOL_REMOVE`` must be ``commit`` or ``verified``."""
    if mode not in ("commit", "verified"):
        raise StorageError(f"SPOOL_REMOVE must be commit or verified, got {mode!r}")
