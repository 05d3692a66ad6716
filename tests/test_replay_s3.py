"""Replay of a crawl stored on S3 (moto over HTTP): download, then real pywb serves it."""

from __future__ import annotations

import urllib.request

import pytest

from crawler.replay import pywb as replay
from crawler.replay.s3_fetch import fetch_crawl
from crawler.storage.s3 import StorageError
from tests.helpers.crawls import crawl_id_of, crawl_site, site_folder
from tests.helpers.s3moto import AWS_ENV
from tests.helpers.wayback import serving_wayback

pytestmark = pytest.mark.pywb


def test_s3_crawl_replays_in_pywb(s3, bucket, moto_url, tmp_path):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url}
    with start_server(FixtureSite(articles=4, seed=9)) as server:
        result = crawl_site(server.url, f"s3://{bucket}/arch",
                            "-s", f"SPOOL_DIR={tmp_path / 'spool'}", env=env)
    crawl_id = crawl_id_of(result)
    folder = site_folder(server.url)
    uri = f"s3://{bucket}/arch/{folder}/{crawl_id}"

    with pytest.raises(StorageError, match="not a finished crawl"):
        fetch_crawl(f"s3://{bucket}/arch/{folder}/nosuchcrawl", tmp_path / "x",
                    {"S3_ENDPOINT_URL": moto_url})
    local = fetch_crawl(uri, tmp_path / "dl", {"S3_ENDPOINT_URL": moto_url})
    assert list(local.glob("warc/*.warc.gz")) and list(local.glob("indexes/*.cdxj"))

    work = tmp_path / "work"
    replay.build_collection(local, work)
    with serving_wayback(work) as base:
        record = read_records_from_s3(s3, bucket, f"arch/{folder}/{crawl_id}")[0]
        url = f"{base}/{replay.DEFAULT_COLLECTION}/2030id_/{record['url']}"
        with urllib.request.urlopen(url, timeout=30) as resp:
            assert resp.status == 200
            body = resp.read()
        assert record["canonical_url"].encode() in body


def read_records_from_s3(s3, bucket: str, prefix: str) -> list[dict]:
    """The article records of a crawl on S3, through the same reader downstream jobs use."""
    import gzip
    import json

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/articles/")
            .get("Contents", [])]
    records: list[dict] = []
    for key in keys:
        data = gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        records.extend(json.loads(line) for line in data.decode().splitlines())
    return records

