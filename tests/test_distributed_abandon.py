"""A worker's spool lost for good (the machine is gone): `--abandon-spool` gives up its missing
files, its articles are fetched and written again, and the crawl's manifest is written (real
redis-server, moto's S3 server, fault proxy, CLI)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from scrapy.settings import Settings
from warcio.archiveiterator import ArchiveIterator

from crawler.crawl.output import CrawlOutput
from crawler.distributed.abandon import apply_abandonment, refusal
from crawler.distributed.crawl_manifest import ManifestHeld, finalize
from crawler.distributed.keys import SiteKeys
from crawler.distributed.shared import SharedCrawl
from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.cli import run_cli, run_scrapy
from tests.helpers.crawls import site_folder
from tests.helpers.s3moto import AWS_ENV
from tests.helpers.storage import articles_in_s3, object_keys
from tests.helpers.workers import fetched_paths, log_of, start_worker, wait_all

pytestmark = pytest.mark.timeout(240)


def _gunzip(s3, bucket: str, key: str) -> list[bytes]:
    return gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).splitlines()


def _download(s3, bucket: str, key: str, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / key.rpartition("/")[2]
    path.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return path


def _responses_in(warcs: list[Path]) -> set[str]:
    """The URLs of the response records in these WARC files."""
    found = set()
    for path in warcs:
        with open(path, "rb") as fh:
            found |= {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                      if r.rec_type == "response"}
    return found


def _urls_in_parts(paths: list[Path]) -> set[str]:
    return {json.loads(line)["canonical_url"] for p in paths
            for line in gzip.decompress(p.read_bytes()).splitlines()}


def test_lost_spool_is_abandoned_its_articles_fetched_again_and_the_manifest_written(
        tmp_path, redis_url, s3, bucket, moto_url, fault_proxy):
    site = FixtureSite(articles=40, seed=33, latency=0.08)
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url}
    uri = f"s3://{bucket}/lost"
    out = tmp_path / "out"
    # records written as pages come (no hold while the site's facts are learned): the test
    # needs article parts in the store before it cuts a2 off
    common = ["-s", "WORKER_HEARTBEAT_SECONDS=0.5", "-s", "WORKER_DEAD_SECONDS=3",
              "-s", "DISTRIBUTED_CHECKPOINT_SECONDS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3",
              "-s", "SITE_FACTS_MIN_ARTICLES=1"]
    spool = {w: tmp_path / f"spool-{w}" for w in ("a1", "a2", "a3", "a4")}

    def worker(name: str, *extra: str):
        return start_worker(redis_url, server, uri, name, "lost", *common,
                            "-s", f"SPOOL_DIR={spool[name]}", *extra, logs=tmp_path, env=env)

    def refused(crawl_id: str, name: str):
        result = run_cli("crawl", "vsedelo", "--url", server.url, "--out", uri, "--redis",
                         redis_url, "-s", "REDIS_KEY_PREFIX=lost", "--worker-id", "a9",
                         "--crawl-id", crawl_id, "--abandon-spool", name, env=env)
        assert result.returncode == 2, result.stdout + result.stderr[-2000:]
        return result.stderr

    with start_server(site) as server:
        a1 = worker("a1")
        # a2 reaches the store through a proxy that goes down: its last files stay in its spool
        a2 = worker("a2", "-s", f"S3_ENDPOINT_URL={fault_proxy.url}",
                    "-s", "STORE_FINAL_TIMEOUT=3", "-s", "S3_CONNECT_TIMEOUT=1",
                    "-s", "S3_READ_TIMEOUT=2", "-s", "STORE_RETRY_BASE=0.2",
                    "-s", "STORE_RETRY_MAX=0.5")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and sum("articles-a2-" in k
                                                  for k in object_keys(s3, bucket)) < 2:
            time.sleep(0.2)
        fault_proxy.set_mode("refuse")
        time.sleep(1)
        a2.send_signal(signal.SIGTERM)
        assert a2.wait(timeout=60) == 1, log_of(out, "a2")[-3000:]
        assert a1.wait(timeout=180) == 1, log_of(out, "a1")[-3000:]  # the manifest is held

        folder = site_folder(server.url)
        (crawl_dir,) = [p for p in (spool["a2"] / folder).iterdir() if p.is_dir()]
        crawl_id = crawl_dir.name
        prefix = f"lost/{folder}/{crawl_id}/"
        # A part of a2 reached the store, the WARC file its last record points into did not
        # (uploads run side by side): that WARC is taken out of the store.
        parts = sorted(k for k in object_keys(s3, bucket) if "articles/articles-a2-" in k)
        pointed = {k: [json.loads(line) for line in _gunzip(s3, bucket, k)] for k in parts}
        warc_key = f"{prefix}warc/{pointed[parts[-1]][-1]['warc']['filename']}"
        missing = {warc_key.removeprefix(prefix): s3.head_object(Bucket=bucket, Key=warc_key)[
            "ContentLength"]}
        s3.delete_object(Bucket=bucket, Key=warc_key)
        stored = object_keys(s3, bucket)
        missing |= {p.relative_to(crawl_dir).as_posix(): p.stat().st_size
                    for p in crawl_dir.rglob("*") if p.is_file() and not p.name.startswith(".")
                    and prefix + p.relative_to(crawl_dir).as_posix() not in stored}
        lost = _urls_in_parts([crawl_dir / rel for rel in missing if rel.startswith("articles/")])
        assert lost, f"no article records of a2 wait in its spool: {sorted(missing)}"
        dangling = {r["canonical_url"] for records in pointed.values() for r in records
                    if f"{prefix}warc/{r['warc']['filename']}" not in stored}
        assert dangling and not dangling & lost
        lost |= dangling
        assert "--abandon-spool <worker>" in log_of(out, "a1")  # the held manifest names the way
        captured = _responses_in([crawl_dir / rel for rel in missing if rel.startswith("warc/")
                                  and prefix + rel != warc_key])  # never uploaded
        shutil.rmtree(spool["a2"])  # the machine is gone, with its spool

        assert refused(crawl_id, "nobody") == (
            f"crawler crawl: error: --abandon-spool nobody: no such worker in crawl {crawl_id} "
            "(its workers: a1, a2)\n")
        assert refused(crawl_id, "a1") == (
            f"crawler crawl: error: --abandon-spool a1: no file of worker a1 is missing from "
            f"{uri}/{folder}/{crawl_id}: nothing to abandon\n")

        # Two workers started with the same option: the abandonment is done once.
        server.clear_requests()
        wait_all({name: worker(name, "--crawl-id", crawl_id, "--abandon-spool", "a2")
                  for name in ("a3", "a4")}, out)
        refetched = fetched_paths(server)
        expected = set(site.article_urls(server.url.rstrip("/")))

    assert set(refetched) == {urlsplit(u).path for u in lost}, refetched  # those pages only
    assert max(refetched.values()) == 1, refetched.most_common(3)  # once: abandoned once
    logs = log_of(out, "a3") + log_of(out, "a4")
    assert logs.count("abandoned the spool of worker a2: ") == 1, logs[-3000:]
    assert "crawl manifest written" in logs

    manifest_key = f"{prefix}manifest.json"
    objects = object_keys(s3, bucket)
    assert manifest_key in objects
    verified = run_cli("verify", f"s3://{bucket}/{prefix.rstrip('/')}", "--endpoint-url",
                       moto_url, env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    listed = {prefix + f["path"] for f in manifest["files"]}
    assert listed | {manifest_key} == objects, listed ^ objects
    found = articles_in_s3(s3, bucket, prefix, manifest)
    assert set(found) == expected, f"lost: {sorted(expected - set(found))[:3]}"
    assert max(found.values()) == 1, found.most_common(3)

    given_up = manifest["distributed"]["abandoned"]
    assert set(given_up) == {"a2"} and given_up["a2"]["by"] in ("a3", "a4"), given_up
    assert {f["path"]: f["size"] for f in given_up["a2"]["files"]} == missing
    assert given_up["a2"]["articles_refetched"] == len(lost)
    stats = manifest["stats"]
    assert stats["distributed/abandoned_files"] == len(missing)
    assert stats["distributed/abandoned_articles"] == len(lost)
    assert stats["articles/written"] == len(expected)  # a2's lost records are not counted
    # The pages a2 gave back were fetched again by others: archived, though not by a2.
    archived = _responses_in([_download(s3, bucket, prefix + f["path"], tmp_path / "final")
                              for f in manifest["files"] if f["kind"] == "warc"])
    assert captured and captured <= archived, sorted(captured - archived)[:3]
    records = [json.loads(line) for f in manifest["files"] if f["kind"] == "articles"
               for line in _gunzip(s3, bucket, prefix + f["path"])]
    warcs = {f["path"] for f in manifest["files"] if f["kind"] == "warc"}
    assert all(f"warc/{r['warc']['filename']}" in warcs for r in records)  # no dangling record
    kept = [r for r in records if r["warc"]["filename"].endswith("-a2.warc.gz")]
    assert manifest["distributed"]["workers"]["a2"]["articles"] == len(kept) > 0
    assert given_up["a2"]["parts_pruned"][-1]["path"] == parts[-1].removeprefix(prefix)


def test_refusals_name_the_reason(redis_url):
    """An alive worker, or one abandoned already, is refused before anything is looked at."""
    client = redis.Redis.from_url(redis_url)
    keys = SiteKeys("unit", "vsedelo", "site").crawl("c1")
    client.sadd(keys.worker_names, "alive", "gone", "me")
    SharedCrawl(client, keys, "alive").heartbeat()
    me = SharedCrawl(client, keys, "me")
    out = CrawlOutput(root=Path("."), spider="vsedelo", crawl_id="c1", uri="s3://b/p")
    assert refusal(me, "alive", 30, out, None) == (
        "--abandon-spool alive: worker alive is alive (heartbeat 0s ago); only a worker that "
        "is gone can be abandoned")
    client.hset(keys.abandoned, "gone", json.dumps({"by": "other"}))
    assert refusal(me, "gone", 30, out, None) == (
        "--abandon-spool gone: its spool was abandoned already, by worker other")
    assert refusal(me, "ghost", 30, out, None) == (
        "--abandon-spool ghost: no such worker in crawl c1 (its workers: alive, gone)")
    client.set(keys.finalized, "x")
    assert refusal(me, "gone", 30, out, None) == (
        "--abandon-spool gone: crawl c1 is finished already (its manifest is written)")


def test_abandonment_is_applied_once_and_reopens_the_crawl(redis_url):
    """The Redis side in one script: files and stats replaced, only the worker's claims released
    and their requests queued, the crawl no longer done; a second application changes nothing."""
    client = redis.Redis.from_url(redis_url)
    keys = SiteKeys("unit", "vsedelo", "site").crawl("c2")
    me = SharedCrawl(client, keys, "me")
    client.hset(keys.claims, mapping={"u1": "gone", "u2": "gone", "u3": "other"})
    me.register_files([{"path": "kept", "size": 1}, {"path": "lost", "size": 2}], worker="gone")
    client.set(keys.done, "x")

    def apply() -> int:
        return apply_abandonment(me, "gone", {"by": "me"}, {"articles/written": 1},
                                 unregister=["lost"], register=[{"path": "kept", "size": 3}],
                                 urls=["u1", "u3"], requests=[b"request-u1", b"request-u3"])

    assert apply() == 1
    assert not me.is_done()  # re-opened
    assert client.hgetall(keys.claims) == {b"u2": b"gone", b"u3": b"other"}
    assert client.zrange(keys.queue, 0, -1, withscores=True) == [(b"request-u1", -20.0)]
    assert {f["path"]: f["size"] for f in me.files()} == {"kept": 3}
    assert me.all_stats()["gone"] == {"articles/written": 1}
    client.set(keys.done, "x")
    assert apply() == -1  # once
    assert me.is_done() and client.zcard(keys.queue) == 1
    client.set(keys.finalized, "x")
    assert apply() == -2


def test_a_crawl_reopened_meanwhile_is_not_finalized(redis_url, tmp_path):
    """A worker that found the crawl done writes no manifest once it was re-opened (a worker
    abandoning a spool queued requests in between)."""
    keys = SiteKeys("unit", "vsedelo", "site").crawl("c3")
    shared = SharedCrawl(redis.Redis.from_url(redis_url), keys, "me")
    out = CrawlOutput(root=tmp_path, spider="vsedelo", crawl_id="c3", uri=str(tmp_path))
    with pytest.raises(ManifestHeld, match="the crawl was re-opened"):
        finalize(out, shared, Settings(), keep_seconds=60)
    assert not out.manifest_path.exists() and not shared.is_finalized()


def _one_response_warc(path: Path, url: str) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(b"<p>page</p>"), http_headers=http))
    return path


def test_a_stored_index_is_rebuilt_without_the_given_up_warc(tmp_path, s3, bucket, moto_url):
    """The dead worker's index reached the store, one of its WARC files did not: abandoning it
    replaces the stored index with one built from the WARC files that are there."""
    from crawler.crawl.digests import sha256_hex
    from crawler.crawl.naming import FileNames
    from crawler.distributed.worker_files import salvage_in_store
    from crawler.storage.objects import ObjectStore
    from crawler.warc.cdxj import index_warcs

    store = ObjectStore.from_settings(f"s3://{bucket}/p",
                                      Settings({"S3_ENDPOINT_URL": moto_url}))
    crawl_key = "p/vsedelo/c9"
    kept, lost = (_one_response_warc(tmp_path / f"vsedelo-c9-0000{n}-gone.warc.gz",
                                     f"https://site.test/{n}.html") for n in (1, 2))
    index = index_warcs([kept, lost], tmp_path / "vsedelo-c9-gone.cdxj")
    for path, folder in ((kept, "warc"), (index, "indexes")):  # the second WARC never arrived
        store.upload(path, f"{crawl_key}/{folder}/{path.name}", sha256_hex(path))
    index_key = f"{crawl_key}/indexes/{index.name}"

    def stored_index() -> bytes:
        return s3.get_object(Bucket=bucket, Key=index_key)["Body"].read()

    names = FileNames(prefix="vsedelo", worker="gone")
    salvage_in_store(store, crawl_key, names, "c9")  # a reaper keeps a stored index
    assert lost.name.encode() in stored_index()
    found = salvage_in_store(store, crawl_key, names, "c9", rebuild_index=True)
    lines = stored_index().splitlines()
    assert [json.loads(line.split(b" ", 2)[2])["filename"] for line in lines] == [kept.name]
    assert b"site.test/1.html" in lines[0]
    entry = {f["path"]: f for f in found.files}[f"indexes/{index.name}"]
    assert entry["size"] == len(stored_index())
    assert entry["sha256"] == hashlib.sha256(stored_index()).hexdigest()
    assert sorted(f["kind"] for f in found.files) == ["index", "warc"]


def test_a_worker_refuses_as_it_opens_and_fetches_nothing(tmp_path, redis_url, bucket, moto_url):
    """Under ``scrapy crawl`` (scrapyd) nothing checks the setting before the worker starts: the
    worker refuses as it opens, sends the site nothing and ends with ``abandon_refused``."""
    site = FixtureSite(articles=5, seed=35)
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url}
    with start_server(site) as server:
        result = run_scrapy(
            "crawl", "vsedelo", "-a", f"url={server.url}",
            "-s", f"REDIS_URL={redis_url}", "-s", "REDIS_KEY_PREFIX=inworker",
            "-s", f"OUTPUT_URI=s3://{bucket}/p", "-s", f"SPOOL_DIR={tmp_path / 'spool'}",
            "-s", "CRAWL_ID=c10", "-s", "WORKER_ID=w1",
            "-s", "DISTRIBUTED_ABANDON_WORKERS=nobody", timeout=120, env=env)
        fetched = server.timed_requests
    assert "--abandon-spool nobody: no such worker in crawl c10" in result.stderr, (
        result.stderr[-3000:])
    assert "Closing spider (abandon_refused)" in result.stderr
    assert fetched == []
