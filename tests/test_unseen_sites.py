"""The generic ``news`` spider on sites nobody wrote a profile for (fixture_site.unseen: six
CMS themes in Europe/Kyiv, Europe/Berlin, America/New_York and UTC), through the real CLI:
dates at the right instant, no invented date, no site-wide boilerplate, clean text, headlines;
what a crawl learned of a site is there for the next crawl; ``crawler reextract`` gives the
crawl's own records back."""

from __future__ import annotations

import gzip
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from crawler.reader.reextract import same_record
from fixture_site.unseen import serve_unseen_sites
from fixture_site.unseen.scoring import TARGETS, overall, read_records, score_site
from tests.helpers.cli import run_cli
from tests.helpers.crawls import crawl_site, read_manifest, site_dir


def _crawl(url: str, out: Path, *extra: str):
    """The generic spider; the slowest unseen sites take a while."""
    return crawl_site(url, out, *extra, spider="news", timeout=300)


def crawl_folder(out: Path) -> Path:
    (folder,) = [p for p in site_dir(out).iterdir() if (p / "manifest.json").exists()]
    return folder


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Every unseen site crawled once by the generic spider, each into its own output."""
    base = tmp_path_factory.mktemp("unseen")
    with serve_unseen_sites() as sites:
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(lambda r: _crawl(r.url, base / r.site.key), sites))
        yield {r.site.key: (r, base / r.site.key) for r in sites}


def test_generic_spider_meets_the_targets_on_unseen_sites(crawled):
    per_site, failures = {}, []
    for key, (running, out) in crawled.items():
        metrics, fails = score_site(running.site.gold(), running.site.spec.boilerplate,
                                    read_records(out))
        per_site[key] = metrics
        failures += [{"site": key, **f} for f in fails if f["field"] != "text"]
    total = overall(per_site)
    assert total["found"] == total["expected"]
    assert total["published"] >= TARGETS["published"], failures[:10]
    assert total["invented"] == 0, failures[:10]
    assert total["boilerplate_records"] == 0, failures[:10]
    assert total["text_f1"] >= TARGETS["text_f1"]
    assert total["title_exact"] >= 0.97, failures[:10]
    zones = {key: json.loads((crawl_folder(out) / "site-facts.json").read_text())
             ["revisions"][-1]["zone"] for key, (_, out) in crawled.items()}
    assert zones == {key: r.site.spec.zone_name for key, (r, _) in crawled.items()}


def test_records_say_where_each_offset_came_from(crawled):
    running, out = crawled["bitrix"]  # dates only as printed text: the zone is learned
    records = read_records(out)
    sources = {r["published_offset_source"] for r in records if r["published"]}
    assert sources <= {"site", "page", None} and "site" in sources
    assert not any(r["published"].endswith("+00:00") for r in records if r["published"])
    removed = [r["extraction"]["site_boilerplate_removed"] for r in records]
    assert sum(removed) > 0 and all(r["extraction"]["site_facts"] >= 1 for r in records)


def test_the_next_crawl_starts_knowing_the_site(crawled, tmp_path):
    running, out = crawled["ghost"]
    state = site_dir(out) / "state.sqlite"
    with sqlite3.connect(state) as db:
        (facts,) = db.execute("SELECT facts FROM site_facts").fetchone()
    assert json.loads(facts)["boilerplate"]["articles"] >= 30
    again = tmp_path / "again"
    (again / site_dir(out).name).mkdir(parents=True)
    (again / site_dir(out).name / "state.sqlite").write_bytes(state.read_bytes())
    _crawl(running.url, again, "-s", "INCREMENTAL_ENABLED=False")  # same origin, port too
    manifest = read_manifest(crawl_folder(again))
    metrics, _ = score_site(running.site.gold(), running.site.spec.boilerplate,
                            read_records(again))
    assert manifest["stats"]["site_facts/release"] == "learned before"
    assert manifest["stats"]["site_facts/held_records"] == 0
    assert metrics["published"] >= TARGETS["published"]


def reextracted(folder: Path, *extra: str) -> tuple[Path, dict, list[dict]]:
    result = run_cli("reextract", str(folder), *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    set_dir = Path(result.stdout.strip().splitlines()[-1])
    manifest = read_manifest(set_dir)
    records = []
    for entry in manifest["files"]:
        if entry["kind"] == "articles":
            with gzip.open(set_dir / entry["path"], "rt", encoding="utf-8") as fh:
                records += [json.loads(line) for line in fh]
    return set_dir, manifest, records


@pytest.mark.parametrize("key", ["wp", "bitrix"])
def test_reextract_gives_the_crawl_s_own_records(crawled, key):
    """Same archived responses, same extractor, same site facts: the same records."""
    _, out = crawled[key]
    folder = crawl_folder(out)
    old = read_records(out)
    _, manifest, new = reextracted(folder)
    assert manifest["extractor"].startswith("newscrawler-extract/")
    by_url = {r["url"]: r for r in old}
    differ = [_diff(by_url[r["url"]], r) for r in new if not same_record(by_url[r["url"]], r)]
    assert not differ, (_keep(folder), differ[:3])
    assert manifest["counts"]["records"] == len(old) == manifest["counts"]["unchanged"]
    assert all(r["warc"] == by_url[r["url"]]["warc"] for r in new)


def test_relearning_uses_every_article_of_the_crawl(crawled):
    """--relearn: the facts come from the whole crawl (not its first articles), the records
    keep their pointers and still meet the targets."""
    running, out = crawled["bitrix"]
    set_dir, manifest, new = reextracted(crawl_folder(out), "--relearn")
    facts = json.loads((set_dir / "site-facts.json").read_text())["revisions"]
    assert len(facts) == 1 and facts[0]["articles"] == len(new) == len(read_records(out))
    assert manifest["site_facts"] == "relearned"
    metrics, _ = score_site(running.site.gold(), running.site.spec.boilerplate, new)
    assert metrics["published"] >= TARGETS["published"] and metrics["boilerplate_records"] == 0


def _keep(folder: Path) -> str:
    """Keep a crawl whose re-extraction differs, for a person to look at."""
    import shutil
    import tempfile

    kept = Path(tempfile.mkdtemp(prefix="reextract-differs-")) / folder.name
    shutil.copytree(folder.parent.parent, kept.parent / "out")
    return str(kept.parent)


def _diff(old: dict, new: dict) -> dict:
    keys = {k for k in {*old, *new} if old.get(k) != new.get(k) and k != "extraction"}
    info = {k for k in {*old["extraction"], *new["extraction"]} if k != "ms"
            and old["extraction"].get(k) != new["extraction"].get(k)}
    return {"url": old["url"], **{k: (old.get(k), new.get(k)) for k in keys},
            **{f"extraction.{k}": (old["extraction"].get(k), new["extraction"].get(k))
               for k in info}}


def test_reextract_of_something_not_a_crawl_is_one_line_exit_2(tmp_path):
    result = run_cli("reextract", str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "manifest" in result.stderr
