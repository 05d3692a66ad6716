"""Rendering pages built by JavaScript: speed, memory, and what ``auto`` costs a static site.

    .venv/bin/python bench/render.py [--small 100] [--large 1000] [--static 1500] [--rounds 3]

All in one run (this machine is noisy: compare figures within a run), real CLI crawls:

1. rendered pages/s and the peak memory of the crawl's whole process tree (crawler, page
   workers, Playwright driver, Chromium and its renderers; RSS summed, and PSS summed, which
   counts pages Chromium's processes share once) on ``fixture_site.jsapp`` with ``--small``
   script-built articles, ``--render auto``;
2. the same with ``--large`` articles: peak memory large / small (goal <= 1.3: memory must not
   grow with the pages rendered);
3. ``--render auto`` vs ``--render never`` on the static fixture site (``--static`` articles per
   language, ``bench/_fixture_server.py``): pages/s and CPU per page of the crawl's process
   tree (steadier than pages/s when other work shares the cores), ``--rounds`` alternating
   rounds, medians (goal: auto within 5 % of never).

Writes bench/results/render.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from _procs import TICK, FixtureServer, crawl_command, crawl_stats  # noqa: E402
from _throughput_report import machine  # noqa: E402

from crawler.render import procs  # noqa: E402
from fixture_site.jsapp import JsAppSite, serve_jsapp  # noqa: E402


class TreeMemory:
    """Polls the memory of a process and all its descendants; keeps the peaks of the sums."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss_mb = self.peak_pss_mb = 0.0
        self.peak_browser_pss_mb = 0.0
        self.cpu: dict[int, float] = {}  # CPU seconds of every process of the tree seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [self.pid, *procs.descendants(self.pid)]
            for pid in pids:
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_s(pid))
            rss = sum(_rss_kb(p) for p in pids) / 1024
            pss = sum(procs.memory_kb(p) for p in pids) / 1024
            browser = sum(procs.tree_memory_mb(p) for p in procs.driver_pids(self.pid))
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            self.peak_pss_mb = max(self.peak_pss_mb, pss)
            self.peak_browser_pss_mb = max(self.peak_browser_pss_mb, browser)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_crawl(cmd: list[str]) -> tuple[dict[str, Any], TreeMemory, float]:
    """Run a crawl command; its stats, its tree's memory peaks and wall seconds."""
    out = Path(cmd[cmd.index("--out") + 1])
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    memory = TreeMemory(proc.pid)
    _, err = proc.communicate()
    memory.stop()
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}): {err[-3000:]}")
    return crawl_stats(out), memory, wall


def rendered(articles: int) -> dict[str, Any]:
    """(1)/(2): a --render auto crawl of the JavaScript fixture."""
    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        with serve_jsapp(JsAppSite(app=articles, printed=max(2, articles // 20),
                                   sitemap=True)) as site:
            cmd = crawl_command(site.url, out, "--render", "auto")
            cmd[cmd.index("vsedelo")] = "news"
            stats, memory, wall = run_crawl(cmd)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    pages = stats.get("render/pages", 0)
    seconds = stats["elapsed_time_seconds"]
    return {
        "articles": articles, "articles_written": stats.get("articles/written"),
        "rendered_pages": pages, "responses": stats.get("downloader/response_count"),
        "crawl_s": round(seconds, 1), "wall_s": round(wall, 1),
        "rendered_pages_per_s": round(pages / seconds, 2),
        "mean_render_s": round(stats.get("render/ms", 0) / 1000 / max(pages, 1), 3),
        "peak_tree_rss_mb": round(memory.peak_rss_mb, 1),
        "peak_tree_pss_mb": round(memory.peak_pss_mb, 1),
        "peak_browser_pss_mb": round(memory.peak_browser_pss_mb, 1),
        "browser_peak_mb_stat": stats.get("render/browser_peak_mb"),
        "contexts": stats.get("render/contexts"),
        "browser_launches": stats.get("render/browser_launches"),
    }


def static(server: FixtureServer, mode: str) -> dict[str, Any]:
    """(3): one crawl of the static fixture with ``--render mode``."""
    out = Path(tempfile.mkdtemp(prefix=f"bench-static-{mode}-"))
    try:
        stats, memory, wall = run_crawl(crawl_command(server.url, out, "--render", mode))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    pages = stats.get("articles/written", 0)
    return {"mode": mode, "article_pages": pages,
            "crawl_s": round(stats["elapsed_time_seconds"], 2),
            "pages_per_s": round(pages / stats["elapsed_time_seconds"], 2),
            "rendered": stats.get("render/pages", 0),
            "cpu_ms_per_page": round(1000 * sum(memory.cpu.values()) / max(pages, 1), 3),
            "peak_tree_rss_mb": round(memory.peak_rss_mb, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100, help="script-built articles, (1)")
    parser.add_argument("--large", type=int, default=1000, help="script-built articles, (2)")
    parser.add_argument("--static", type=int, default=1500,
                        help="static fixture articles per language, (3)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of (3)")
    parser.add_argument("--static-only", action="store_true",
                        help="only part (3), kept beside parts (1) and (2) of --out")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "render.json")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "benchmark": "render", "command": "bench/render.py " + " ".join(sys.argv[1:]),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine()}
    if not args.static_only:
        result["small"] = rendered(args.small)
        print(f"(1) {args.small} articles: {result['small']}", flush=True)
        result["large"] = rendered(args.large)
        print(f"(2) {args.large} articles: {result['large']}", flush=True)
    runs: dict[str, list[dict[str, Any]]] = {"never": [], "auto": []}
    with FixtureServer(args.static, prewarm=True) as server:
        for _ in range(max(1, args.rounds)):
            for mode in ("never", "auto"):
                runs[mode].append(static(server, mode))
                print(f"(3) {runs[mode][-1]}", flush=True)
    result["static"] = runs
    never = statistics.median(r["pages_per_s"] for r in runs["never"])
    auto = statistics.median(r["pages_per_s"] for r in runs["auto"])
    never_cpu = statistics.median(r["cpu_ms_per_page"] for r in runs["never"])
    auto_cpu = statistics.median(r["cpu_ms_per_page"] for r in runs["auto"])
    summary: dict[str, Any] = {}
    if args.static_only and args.out.exists():  # parts (1) and (2) of an earlier run stay
        earlier = json.loads(args.out.read_text())
        for key in ("small", "large"):
            if key in earlier:
                result[key] = earlier[key]
        summary = {k: v for k, v in (earlier.get("summary") or {}).items()
                   if not k.startswith("static")}
        result["rendered_parts_measured_at"] = earlier.get("measured_at")
    if not args.static_only:
        small, large = result["small"], result["large"]
        summary = {
            "rendered_pages_per_s": large["rendered_pages_per_s"],
            "peak_tree_rss_mb_small_large": [small["peak_tree_rss_mb"],
                                             large["peak_tree_rss_mb"]],
            "tree_rss_ratio_large_small": round(
                large["peak_tree_rss_mb"] / small["peak_tree_rss_mb"], 3),
            "tree_pss_ratio_large_small": round(
                large["peak_tree_pss_mb"] / small["peak_tree_pss_mb"], 3),
        }
    result["summary"] = {
        **summary,
        "static_pages_per_s_never_auto": [never, auto],
        "static_auto_vs_never": round(auto / never, 4),
        "static_cpu_ms_per_page_never_auto": [never_cpu, auto_cpu],
        "static_cpu_auto_vs_never": round(auto_cpu / never_cpu, 4),
        "static_pages_rendered_by_auto": sum(r["rendered"] for r in runs["auto"]),
    }
    print(json.dumps(result["summary"], indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
