"""Benchmark: crawl throughput against the extraction ceiling, memory, and wget / news-please.

"Pages" are article pages (one language version of one article = one page; ``--articles`` of the
fixture is per language, so ``articles/2`` of it). All measured in one run, against the fixture
site served by ``bench/_fixture_server.py`` in its own process (pre-rendered, cached):

1. extraction ceiling: the article pages (fetched once) through extraction alone
   (``crawler.extract.worker.extract_in_worker``) in a process pool of one worker per core, pages/s,
   and ``E``, the ms of CPU it takes per page (``time.process_time`` in the workers: unlike the
   pool's wall time it does not grow when other processes share the cores);
2. full crawl (fetch, WARC, extraction, JSON) with the real CLI: pages/s, ratio to (1), and its
   CPU per article page (all processes) as a multiple of ``E``; with ``--before DIR`` the same
   for older code. (1) and (2) are measured ``--rounds`` times, alternating, and their medians
   reported (this machine's speed drifts by 10-20 % within a run);
3. fetch and archive alone (``EXTRACTION_ENABLED=False``): pages/s;
4. 20 ms latency per response: our full crawl, ``wget --recursive --warc-file`` (fetch and
   archive only) and news-please (``from_urls`` over a sample of the article URLs);
5. peak RSS of the crawler's main process (and its extraction workers), small vs large crawl;
6. where the time goes per page (``bench/_stage_probe.py``, a separate instrumented crawl).

    .venv/bin/python bench/throughput.py [--quick] [--articles 5000] [--rss-small 2000]
                                         [--rss-large 20000] [--latency 0.02] [--skip wget,...]
                                         [--rounds 3] [--before DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/ goes last: its incremental.py must not hide the package of that name (Twisted's).
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from _baselines import run_newsplease, run_wget  # noqa: E402
from _procs import FixtureServer, crawl_command, crawl_stats, run_measured  # noqa: E402
from _throughput_report import (  # noqa: E402
    ceiling,
    machine,
    median_of,
    print_table,
    server_speed,
    stage_table,
)

RESULTS = BENCH / "results"


def crawl(server: FixtureServer, label: str, *settings: str, code: Path = ROOT) -> dict[str, Any]:
    """One CLI crawl of the server's site: wall time, pages, CPU and peak RSS per process
    (``code``: the checkout whose crawler runs, e.g. a copy from before a change)."""
    out = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    try:
        server.stats(reset=True)
        run = run_measured(crawl_command(server.url, out, *settings), cwd=code)
        if run.returncode != 0:
            raise SystemExit(f"{label}: crawl failed ({run.returncode}):\n{run.stderr[-3000:]}")
        stats = crawl_stats(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    pages = stats.get("articles/written") or server.stats().get("article_200", 0)
    return {
        "article_pages": pages, "responses": stats.get("downloader/response_count"),
        "article_pages_fetched": server.stats().get("article_200", 0),
        "wall_s": round(run.seconds, 2), "crawl_s": round(stats["elapsed_time_seconds"], 2),
        "pages_per_s": round(pages / run.seconds, 2),
        "pages_per_s_crawl_only": round(pages / stats["elapsed_time_seconds"], 2),
        "main_cpu_s": round(run.main_cpu, 1), "workers_cpu_s": round(run.workers_cpu, 1),
        "main_cpu_ms_per_page": round(1000 * run.main_cpu / max(pages, 1), 2),
        "main_peak_rss_mb": round(run.main_rss / 2**20, 1),
        "worker_peak_rss_mb": round(run.workers_rss / 2**20, 1),
        "settings": list(settings),
    }


def stages(server: FixtureServer, articles: int) -> dict[str, Any]:
    """The instrumented crawl: per-stage milliseconds per article page."""
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        probe = Path(tmp) / "stages.json"
        cmd = crawl_command(server.url, Path(tmp) / "out", "--max-items", str(articles))
        cmd[1:3] = [str(BENCH / "_stage_probe.py"), str(probe)]
        run = run_measured(cmd)
        if run.returncode != 0:
            return {"error": run.stderr[-2000:]}
        data = json.loads(probe.read_text())
    return stage_table(data, run.main_cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="article pages, full crawl")
    parser.add_argument("--rss-small", type=int, default=2000, help="article pages")
    parser.add_argument("--rss-large", type=int, default=20000, help="article pages")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds, for (4)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="CONCURRENT_REQUESTS_PER_DOMAIN of our crawls")
    parser.add_argument("--newsplease-urls", type=int, default=500)
    parser.add_argument("--stage-pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="full crawls of each code (alternating) and ceiling measurements "
                             "spread over the run; medians are reported")
    parser.add_argument("--skip", default="", help="comma-separated: wget,newsplease,rss,stages")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 200 pages, RSS 100/400, 40 news-please URLs")
    parser.add_argument("--before", type=Path, help="a checkout of the code before the "
                        "optimisations (git archive HEAD | tar -x -C DIR): its full crawl too")
    parser.add_argument("--out", type=Path, default=RESULTS / "throughput.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.rss_small, args.rss_large = 200, 100, 400
        args.newsplease_urls, args.stage_pages, args.rounds = 40, 100, 1
    skip = set(filter(None, args.skip.split(",")))
    conc = ["-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}"]
    result: dict[str, Any] = {
        "benchmark": "throughput", "command": "bench/throughput.py " + " ".join(sys.argv[1:]),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "pages": "article pages (one language version of one article)",
    }
    started = time.monotonic()
    with FixtureServer(args.articles // 2) as server:
        result["server"] = {"prewarm": server.prewarm_line,
                            **server_speed(server.port, args.articles // 2)}
        print(f"fixture server: {result['server']}", flush=True)
        ceilings, fulls, befores = [], [], []
        for _ in range(args.rounds):
            # the ceiling between the crawls: this machine's speed drifts within a run
            ceilings.append(ceiling(server.url, args.articles // 2))
            print(f"(1) extraction ceiling: {ceilings[-1]['pages_per_s']} pages/s, "
                  f"E {ceilings[-1]['cpu_ms_per_page']} ms of CPU per page", flush=True)
            fulls.append(crawl(server, "full", *conc))
            print(f"(2) full crawl: {fulls[-1]}", flush=True)
            if args.before:
                befores.append(crawl(server, "before", *conc, code=args.before))
                print(f"(2) full crawl, code before: {befores[-1]}", flush=True)
        result["ceiling"], result["full"] = median_of(ceilings), median_of(fulls)
        if befores:
            result["full_before"] = median_of(befores)
        result["fetch_archive"] = crawl(server, "fetch", "-s", "EXTRACTION_ENABLED=False", *conc)
        print(f"(3) fetch+archive: {result['fetch_archive']}", flush=True)
        if "stages" not in skip:
            result["stages"] = stages(server, min(args.stage_pages, args.articles))
            print(f"(6) stages: {result['stages']}", flush=True)
        server.set_latency(args.latency)
        latency: dict[str, Any] = {"latency_s": args.latency}
        latency["ours_full"] = crawl(server, "latency", *conc)
        print(f"(4) ours, {args.latency * 1000:g} ms latency: {latency['ours_full']}", flush=True)
        if "wget" not in skip:
            latency["wget"] = run_wget(server, args.articles, timeout=max(
                900.0, 10 * latency["ours_full"]["wall_s"]))
            print(f"(4) wget: {latency['wget']}", flush=True)
        if "newsplease" not in skip:
            from fixture_site import FixtureSite

            urls = FixtureSite(articles=args.articles // 2).article_urls(server.url)
            sample = urls[:: max(1, len(urls) // args.newsplease_urls)][: args.newsplease_urls]
            latency["newsplease"] = run_newsplease(sample, timeout=1800)
            print(f"(4) news-please: {latency['newsplease']}", flush=True)
        result["latency"] = latency
    if "rss" not in skip:
        result["rss"] = {}
        for label, pages in (("small", args.rss_small), ("large", args.rss_large)):
            with FixtureServer(pages // 2, prewarm=False) as server:
                result["rss"][label] = crawl(server, f"rss-{label}", *conc)
            print(f"(5) RSS {pages} pages: {result['rss'][label]}", flush=True)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["summary"] = print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
