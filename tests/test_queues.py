"""The scheduler's disk spool: requests wait in a temporary folder that goes with the crawl."""

from pathlib import Path

import scrapy
from scrapy.utils.test import get_crawler

from crawler.queues import SpoolScheduler


class _Spider(scrapy.Spider):
    name = "spool"

    def parse(self, response):
        yield from ()


def test_spooled_requests_come_back_and_the_spool_goes(tmp_path):
    settings = {"SCHEDULER_SPOOL_DIR": str(tmp_path),
                "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"}
    crawler = get_crawler(_Spider, settings)
    crawler.spider = spider = _Spider()
    scheduler = SpoolScheduler.from_crawler(crawler)
    scheduler.open(spider)
    urls = [f"http://example.com/{i}" for i in range(5)]
    for url in urls:
        assert scheduler.enqueue_request(scrapy.Request(url, callback=spider.parse))
    assert crawler.stats.get_value("scheduler/enqueued/disk") == 5
    spool = [p for p in Path(tmp_path).iterdir() if p.name.startswith("crawler-queue-")]
    assert len(spool) == 1
    got = {scheduler.next_request().url for _ in urls}
    assert got == set(urls)
    scheduler.close("finished")
    assert not spool[0].exists()


def test_spool_off_keeps_requests_in_memory(tmp_path):
    crawler = get_crawler(_Spider, {"SCHEDULER_SPOOL": False,
                                    "SCHEDULER_SPOOL_DIR": str(tmp_path)})
    scheduler = SpoolScheduler.from_crawler(crawler)
    assert scheduler.dqdir is None
    assert not list(Path(tmp_path).iterdir())
