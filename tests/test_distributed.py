"""Distributed crawls on a real redis-server: workers share one crawl of the fixture site."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from fixture_site import FixtureSite
from fixture_site.server import RunningServer, start_server
from tests.helpers.cli import run_cli
from tests.helpers.crawls import check_crawl_folder, crawl_dir, read_manifest, read_records
from tests.helpers.s3moto import AWS_ENV
from tests.helpers.storage import articles_in_s3
from tests.helpers.workers import fetched_paths, log_of, start_worker, wait_all, worker_stats

pytestmark = pytest.mark.timeout(240)


def test_three_workers_fetch_every_url_once_and_write_every_article_once(tmp_path, redis_url):
    site = FixtureSite(articles=40, seed=21, latency=0.03)
    out = tmp_path / "out"
    with start_server(site) as server:
        procs = {w: start_worker(redis_url, server, out, w, "three",
                                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                                 "-s", "SHARED_CONCURRENT_REQUESTS_PER_DOMAIN=6")
                 for w in ("w1", "w2", "w3")}
        wait_all(procs, out)
        fetched = fetched_paths(server)
        max_concurrency = server.max_concurrency
        crawl = crawl_dir(out)
        manifest = check_crawl_folder(crawl, site, server)

    twice = {path: n for path, n in fetched.items() if n > 1}
    assert not twice, f"fetched more than once across workers: {twice}"
    # 3 workers x 4 per host would allow 12; the crawl-wide limit is 6.
    assert max_concurrency <= 6, max_concurrency
    workers = manifest["distributed"]["workers"]
    assert set(workers) == {"w1", "w2", "w3"}
    assert all(w["left"] == "finished" and w["pages"] > 0 for w in workers.values()), workers
    assert sum(w["articles"] for w in workers.values()) == 2 * site.articles
    assert manifest["stats"]["articles/written"] == 2 * site.articles
    writers = [w for w in workers if "crawl manifest written" in log_of(out, w)]
    assert len(writers) == 1, writers
    assert "crawl manifest:   written by this worker" in log_of(out, writers[0])
    assert all(f"shared crawl:     worker {w}," in log_of(out, w) for w in workers)
    for w in workers:  # per-worker names: nothing overwritten
        assert list(crawl.glob(f"warc/*-{w}.warc.gz")) and (crawl / f"report-{w}.json").is_file()


def test_killed_worker_loses_nothing_and_late_worker_joins(tmp_path, redis_url):
    site = FixtureSite(articles=60, seed=22, latency=0.12)
    out = tmp_path / "out"
    fast_reaper = ["-s", "WORKER_HEARTBEAT_SECONDS=0.5", "-s", "WORKER_DEAD_SECONDS=3",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3",
                   "-s", "SHARED_CONCURRENT_REQUESTS_PER_DOMAIN=8"]
    with start_server(site) as server:
        procs = {w: start_worker(redis_url, server, out, w, "kill", *fast_reaper)
                 for w in ("k1", "k2")}
        deadline = time.monotonic() + 90
        while len(server.requests) < 60 and time.monotonic() < deadline:
            time.sleep(0.1)
        procs["k3"] = start_worker(redis_url, server, out, "k3", "kill", *fast_reaper)
        victim = procs.pop("k2")
        while len(server.requests) < 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        crawl = crawl_dir(out)
        assert list(crawl.glob("warc/*-k2.warc.gz.open")), "k2 has no open WARC to leave behind"
        assert not (crawl / "manifest.json").exists(), "the crawl ended before the kill"
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        wait_all(procs, out)
        manifest = check_crawl_folder(crawl, site, server)

    workers = manifest["distributed"]["workers"]
    assert workers["k2"]["left"] == "dead", workers
    assert workers["k2"]["files"] >= 2  # its WARC, cut to whole records, and its index
    assert workers["k3"]["pages"] > 0, "the late worker got no work"
    reaper = "".join(log_of(out, w) for w in ("k1", "k3"))
    assert "worker k2 silent" in reaper
    k2_records = [r for r in read_records(crawl) if r["warc"]["filename"].endswith("-k2.warc.gz")]
    assert all(p.name.startswith("articles-k2-") for p in crawl.glob("articles/*k2*"))
    assert k2_records, "the killed worker's flushed records were not kept"


def test_all_workers_killed_then_a_new_one_finishes_the_crawl(tmp_path, redis_url):
    site = FixtureSite(articles=30, seed=25, latency=0.1)
    out = tmp_path / "out"
    reaper = ["-s", "WORKER_HEARTBEAT_SECONDS=0.5", "-s", "WORKER_DEAD_SECONDS=3",
              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3"]
    with start_server(site) as server:
        first = {w: start_worker(redis_url, server, out, w, "all", *reaper) for w in ("c1", "c2")}
        deadline = time.monotonic() + 90
        while len(server.requests) < 80 and time.monotonic() < deadline:
            time.sleep(0.1)
        for proc in first.values():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        crawl = crawl_dir(out)
        assert not (crawl / "manifest.json").exists()
        wait_all({"c3": start_worker(redis_url, server, out, "c3", "all", *reaper)}, out)
        manifest = check_crawl_folder(crawl, site, server)
    workers = manifest["distributed"]["workers"]
    assert workers["c1"]["left"] == workers["c2"]["left"] == "dead", workers
    assert workers["c3"]["left"] == "finished"
    # the dead workers' salvaged records count: the crawl-wide check judges these stats
    assert manifest["stats"]["articles/written"] == 2 * site.articles, workers


def test_worker_stopped_with_sigterm_leaves_cleanly(tmp_path, redis_url):
    site = FixtureSite(articles=40, seed=27, latency=0.1)
    out = tmp_path / "out"
    common = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3"]
    with start_server(site) as server:
        stays = start_worker(redis_url, server, out, "t1", "term", *common)
        leaves = start_worker(redis_url, server, out, "t2", "term", *common)
        deadline = time.monotonic() + 90
        while len(server.requests) < 80 and time.monotonic() < deadline:
            time.sleep(0.1)
        leaves.send_signal(signal.SIGTERM)
        assert leaves.wait(timeout=60) == 1  # stopped before the end: not a finished crawl
        assert "worker t2 left (shutdown)" in log_of(out, "t2")
        wait_all({"t1": stays}, out)
        manifest = check_crawl_folder(crawl_dir(out), site, server)
    workers = manifest["distributed"]["workers"]
    assert workers["t2"]["left"] == "shutdown" and workers["t2"]["files"] > 0
    assert workers["t1"]["left"] == "finished"


def test_seeding_worker_dead_before_seeding_another_seeds(tmp_path, redis_url, small_site):
    from crawler.distributed.keys import SiteKeys
    from crawler.distributed.shared import SharedCrawl, redis_client

    site, server = small_site
    out = tmp_path / "out"
    client = redis_client(redis_url)
    host = server.url.split("//")[1].rstrip("/").replace(":", "_")
    crawl = SiteKeys("orphan", "vsedelo", host).crawl("20260101T000000Z-dead")
    client.set(SiteKeys("orphan", "vsedelo", host).current, "20260101T000000Z-dead")
    ghost = SharedCrawl(client, crawl, "ghost")
    assert ghost.claim_seeding()  # ... and then it died: never seeded, heartbeat long ago
    client.zadd(crawl.workers, {"ghost": 1})
    wait_all({"o1": start_worker(redis_url, server, out, "o1", "orphan",
                                 "-s", "WORKER_HEARTBEAT_SECONDS=0.5",
                                 "-s", "WORKER_DEAD_SECONDS=2")}, out)
    assert "seeded the shared crawl again" in log_of(out, "o1")
    records = read_records(crawl_dir(out))
    assert {r["canonical_url"] for r in records} == set(
        site.article_urls(server.url.rstrip("/")))


def test_crawl_delay_holds_across_workers(tmp_path, redis_url):
    site = FixtureSite(articles=6, seed=23)
    out = tmp_path / "out"
    with start_server(site) as server:
        procs = {w: start_worker(redis_url, server, out, w, "delay",
                                 "-s", "SHARED_DOWNLOAD_DELAY=0.12",
                                 "-s", "DOWNLOAD_DELAY_JITTER=0",
                                 "-s", "REQUISITES_ENABLED=false")
                 for w in ("d1", "d2")}
        wait_all(procs, out)
        arrivals = server.arrivals
        check_crawl_folder(crawl_dir(out), site, server)
    gaps = sorted(b - a for a, b in zip(arrivals, arrivals[1:], strict=False))
    assert len(arrivals) > 30
    # Two workers, each free to go at once: only the shared delay spaces their requests. It
    # is kept when a request is handed to the downloader; a busy reactor can still bunch two
    # sends, so the rate is checked on average and short gaps must stay rare.
    mean_gap = (arrivals[-1] - arrivals[0]) / (len(arrivals) - 1)
    assert mean_gap >= 0.11, mean_gap
    short = [g for g in gaps if g < 0.06]
    assert len(short) <= len(gaps) // 8, (len(short), len(gaps), gaps[:8])


def test_retry_after_pauses_the_host_for_every_worker(tmp_path, redis_url):
    """The fixture's one 503 says Retry-After: 3. Whichever worker gets it, neither sends the
    host anything until the 3 seconds are over; then the crawl goes on and completes."""
    # Slow responses (0.3 s): a request a worker had admitted but kept in its local queue would
    # go out one or two latencies after the 503 was answered, well inside the pause.
    site = FixtureSite(articles=40, seed=24, latency=0.3, busy_retry_after=3)
    out = tmp_path / "out"
    with start_server(site) as server:
        # more shared slots than both workers transfer at once: a worker that took shared slots
        # for requests it could not send yet would queue them locally
        procs = {w: start_worker(redis_url, server, out, w, "pause",
                                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                                 "-s", "SHARED_CONCURRENT_REQUESTS_PER_DOMAIN=16",
                                 "-s", "REQUISITES_ENABLED=false") for w in ("p1", "p2")}
        wait_all(procs, out)
        timed = server.timed_requests
        check_crawl_folder(crawl_dir(out), site, server)
    (busy,) = [t for t, path, status in timed if path == "/special/busy.html" and status == 503]
    answered = busy + site.latency
    after = sorted(t for t, _, _ in timed if t > busy)
    assert len(after) > 30, "the 503 came too late in the crawl to show a pause"
    # 0.25 s for a request let through while the 503 was on its way to the worker's code
    during = [round(t - answered, 2) for t in after if answered + 0.25 < t < answered + 2.7]
    assert during == [], f"requests during the Retry-After pause: {during}"
    assert after[-1] > answered + 3  # and the crawl went on after it
    pauses = [worker_stats(crawl_dir(out), w).get("distributed/retry_after_pauses")
              for w in ("p1", "p2")]
    assert 1 in pauses, "the pause was not shared"


def _site_keys(server: RunningServer, prefix: str):
    from crawler.distributed.keys import SiteKeys

    return SiteKeys(prefix, "vsedelo", server.url.split("//")[1].rstrip("/").replace(":", "_"))


def _monitors(crawl: Path, worker: str) -> dict[str, dict]:
    report = json.loads((crawl / f"report-{worker}.json").read_text())
    return {m["name"]: m for m in report["monitors"]}


def test_worker_left_with_nothing_to_do_passes_on_the_crawls_fetches(tmp_path, redis_url):
    """Deterministic: a second worker joins only after the first has done the whole crawl (a
    third, the test itself, keeps the crawl open meanwhile). It fetches nothing, exits 0, and
    as the last to leave writes the manifest and checks the crawl as a whole."""
    import threading

    from crawler.distributed.shared import SharedCrawl, redis_client

    site = FixtureSite(articles=4, seed=28)
    out = tmp_path / "out"
    crawl_id = "20260102T000000Z-idle"
    with start_server(site) as server:
        keys = _site_keys(server, "idle").crawl(crawl_id)
        holder = SharedCrawl(redis_client(redis_url), keys, "holder")
        holder.client.sadd(keys.worker_names, "holder")
        stop = threading.Event()

        def beat() -> None:
            while not stop.is_set():
                holder.heartbeat()
                stop.wait(0.3)

        beating = threading.Thread(target=beat, daemon=True)
        beating.start()
        try:
            wait_all({"i1": start_worker(redis_url, server, out, "i1", "idle",
                                         "--crawl-id", crawl_id)}, out)
        finally:
            stop.set()
            beating.join()
        crawl = crawl_dir(out)
        assert not (crawl / "manifest.json").exists(), "i1 was not the last worker"
        assert holder.is_done()
        holder.leave("finished")
        fetched_by_i1 = len(server.requests)
        wait_all({"i2": start_worker(redis_url, server, out, "i2", "idle",
                                     "--crawl-id", crawl_id)}, out)
        assert len(server.requests) == fetched_by_i1, "i2 fetched something"
        manifest = check_crawl_folder(crawl, site, server)

    workers = manifest["distributed"]["workers"]
    assert workers["i2"]["pages"] == 0 and workers["i1"]["pages"] > 0, workers
    finished = _monitors(crawl, "i2")["finished"]
    assert finished["state"] == "passed", finished
    assert finished["detail"] == (f"finished; this worker fetched nothing, the crawl's other "
                                  f"workers fetched {workers['i1']['pages']} responses")
    assert _monitors(crawl, "i1")["finished"]["detail"].startswith("finished, ")
    crawl_wide = {m["name"]: m for m in manifest["stats"]["monitors/results"]}
    assert crawl_wide["crawl_min_articles"]["state"] == "passed", crawl_wide
    assert crawl_wide["crawl_min_articles"]["value"] == 2 * site.articles
    assert "crawl manifest:   written by this worker" in log_of(out, "i2")


def test_max_items_holds_for_the_crawl_not_each_worker(tmp_path, redis_url):
    """--max-items 7 on two workers writes 7 records in all (not 7 each), then the crawl stops:
    no more leases, both exit 0, and the manifest says why it ended early."""
    site = FixtureSite(articles=150, seed=31, latency=0.25)
    out = tmp_path / "out"
    with start_server(site) as server:
        procs = {w: start_worker(redis_url, server, out, w, "capped", "--max-items", "7",
                                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
                 for w in ("c1", "c2")}
        wait_all(procs, out)
        article_fetches = sum(n for path, n in fetched_paths(server).items()
                              if "/news/" in path and path.endswith(".html"))
    crawl = crawl_dir(out)
    records = read_records(crawl)
    assert len(records) == 7 and len({r["canonical_url"] for r in records}) == 7
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "closespider_itemcount"
    assert manifest["stats"]["articles/written"] == 7
    assert manifest["stats"].get("articles/over_max_items", 0) >= 1
    listed = {f["path"] for f in manifest["files"]}
    assert {p.relative_to(crawl).as_posix() for p in crawl.rglob("*")
            if p.is_file() and p.name != "manifest.json"} == listed
    assert article_fetches < site.articles, f"the crawl went on after the limit: {article_fetches}"
    for w in procs:
        assert "Traceback" not in log_of(out, w)
    assert any("--max-items 7 reached for the crawl: " in log_of(out, w) for w in procs)


def test_crawl_where_nobody_fetched_anything_fails(tmp_path, redis_url, small_site):
    """Seeded with nothing (the start requests were lost): the worker fetches nothing, and
    neither did anyone else. It still fails, and so does the crawl as a whole."""
    from crawler.distributed.shared import SharedCrawl, redis_client

    _, server = small_site
    out = tmp_path / "out"
    crawl_id = "20260103T000000Z-empty"
    keys = _site_keys(server, "empty").crawl(crawl_id)
    SharedCrawl(redis_client(redis_url), keys, "ghost").mark_seeded()
    server.clear_requests()
    worker = start_worker(redis_url, server, out, "e1", "empty", "--crawl-id", crawl_id)
    assert worker.wait(timeout=120) == 1, log_of(out, "e1")[-3000:]
    assert server.requests == []
    crawl = crawl_dir(out)
    finished = _monitors(crawl, "e1")["finished"]
    assert finished["state"] == "failed"
    assert finished["detail"] == ("nothing was fetched, by this worker or any other worker of "
                                  "the crawl")
    manifest = read_manifest(crawl)
    assert manifest["stats"]["monitors/failed"] == ["crawl_min_articles"]
    assert "FAILED crawl_min_articles: the crawl's workers together: 0 articles written, at " \
           "least 1 expected" in log_of(out, "e1")


def test_crawl_as_a_whole_is_held_to_min_articles(tmp_path, redis_url):
    """MONITOR_MIN_ARTICLES and MONITOR_MAX_ERROR_RATE, even set on the command line, are
    checked once, for the crawl, by the worker that writes the manifest; each worker's own
    checks are off."""
    site = FixtureSite(articles=2, seed=29)
    out = tmp_path / "out"
    with start_server(site) as server:
        # the fixture answers /special/busy.html with one 503: above a 0.001 error rate
        worker = start_worker(redis_url, server, out, "m1", "many",
                              "-s", "MONITOR_MIN_ARTICLES=1000",
                              "-s", "MONITOR_MAX_ERROR_RATE=0.001", "--log-format", "json")
        assert worker.wait(timeout=120) == 1, log_of(out, "m1")[-3000:]
        crawl = crawl_dir(out)
        manifest = check_crawl_folder(crawl, site, server)
    own = _monitors(crawl, "m1")
    assert own["finished"]["state"] == "passed" and own["min_articles"]["state"] == "skipped"
    assert own["max_error_rate"]["state"] == "skipped"
    assert manifest["stats"]["monitors/failed"] == ["crawl_min_articles", "crawl_max_error_rate"]
    log = log_of(out, "m1")
    assert ("FAILED crawl_min_articles: the crawl's workers together: 4 articles written, at "
            "least 1000 expected") in log
    assert "FAILED crawl_max_error_rate: the crawl's workers together: 1 errors in " in log
    assert "FAILED min_articles" not in log and "FAILED max_error_rate" not in log
    # the progress event for log collectors agrees with the manifest and the exit code
    (finished,) = [json.loads(line) for line in log.splitlines()
                   if line.startswith('{"event": "crawl_finished"')]
    assert finished["monitors_failed"] == ["crawl_min_articles", "crawl_max_error_rate"]
    assert finished["manifest"] == str(crawl / "manifest.json")


def test_worker_killed_on_its_own_machine_loses_nothing_in_s3(tmp_path, redis_url, s3, bucket,
                                                              moto_url):
    """Each worker has its own spool, as on its own machine; the killed one's spool is gone
    with it: what it had not uploaded is done again by the other."""
    site = FixtureSite(articles=40, seed=26, latency=0.08)
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url}
    uri = f"s3://{bucket}/killed"
    common = ["-s", "WORKER_HEARTBEAT_SECONDS=0.5", "-s", "WORKER_DEAD_SECONDS=3",
              "-s", "DISTRIBUTED_CHECKPOINT_SECONDS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3"]
    with start_server(site) as server:
        procs = {w: start_worker(redis_url, server, uri, w, "s3kill", *common, "-s",
                                 f"SPOOL_DIR={tmp_path / ('spool-' + w)}", logs=tmp_path, env=env)
                 for w in ("n1", "n2")}
        deadline = time.monotonic() + 90
        uploaded = []
        while time.monotonic() < deadline and not any("articles-n2-" in k for k in uploaded):
            time.sleep(0.2)
            uploaded = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        victim = procs.pop("n2")
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        assert not any(k.endswith("manifest.json") for k in uploaded)
        wait_all(procs, tmp_path)
        expected = set(site.article_urls(server.url.rstrip("/")))
    objects = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    (manifest_key,) = [k for k in objects if k.endswith("/manifest.json")]
    verified = run_cli("verify", f"s3://{bucket}/{manifest_key.removesuffix('/manifest.json')}",
                       "--endpoint-url", moto_url, env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    assert manifest["distributed"]["workers"]["n2"]["left"] == "dead"
    base = manifest_key.removesuffix("manifest.json")
    listed = {base + f["path"] for f in manifest["files"]}
    assert any("articles-n2-" in k for k in listed)  # what it uploaded is part of the crawl
    assert listed | {manifest_key} == objects
    found = articles_in_s3(s3, bucket, base, manifest)
    assert set(found) == expected, f"lost: {sorted(expected - set(found))[:3]}"
    assert max(found.values()) == 1, found.most_common(3)
    leftovers = [p for p in (tmp_path / "spool-n1").rglob("*") if p.is_file()]
    assert not leftovers, leftovers  # the survivor's uploaded files left its spool


def test_unreachable_redis_exits_2_before_any_request(tmp_path, small_site):
    _, server = small_site
    server.clear_requests()
    for url, message in (("redis://127.0.0.1:1/0", "cannot reach Redis at redis://127.0.0.1:1/0"),
                         ("http://127.0.0.1:6379/0", "bad --redis URL")):
        result = run_cli("crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path / "o"),
                         "--redis", url)
        assert result.returncode == 2, result.stderr[-2000:]
        assert message in result.stderr and "Traceback" not in result.stderr
    result = run_cli("crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path / "o"),
                     "--redis", "redis://127.0.0.1:1/0", "--resume")
    assert result.returncode == 2 and "--resume" in result.stderr
    assert server.requests == []


def test_leases_requeue_and_the_end_of_a_crawl(redis_url):
    """The invariant the end rests on: a request is queued or leased until acknowledged."""
    from crawler.distributed.addon import reserve_worker_id
    from crawler.distributed.keys import SiteKeys
    from crawler.distributed.shared import SharedCrawl, redis_client

    client = redis_client(redis_url)
    keys = SiteKeys("unit", "spider", "site").crawl("c1")
    a, b = SharedCrawl(client, keys, "a"), SharedCrawl(client, keys, "b")
    a.heartbeat()
    b.heartbeat()
    assert a.claim_seeding() and not b.claim_seeding()
    for priority, body in ((0, b"listing"), (20, b"article"), (30, b"sitemap")):
        client.zadd(keys.queue, {body: -priority})
    assert not a.check_done()  # not seeded yet
    a.mark_seeded()
    first, second = a.lease(), b.lease()
    assert first[1] == b"sitemap" and second[1] == b"article"  # best priority first, once each
    third = a.lease()
    assert a.lease() is None and a.queued() == 0
    assert not a.check_done()  # leased, not acknowledged
    a.ack([first[0], third[0]])
    assert not b.check_done()  # b still holds "article"
    assert b.requeue("b") == 1 and "b" not in a.workers()  # b died: its lease is back
    assert a.lease()[1] == b"article"
    assert not a.check_done()
    a.ack([lid for lid in (int(k) for k in client.hkeys(keys.inflight("a")))])
    assert a.check_done() and b.is_done()

    assert a.claim_article("u1") == "a" and b.claim_article("u1") == "a"
    assert a.claim_article("u2") == "a"
    assert a.release_claims("a", keep={"u1"}) == 1  # u2 was claimed, never written
    assert b.claim_article("u2") == "b"
    client.zadd(keys.host_slots("h"), {"a:1": 1e13, "ab:2": 1e13, "b:3": 1e13})
    assert a.release_host_slots("a") == 1  # a dead worker's politeness slots are freed
    assert client.zcard(keys.host_slots("h")) == 2

    # A restarted container keeps its host name: its new process gets a name of its own.
    assert [reserve_worker_id(client, keys, "pod") for _ in range(3)] == ["pod", "pod_2", "pod_3"]

    b.heartbeat()  # b is back
    assert not a.leave("finished") and b.leave("finished")  # the last one to leave knows it
    assert a.departed() == {"a": "finished", "b": "finished"}


def test_a_crawl_wide_article_limit_refuses_claims_and_leases(redis_url):
    """--max-items in Redis: claims up to the limit, then none (an owner keeps its claim) and
    the crawl is stopped and done: nothing more is leased."""
    from crawler.distributed.keys import SiteKeys
    from crawler.distributed.shared import SharedCrawl, redis_client

    client = redis_client(redis_url)
    keys = SiteKeys("unit", "spider", "capped").crawl("c1")
    a, b = SharedCrawl(client, keys, "a"), SharedCrawl(client, keys, "b")
    client.zadd(keys.queue, {b"page": 0})
    assert a.claim_article("u1", limit=2) == "a" and b.claim_article("u2", limit=2) == "b"
    assert a.stop_reason() is None and not a.is_done()
    assert b.claim_article("u1", limit=2) == "a"  # already claimed: still its owner's
    assert b.claim_article("u3", limit=2) is None  # a third article passes the limit
    assert a.stop_reason() == "closespider_itemcount" and a.is_done()
    assert a.lease() is None and a.queued() == 1  # stopped: nothing more handed out
    assert a.claim_article("u4") is None  # no limit given: the crawl stays stopped


def test_crawl_stats_merge_counts_and_keep_extremes():
    from crawler.distributed.crawl_manifest import merge_stats

    merged = merge_stats({
        "a": {"downloader/response_count": 3, "elapsed_time_seconds": 5.0, "log_count/ERROR": 1,
              "discovery/max_barren_streak": 2, "start_time": "2026-01-01T00:00:05+00:00",
              "finish_time": "2026-01-01T00:01:00+00:00", "finish_reason": "finished"},
        "b": {"downloader/response_count": 4, "elapsed_time_seconds": 7.0,
              "discovery/max_barren_streak": 1, "start_time": "2026-01-01T00:00:00+00:00",
              "finish_time": "2026-01-01T00:00:50+00:00", "distributed/finalized": True}})
    assert merged["downloader/response_count"] == 7 and merged["log_count/ERROR"] == 1
    assert merged["elapsed_time_seconds"] == 7.0 and merged["discovery/max_barren_streak"] == 2
    assert merged["start_time"] == "2026-01-01T00:00:00+00:00"
    assert merged["finish_time"] == "2026-01-01T00:01:00+00:00"
    assert "finish_reason" not in merged and "distributed/finalized" not in merged  # per worker


def _worker_crawler(out: Path, shared: Any) -> Any:
    """A crawler of a worker of ``shared`` (its context settled, its shared crawl joined)."""
    import scrapy

    from tests.helpers.context import context_crawler, join_shared

    crawler = context_crawler(out, scrapy.Spider)
    join_shared(crawler, shared)
    return crawler


def test_scheduler_asks_redis_once_per_link_and_redis_stays_the_authority(redis_url, tmp_path):
    """The worker's local cache of fingerprints (64-bit keys) answers repeated links without a
    Redis call; a link another worker queued is still refused by Redis's set."""
    import scrapy

    from crawler.distributed.keys import SiteKeys
    from crawler.distributed.scheduler import LeasedScheduler
    from crawler.distributed.shared import SharedCrawl, redis_client

    keys = SiteKeys("cache", "vsedelo", "127.0.0.1_1").crawl("20260104T000000Z-cache")
    client = redis_client(redis_url)
    crawler = _worker_crawler(tmp_path / "c1", SharedCrawl(client, keys, "c1"))
    scheduler = LeasedScheduler.from_crawler(crawler)
    spider = scrapy.Spider("cache")
    scheduler.open(spider)

    def evals() -> int:
        return int(client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))

    try:
        a, b = "http://127.0.0.1:1/a", "http://127.0.0.1:1/b"
        assert scheduler.enqueue_request(scrapy.Request(a))
        before = evals()
        assert not scheduler.enqueue_request(scrapy.Request(a + "#fragment"))  # same fingerprint
        assert evals() == before, "a link seen here must not cost a Redis call"
        # another worker queued b: this worker has not seen it, Redis refuses it
        other = LeasedScheduler.from_crawler(
            _worker_crawler(tmp_path / "c2", SharedCrawl(client, keys, "c2")))
        other.open(spider)
        assert other.enqueue_request(scrapy.Request(b))
        assert not scheduler.enqueue_request(scrapy.Request(b))
        assert evals() == before + 2
        assert len(scheduler.queue) == 2
    finally:
        scheduler.close("finished")


