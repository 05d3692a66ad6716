"""The scheduler's queue: newest requests in memory, older ones spilled to a spool that goes."""

import logging
import random
from pathlib import Path

import scrapy
from scrapy.utils.misc import build_from_crawler

from crawler.engine.queues import SpillingLifoQueue, SpoolScheduler
from tests.helpers.context import context_crawler


class _Spider(scrapy.Spider):
    name = "spool"

    def parse(self, response):
        yield from ()


def _crawler(tmp_path, budget, **settings):
    """A crawler with a spider, the project's queue class and a memory budget."""
    crawler = context_crawler(tmp_path / "out", _Spider, **{
        "SCHEDULER_SPOOL_DIR": str(tmp_path),
        "SCHEDULER_DISK_QUEUE": "crawler.engine.queues.SpillingLifoQueue",
        "SCHEDULER_MEMORY_REQUESTS": budget,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
        **settings})
    crawler.spider = _Spider()
    return crawler


def _scheduler(crawler):
    scheduler = SpoolScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def test_spooled_requests_come_back_and_the_spool_goes(tmp_path):
    crawler = _crawler(tmp_path, 2)
    scheduler = _scheduler(crawler)
    urls = [f"http://example.com/{i}" for i in range(5)]
    for url in urls:
        assert scheduler.enqueue_request(scrapy.Request(url, callback=crawler.spider.parse))
    assert crawler.stats.get_value("scheduler/enqueued/disk") == 5
    assert crawler.stats.get_value("scheduler/spilled") == 3
    spool = [p for p in Path(tmp_path).iterdir() if p.name.startswith("crawler-spool-")]
    assert len(spool) == 1
    assert [p for p in spool[0].rglob("*") if p.is_file()]  # spilled requests are on disk
    got = {scheduler.next_request().url for _ in urls}
    assert got == set(urls)
    scheduler.close("finished")
    assert not spool[0].exists()


