"""Blind benchmark: crawl each unseen fixture site with the real CLI and score the articles.

Run from the repository root:  .venv/bin/python bench/unseen_sites.py [--quick] [--jobs 2]

For every site of ``fixture_site.unseen`` (served on loopback, one origin each, with the
site's simulated clock in the HTTP Date header) it runs, as a new user would::

    .venv/bin/crawler crawl news --url http://127.0.0.1:PORT/ --out <tmp>/<site> \\
        -s DOWNLOAD_DELAY=0 -s CONCURRENT_REQUESTS_PER_DOMAIN=8

reads ``<out>/**/articles/*.jsonl.gz`` and scores them against the ground truth: published as
an exact instant (a day-only gold needs that day-only answer, a null gold needs null), invented
dates, records holding a site-wide boilerplate line, text token F1, exact titles, articles
found. Prints a summary and writes bench/results/unseen_sites.json with every failure.
Targets: published >= 0.97, 0 invented, 0 boilerplate records, text F1 >= 0.98.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixture_site.unseen import RunningSite, serve_unseen_sites  # noqa: E402
from fixture_site.unseen.scoring import (  # noqa: E402
    TARGETS,
    overall,
    read_records,
    score_site,
)
from fixture_site.unseen.sites import THEMES  # noqa: E402


def crawl(running: RunningSite, out: Path, log_level: str) -> dict[str, Any]:
    """Run the crawler CLI on one site; returns its exit status, time and log path."""
    crawler = Path(sys.executable).parent / "crawler"
    cmd = [str(crawler), "crawl", "news", "--url", running.url, "--out", str(out),
           "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
           "--log-level", log_level]
    log = out.with_suffix(".log")
    start = time.monotonic()
    with log.open("w") as fh:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, check=False)
    return {"exit": proc.returncode, "seconds": round(time.monotonic() - start, 1),
            "log": str(log), "requests": len(running.requests)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three smaller sites")
    parser.add_argument("--only", action="append", default=[],
                        choices=[t.spec.key for t in THEMES], help="only this site (repeatable)")
    parser.add_argument("--seed", type=int, default=1, help="fixture seed (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="crawls run at the same time")
    parser.add_argument("--keep", type=Path, help="crawl into this folder and keep the output")
    parser.add_argument("--log-level", default="WARNING", help="the crawler's --log-level")
    parser.add_argument("--out", type=Path, help="results file (JSON), by default "
                        "bench/results/unseen_sites.json",
                        default=ROOT / "bench" / "results" / "unseen_sites.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="unseen-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with serve_unseen_sites(seed=args.seed, quick=args.quick, only=tuple(args.only)) as sites:
            with ThreadPoolExecutor(max(1, args.jobs)) as pool:
                runs = dict(zip((r.site.key for r in sites), pool.map(
                    lambda r: crawl(r, work / r.site.key, args.log_level), sites), strict=True))
            per_site, failures = {}, []
            for running in sites:
                site = running.site
                metrics, fails = score_site(site.gold(), site.spec.boilerplate,
                                            read_records(work / site.key))
                per_site[site.key] = {"url": running.url, "zone": site.spec.zone.name,
                                      "theme": site.spec.theme, **runs[site.key], **metrics}
                failures += [{"site": site.key, **f} for f in fails]
        total = overall(per_site)
    print(f"{'site':8} {'found':>9} {'extra':>5} {'published':>9} {'invented':>8} "
          f"{'boilerpl':>8} {'text F1':>7} {'title':>6} {'secs':>5}")
    for key, m in {**per_site, "overall": total}.items():
        print(f"{key:8} {m['found']:>4}/{m['expected']:<4} {m['extra_records']:>5} "
              f"{m['published']:>9.3f} {m['invented']:>8} {m['boilerplate_records']:>8} "
              f"{m['text_f1']:>7.3f} {m['title_exact']:>6.3f} {m.get('seconds', ''):>5}")
    print("targets: published >= 0.97, invented 0, boilerplate records 0, text F1 >= 0.98")
    bad = [k for k, m in per_site.items() if m["exit"] != 0]
    if bad:
        print(f"crawler exited non-zero for: {', '.join(bad)} (logs: {args.keep or 'use --keep'})")
    result = {
        "benchmark": "unseen_sites",
        "command": "bench/unseen_sites.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "seed": args.seed,
        "quick": args.quick, "targets": TARGETS, "overall": total, "sites": per_site,
        "failures": failures,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(failures)} failures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
