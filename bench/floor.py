"""Benchmark: the CPU a page costs in each layer, and the best ratio to the extraction ceiling
that each fetching stack leaves possible on this machine.

Goal (2) of issue 9 asks the full crawl for 0.8 of the extraction ceiling (1). Extraction costs
``E`` ms of CPU per article page (all cores busy in (1)); whatever else a crawl spends per page,
``F``, shares the same cores, so no scheduling passes ``E / (E + F)``. This measures ``F`` for
each layer, all in one run against the same pre-rendered fixture site (``bench/_fixture_server.py``
in its own process):

1. ``E``: the extraction ceiling, as in ``bench/throughput.py`` part (1);
2. our full crawl and our fetch-and-archive crawl (the real CLI): CPU per article page, main
   process and page workers; the second's CDXJ gives the exact list of responses it fetched;
3. that list fetched again, no redirects followed, by the bare fetchers of
   ``bench/_bare_fetchers.py``: a stock Scrapy spider whose callback does nothing; an aiohttp
   client that drops the bodies; the same client writing every exchange through the crawl's own
   ``WarcArchive`` (WARC records, digests, CDXJ).

CPU per article page = process CPU seconds / article pages; the bare fetchers fetch the same
responses per article page as the crawl. Printed and saved to ``bench/results/floor.json``;
about 4 minutes.

    .venv/bin/python bench/floor.py [--articles 5000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from _procs import FixtureServer, crawl_command, run_measured  # noqa: E402
from _throughput_report import ceiling, machine  # noqa: E402


def _crawl(server: FixtureServer, out: Path, *settings: str) -> dict[str, Any]:
    server.stats(reset=True)
    run = run_measured(crawl_command(server.url, out, *settings))
    if run.returncode != 0:
        raise SystemExit(f"crawl failed ({run.returncode}):\n{run.stderr[-3000:]}")
    pages = server.stats()["article_200"]
    return {"article_pages": pages, "wall_s": round(run.seconds, 2),
            "main_cpu_ms_per_page": round(1000 * run.main_cpu / pages, 2),
            "workers_cpu_ms_per_page": round(1000 * run.workers_cpu / pages, 2)}


def _archived_urls(out: Path) -> list[str]:
    (index,) = out.glob("*/*/indexes/*.cdxj")
    return [json.loads(line.split(" ", 2)[2])["url"] for line in index.read_text().splitlines()]


def _bare(mode: str, urls_file: Path, responses: int, pages: int, concurrency: int,
          *extra: str) -> dict[str, Any]:
    cmd = [sys.executable, str(BENCH / "_bare_fetchers.py"), mode, str(urls_file),
           str(concurrency), *extra]
    run = run_measured(cmd)
    if run.returncode != 0:
        return {"error": run.stderr[-2000:]}
    return {"wall_s": round(run.seconds, 2),
            "cpu_ms_per_response": round(1000 * run.main_cpu / responses, 3),
            "cpu_ms_per_page": round(1000 * run.main_cpu / pages, 2)}


def bound(extraction_ms: float, other_ms: float) -> float:
    """The highest ratio to the ceiling a crawl spending ``other_ms`` besides extraction can
    reach when both share all the cores."""
    return round(extraction_ms / (extraction_ms + other_ms), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="article pages")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "floor.json")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "benchmark": "floor", "command": "bench/floor.py " + " ".join(sys.argv[1:]),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine()}
    conc = ["-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    try:
        with FixtureServer(args.articles // 2) as server:
            result["ceiling"] = ceiling(server.url, args.articles // 2)
            print(f"(1) ceiling: {result['ceiling']}", flush=True)
            result["ours_full"] = _crawl(server, tmp / "full", *conc)
            print(f"ours, full crawl: {result['ours_full']}", flush=True)
            fetch = _crawl(server, tmp / "fetch", "-s", "EXTRACTION_ENABLED=False", *conc)
            urls = _archived_urls(tmp / "fetch")
            pages = fetch["article_pages"]
            fetch["responses"] = len(urls)
            fetch["responses_per_page"] = round(len(urls) / pages, 3)
            result["ours_fetch_archive"] = fetch
            print(f"ours, fetch and archive: {fetch}", flush=True)
            urls_file = tmp / "urls.txt"
            urls_file.write_text("\n".join(urls))
            for label, mode, extra in (("bare_scrapy", "scrapy", ()),
                                       ("bare_aiohttp", "aiohttp", ()),
                                       ("aiohttp_warc", "aiohttp", (str(tmp / "bare-warc"),))):
                result[label] = _bare(mode, urls_file, len(urls), pages, args.concurrency,
                                      *extra)
                print(f"{label}: {result[label]}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["summary"] = summarize(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.out}")
    return 0


def summarize(r: dict[str, Any]) -> dict[str, Any]:
    """Print and return ms of CPU per article page for each layer, and each one's bound."""
    ceil = r["ceiling"]
    # E as CPU time (as the layers' F are), not the pool's wall time, which grows with load
    e = ceil["cpu_ms_per_page"]
    full, fetch = r["ours_full"], r["ours_fetch_archive"]
    full_total = full["main_cpu_ms_per_page"] + full["workers_cpu_ms_per_page"]
    rows = {"extraction ceiling (E)": e,
            "ours, full crawl, all processes": round(full_total, 2),
            "ours, fetch+archive+scan, all processes": round(
                fetch["main_cpu_ms_per_page"] + fetch["workers_cpu_ms_per_page"], 2)}
    for label in ("bare_scrapy", "bare_aiohttp", "aiohttp_warc"):
        if "cpu_ms_per_page" in r[label]:
            rows[label.replace("_", " ")] = r[label]["cpu_ms_per_page"]
    bounds = {"ours, full crawl": round(e / full_total, 3)}
    bounds.update({f"E + {name}": bound(e, ms) for name, ms in rows.items()
                   if name.startswith(("bare", "aiohttp"))})
    print(f"ms of CPU per article page ({fetch['responses_per_page']} responses per page):")
    for name, ms in rows.items():
        print(f"  {name:<42} {ms:7.2f}")
    print("best ratio to the ceiling these costs leave (goal >= 0.8):")
    for name, value in bounds.items():
        print(f"  {name:<42} {value:7.3f}")
    return {"ms_cpu_per_article_page": rows, "ratio_bounds": bounds}


if __name__ == "__main__":
    raise SystemExit(main())
