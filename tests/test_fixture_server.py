"""The fixture news site served over real HTTP/1.1 on loopback: keep-alive, redirects, HEAD,
parallel requests, latency and the busy state, the `crawler site` entry point."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from fixture_site import FixtureSite, start_server
from tests.helpers.net import free_port


@pytest.fixture(scope="module")
def served():
    with start_server(FixtureSite(articles=80, seed=1)) as server:
        yield server


def fetch(url: str, **headers: str):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_basics(served) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", served.url)
    status, headers, body = fetch(served.url)
    assert status == 200 and headers["Server"] and headers["Date"]
    assert int(headers["Content-Length"]) == len(body)
    status, headers, body = fetch(served.url + "news/sport/", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and b"<h1>" in gzip.decompress(body)
    status, headers, _ = fetch(served.url + "no-such")
    assert status == 404
    art = served.site.article(0).path("uk")
    _, headers, _ = fetch(served.url.rstrip("/") + art)
    assert fetch(served.url.rstrip("/") + art, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert ("GET", art, 304) in served.requests


def test_server_keep_alive_redirects_and_head(served) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        for path in ("/", "/robots.txt", "/rss.xml"):
            conn.request("GET", path)
            resp = conn.getresponse()
            assert resp.status == 200 and resp.getheader("Connection") != "close"
            resp.read()
        conn.request("HEAD", "/")
        resp = conn.getresponse()
        assert resp.status == 200 and int(resp.getheader("Content-Length")) > 1000
        assert resp.read() == b""
        conn.request("GET", "/news/tech", headers={"Host": f"localhost:{served.port}"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 301
        assert resp.getheader("Location") == f"http://127.0.0.1:{served.port}/news/tech"
        conn.request("GET", "/old/100003")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 302
    finally:
        conn.close()
    status, _, body = fetch(f"{served.url}old/100003")  # urllib follows 302 then 301
    assert status == 200 and served.site.article(3).texts["uk"].title.encode() in body


def test_server_handles_32_parallel_requests(served) -> None:
    paths = [served.site.catalogue.path(i, ("uk", "ru")[i % 2]) for i in range(32)]
    served.clear_requests()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda p: fetch(served.url.rstrip("/") + p), paths))
    assert [r[0] for r in results] == [200] * 32
    assert sorted(p for _, p, _ in served.requests) == sorted(paths)
    assert len(served.arrivals) == 32 and served.arrivals == sorted(served.arrivals)
    assert 1 < served.max_concurrency <= 32  # answered in parallel, and counted


def test_server_counts_requests_answered_at_once() -> None:
    with start_server(FixtureSite(articles=5, seed=2, latency=0.3)) as server:
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(lambda _: fetch(server.url + "robots.txt"), range(3)))
        assert server.max_concurrency == 3
        server.clear_requests()
        fetch(server.url + "robots.txt")
        assert server.max_concurrency == 1 and len(server.arrivals) == 1


def test_server_latency_and_busy_state() -> None:
    with start_server(FixtureSite(articles=20, latency=0.3)) as server:
        started = time.perf_counter()
        assert fetch(server.url + "robots.txt")[0] == 200
        assert time.perf_counter() - started >= 0.3
        status, headers, _ = fetch(server.url + "special/busy.html")
        assert status == 503 and headers["Retry-After"] == "1"
        assert fetch(server.url + "special/busy.html")[0] == 200
    with start_server(FixtureSite(articles=20)) as again:
        assert fetch(again.url + "special/busy.html")[0] == 503


def test_run_site_prints_url_and_serves(tmp_path) -> None:
    port = free_port()
    truth_file = tmp_path / "gt.jsonl"
    code = (  # Ctrl-C as in a terminal, even when this runs where SIGINT is ignored (nohup &)
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from fixture_site import run_site; "
        f"run_site('127.0.0.1', {port}, 25, 3, 0.0, ground_truth_path={str(truth_file)!r})"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        status, _, body = fetch(f"http://127.0.0.1:{port}/")
        assert status == 200
        expected = FixtureSite(25, seed=3).render("GET", "/", {"Host": f"127.0.0.1:{port}"})
        assert body == expected.body
        records = [json.loads(x) for x in truth_file.read_text(encoding="utf-8").splitlines()]
        assert len(records) == 50 and records[0]["url"].startswith(f"http://127.0.0.1:{port}/")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
