"""End to end through the real CLI: crawls of the fixture site to ``s3://`` (moto over HTTP on
loopback, optionally behind the fault-injecting proxy), then ``verify``, ``ls`` and ``upload``."""

from __future__ import annotations

import gzip
import json
import tempfile
import threading
from pathlib import Path

import pytest

from tests.helpers.cli import FAST, run_cli
from tests.helpers.crawls import site_folder
from tests.helpers.s3moto import AWS_ENV
from tests.helpers.waiting import wait_until

SECRET = AWS_ENV["AWS_SECRET_ACCESS_KEY"]
SMALL_FILES = ["-s", "WARC_MAX_SIZE=60000", "-s", "ARTICLES_PART_RECORDS=8"]
QUICK_RETRY = ["-s", "STORE_RETRY_BASE=0.2", "-s", "STORE_RETRY_MAX=1", "-s",
               "S3_CONNECT_TIMEOUT=1", "-s", "S3_READ_TIMEOUT=2"]


@pytest.fixture
def site(tmp_path):
    """A 30-article fixture site, a little slow so the store can fail while the crawl runs."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    fixture = FixtureSite(articles=30, seed=7, latency=0.05)
    with start_server(fixture) as server:
        yield fixture, server


def _env(endpoint: str | None = None) -> dict[str, str]:
    env = dict(AWS_ENV)
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def _crawl(server, uri: str, spool: Path, endpoint: str, *extra: str):
    return run_cli("crawl", "vsedelo", "--url", server.url, "--out", uri, *FAST, *SMALL_FILES,
                   "-s", f"SPOOL_DIR={spool}", *extra, env=_env(endpoint))


def _objects(s3, bucket: str) -> dict[str, bytes]:
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def _spooled_bytes(spool: Path) -> int:
    """Bytes of finished files in the spool's crawl folders."""
    return sum(p.stat().st_size for p in spool.glob("*/*/*/*")
               if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".open"))


def _in_background(fn, *args):
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("r", fn(*args)), daemon=True)
    thread.start()
    return thread, result


def _check_complete(s3, bucket: str, prefix: str, site, server, moto_url: str) -> dict:
    """The crawl under ``prefix`` verifies, and holds every article of the site."""
    objects = _objects(s3, bucket)
    (manifest_key,) = [k for k in objects if k.startswith(prefix) and
                       k.endswith("/manifest.json")]
    crawl_uri = f"s3://{bucket}/{manifest_key.removesuffix('/manifest.json')}"
    result = run_cli("verify", crawl_uri, "--endpoint-url", moto_url, env=_env())
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads(objects[manifest_key])
    base = manifest_key.removesuffix("manifest.json")
    assert {base + f["path"] for f in manifest["files"]} | {manifest_key} == {
        k for k in objects if k.startswith(base)}
    records = [json.loads(line) for key, data in objects.items()
               if key.startswith(base + "articles/") for line in gzip.decompress(data).splitlines()]
    expected = set(site.article_urls(server.url.rstrip("/")))
    assert {r["canonical_url"] for r in records} == expected
    for data in objects.values():
        assert SECRET.encode() not in data
        if data[:2] == b"\x1f\x8b":
            assert SECRET.encode() not in gzip.decompress(data)
    return manifest


def test_crawl_to_s3_then_verify_and_ls(site, s3, bucket, moto_url, tmp_path):
    fixture, server = site
    spool = tmp_path / "spool"
    result = _crawl(server, f"s3://{bucket}/archive", spool, moto_url)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert SECRET not in result.stdout + result.stderr
    manifest = _check_complete(s3, bucket, f"archive/{site_folder(server.url)}/", fixture, server,
                               moto_url)
    assert manifest["totals"]["warc"]["files"] >= 2  # several files, uploaded while crawling
    assert not list(spool.glob(f"{site_folder(server.url)}/*/"))  # the crawl left the spool
    warc = next(f["path"] for f in manifest["files"] if f["kind"] == "warc")
    head = s3.head_object(Bucket=bucket,
                          Key=f"archive/{site_folder(server.url)}/{manifest['crawl_id']}/{warc}")
    assert head["ContentType"] == "application/warc"

    listing = run_cli("ls", f"s3://{bucket}/archive", env=_env(moto_url))
    assert listing.returncode == 0, listing.stderr
    (row,) = [line.split() for line in listing.stdout.splitlines()[1:]]
    assert row[:2] == [site_folder(server.url), manifest["crawl_id"]]
    assert row[3] == str(manifest["stats"]["articles/written"])
    assert row[6] == "complete"


def test_commands_are_wired_into_the_cli(tmp_path):
    for name in ("upload", "verify", "ls"):
        result = run_cli(name, "--help", cwd=tmp_path, timeout=60)
        assert result.returncode == 0 and f"usage: crawler {name}" in result.stdout
    missing = run_cli("verify", str(tmp_path / "nothing"), cwd=tmp_path, timeout=60)
    assert missing.returncode == 2 and "no such crawl folder" in missing.stderr


def test_missing_bucket_fails_before_crawling(site, s3, moto_url, tmp_path):
    _, server = site
    result = _crawl(server, "s3://no-such-bucket-e2e/archive", tmp_path / "spool", moto_url)
    assert result.returncode == 2
    assert "bucket 'no-such-bucket-e2e'" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(server.requests) == []  # nothing was crawled


