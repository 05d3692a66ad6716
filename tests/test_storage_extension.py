"""The upload extension's switch and its place among the extensions."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured

from crawler.storage.s3 import StorageError
from crawler.storage.upload_extension import StoreUploadExtension
from tests.helpers.context import context_crawler

EXT = "crawler.storage.upload_extension.StoreUploadExtension"


class _Spider(Spider):
    name = "t"


def test_off_for_local_output(tmp_path):
    crawler = context_crawler(tmp_path / "out", _Spider)
    with pytest.raises(NotConfigured):
        StoreUploadExtension.from_crawler(crawler)


def test_on_for_s3_output_and_checks_its_settings(tmp_path):
    crawler = context_crawler("s3://bucket-a/prefix", _Spider, SPOOL_DIR=str(tmp_path),
                              S3_ENDPOINT_URL="http://127.0.0.1:9")
    ext = StoreUploadExtension.from_crawler(crawler)
    assert ext.store.location.bucket == "bucket-a"
    assert ext.uploader.spool_max_bytes == 10_000_000_000
    assert (tmp_path / "spool").exists() is False and any(tmp_path.iterdir())  # the spool
    bad = context_crawler("s3://bucket-a/p", _Spider, SPOOL_DIR=str(tmp_path),
                          S3_ADDRESSING_STYLE="x")
    with pytest.raises(StorageError):
        StoreUploadExtension.from_crawler(bad)


def test_runs_after_the_manifest_extension():
    """spider_closed handlers start in the order extensions were built (lowest value first):
    the manifest must be written and reported before the uploader waits for the queue."""
    from crawler import settings

    order = settings.EXTENSIONS
    assert order[EXT] > order["crawler.storage.commit.ManifestExtension"]