def test_spool_off_keeps_requests_in_memory(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    crawler = context_crawler(tmp_path / "out", _Spider, SCHEDULER_SPOOL=False,
                              SCHEDULER_SPOOL_DIR=str(spool))
    scheduler = SpoolScheduler.from_crawler(crawler)
    assert scheduler.dqdir is None
    assert not list(spool.iterdir())


def test_spilling_keeps_exact_lifo_order_and_the_request(tmp_path):
    crawler = _crawler(tmp_path, 5)
    spider = crawler.spider
    scheduler = _scheduler(crawler)
    rng = random.Random(7)
    model: list[scrapy.Request] = []
    popped = 0
    for i in range(120):
        request = scrapy.Request(f"http://example.com/{i}", callback=spider.parse,
                                 meta={"i": i, "tag": [i, "x"]}, priority=3)
        assert scheduler.enqueue_request(request)
        model.append(request)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            if model:
                expected, got = model.pop(), scheduler.next_request()
                assert got.url == expected.url
                popped += 1
    assert crawler.stats.get_value("scheduler/spilled") > 0
    while model:
        expected, got = model.pop(), scheduler.next_request()
        assert got.url == expected.url
        assert got.callback == spider.parse
        assert got.meta == expected.meta
        assert got.priority == 3
    assert popped > 10 and scheduler.next_request() is None and len(scheduler) == 0
    scheduler.close("finished")


def test_the_budget_is_shared_by_all_queues_of_a_crawler(tmp_path):
    crawler = _crawler(tmp_path, 4, SCHEDULER_PRIORITY_QUEUE=(
        "scrapy.pqueues.DownloaderAwarePriorityQueue"),
        DOWNLOAD_HANDLERS={"http": None, "https": None})
    crawler.engine = crawler._create_engine()  # the priority queue asks its downloader
    scheduler = _scheduler(crawler)

    def queues():
        return [q for pq in scheduler.dqs.pqueues.values() for q in pq.queues.values()]

    urls = set()
    for i in range(40):
        url = f"http://host{i % 2}.example/{i}"
        urls.add(url)
        scheduler.enqueue_request(scrapy.Request(url, priority=i % 3))
        assert sum(q.in_memory for q in queues()) <= 4
        assert len(scheduler) == len(urls)
    assert len(queues()) == 6 and all(isinstance(q, SpillingLifoQueue) for q in queues())
    assert crawler.stats.get_value("scheduler/spilled") >= 36
    got = {scheduler.next_request().url for _ in urls}
    assert got == urls and len(scheduler) == 0
    scheduler.close("finished")


def test_an_unpicklable_request_stays_in_memory(tmp_path, caplog):
    crawler = _crawler(tmp_path, 1)
    queue = build_from_crawler(SpillingLifoQueue, crawler, str(tmp_path / "q" / "0"))
    first = scrapy.Request("http://example.com/a", meta={"f": lambda: 1})
    second = scrapy.Request("http://example.com/b", meta={"f": lambda: 2})
    with caplog.at_level(logging.DEBUG, logger="crawler.engine.queues"):
        for request in (first, second, scrapy.Request("http://example.com/c"),
                        scrapy.Request("http://example.com/d")):
            queue.push(request)
    assert len(queue) == 4 and queue.in_memory == 1
    assert crawler.stats.get_value("scheduler/unserializable") == 2
    assert len([r for r in caplog.records if "unserialisable" in r.getMessage()]) == 1
    got = [queue.pop() for _ in range(4)]
    assert [r.url[-1] for r in got] == ["d", "b", "a", "c"]  # unpicklable ones come before disk
    assert got[1] is second and got[2] is first
    assert queue.pop() is None
    queue.close()


def test_closing_writes_memory_requests_to_disk_for_a_resume(tmp_path):
    jobdir = str(tmp_path / "job")
    crawler = _crawler(tmp_path, 50, JOBDIR=jobdir)
    scheduler = _scheduler(crawler)
    urls = [f"http://example.com/{i}" for i in range(8)]
    for url in urls:
        scheduler.enqueue_request(scrapy.Request(url, callback=crawler.spider.parse))
    assert crawler.stats.get_value("scheduler/spilled") is None  # all in memory
    scheduler.close("shutdown")

    crawler = _crawler(tmp_path, 50, JOBDIR=jobdir)
    scheduler = _scheduler(crawler)
    assert len(scheduler) == len(urls)
    got = [scheduler.next_request() for _ in urls]
    assert [r.url for r in got] == urls[::-1]
    assert all(r.callback == crawler.spider.parse for r in got)
    scheduler.close("finished")


def test_close_releases_the_budget(tmp_path):
    crawler = _crawler(tmp_path, 3)
    first = SpillingLifoQueue.from_crawler(crawler, str(tmp_path / "q" / "0"))
    for i in range(3):
        first.push(scrapy.Request(f"http://example.com/{i}"))
    first.close()
    assert crawler.stats.get_value("scheduler/spilled") == 3  # written out on close
    second = SpillingLifoQueue.from_crawler(crawler, str(tmp_path / "q" / "1"))
    for i in range(3):
        second.push(scrapy.Request(f"http://example.com/{i}"))
    assert second.in_memory == 3 and crawler.stats.get_value("scheduler/spilled") == 3
    reopened = SpillingLifoQueue.from_crawler(crawler, str(tmp_path / "q" / "0"))
    assert [reopened.pop().url[-1] for _ in range(3)] == ["2", "1", "0"]
    reopened.close()
    second.close()


def test_no_spill_file_while_within_budget(tmp_path):
    crawler = _crawler(tmp_path, 10)
    scheduler = _scheduler(crawler)
    for i in range(10):
        scheduler.enqueue_request(scrapy.Request(f"http://example.com/{i}"))
    assert not [p for p in Path(scheduler.dqdir).rglob("*") if p.is_file()]
    for _ in range(10):
        assert scheduler.next_request() is not None
    assert crawler.stats.get_value("scheduler/spilled") is None
    scheduler.close("finished")


def test_a_spool_that_goes_with_the_crawl_is_not_written_on_close(tmp_path):
    """The temporary spool is deleted as the scheduler closes: queued requests are not pickled
    into it first (a crawl stopped by --max-items may hold thousands)."""
    crawler = _crawler(tmp_path, 100)
    scheduler = _scheduler(crawler)
    for i in range(50):
        scheduler.enqueue_request(scrapy.Request(f"http://example.com/{i}",
                                                 callback=crawler.spider.parse))
    scheduler.close("closespider_itemcount")
    assert not crawler.stats.get_value("scheduler/spilled")
    assert not [p for p in Path(tmp_path).iterdir() if p.name.startswith("crawler-spool-")]