def test_store_down_mid_crawl_pauses_and_loses_nothing(site, s3, bucket, moto_url, fault_proxy,
                                                       tmp_path):
    fixture, server = site
    spool = tmp_path / "spool"
    limit = 150_000
    thread, outcome = _in_background(
        _crawl, server, f"s3://{bucket}/archive", spool, fault_proxy.url,
        "-s", f"SPOOL_MAX_BYTES={limit}", *QUICK_RETRY)
    wait_until(lambda: any(spool.glob(f"{site_folder(server.url)}/*/.store-target.json")),
               "the crawl to start", limit=120)
    fault_proxy.set_mode("refuse")
    wait_until(lambda: _spooled_bytes(spool) > limit, "the spool to fill up", limit=120)
    fault_proxy.set_mode("up")
    thread.join(240)
    result = outcome["r"]
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert "spool full" in result.stderr and "crawl paused" in result.stderr
    assert "crawl resumed" in result.stderr
    manifest = _check_complete(s3, bucket, f"archive/{site_folder(server.url)}/", fixture, server,
                               moto_url)
    assert manifest["stats"]["storage/spool_pauses"] >= 1
    assert manifest["stats"]["storage/retries"] >= 1
    assert not list(spool.glob(f"{site_folder(server.url)}/*/"))


@pytest.mark.parametrize("finisher", ["upload-command", "next-crawl"])
def test_crawl_ending_with_store_down_is_finished_later(finisher, site, s3, bucket, moto_url,
                                                        fault_proxy, tmp_path):
    fixture, server = site
    spool = tmp_path / "spool"
    thread, outcome = _in_background(
        _crawl, server, f"s3://{bucket}/archive", spool, fault_proxy.url,
        "-s", "STORE_FINAL_TIMEOUT=1", *QUICK_RETRY)
    wait_until(lambda: any(spool.glob(f"{site_folder(server.url)}/*/.store-target.json")),
               "the crawl to start", limit=120)
    fault_proxy.set_mode("503")
    thread.join(240)
    result = outcome["r"]
    assert result.returncode == 1, result.stdout + result.stderr[-4000:]
    assert "were not uploaded" in result.stderr and "crawler upload" in result.stderr
    (crawl_dir,) = list(spool.glob(f"{site_folder(server.url)}/*/"))
    assert (crawl_dir / "manifest.json").exists()
    assert not [k for k in _objects(s3, bucket) if k.endswith("manifest.json")]

    fault_proxy.set_mode("up")
    if finisher == "upload-command":
        done = run_cli("upload", str(spool), env=_env())  # endpoint: from the spool's record
        assert done.returncode == 0, done.stdout + done.stderr
        assert (f"complete: s3://{bucket}/archive/{site_folder(server.url)}/{crawl_dir.name}"
                in done.stdout)
    else:
        # same spool, fresh crawl state (not an incremental re-crawl of the same site)
        second = _crawl(server, f"s3://{bucket}/again", spool, fault_proxy.url,
                        "-s", f"STATE_PATH={tmp_path / 'second-state.sqlite'}")
        assert second.returncode == 0, second.stdout + second.stderr[-4000:]
        assert "resuming upload" in second.stderr
        _check_complete(s3, bucket, f"again/{site_folder(server.url)}/", fixture, server,
                        moto_url)
    _check_complete(s3, bucket, f"archive/{site_folder(server.url)}/", fixture, server,
                               moto_url)
    assert not crawl_dir.exists()


def test_reextract_an_s3_crawl_writes_its_set_next_to_it(site, s3, bucket, moto_url, tmp_path):
    """``crawler reextract s3://…``: the new article set is stored under the crawl's prefix
    (manifest last, every file's sha256 in it) and its records equal the crawl's."""
    fixture, server = site
    result = _crawl(server, f"s3://{bucket}/archive", tmp_path / "spool", moto_url)
    assert result.returncode == 0, result.stderr[-3000:]
    (manifest_key,) = [k for k in _objects(s3, bucket) if k.endswith("/manifest.json")]
    crawl_uri = f"s3://{bucket}/{manifest_key.removesuffix('/manifest.json')}"
    scratch = {p.name for p in Path(tempfile.gettempdir()).glob("crawler-reextract-*")}
    done = run_cli("reextract", crawl_uri, "--endpoint-url", moto_url, "--set-id", "again",
                   env=_env())
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == f"{crawl_uri}/reextracts/again"
    objects = _objects(s3, bucket)
    prefix = manifest_key.removesuffix("manifest.json") + "reextracts/again/"
    set_manifest = json.loads(objects[prefix + "manifest.json"])
    import hashlib

    for entry in set_manifest["files"]:
        assert hashlib.sha256(objects[prefix + entry["path"]]).hexdigest() == entry["sha256"]
    old = [json.loads(line) for key, data in objects.items()
           if key.startswith(manifest_key.removesuffix("manifest.json") + "articles/")
           for line in gzip.decompress(data).splitlines()]
    assert set_manifest["counts"]["records"] == len(old) == set_manifest["counts"]["unchanged"]
    left = {p.name for p in Path(tempfile.gettempdir()).glob("crawler-reextract-*")}
    assert left <= scratch  # the local copy of the set is gone once it is stored
