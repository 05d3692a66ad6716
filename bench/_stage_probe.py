"""Where a crawl's time goes, per page: the real CLI crawl with timers wrapped around its stages.

Run as ``python bench/_stage_probe.py OUT.json crawl vsedelo --url ...`` (the arguments after the
output path are the ``crawler`` CLI's). Nothing in the crawler changes: this process wraps

* main process: the spider's page callback around its scan (following links, requests for
  links and requisites, the article item), WARC record building and writing, the record
  building after extraction, JSON Lines writing, and the whole process's CPU time (the rest is
  Scrapy, Twisted, the network and handing pages to the workers);
* page workers (``crawler.pageworkers.page_workers.scan_in_worker`` is swapped for
  :func:`probed_scan`): decoding and parsing, the page scan (canonical, links, requisites),
  metadata, boilerplate cleaning, dates, trafilatura's text extraction, the worker total.

Timings are CPU-bound wall milliseconds summed per stage; the JSON holds totals and counts.
"""

from __future__ import annotations

import atexit
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOTALS: dict[str, float] = defaultdict(float)
COUNTS: dict[str, int] = defaultdict(int)
_WORKER_STAGES = {"decode_html": "parse", "parse_html": "parse", "scan_tree": "scan",
                  "clean_tree": "clean", "find_page_dates": "dates",
                  "extract_paragraphs": "text"}
# where each timed function is looked up when the worker calls it
_STAGE_MODULES = {"decode_html": "crawler.pages.pagescan", "parse_html": "crawler.pages.pagescan",
                  "scan_tree": "crawler.extract.worker"}


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TOTALS[name] += time.perf_counter() - started
            COUNTS[name] += 1
    return wrapper


def _timed_gen(name: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """A generator callback, timed while it runs (not while its consumer does)."""
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        gen = fn(*args, **kwargs)
        COUNTS[name] += 1
        while True:
            started = time.perf_counter()
            try:
                value = next(gen)
            except StopIteration:
                TOTALS[name] += time.perf_counter() - started
                return
            TOTALS[name] += time.perf_counter() - started
            yield value
    return wrapper


_installed = False


def probed_scan(*args: Any) -> Any:
    """``scan_in_worker`` with its stages timed; the timings ride along on the scan."""
    global _installed
    import importlib

    import crawler.pageworkers.page_workers as pw

    if not _installed:
        for attr in _WORKER_STAGES:
            module = importlib.import_module(_STAGE_MODULES.get(attr, "crawler.extract.article"))
            setattr(module, attr, _timed(attr, getattr(module, attr)))
        _installed = True
    TOTALS.clear()
    started = time.perf_counter()
    scan, result = pw.scan_in_worker(*args)
    stages: dict[str, float] = defaultdict(float)
    for attr, seconds in TOTALS.items():
        stages[_WORKER_STAGES[attr]] += seconds
    total = time.perf_counter() - started
    stages["metadata_and_rest"] = total - sum(stages.values())
    stages["worker_total"] = total
    scan.stage_seconds = dict(stages)
    scan.stage_article = result is not None
    return scan, result


def _install_main() -> None:
    import crawler.pageworkers.page_workers as pw
    import pipelines.extraction as pe
    from crawler.warc.middleware import WarcArchiveMiddleware
    from pipelines.jsonl import ArticleJsonLinesPipeline
    from spiders.base import NewsSiteSpider

    for name in ("_follow_links", "_requisite_requests"):
        setattr(NewsSiteSpider, name, _timed_gen("main/spider_links_and_requests",
                                                 getattr(NewsSiteSpider, name)))
    NewsSiteSpider._article_item = _timed("main/spider_links_and_requests",
                                          NewsSiteSpider._article_item)
    WarcArchiveMiddleware.process_response = _timed("main/warc_write",
                                                    WarcArchiveMiddleware.process_response)
    ArticleJsonLinesPipeline.process_item = _timed("main/json_write",
                                                   ArticleJsonLinesPipeline.process_item)
    pe.build_record = _timed("main/record_build", pe.build_record)
    scan = pw.PageWorkers.scan

    async def probed(self: Any, *args: Any, **kwargs: Any) -> Any:
        page, result = await scan(self, *args, **kwargs)
        prefix = "worker/article/" if getattr(page, "stage_article", False) else "worker/other/"
        for stage, seconds in (getattr(page, "stage_seconds", None) or {}).items():
            TOTALS[prefix + stage] += seconds
            COUNTS[prefix + stage] += 1
        return page, result

    pw.PageWorkers.scan = probed
    pw.scan_in_worker = probed_scan


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    _install_main()
    started_cpu = time.process_time()

    def dump() -> None:
        data = {"totals_s": dict(TOTALS), "counts": dict(COUNTS),
                "main_cpu_s": time.process_time() - started_cpu}
        out.write_text(json.dumps(data, indent=2))

    atexit.register(dump)
    from crawler.commands.cli import main as cli_main

    return cli_main(argv[1:])


if __name__ == "__main__":
    # The forkserver of the extraction pool gets this sys.path, so workers import this module.
    # bench/ last: its incremental.py must not hide the package of that name (Twisted's).
    bench = ROOT / "bench"
    sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != bench),
                   str(bench)]
    raise SystemExit(main(sys.argv[1:]))
