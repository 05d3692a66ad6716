"""Every usage or configuration error, on every command: exit 2, one or two lines on stderr that
say what was wrong and what to do, no traceback, and no file or folder created."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import CRAWLER, ROOT
from tests.helpers.crawls import tiny_crawl
from tests.helpers.net import busy_port

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback
STORE_ENV = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": CLOSED,
             "AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
             "AWS_CONFIG_FILE": "/nonexistent"}
NO_STORE = {**STORE_ENV, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
NO_CREDENTIALS = dict(STORE_ENV)


def _check(args: list[str], cwd: Path, env: dict[str, str] | None, *wanted: str) -> None:
    before = sorted(cwd.rglob("*"))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([*CRAWLER, *args], cwd=cwd, text=True, capture_output=True,
                            env={**clean, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120,
                            stdin=subprocess.DEVNULL)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-3000:]
    assert 1 <= len(lines) <= 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    for text in wanted:
        assert text in result.stderr, result.stderr
    assert sorted(cwd.rglob("*")) == before, "a usage error created files"


@pytest.mark.parametrize(("args", "env", "wanted"), [
    (["crawl", "nosuchspider"], None, ["no spider named 'nosuchspider'", "available: news"]),
    (["crawl", "news"], None, ["needs --url"]),
    (["crawl", "news", "--url", CLOSED, "-s", "DOWNLOAD_DELAYY=1"], None,
     ["unknown setting DOWNLOAD_DELAYY", "did you mean DOWNLOAD_DELAY?"]),
    (["crawl", "news", "--url", CLOSED, "-s", "MONITOR_MIN_ARTICLE=0"], None,
     ["did you mean MONITOR_MIN_ARTICLES?"]),
    (["crawl", "news", "--url", CLOSED, "--log-level", "LOUD"], None,
     ["--log-level", "'LOUD' is not one of", "crawler crawl --help"]),
    (["crawl", "news", "--url", CLOSED, "-s", "LOG_LEVEL=LOUD"], None, ["LOG_LEVEL must be"]),
    (["crawl", "news", "--url", CLOSED, "--resume", "--crawl-id", "nope"], None,
     ["cannot resume", "not found"]),
    (["crawl", "news", "--url", CLOSED, "--max-items", "many"], None, ["invalid int value"]),
    (["crawl"], None, ["required: spider"]),
    (["crawl", "news", "--url", CLOSED, "--out", "s3://bucket/x"], NO_STORE,
     ["cannot reach the object store"]),
    (["demo", "-s", "NOPE=1"], None, ["unknown setting NOPE"]),
    (["demo", "--articles", "0"], None, ["--articles must be at least 1"]),
    (["site", "--port", "99999"], None, ["a port is 0-65535"]),
    (["site", "--port", "http"], None, ["not a port number"]),
    (["site", "--articles", "0"], None, ["--articles must be at least 1"]),
    (["replay", "nowhere"], None, ["not a crawl folder"]),
    (["replay", "s3://bucket/x/site/c1"], NO_STORE, ["cannot reach the object store"]),
    (["recover", "nowhere"], None, ["not a crawl folder"]),
    (["wacz", "nowhere"], None, ["nowhere"]),
    (["report", "nowhere"], None, ["not a crawl folder"]),
    (["ls", "nowhere"], None, ["no such output folder"]),
    (["ls", "s3://bucket/x"], NO_STORE, ["cannot reach the object store at", "S3_ENDPOINT_URL"]),
    (["ls", "s3://bucket/x"], NO_CREDENTIALS, ["no usable S3 credentials", "AWS_ACCESS_KEY_ID"]),
    (["verify", "s3://bucket/x/site/c1"], NO_STORE, ["cannot reach the object store"]),
    (["verify", "s3://bucket/x/site/c1"], NO_CREDENTIALS, ["no usable S3 credentials"]),
    (["verify", "nowhere"], None, ["no such crawl folder"]),
    (["upload", "nowhere"], None, ["holds no spooled s3:// crawl"]),
    (["nosuchcommand"], None, ["invalid choice"]),
    (["crawl", "news", "-a", "url"], None, ["-a expects NAME=VALUE"]),
    (["crawl", "news", "--url", CLOSED, "--logfile", "/nonexistent/dir/crawl.log"], None,
     ["cannot write the log file"]),
    (["crawl", "news", "--url", CLOSED, "--log-format", "yaml"], None, ["invalid choice"]),
    (["extract", "nowhere.html"], None, ["cannot read nowhere.html"]),
    (["extract", "ftp://127.0.0.1/x"], None, ["not an http(s) URL"]),
    (["replay", "s3://bucket/x/site/c1", "--endpoint-url", CLOSED], NO_STORE,
     ["cannot reach the object store"]),
])
def test_usage_error(args, env, wanted, tmp_path):
    _check(args, tmp_path, env, *wanted)


def test_replay_on_a_port_in_use(tmp_path):
    crawl = tmp_path / "site" / "20260101T000000Z-abcd"
    tiny_crawl(crawl)
    with busy_port() as port:
        _check(["replay", str(crawl), "--port", str(port)], tmp_path, None,
               f"cannot serve on 127.0.0.1:{port}", "pass a free --port")
