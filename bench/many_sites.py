"""Many small sites in one run: pages/s against the same kind of pages on a few sites, memory as
sites finish, and how soon the first article is written.

Run from the repository root:  .venv/bin/python bench/many_sites.py [--sites 1000] [--quick]

It serves ``--sites`` small unseen sites (``fixture_site.unseen.multiserver``: one process, one
port each, themes and zones in turn) and crawls them all from one seed list with the real CLI::

    crawler crawl news --seeds URLS --out <tmp> -s DOWNLOAD_DELAY=0 \\
        -s CONCURRENT_REQUESTS_PER_DOMAIN=4 [--processes N]

then does the same with ``--few`` sites (default 10) scaled to serve as many pages in all
(counted on the generated sites before serving), in the same run of the script. Printed and
saved (bench/results/many_sites.json): pages/s (and articles/s) of both and their ratio (goal:
the many within 20 % of the few, ratio >= 0.8), peak RSS of the crawler's process tree (goal
< 1 GB), RSS against sites finished (goal: flat, measured as MB per 100 more finished sites
between a quarter and the end of the run), and seconds to the first article record on disk
(goal <= 30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "many_sites.json"


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
        todo.extend(int(c) for c in children)
    return total


def serve(sites: int, scale: float, folder: Path) -> tuple[subprocess.Popen, Path]:
    urls = folder / f"urls-{sites}.txt"
    proc = subprocess.Popen([sys.executable, "-m", "fixture_site.unseen.multiserver", "--sites",
                             str(sites), "--scale", str(scale), "--urls", str(urls)], cwd=ROOT)
    deadline = time.monotonic() + 600
    while not urls.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the many-sites server did not start")
        time.sleep(0.2)
    return proc, urls


def first_article(out: Path) -> bool:
    return any(p.stat().st_size > 0 for p in out.glob("*/*/articles/*.jsonl.gz"))


def crawl(urls: Path, out: Path, processes: int | None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "crawler", "crawl", "news", "--seeds", str(urls), "--out",
           str(out), "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
           "-s", "LOGSTATS_INTERVAL=0", "--log-level", "ERROR"]
    if processes:
        cmd += ["--processes", str(processes)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    peak, samples, first = 0, [], None
    while proc.poll() is None:
        rss = tree_rss(proc.pid)
        peak = max(peak, rss)
        finished = sum(1 for _ in out.glob("_runs/*/sites/*.json"))
        samples.append((round(time.monotonic() - started, 1), finished, rss))
        if first is None and first_article(out):
            first = time.monotonic() - started
        time.sleep(0.5)
    seconds = time.monotonic() - started
    stdout = proc.stdout.read() if proc.stdout else ""
    (run,) = out.glob("_runs/*/run.json")
    document = json.loads(run.read_text())
    totals = document["totals"]
    return {"seconds": round(seconds, 1), "exit": proc.returncode, "sites": totals["sites"],
            "complete": totals["complete"], "failed": totals["failed"],
            "pages": totals["pages"], "articles": totals["articles"],
            "pages_per_s": round(totals["pages"] / seconds, 1),
            "articles_per_s": round(totals["articles"] / seconds, 1),
            "peak_rss_mb": round(peak / 2**20), "first_article_s": round(first or seconds, 1),
            "rss_growth_mb_per_100_sites": growth(samples, totals["sites"]),
            "summary": stdout.splitlines()[:3]}


def growth(samples: list[tuple[float, int, int]], sites: int) -> float | None:
    """MB of RSS per 100 more finished sites, from a quarter of the sites to the last sample
    before the run's end (medians of the samples at each count, so one spike does not count)."""
    def at(count: int) -> float | None:
        found = sorted(rss for _t, done, rss in samples if abs(done - count) <= max(1, sites // 50))
        return found[len(found) // 2] / 2**20 if found else None

    start, end = sites // 4, max(done for _t, done, _r in samples) if samples else 0
    low, high = at(start), at(end)
    if low is None or high is None or end - start < 10:
        return None
    return round((high - low) * 100 / (end - start), 1)


def site_pages(sites: int, scale: float) -> int:
    """Pages the ``sites`` sites of ``scale`` answer 200 for."""
    from fixture_site.unseen.world import many_sites

    return sum(len(site.paths()) for site in many_sites(sites, scale=scale))


def matching_scale(pages: int, sites: int) -> float:
    """The scale at which ``sites`` sites hold about ``pages`` pages (bisection)."""
    low, high = 0.5, 200.0
    for _ in range(12):
        middle = (low + high) / 2
        if site_pages(sites, middle) < pages:
            low = middle
        else:
            high = middle
    return round((low + high) / 2, 2)


def measure(sites: int, scale: float, processes: int | None, folder: Path) -> dict[str, Any]:
    server, urls = serve(sites, scale, folder)
    try:
        return crawl(urls, folder / f"out-{sites}", processes)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sites", type=int, default=1000, help="small sites (default 1000)")
    p.add_argument("--scale", type=float, default=0.2, help="size of a small site (default 0.2)")
    p.add_argument("--few", type=int, default=10, help="sites of the comparison (default 10)")
    p.add_argument("--processes", type=int, default=None, help="--processes of the crawls")
    p.add_argument("--quick", action="store_true", help="100 small sites and 5 big ones")
    args = p.parse_args(argv)
    if args.quick:
        args.sites, args.few = 100, 5
    sys.path.insert(0, str(ROOT))
    few_scale = matching_scale(site_pages(args.sites, args.scale), args.few)
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        folder = Path(tmp)
        many = measure(args.sites, args.scale, args.processes, folder)
        print(f"{args.sites} sites: {json.dumps(many)}", flush=True)
        few = measure(args.few, few_scale, args.processes, folder)
        print(f"{args.few} sites: {json.dumps(few)}", flush=True)
    ratio = round(many["pages_per_s"] / few["pages_per_s"], 3) if few["pages_per_s"] else None
    articles_ratio = (round(many["articles_per_s"] / few["articles_per_s"], 3)
                      if few["articles_per_s"] else None)
    goals = {"pages_per_s_ratio>=0.8": ratio is not None and ratio >= 0.8,
             "peak_rss<1GB": many["peak_rss_mb"] < 1024,
             "first_article<=30s": many["first_article_s"] <= 30,
             "rss_flat(<=10MB/100 sites)": (many["rss_growth_mb_per_100_sites"] or 0) <= 10}
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(),
              "few_scale": few_scale, "many": many, "few": few, "pages_per_s_ratio": ratio,
              "articles_per_s_ratio": articles_ratio, "goals": goals}
    print(json.dumps({"pages_per_s_ratio": ratio, "articles_per_s_ratio": articles_ratio,
                      "goals": goals}, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