def test_a_scheduler_that_found_the_queue_empty_has_the_engine_ask_again(redis_url, tmp_path):
    """Scrapy's engine asks an empty scheduler again when it goes idle or at its 5-second
    heartbeat; when another worker queued a request between the empty lease and the engine's
    idle check, it is not idle. So after an empty lease the scheduler's next sweep has the
    engine ask again (in a 3-worker crawl a late worker once sat out the whole crawl)."""
    from types import SimpleNamespace

    import scrapy
    from twisted.internet import task

    from crawler.distributed.keys import SiteKeys
    from crawler.distributed.scheduler import SWEEP_SECONDS, LeasedScheduler
    from crawler.distributed.shared import SharedCrawl, redis_client

    keys = SiteKeys("ask", "vsedelo", "127.0.0.1_1").crawl("20260105T000000Z-ask")
    client = redis_client(redis_url)
    crawler = _worker_crawler(tmp_path / "a1", SharedCrawl(client, keys, "a1"))
    asked: list[float] = []  # the engine part the scheduler uses: its next-call hook
    crawler.engine = SimpleNamespace(_slot=SimpleNamespace(nextcall=SimpleNamespace(
        schedule=lambda: asked.append(clock.seconds()))))
    clock = task.Clock()
    scheduler = LeasedScheduler.from_crawler(crawler)
    scheduler._sweeper.clock = clock
    scheduler.open(scrapy.Spider("ask"))
    try:
        clock.advance(SWEEP_SECONDS * 4)
        assert asked == []  # nobody asked: nothing to ask again
        assert scheduler.next_request() is None  # empty
        other = LeasedScheduler.from_crawler(
            _worker_crawler(tmp_path / "a2", SharedCrawl(client, keys, "a2")))
        other.open(scrapy.Spider("ask"))
        assert other.enqueue_request(scrapy.Request("http://127.0.0.1:1/a"))  # meanwhile
        other.close("finished")
        clock.advance(SWEEP_SECONDS)
        assert asked == [SWEEP_SECONDS * 5]  # the engine is asked again at the next sweep
        assert scheduler.next_request().url == "http://127.0.0.1:1/a"
        clock.advance(SWEEP_SECONDS * 4)
        assert len(asked) == 1  # only after an empty lease
    finally:
        scheduler.close("finished")
