"""One site on one and on several crawler processes, against plain trafilatura on all cores.

Run from the repository root:  .venv/bin/python bench/processes.py [--articles 1500] [--quick]

All in one run, against the fixture site served by ``bench/_fixture_server.py`` in its own
process (pre-rendered):

1. plain trafilatura: the article pages, fetched once, through ``trafilatura.bare_extraction``
   (its defaults) in a process pool of one worker per core: article pages/s;
2. the full crawl (fetch, WARC, extraction, JSON) with the real CLI, ``--processes 1`` and
   ``--processes 2`` (two workers of one shared crawl on a ``redis-server`` the command starts
   itself): article pages/s over the command's wall time, and its ratio to (1).

(1) and the crawls alternate ``--rounds`` times and the medians are reported (this machine's
speed drifts within a run). Goal of issue 28: ``--processes 2`` at least 1.4x (1). Saves
``bench/results/processes.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from _procs import FixtureServer, crawl_command, run_measured  # noqa: E402
from _throughput_report import _fetch, machine  # noqa: E402

RESULTS = BENCH / "results" / "processes.json"


def _bare(html: bytes) -> int:
    import trafilatura

    doc = trafilatura.bare_extraction(html.decode("utf-8", "replace"))
    return len(getattr(doc, "text", None) or "") if doc is not None else 0


def _warm(_: int) -> int:
    import trafilatura  # noqa: F401

    return 0


def plain_trafilatura(pages: list[bytes]) -> dict[str, Any]:
    """Article pages/s of ``trafilatura.bare_extraction`` on all cores."""
    workers = os.cpu_count() or 1
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        list(pool.map(_warm, range(workers * 2)))
        started = time.monotonic()
        list(pool.map(_bare, pages, chunksize=4))
        seconds = time.monotonic() - started
    return {"pages": len(pages), "workers": workers, "seconds": round(seconds, 2),
            "pages_per_s": round(len(pages) / seconds, 2)}


def crawl(server: FixtureServer, processes: int) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix=f"bench-processes-{processes}-"))
    cmd = [*crawl_command(server.url, out, "-s", "PROGRESS_MODE=off"),
           "--processes", str(processes)]
    run = run_measured(cmd)
    articles = 0
    for manifest in out.glob("*/*/manifest.json"):
        articles += json.loads(manifest.read_text())["stats"].get("articles/written", 0)
    return {"processes": processes, "exit": run.returncode, "seconds": round(run.seconds, 2),
            "articles": articles, "pages_per_s": round(articles / run.seconds, 2),
            "stderr_tail": run.stderr[-500:] if run.returncode else ""}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=1500, help="articles per language")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians)")
    p.add_argument("--quick", action="store_true", help="500 articles, one round")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.rounds = 500, 1
    from fixture_site import FixtureSite

    rounds: list[dict[str, Any]] = []
    with FixtureServer(args.articles) as server:
        urls = FixtureSite(articles=args.articles).article_urls(server.url)
        pages = [_fetch(url)[0] for url in urls]
        for n in range(args.rounds):
            row = {"trafilatura": plain_trafilatura(pages)}
            for processes in (1, 2):
                row[f"processes_{processes}"] = crawl(server, processes)
            rounds.append(row)
            print(f"round {n + 1}: " + json.dumps({k: v["pages_per_s"] for k, v in row.items()}),
                  flush=True)
    medians = {key: statistics.median(r[key]["pages_per_s"] for r in rounds)
               for key in rounds[0]}
    base = medians["trafilatura"]
    ratios = {key: round(value / base, 3) for key, value in medians.items()
              if key != "trafilatura"}
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
              "articles_per_language": args.articles, "medians_pages_per_s": medians,
              "x_plain_trafilatura": ratios, "goal_processes_2": 1.4,
              "met": ratios.get("processes_2", 0) >= 1.4, "rounds": rounds}
    print(json.dumps({"medians_pages_per_s": medians, "x_plain_trafilatura": ratios}, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
