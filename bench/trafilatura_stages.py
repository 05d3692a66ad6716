"""Benchmark: what trafilatura does on a page our extraction has already parsed and cleaned.

A page worker parses a page once (``crawler.pages.pagescan``), scans it, reads its metadata, removes
boilerplate (``crawler.extract.clean``) and hands the cleaned tree to trafilatura
(``crawler.extract.text``). This measures, on the fixture site's article pages (rendered
in-process) and the Zyte article benchmark's pages (``../shared/benchmarks/scrapinghub-aeb``):

* the CPU of each trafilatura stage on our tree (inclusive ms per page): tree copies, tag
  cleaning, the pruning XPath sets, the main extractor, the comparison with readability and
  jusText;
* what each pruning set still finds on a tree we cleaned (nodes matched per page, pages with
  any): a set matching nothing repeats work our cleaning did;
* trafilatura's ``fast`` mode (no comparison stage): the time it saves and how many pages'
  text it changes, with the Zyte F1 of both.

    .venv/bin/python bench/trafilatura_stages.py [--fixture-articles 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from extraction import DATA, aeb_score  # noqa: E402

FETCHED = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
TIMES: dict[str, float] = defaultdict(float)
MATCHED: dict[str, int] = defaultdict(int)
PAGES_WITH: dict[str, set[int]] = defaultdict(set)
PAGE = [0]


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.process_time() - started
    return wrapper


def instrument(count: bool) -> None:
    """Wrap trafilatura's stages where its modules look them up; ``count``: also count what
    each pruning set matches (a pass of its own, so the counting is not timed)."""
    import trafilatura.core as core
    import trafilatura.external as external
    import trafilatura.main_extractor as main_extractor
    import trafilatura.xpaths as xpaths

    names = {id(v): k for k, v in vars(xpaths).items() if isinstance(v, list)}
    prune = core.prune_unwanted_nodes

    def counted_prune(tree: Any, nodelist: list, with_backup: bool = False) -> Any:
        name = f"prune {names.get(id(nodelist), '?')}"
        if count:
            found = len({e for expression in nodelist for e in expression(tree)})
            MATCHED[name] += found
            if found:
                PAGES_WITH[name].add(PAGE[0])
            return prune(tree, nodelist, with_backup)
        return _timed(name, prune)(tree, nodelist, with_backup)

    for module in (core, main_extractor, external):
        module.prune_unwanted_nodes = counted_prune
    if count:
        return
    core.copy = _timed("tree copies", core.copy)
    for attr in ("tree_cleaning", "convert_tags", "extract_content", "compare_extraction",
                 "bare_extraction"):
        setattr(core, attr, _timed(attr, getattr(core, attr)))
    for attr in ("try_readability", "justext_rescue", "sanitize_tree"):
        setattr(external, attr, _timed(f"compare: {attr}", getattr(external, attr)))


def pages(fixture_articles: int) -> list[tuple[str, str, bytes, Any]]:
    """(source, url, html, profile) for the fixture's article pages and the Zyte pages."""
    from crawler.pages.profiles import GENERIC, VSEDELO
    from fixture_site import FixtureSite

    base = "http://127.0.0.1:8000"
    site = FixtureSite(articles=fixture_articles, seed=1)
    profile = VSEDELO.with_start_url(base + "/")
    out = [("fixture", url, site.render("GET", url[len(base):], {"Host": "127.0.0.1:8000"}).body,
            profile) for url in site.article_urls(base)]
    root = DATA / "scrapinghub-aeb"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key, entry in gold.items():
        raw = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        out.append((f"aeb:{key}", entry["url"], raw, GENERIC))
    return out


def extract_all(todo: list[tuple[str, str, bytes, Any]], fast: bool) -> tuple[dict, float]:
    import crawler.extract.article as extraction
    from crawler.extract.text import TextSettings

    options = extraction.ExtractOptions(text=replace(TextSettings(), fast=fast))
    texts, started = {}, time.process_time()
    for i, (source, url, html, profile) in enumerate(todo):
        PAGE[0] = i
        result = extraction.extract_article(html, url, profile=profile, fetched_at=FETCHED,
                                            options=options, finalize=False)
        texts[source] = result.text
    return texts, time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture-articles", type=int, default=200, help="per language")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "trafilatura.json")
    args = parser.parse_args(argv)
    todo = pages(args.fixture_articles)
    extract_all(todo[:20], fast=False)  # warm up
    plain, plain_s = extract_all(todo, fast=False)
    fast, fast_s = extract_all(todo, fast=True)
    import trafilatura.core as core
    import trafilatura.external as external
    import trafilatura.main_extractor as main_extractor

    originals = [dict(vars(m)) for m in (core, external, main_extractor)]
    instrument(count=True)
    extract_all(todo, fast=False)
    for module, saved in zip((core, external, main_extractor), originals, strict=True):
        vars(module).update(saved)
    instrument(count=False)
    extract_all(todo, fast=False)
    n = len(todo)
    stages = {k: round(1000 * v / n, 3) for k, v in sorted(TIMES.items(), key=lambda x: -x[1])}
    prunes = {k: {"nodes_per_page": round(MATCHED[k] / n, 2), "pages_with_any": len(PAGES_WITH[k])}
              for k in sorted(MATCHED)}
    gold = json.loads((DATA / "scrapinghub-aeb" / "ground-truth.json").read_text("utf-8"))
    bodies = {k: v["articleBody"] for k, v in gold.items()}
    changed = Counter(src.split(":")[0] for src in plain if plain[src] != fast[src])
    result = {"benchmark": "trafilatura_stages", "pages": n,
              "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "extraction_ms_per_page": round(1000 * plain_s / n, 3),
              "stages_ms_per_page_inclusive": stages, "pruning_on_our_tree": prunes,
              "fast_mode": {"ms_per_page": round(1000 * fast_s / n, 3),
                            "pages_with_other_text": dict(changed),
                            "aeb_f1": aeb_score({k[4:]: v for k, v in fast.items()
                                                 if k.startswith("aeb:")}, bodies)["f1"],
                            "aeb_f1_default": aeb_score({k[4:]: v for k, v in plain.items()
                                                         if k.startswith("aeb:")}, bodies)["f1"]}}
    print(f"{n} pages; our extraction {result['extraction_ms_per_page']} ms per page")
    print("trafilatura stages on our cleaned tree (ms per page, inclusive):")
    for name, ms in stages.items():
        extra = prunes.get(name)
        print(f"  {name:<44}{ms:8.3f}  " + (f"matches {extra['nodes_per_page']} nodes per "
                                              f"page, on {extra['pages_with_any']} of {n} pages"
                                              if extra else ""))
    print(f"fast mode: {result['fast_mode']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
