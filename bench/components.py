"""Benchmark: ms of CPU per article page for each component of the crawl's main process.

One full crawl (the real CLI, fetch, WARC, extraction, JSON) of the fixture site served by
``bench/_fixture_server.py`` in its own process, run through ``bench/_component_probe.py``,
which charges the reactor thread's CPU to every downloader and spider middleware, pipeline,
signal handler, scheduler part, stats call, spider callback and the hand-off to the page
workers, exclusively (a part nested in another is counted once). ``--before DIR`` crawls the
same site with an older checkout too (``git archive <commit> | tar -x -C DIR``), in the same
run, alternating ``--rounds`` times, and prints both columns. Results in
``bench/results/components.json``; about 2 minutes a crawl of 2,000 article pages.

    .venv/bin/python bench/components.py [--articles 2000] [--before DIR] [--rounds 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from _procs import FixtureServer, crawl_command, run_measured  # noqa: E402
from _throughput_report import machine  # noqa: E402

SHOWN_MS = 0.02  # smaller components are summed into one row


def probe_crawl(server: FixtureServer, code: Path, concurrency: int) -> dict[str, Any]:
    """One instrumented full crawl with the crawler of ``code``; ms of CPU per article page."""
    with tempfile.TemporaryDirectory(prefix="bench-components-") as tmp:
        probe = Path(tmp) / "components.json"
        server.stats(reset=True)
        cmd = crawl_command(server.url, Path(tmp) / "out", concurrency=concurrency)
        cmd[1:3] = [str(BENCH / "_component_probe.py"), str(probe)]
        run = run_measured(cmd, cwd=code)
        if run.returncode != 0:
            raise SystemExit(f"probe crawl failed ({run.returncode}):\n{run.stderr[-3000:]}")
        data = json.loads(probe.read_text())
    pages = data["stats"].get("articles/written") or 1
    per_page = {name: 1000 * s / pages for name, s in data["totals_s"].items()}
    threads = {name: 1000 * s / pages for name, s in data["threads_cpu_s"].items()
               if name != "main"}
    return {"article_pages": pages, "responses": data["stats"].get("downloader/response_count"),
            "wall_s": round(run.seconds, 2),
            "main_process_cpu_ms": round(1000 * run.main_cpu / pages, 3),
            "workers_cpu_ms": round(1000 * run.workers_cpu / pages, 3),
            "main_thread_ms": round(1000 * data["main_thread_cpu_s"] / pages, 3),
            "other_threads_ms": {k: round(v, 3) for k, v in sorted(threads.items())},
            "components_ms": {k: round(v, 4) for k, v in sorted(per_page.items())},
            "calls_per_page": {k: round(v / pages, 2) for k, v in sorted(data["calls"].items())}}


def _median_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if len(runs) == 1:
        return runs[0]
    names = {k for r in runs for k in r["components_ms"]}
    merged = dict(runs[-1])
    merged["components_ms"] = {k: round(statistics.median(r["components_ms"].get(k, 0.0)
                                                          for r in runs), 4) for k in names}
    for key in ("main_process_cpu_ms", "workers_cpu_ms", "main_thread_ms"):
        merged[key] = round(statistics.median(r[key] for r in runs), 3)
    merged["rounds"] = len(runs)
    return merged


def print_table(columns: dict[str, dict[str, Any]]) -> None:
    """The components, largest first, one column per code base."""
    labels = list(columns)
    names = sorted({k for c in columns.values() for k in c["components_ms"]},
                   key=lambda k: -max(c["components_ms"].get(k, 0.0) for c in columns.values()))
    width = max(len(n) for n in names) + 2
    head = "".join(f"{label:>12}" for label in labels)
    print(f"{'ms of CPU per article page (main process)':<{width}}{head}")
    small = dict.fromkeys(labels, 0.0)
    for name in names:
        values = [columns[label]["components_ms"].get(name, 0.0) for label in labels]
        if max(values) < SHOWN_MS:
            for label, value in zip(labels, values, strict=True):
                small[label] += value
            continue
        print(f"{name:<{width}}" + "".join(f"{v:12.3f}" for v in values))
    small_label = f"(each under {SHOWN_MS:g} ms, together)"
    print(f"{small_label:<{width}}"
          + "".join(f"{small[label]:12.3f}" for label in labels))
    for key, title in (("main_thread_ms", "reactor thread, total"),
                       ("main_process_cpu_ms", "main process, all threads"),
                       ("workers_cpu_ms", "page workers")):
        print(f"{title:<{width}}" + "".join(f"{columns[label][key]:12.3f}" for label in labels))
    for label in labels:
        c = columns[label]
        print(f"{label}: {c['article_pages']} article pages, {c['responses']} responses, "
              f"other threads {c['other_threads_ms']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="article pages")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--before", type=Path, help="a checkout of older code, crawled too")
    parser.add_argument("--rounds", type=int, default=1, help="crawls of each code, alternating")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "components.json")
    args = parser.parse_args(argv)
    codes = {"this code": ROOT}
    if args.before:
        codes = {"before": args.before.resolve(), "this code": ROOT}
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in codes}
    with FixtureServer(args.articles // 2) as server:
        for _ in range(args.rounds):
            for label, code in codes.items():
                runs[label].append(probe_crawl(server, code, args.concurrency))
                print(f"{label}: main process {runs[label][-1]['main_process_cpu_ms']} ms, "
                      f"workers {runs[label][-1]['workers_cpu_ms']} ms per article page",
                      flush=True)
    columns = {label: _median_runs(r) for label, r in runs.items()}
    print_table(columns)
    result = {"benchmark": "components", "command": "bench/components.py " + " ".join(
        sys.argv[1:]), "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "unit": "ms of CPU per article page", "columns": columns}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
