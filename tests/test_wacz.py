"""``crawler wacz`` on a real fixture crawl: valid WACZ, article pages with titles, hashes that
hold, and pywb replays the package's content."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from crawler.reader import open_crawl
from crawler.replay import pywb as replay
from crawler.replay.wacz import wacz_bin
from tests.helpers.cli import run_cli
from tests.helpers.crawls import crawl_dir, crawl_site, read_records
from tests.helpers.wayback import serving_wayback

pytestmark = pytest.mark.pywb


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path_factory.mktemp("wacz-out")
    with start_server(FixtureSite(articles=8, seed=3)) as server:
        crawl_site(server.url, out)
    return crawl_dir(out)


@pytest.fixture(scope="module")
def wacz(crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("wacz") / "crawl.wacz"
    result = run_cli("wacz", str(crawl), "-o", str(target))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == str(target.resolve()) or result.stdout.strip() == str(target)
    return target


def test_wacz_validates(wacz: Path) -> None:
    done = subprocess.run([str(wacz_bin()), "validate", "-f", str(wacz)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout


def test_pages_are_the_articles_with_titles(crawl: Path, wacz: Path) -> None:
    with zipfile.ZipFile(wacz) as z:
        lines = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()]
        names = set(z.namelist())
    assert lines[0]["format"] == "json-pages-1.0"
    pages = {p["url"]: p for p in lines[1:]}
    records = read_records(crawl)
    assert len(records) >= 8
    assert set(pages) == {r["warc"]["target_uri"] for r in records}
    for record in records:
        page = pages[record["warc"]["target_uri"]]
        assert page["title"] == record["title"] and page["title"]
        assert page["ts"].startswith(record["warc"]["date"][:19])
    warcs = {p.name for p in crawl.glob("warc/*.warc.gz")}
    assert {f"archive/{w}" for w in warcs} <= names
    assert {"indexes/index.cdx.gz", "datapackage.json", "datapackage-digest.json"} <= names


def test_datapackage_hashes_hold(wacz: Path) -> None:
    with zipfile.ZipFile(wacz) as z:
        package = json.loads(z.read("datapackage.json"))
        for resource in package["resources"]:
            data = z.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        digest = json.loads(z.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(z.read("datapackage.json")).hexdigest()


def test_pywb_replays_articles_from_the_wacz(crawl: Path, wacz: Path, tmp_path: Path) -> None:
    pywb_bin = replay.wayback_bin().parent
    subprocess.run([str(pywb_bin / "wb-manager"), "init", "w"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=60)
    subprocess.run([str(pywb_bin / "wb-manager"), "add", "--unpack-wacz", "w", str(wacz)],
                   cwd=tmp_path, check=True, capture_output=True, timeout=60)
    with serving_wayback(tmp_path, "w/") as url:
        base = f"{url}/w"
        reader = open_crawl(crawl)
        for record in read_records(crawl)[:4]:
            ts = "".join(ch for ch in record["warc"]["date"] if ch.isdigit())[:14]
            with urllib.request.urlopen(f"{base}/{ts}id_/{record['warc']['target_uri']}",
                                        timeout=30) as resp:
                body = resp.read()
                if resp.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                assert resp.status == 200
            assert body == reader.raw_response(record).body


def test_unfinished_crawl_is_refused(tmp_path: Path) -> None:
    (tmp_path / "warc").mkdir()
    result = run_cli("wacz", str(tmp_path))
    assert result.returncode == 2
    assert "no manifest.json" in result.stderr and "Traceback" not in result.stderr
