"""Benchmark: main-process CPU per request of the scheduler's queue, Scrapy's pickling disk
queue against ``crawler.engine.queues.SpillingLifoQueue``, in one run (about 10 seconds).

Each round queues the same requests (a spider callback, crawl meta, three priorities) through
the project's ``SpoolScheduler``, taking one out for every two put in, then drains it: the
pattern of a crawl whose queue grows. Rounds alternate between the two queues, so the machine's
noise falls on both; the figure is the median over rounds.

    .venv/bin/python bench/request_queue.py [--requests 6000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(BENCH.parent), *(p for p in sys.path if p and Path(p).resolve() != BENCH),
               str(BENCH)]

import scrapy  # noqa: E402
from _throughput_report import machine  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from crawler.engine.queues import SpoolScheduler  # noqa: E402
from spiders.vsedelo import VsedeloSpider  # noqa: E402

QUEUES = {"pickle_disk": "scrapy.squeues.PickleLifoDiskQueue",
          "spilling": "crawler.engine.queues.SpillingLifoQueue"}


def one_round(queue: str, count: int) -> float:
    """CPU milliseconds per request to queue and dequeue ``count`` requests."""
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as out:
        return _one_round(queue, count, out)


def _one_round(queue: str, count: int, out: str) -> float:
    # the crawl context (an add-on, as in a crawl): the scheduler keeps its queue budget there
    crawler = get_crawler(VsedeloSpider, {
        "ADDONS": {"crawler.crawl.context.CrawlContext": 10}, "OUTPUT_URI": out,
        "STATE_ENABLED": False,
        "SCHEDULER_DISK_QUEUE": queue,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    spider = crawler._create_spider(url="http://127.0.0.1:8000/")
    crawler.spider = spider
    scheduler = SpoolScheduler.from_crawler(crawler)
    scheduler.open(spider)
    requests = [scrapy.Request(f"http://127.0.0.1:8000/news/economy/{i}-a.html",
                               callback=spider.parse_page, priority=i % 3,
                               meta={"depth": 3, "barren": 0, "article_link": True})
                for i in range(count)]
    started = time.process_time()
    for i, request in enumerate(requests):
        scheduler.enqueue_request(request)
        if i % 2:
            scheduler.next_request()
    while scheduler.next_request() is not None:
        pass
    spent = time.process_time() - started
    scheduler.close("finished")
    return 1000 * spent / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "queue.json")
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in QUEUES}
    for _ in range(args.rounds):
        for name, path in QUEUES.items():
            times[name].append(one_round(path, args.requests))
    medians = {name: round(statistics.median(t), 4) for name, t in times.items()}
    result = {"benchmark": "queue", "command": "bench/request_queue.py " + " ".join(sys.argv[1:]),
              "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": machine(), "requests": args.requests,
              "ms_per_request": {n: [round(x, 4) for x in t] for n, t in times.items()},
              "median_ms_per_request": medians,
              "spilling_over_pickle_disk": round(medians["spilling"] / medians["pickle_disk"], 3)}
    for name, value in medians.items():
        print(f"{name:12s} {value:.3f} ms of CPU per request (median of {args.rounds})")
    print(f"spilling / pickle_disk: {result['spilling_over_pickle_disk']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
