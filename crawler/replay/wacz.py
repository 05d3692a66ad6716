"""Package a finished crawl as a WACZ file (Web Archive Collection Zipped) for ReplayWeb.page.

The ``wacz`` tool (webrecorder's, installed in ``.venv-pywb`` because it depends on pywb) does
the packing: it indexes the WARCs into CDXJ, stores them, and writes ``datapackage.json`` with
each file's sha256. This module adds what only the crawl knows: ``pages.jsonl`` lists every
article with its title (from the article records), and revisits whose originals sit in an earlier
crawl get that crawl's WARC included, so every page resolves inside the one file.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.reader import open_crawl
from crawler.replay import pywb as replay

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.crawl.output import CrawlOutput

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}


class WaczError(Exception):
    """The WACZ cannot be made; the message says why and what to do."""


def wacz_bin() -> Path:
    """The ``wacz`` executable: ``$WACZ_BIN``, else on ``PATH``, else in ``.venv-pywb``
    (``crawler.replay.pywb.tool_path``)."""
    path, why = replay.tool_path("wacz", "WACZ_BIN")
    if path is None:
        raise WaczError(f"the wacz tool is not installed ({why}): run ./run.sh setup "
                        "(it installs deploy/pywb-requirements.txt into .venv-pywb) or set "
                        "WACZ_BIN")
    return path


def page_entries(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """pages.jsonl lines for article records: the fetched URL and time (what the WARC holds),
    the headline as title; one page per fetched URL."""
    pages: dict[str, dict[str, Any]] = {}
    for record in records:
        warc = record.get("warc") or {}
        url = warc.get("target_uri") or record["url"]
        if not warc.get("date") or url in pages:
            continue
        pages[url] = {"url": url, "ts": warc["date"], "title": record.get("title") or url,
                      "canonical_url": record.get("canonical_url"),
                      "language": record.get("language"), "published": record.get("published")}
    return list(pages.values())


def write_pages(crawl_dir: Path, path: Path) -> int:
    """Write the crawl's pages.jsonl to ``path``; returns the number of pages."""
    pages = page_entries(open_crawl(crawl_dir).records())
    with open(path, "w", encoding="utf-8") as f:
        for line in (PAGES_HEADER, *pages):
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(pages)


def build_wacz(crawl_dir: Path, output: Path | None = None) -> Path:
    """Package ``crawl_dir`` (``<out>/<spider>/<crawl-id>``) as ``output`` (default
    ``<crawl-dir>/../<crawl-id>.wacz``); returns the file written."""
    crawl_dir = Path(crawl_dir)
    reader = open_crawl(crawl_dir)  # finished crawls only
    output = Path(output or crawl_dir.parent / f"{crawl_dir.name}.wacz")
    tool = wacz_bin()
    with tempfile.TemporaryDirectory(prefix="crawler-wacz-") as tmp:
        work = Path(tmp)
        try:
            coll = replay.build_collection(crawl_dir, work)  # own WARCs + earlier originals
        except replay.ReplayError as exc:
            raise WaczError(str(exc)) from exc
        warcs = sorted(str(p) for p in (coll / "archive").iterdir())
        if not warcs:
            raise WaczError(f"{crawl_dir} has no WARC files")
        pages = work / "pages.jsonl"
        if not write_pages(crawl_dir, pages):
            raise WaczError(f"{crawl_dir} has no article records to list as pages")
        title = f"{reader.manifest.get('spider')} crawl {reader.crawl_id}"
        cmd = [str(tool), "create", "-o", str(output.resolve()), "--pages", str(pages),
               "--hash-type", "sha256", "--title", title,
               "--desc", f"newscrawler crawl {reader.crawl_id}", *warcs]
        done = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        if done.returncode != 0 or not output.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise WaczError(f"wacz create failed ({done.returncode}): {' | '.join(detail)}")
    return output


def package_crawl(out: CrawlOutput, settings: BaseSettings) -> str:
    """``crawler crawl --wacz``: the finished crawl as ``<out>/<site>/<crawl-id>.wacz``; for
    ``s3://`` output the crawl is read back from the store (its manifest, WARCs, indexes and
    records, checked against their sha256) and the WACZ stored beside it. Returns where it is."""
    if not out.remote:
        return str(build_wacz(out.root))
    site, crawl_id = out.folder, out.crawl_id
    from crawler.crawl.digests import sha256_hex
    from crawler.replay.s3_fetch import KINDS, fetch_crawl
    from crawler.storage.objects import ObjectStore

    store = ObjectStore.from_settings(out.uri, settings)
    with tempfile.TemporaryDirectory(prefix="crawler-wacz-s3-") as tmp:
        local = fetch_crawl(store.location.uri(site, crawl_id), Path(tmp), settings,
                            kinds=(*KINDS, "articles"), with_manifest=True)
        path = build_wacz(local)
        key = store.location.key(site, f"{crawl_id}.wacz")
        store.upload(path, key, sha256_hex(path))
    return f"s3://{store.bucket}/{key}"


def validate_wacz(path: Path) -> tuple[bool, str]:
    """Run ``wacz validate`` on ``path``; returns (passed, its output)."""
    done = subprocess.run([str(wacz_bin()), "validate", "-f", str(path)], capture_output=True,
                          text=True)
    return done.returncode == 0, done.stdout + done.stderr
