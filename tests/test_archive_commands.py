"""``crawl --wacz`` packages the finished crawl (local and ``s3://``); ``replay`` prints a page
to open, the replay URL of the crawl's first article, which real pywb serves."""

from __future__ import annotations

import gzip
import html
import subprocess
import time
import urllib.request
import zipfile

import pytest

from crawler.replay.wacz import validate_wacz
from tests.helpers.cli import run_cli, start_cli
from tests.helpers.crawls import crawl_dir, crawl_id_of, crawl_site, read_records
from tests.helpers.net import free_port
from tests.helpers.s3moto import AWS_ENV
from tests.helpers.wayback import wait_for_wayback

pytestmark = pytest.mark.pywb


@pytest.fixture(scope="module")
def wacz_crawl(tmp_path_factory):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path_factory.mktemp("crawl-wacz")
    with start_server(FixtureSite(articles=5, seed=8)) as server:
        result = crawl_site(server.url, out, "--wacz")
    return result, crawl_dir(out)


def test_crawl_wacz_packages_the_finished_crawl(wacz_crawl):
    result, crawl = wacz_crawl
    package = crawl.parent / f"{crawl.name}.wacz"
    assert f"  WACZ:             {package}" in result.stdout
    ok, said = validate_wacz(package)
    assert ok, said
    with zipfile.ZipFile(package) as z:
        pages = z.read("pages/pages.jsonl").decode().splitlines()
    assert len(pages) - 1 == len(read_records(crawl))  # a header line, then one per article


def test_crawl_wacz_to_s3_stores_it_beside_the_crawl(s3, bucket, moto_url, tmp_path):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    with start_server(FixtureSite(articles=3, seed=2)) as server:
        result = crawl_site(server.url, f"s3://{bucket}/w", "--endpoint-url", moto_url, "--wacz",
                            "-s", f"SPOOL_DIR={tmp_path / 'spool'}", env=dict(AWS_ENV))
    crawl_id = crawl_id_of(result)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="w/")["Contents"]}
    (wacz_key,) = [k for k in keys if k.endswith(".wacz")]
    assert wacz_key.endswith(f"/{crawl_id}.wacz") and f"s3://{bucket}/{wacz_key}" in result.stdout
    local = tmp_path / "got.wacz"
    s3.download_file(bucket, wacz_key, str(local))
    ok, said = validate_wacz(local)
    assert ok, said


def test_crawl_wacz_needs_the_tool_and_one_process(tmp_path):
    missing = run_cli("crawl", "news", "--url", "http://127.0.0.1:9/", "--out",
                      str(tmp_path / "o"), "--wacz", env={"WACZ_BIN": "/nonexistent/wacz"},
                      cwd=tmp_path)
    assert missing.returncode == 2 and "--wacz: the wacz tool is not installed" in missing.stderr
    assert not (tmp_path / "o").exists()


def _get(url: str, limit: float = 30) -> str:
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as resp:
                body = resp.read()
                if resp.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                return body.decode("utf-8", "replace")
        except OSError:
            assert time.monotonic() < deadline, url
            time.sleep(0.5)


def test_replay_prints_the_first_articles_replay_url(wacz_crawl, tmp_path):
    _, crawl = wacz_crawl
    first = read_records(crawl)[0]
    port = free_port()
    proc = start_cli("replay", str(crawl), "--port", str(port), cwd=tmp_path,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(2)]
        assert lines[0] == f"replaying at http://127.0.0.1:{port}/crawl/ (Ctrl-C stops)"
        assert lines[1].startswith("first article: ")
        url = lines[1].removeprefix("first article: ")
        stamp = "".join(ch for ch in first["warc"]["date"] if ch.isdigit())[:14]
        assert url == f"http://127.0.0.1:{port}/crawl/{stamp}/{first['warc']['target_uri']}"
        wait_for_wayback(proc, f"http://127.0.0.1:{port}/crawl/")
        page = _get(url)  # what a browser opens: the archived page itself (unframed replay)
        assert stamp in page and first["warc"]["target_uri"] in page
        assert html.escape(first["title"]) in page  # as the page has it: ' is &#x27;
        content = _get(url.replace(f"/{stamp}/", f"/{stamp}mp_/"))  # the same, by its modifier
        assert html.escape(first["title"]) in content
    finally:
        proc.terminate()
        proc.wait(timeout=30)
