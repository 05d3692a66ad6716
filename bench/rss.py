"""Benchmark (5) alone: peak RSS of the crawler's main process, small vs large full crawl.

The same crawls as ``bench/throughput.py``'s part (5) (``throughput.crawl`` against
``bench/_fixture_server.py``, not pre-rendered), without parts (1)-(4) and (6): about 6 minutes.

    .venv/bin/python bench/rss.py [--small 2000] [--large 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(BENCH.parent), *(p for p in sys.path if p and Path(p).resolve() != BENCH),
               str(BENCH)]

from _procs import FixtureServer  # noqa: E402
from _throughput_report import machine  # noqa: E402
from throughput import crawl  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000, help="article pages")
    parser.add_argument("--large", type=int, default=20000, help="article pages")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "rss.json")
    args = parser.parse_args(argv)
    result: dict = {"benchmark": "rss", "command": "bench/rss.py " + " ".join(sys.argv[1:]),
                    "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "machine": machine()}
    for label, pages in (("small", args.small), ("large", args.large)):
        with FixtureServer(pages // 2, prewarm=False) as server:
            result[label] = crawl(server, f"rss-{label}", "-s",
                                  f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}")
        print(f"(5) RSS {pages} pages: {result[label]}", flush=True)
    small, large = result["small"]["main_peak_rss_mb"], result["large"]["main_peak_rss_mb"]
    result["summary"] = {"rss_ratio": round(large / small, 3), "rss_large_mb": large}
    print(f"(5) peak RSS {small} vs {large} MB: ratio {result['summary']['rss_ratio']} "
          "(goal <= 1.3, < 600 MB)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
