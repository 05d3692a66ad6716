"""Replaying archived crawls with the real pywb from ``.venv-pywb``.

Two crawls of a loopback site go into one output folder; the second de-duplicates against the
first, so replaying the second alone needs the first crawl's WARC in the collection.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.replay import pywb as replay
from crawler.warc.cdxj import read_cdxj
from tests.helpers.servers import serving, url_of
from tests.helpers.warc_site import (
    HTML,
    SAME,
    SPIDER,
    SiteHandler,
    run_crawl,
)
from tests.helpers.wayback import fetch, serving_wayback

PATHS = ["/gzip.html", "/redirect", "/missing", "/same-a?x=1&y=2", "/same-b"]


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("replay-out")
    with serving(SiteHandler) as server:
        base = url_of(server)
        first = run_crawl(out, "20250101T000000Z-aaaa", [base + p for p in PATHS])
        second = run_crawl(out, "20250102T000000Z-bbbb", [base + "/gzip.html", base + "/same-b"])
    yield {"base": base, "out": out, "first": first, "second": second}


@pytest.fixture(scope="module")
def wayback(crawls: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb serving collection ``first`` (crawl 1) and ``second`` (crawl 2 alone)."""
    work = tmp_path_factory.mktemp("pywb")
    replay.build_collection(crawls["first"], work, name="first")
    replay.build_collection([crawls["second"]], work, name="second")
    with serving_wayback(work, "first/") as url:
        yield url


def timestamp(crawl_dir: Path, url: str) -> str:
    for index in crawl_dir.glob("indexes/*.cdxj"):
        for entry in read_cdxj(index):
            if entry.fields["url"] == url:
                return entry.timestamp
    raise AssertionError(f"{url} not indexed")


@pytest.mark.pywb
def test_page_replays_with_status_and_content(crawls: dict[str, Any], wayback: str) -> None:
    url = crawls["base"] + "/gzip.html"
    ts = timestamp(crawls["first"], url)
    status, _, body = fetch(f"{wayback}/first/{ts}id_/{url}")
    assert status == 200 and body.decode() == HTML


@pytest.mark.pywb
def test_404_replays_as_404(crawls: dict[str, Any], wayback: str) -> None:
    url = crawls["base"] + "/missing"
    status, _, _ = fetch(f"{wayback}/first/{timestamp(crawls['first'], url)}id_/{url}")
    assert status == 404


@pytest.mark.pywb
def test_redirect_resolves(crawls: dict[str, Any], wayback: str) -> None:
    base = crawls["base"]
    ts = timestamp(crawls["first"], base + "/redirect")
    status, headers, _ = fetch(f"{wayback}/first/{ts}id_/{base}/redirect")
    assert status == 301 and headers["Location"] == "/target.html"  # id_: as archived
    # Rewritten replay points the redirect into the archive, where its target is.
    status, headers, _ = fetch(f"{wayback}/first/{ts}mp_/{base}/redirect")
    assert status == 301 and headers["Location"].endswith(f"mp_/{base}/target.html")
    location = headers["Location"]
    status, _, body = fetch(location if location.startswith("http") else wayback + location)
    assert status == 200 and b"<body>redirect target</body>" in body  # with pywb's insert


@pytest.mark.pywb
def test_revisit_in_same_crawl_resolves(crawls: dict[str, Any], wayback: str) -> None:
    for path in ("/same-a?x=1&y=2", "/same-b"):
        url = crawls["base"] + path
        status, _, body = fetch(f"{wayback}/first/{timestamp(crawls['first'], url)}id_/{url}")
        assert status == 200 and body == SAME, path


@pytest.mark.pywb
def test_revisit_of_earlier_crawl_resolves(crawls: dict[str, Any], wayback: str) -> None:
    second = crawls["second"]
    for path, expected in (("/gzip.html", HTML.encode()), ("/same-b", SAME)):
        url = crawls["base"] + path
        entries = [e for i in second.glob("indexes/*.cdxj") for e in read_cdxj(i)]
        assert any(e.is_revisit and e.fields["url"] == url for e in entries)
        status, _, body = fetch(f"{wayback}/second/{timestamp(second, url)}id_/{url}")
        assert status == 200 and body == expected, path


def test_collection_links_the_earlier_original(crawls: dict[str, Any], tmp_path: Path) -> None:
    coll = replay.build_collection(crawls["second"], tmp_path)
    linked = {p.name for p in (coll / "archive").iterdir()}
    first = {p.name for p in crawls["first"].glob("warc/*.warc.gz")}
    assert linked & first and all((coll / "archive" / n).resolve().is_file() for n in linked)
    assert replay.check_revisits((coll / "indexes" / "index.cdxj").read_text().splitlines()) == []


def test_missing_original_is_an_error(crawls: dict[str, Any], tmp_path: Path) -> None:
    alone = tmp_path / "out" / SPIDER / crawls["second"].name
    shutil.copytree(crawls["second"], alone)
    with pytest.raises(replay.ReplayError, match="earlier crawl"):
        replay.build_collection(alone, tmp_path / "work")
    for originals in alone.glob("indexes/*-originals.cdxj"):
        originals.unlink()  # without the originals index the revisits are found unresolved
    with pytest.raises(replay.ReplayError, match="no original"):
        replay.build_collection(alone, tmp_path / "work2")


def test_missing_pywb_names_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYWB_BIN", str(tmp_path / "no-wayback"))
    with pytest.raises(replay.ReplayError, match=r"\./run\.sh setup"):
        replay.wayback_bin()


def test_pywb_is_found_by_its_variable_then_on_path_then_beside_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Not relative to the package's code (an installed package has no checkout around it)."""
    import sys

    def tool(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return path

    monkeypatch.delenv("PYWB_BIN", raising=False)
    on_path = tool(tmp_path / "bin" / "wayback")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert replay.wayback_bin() == on_path
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "checkout" / ".venv"))
    with pytest.raises(replay.ReplayError, match="no wayback on PATH") as missing:
        replay.wayback_bin()
    assert "\n" not in str(missing.value)
    beside = tool(tmp_path / "checkout" / ".venv-pywb" / "bin" / "wayback")
    assert replay.wayback_bin() == beside
    monkeypatch.setenv("PYWB_BIN", str(on_path))
    assert replay.wayback_bin() == on_path
    assert "__file__" not in Path(replay.__file__).read_text()


def test_replay_is_unframed_unless_the_work_folder_has_a_config_of_its_own(
        tmp_path: Path) -> None:
    """pywb's config: unframed replay (the replay URL is the page itself); an older config of
    ours is rewritten, someone else's is left as it is."""
    import yaml

    config = replay.write_config(tmp_path)
    assert yaml.safe_load(config.read_text()) == {"collections_root": "collections",
                                                  "framed_replay": False}
    config.write_text(f"{replay.CONFIG_MARK}\ncollections_root: collections\n")  # an older one
    assert yaml.safe_load(replay.write_config(tmp_path).read_text())["framed_replay"] is False
    config.write_text("collections_root: mine\n")
    replay.write_config(tmp_path)
    assert config.read_text() == "collections_root: mine\n"
