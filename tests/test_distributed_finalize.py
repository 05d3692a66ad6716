"""The manifest of a distributed s3:// crawl waits for files still in a worker's spool, and is
written by the next worker started once they are uploaded (real redis-server, moto, CLI)."""

from __future__ import annotations

import json
import signal
import time

import pytest

from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.cli import run_cli
from tests.helpers.crawls import site_folder
from tests.helpers.s3moto import AWS_ENV
from tests.helpers.storage import articles_in_s3, object_keys
from tests.helpers.workers import log_of, start_worker, wait_all

pytestmark = pytest.mark.timeout(240)


def test_files_left_in_a_spool_hold_the_manifest_until_uploaded_then_a_new_worker_writes_it(
        tmp_path, redis_url, s3, bucket, moto_url, fault_proxy):
    site = FixtureSite(articles=40, seed=31, latency=0.08)
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url}
    uri = f"s3://{bucket}/stuck"
    common = ["-s", "WORKER_HEARTBEAT_SECONDS=0.5", "-s", "WORKER_DEAD_SECONDS=3",
              "-s", "DISTRIBUTED_CHECKPOINT_SECONDS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3"]
    spool = {w: tmp_path / f"spool-{w}" for w in ("f1", "f2", "f3", "f4")}

    def worker(name: str, *extra: str):
        return start_worker(redis_url, server, uri, name, "stuck", *common,
                            "-s", f"SPOOL_DIR={spool[name]}", *extra, logs=tmp_path, env=env)

    with start_server(site) as server:
        f1 = worker("f1")
        # f2 reaches the store through a proxy that goes down: its last files stay in its spool
        f2 = worker("f2", "-s", f"S3_ENDPOINT_URL={fault_proxy.url}",
                    "-s", "STORE_FINAL_TIMEOUT=3", "-s", "S3_CONNECT_TIMEOUT=1",
                    "-s", "S3_READ_TIMEOUT=2", "-s", "STORE_RETRY_BASE=0.2",
                    "-s", "STORE_RETRY_MAX=0.5")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("articles-f2-" in k
                                                      for k in object_keys(s3, bucket)):
            time.sleep(0.2)
        fault_proxy.set_mode("refuse")
        time.sleep(1)
        f2.send_signal(signal.SIGTERM)
        assert f2.wait(timeout=60) == 1, log_of(tmp_path / "out", "f2")[-3000:]
        assert "files were not uploaded" in log_of(tmp_path / "out", "f2")
        # f1 does the requests f2 gave back, then finds the crawl done but cannot complete it:
        # it exits 1, so a scheduler sees the crawl is not complete
        assert f1.wait(timeout=180) == 1, log_of(tmp_path / "out", "f1")[-3000:]
        expected = set(site.article_urls(server.url.rstrip("/")))
        _check_blocked_then_finalized(tmp_path, s3, bucket, moto_url, env, spool, worker,
                                      server, expected)


def _check_blocked_then_finalized(tmp_path, s3, bucket, moto_url, env, spool, worker, server,
                                  expected):
    folder = site_folder(server.url)
    (crawl_dir,) = [p for p in (spool["f2"] / folder).iterdir() if p.is_dir()]
    crawl_id = crawl_dir.name
    left = sorted(p.relative_to(crawl_dir).as_posix() for p in crawl_dir.rglob("*")
                  if p.is_file() and not p.name.startswith("."))
    prefix = f"stuck/{folder}/{crawl_id}/"
    missing = [rel for rel in left if prefix + rel not in object_keys(s3, bucket)]
    assert missing, "f2 uploaded everything: the store went down too late"
    assert not any(k.endswith("manifest.json") for k in object_keys(s3, bucket))
    log = log_of(tmp_path / "out", "f1")
    assert "crawl manifest NOT written" in log
    assert "crawl manifest:   crawl manifest NOT written: " in log  # in its summary too
    assert "crawler finalize" not in log  # there is no such command
    assert f"crawler upload {crawl_dir}" in log and f"--crawl-id {crawl_id}" in log
    assert missing[0] in log

    # Started again before the spool is uploaded: still no manifest, and it says why.
    f3 = worker("f3", "--crawl-id", crawl_id)
    assert f3.wait(timeout=180) == 1, log_of(tmp_path / "out", "f3")[-3000:]
    assert not any(k.endswith("manifest.json") for k in object_keys(s3, bucket))
    assert "crawl manifest NOT written" in log_of(tmp_path / "out", "f3")

    uploaded = run_cli("upload", str(spool["f2"]), "--endpoint-url", moto_url, env=env)
    assert "its files are uploaded" in uploaded.stdout, uploaded.stdout + uploaded.stderr

    server.clear_requests()
    wait_all({"f4": worker("f4", "--crawl-id", crawl_id)}, tmp_path / "out")
    assert server.requests == []  # the crawl was done: nothing fetched again
    assert "crawl manifest written" in log_of(tmp_path / "out", "f4")

    objects = object_keys(s3, bucket)
    manifest_key = f"{prefix}manifest.json"
    assert manifest_key in objects
    verified = run_cli("verify", f"s3://{bucket}/{prefix.rstrip('/')}", "--endpoint-url",
                       moto_url, env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    listed = {prefix + f["path"] for f in manifest["files"]}
    assert listed | {manifest_key} == objects, listed ^ objects
    assert {prefix + rel for rel in left} <= listed
    assert manifest["stats"]["storage/pending_files"] == 0  # f2's files are in the store now
    workers = manifest["distributed"]["workers"]
    assert workers["f2"]["left"] == "shutdown" and workers["f4"]["left"] == "finished", workers
    found = articles_in_s3(s3, bucket, prefix, manifest)
    assert set(found) == expected, f"lost: {sorted(expected - set(found))[:3]}"
    assert max(found.values()) == 1, found.most_common(3)
