"""Benchmark: throughput of a shared crawl with 1, 2 and 4 workers on one Redis.

The fixture site runs in its own process with latency injected into every response, a
``redis-server`` on loopback holds the shared queue, and N real ``crawler crawl --redis`` worker
processes crawl the same site to the end (full pipeline: fetch, WARC, extraction, JSON). Each
worker may keep ``--per-worker`` requests open at once; the crawl-wide per-host limit is set
high (``--shared-limit``), so the figure shows what more workers add when one worker's
concurrency and CPU are what hold it back. Pages are every response fetched (Scrapy's
``downloader/response_count`` summed over workers, from the crawl manifest); seconds run from
the crawl's first start to its last finish (manifest ``start_time``/``finish_time``), and the
wall clock with process start-up is printed too. Saves ``bench/results/distributed.json``.

    .venv/bin/python bench/distributed.py [--articles 200] [--latency 0.2] [--workers 0 1 2 4]

Worker count 0 is the same crawl by one process without Redis: the cost of sharing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "distributed.json"
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not listen on port {port}")


def run_crawl(n: int, args: argparse.Namespace, site_url: str, redis_url: str,
              work: Path) -> dict:
    out = work / f"out-{n}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    procs = []
    for i in range(max(n, 1)):
        shared = (["--redis", redis_url, "--worker-id", f"b{n}w{i}", "-s",
                   f"REDIS_KEY_PREFIX=bench{n}"] if n else ["-s", "STATE_ENABLED=false"])
        cmd = [PY, "-m", "crawler", "crawl", "vsedelo", "--url", site_url, "--out", str(out),
               *shared, "-s", "DOWNLOAD_DELAY=0",
               "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.per_worker}",
               "-s", f"SHARED_CONCURRENT_REQUESTS_PER_DOMAIN={args.shared_limit}",
               "-s", "EXTRACTION_WORKERS=1", "-s", "LOGSTATS_INTERVAL=0",
               "-s", "PROGRESS_MODE=off", "--log-level", "WARNING"]
        log = open(work / f"worker-{n}-{i}.log", "w")  # noqa: SIM115 - owned by the process
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log))
    codes = [p.wait() for p in procs]
    wall = time.monotonic() - started
    if any(codes):
        raise SystemExit(f"{n} workers: exit codes {codes}; logs in {work}")
    (manifest_path,) = out.glob("*/*/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    stats = manifest["stats"]
    start = dt.datetime.fromisoformat(stats["start_time"])
    finish = dt.datetime.fromisoformat(stats["finish_time"])
    seconds = (finish - start).total_seconds()
    pages = stats["downloader/response_count"]
    workers = manifest.get("distributed", {}).get("workers", {})
    return {"workers": n, "redis": bool(n), "pages": pages,
            "articles": stats.get("articles/written", 0),
            "crawl_seconds": round(seconds, 2), "wall_seconds": round(wall, 2),
            "pages_per_s": round(pages / seconds, 1),
            "per_worker_pages": {w: v.get("pages") for w, v in workers.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per language")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per response")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2, 4],
                        help="worker counts to run; 0 is one process without Redis")
    parser.add_argument("--per-worker", type=int, default=4,
                        help="requests one worker keeps open on the site")
    parser.add_argument("--shared-limit", type=int, default=64,
                        help="crawl-wide requests open on the site")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        work = Path(tmp)
        site_port, redis_port = free_port(), free_port()
        site = subprocess.Popen(
            [PY, "-m", "crawler", "site", "--port", str(site_port), "--articles",
             str(args.articles), "--latency", str(args.latency)], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL)
        try:
            wait_port(site_port, site, "fixture site")
            wait_port(redis_port, redis, "redis-server")
            rows = [run_crawl(n, args, f"http://127.0.0.1:{site_port}/",
                              f"redis://127.0.0.1:{redis_port}/0", work) for n in args.workers]
        finally:
            site.terminate()
            redis.terminate()
    one = next((r for r in rows if r["workers"] == 1), rows[0])["pages_per_s"]
    print(f"{args.articles * 2} articles, {args.latency * 1000:.0f} ms per response, "
          f"{args.per_worker} open requests per worker, {os.cpu_count()} CPU cores")
    print(f"{'workers':>13} {'pages':>6} {'crawl s':>8} {'wall s':>7} {'pages/s':>8} "
          f"{'x 1 worker':>10}")
    for row in rows:
        row["x_one_worker"] = round(row["pages_per_s"] / one, 2)
        label = f"{row['workers']}" if row["redis"] else "1, no Redis"
        print(f"{label:>13} {row['pages']:>6} {row['crawl_seconds']:>8} "
              f"{row['wall_seconds']:>7} {row['pages_per_s']:>8} {row['x_one_worker']:>10}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "params": vars(args), "runs": rows}, indent=2) + "\n")
    print(f"saved {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
