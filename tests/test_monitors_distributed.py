"""Monitors of a distributed crawl's workers: pure functions, no crawl, no Redis."""

from __future__ import annotations

from crawler.commands.run import CrawlResult, crawl_exit_code
from crawler.distributed.crawl_manifest import merge_stats
from crawler.monitors.checks import (
    FAILED,
    PASSED,
    SKIPPED,
    check_crawl_error_rate,
    check_crawl_min_articles,
    check_finished,
    evaluate_monitors,
)
from crawler.monitors.counts import PEER_PAGES_STAT

IDLE_WORKER = {"finish_reason": "finished", "articles/written": 0}


def test_worker_that_fetched_nothing_passes_when_its_peers_fetched():
    result = check_finished({**IDLE_WORKER, PEER_PAGES_STAT: 42})
    assert result.state == PASSED
    assert result.detail == ("finished; this worker fetched nothing, the crawl's other workers "
                             "fetched 42 responses")


def test_worker_that_fetched_nothing_fails_when_nobody_fetched():
    result = check_finished({**IDLE_WORKER, PEER_PAGES_STAT: 0})
    assert result.state == FAILED
    assert result.detail == "nothing was fetched, by this worker or any other worker of the crawl"
    assert check_finished(IDLE_WORKER).detail == "nothing was fetched"  # not a shared crawl


def test_peers_do_not_excuse_an_abnormal_end():
    result = check_finished({**IDLE_WORKER, "finish_reason": "shutdown", PEER_PAGES_STAT: 42})
    assert result.state == FAILED and "shutdown" in result.detail


def test_exit_code_of_an_idle_worker_follows_the_crawl():
    def code(stats):
        results = evaluate_monitors(stats, {"MONITOR_MIN_ARTICLES": 0})
        stats = {**stats, "monitors/results": [r.to_dict() for r in results]}
        return crawl_exit_code(CrawlResult(stats=stats, finish_reason=stats["finish_reason"]))

    assert code({**IDLE_WORKER, PEER_PAGES_STAT: 42}) == 0
    assert code({**IDLE_WORKER, PEER_PAGES_STAT: 0}) == 1
    assert code(IDLE_WORKER) == 1
    # monitors off: the exit code still knows the crawl fetched something
    assert crawl_exit_code(CrawlResult(stats={**IDLE_WORKER, PEER_PAGES_STAT: 3},
                                       finish_reason="finished")) == 0


def test_crawl_min_articles_judges_the_merged_stats():
    merged = merge_stats({"a": {"articles/written": 4}, "b": {"articles/written": 0}})
    ok = check_crawl_min_articles(merged, 4)
    assert (ok.name, ok.state, ok.value, ok.threshold) == ("crawl_min_articles", PASSED, 4, 4)
    assert ok.detail == "the crawl's workers together: 4 articles written, at least 4 expected"
    short = check_crawl_min_articles(merged, 5)
    assert short.state == FAILED
    assert short.detail == "the crawl's workers together: 4 articles written, at least 5 expected"
    assert check_crawl_min_articles({}, 1).state == FAILED
    assert check_crawl_min_articles({}, 0).state == SKIPPED
    assert check_crawl_min_articles({}, 1, extraction=False).state == SKIPPED


def test_peer_count_is_a_worker_view_and_not_summed_into_the_crawl():
    merged = merge_stats({"a": {"downloader/response_count": 5, PEER_PAGES_STAT: 0},
                          "b": {PEER_PAGES_STAT: 5}})
    assert merged == {"downloader/response_count": 5}


def test_crawl_error_rate_judges_the_merged_stats():
    # one worker's single 503 in 8 fetches is 12.5 %; the crawl's 1 in 40 is 2.5 %
    merged = merge_stats({"a": {"downloader/response_count": 8,
                                "downloader/response_status_count/503": 1},
                          "b": {"downloader/response_count": 32}})
    ok = check_crawl_error_rate(merged, 0.1)
    assert (ok.name, ok.state, ok.value) == ("crawl_max_error_rate", PASSED, 0.025)
    assert ok.detail == ("the crawl's workers together: 1 errors in 40 fetches (2.5%, at most "
                         "10.0% allowed)")
    assert check_crawl_error_rate(merged, 0.02).state == FAILED
    assert check_crawl_error_rate({}, 0.1).state == SKIPPED


def test_error_rate_limit_of_one_is_off():
    stats = {"finish_reason": "finished", "downloader/response_count": 2,
             "downloader/response_status_count/503": 2}
    (rate,) = [r for r in evaluate_monitors(stats, {"MONITOR_MAX_ERROR_RATE": 1.0})
               if r.name == "max_error_rate"]
    assert (rate.state, rate.detail, rate.value) == (SKIPPED, "MONITOR_MAX_ERROR_RATE is 1 (off)",
                                                     1.0)
