"""Fixtures for storage tests: moto's S3 server on 127.0.0.1 and real boto3 clients for it.

Import the fixtures into a test module (``from tests.s3moto import *``). Nothing leaves the
loopback interface: AWS config files and the instance metadata service are switched off.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.s3proxy import FaultProxy

__all__ = ["aws_env", "bucket", "fault_proxy", "moto_url", "s3"]

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-never-logged",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    # a safety net: a client built without an endpoint talks to a closed loopback port
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
}
CLEARED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_REGION",
           "CRAWLER_SPOOL")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's S3 API over HTTP on a free loopback port, for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Test credentials in the environment (boto3's standard chain), nothing else AWS."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    return dict(AWS_ENV)


@pytest.fixture
def s3(moto_url: str, aws_env: dict[str, str]):
    """A real boto3 S3 client talking HTTP to moto."""
    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture
def bucket(s3) -> str:
    """A new, empty bucket for one test."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def fault_proxy(moto_url: str) -> Iterator[FaultProxy]:
    """A proxy in front of moto that a test can switch to failing and back."""
    host, _, port = moto_url.removeprefix("http://").partition(":")
    proxy = FaultProxy(host, int(port))
    yield proxy
    proxy.close()


# --- spooled crawls for the tests ------------------------------------------------------------
def make_spooled_crawl(spool, uri: str, endpoint: str | None, *, spider: str = "news",
                       crawl_id: str | None = None, warc_bytes: int = 4000,
                       manifest: bool = True):
    """A finished crawl folder in ``spool`` as an s3:// crawl leaves it: WARC, index, articles,
    manifest (through the real ``crawler.manifest`` code) and the spool's target record."""
    import gzip
    import json

    from crawler.layout import CrawlOutput, new_crawl_id
    from crawler.manifest import build_manifest, write_manifest
    from crawler.storage.spool import SpoolTarget, write_target

    crawl_id = crawl_id or new_crawl_id()
    out = CrawlOutput(root=spool / spider / crawl_id, spider=spider, crawl_id=crawl_id, uri=uri)
    out.prepare()
    write_target(out.root, SpoolTarget(uri=uri, site=spider, crawl_id=crawl_id,
                                       endpoint_url=endpoint))
    warc = out.warc_dir / f"{spider}-20250101000000000-00000-host.warc.gz"
    warc.write_bytes(os.urandom(warc_bytes))
    index = out.index_dir / f"{spider}-{crawl_id}.cdxj"
    index.write_text('ua,example)/ 20250101000000 {"url": "https://example.ua/"}\n')
    part = out.articles_dir / "articles-00001.jsonl.gz"
    part.write_bytes(gzip.compress(b"".join(
        json.dumps({"n": n, "text": "news " * 50}).encode() + b"\n" for n in range(20))))
    for path, kind in ((warc, "warc"), (index, "index"), (part, "articles")):
        out.file_completed(path, kind)
    if manifest:
        doc = build_manifest(out, stats={"articles/written": 20, "downloader/response_count": 31},
                             finish_reason="finished", spider={}, settings={})
        write_manifest(out, doc)
        out.file_completed(out.manifest_path, "manifest")
    out.finish()  # its process is done with it (a crawl without manifest: killed)
    return out
