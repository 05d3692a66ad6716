"""Monitors, the stall watch and ops settings: pure functions, no crawl."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from crawler.errors import UsageError
from crawler.monitors.checks import (
    FAILED,
    PASSED,
    SKIPPED,
    MonitorResult,
    evaluate_monitors,
    failed_monitors,
    results_from_stats,
    summary_lines,
)
from crawler.monitors.stall import StallWatch
from crawler.ops import config
from tests.helpers.net import busy_port

HEALTHY = {
    "finish_reason": "finished",
    "downloader/response_count": 200,
    "downloader/response_status_count/200": 190,
    "downloader/response_status_count/404": 5,
    "downloader/response_status_count/500": 5,
    "articles/written": 60,
    "monitors/longest_article_gap_seconds": 12.5,
}


def _states(results: list[MonitorResult]) -> dict[str, str]:
    return {r.name: r.state for r in results}


def test_healthy_crawl_passes_everything_but_the_store_check():
    results = evaluate_monitors(HEALTHY, {})
    assert _states(results) == {"finished": PASSED, "min_articles": PASSED,
                                "max_error_rate": PASSED, "discovery_stall": PASSED,
                                "store_backlog": SKIPPED}
    assert all(r.ok for r in results)


@pytest.mark.parametrize("reason", ["shutdown", "site_given_up", "discovery_stall"])
def test_abnormal_finish_fails(reason):
    results = evaluate_monitors({**HEALTHY, "finish_reason": reason}, {})
    assert _states(results)["finished"] == FAILED


def test_nothing_fetched_fails_finished_and_skips_error_rate():
    stats = {"finish_reason": "finished"}
    states = _states(evaluate_monitors(stats, {}))
    assert states["finished"] == FAILED
    assert states["max_error_rate"] == SKIPPED


def test_min_articles():
    assert _states(evaluate_monitors(HEALTHY, {"MONITOR_MIN_ARTICLES": 61}))["min_articles"] \
        == FAILED
    assert _states(evaluate_monitors(HEALTHY, {"MONITOR_MIN_ARTICLES": 60}))["min_articles"] \
        == PASSED
    no_articles = {**HEALTHY, "articles/written": 0}
    assert _states(evaluate_monitors(no_articles, {}))["min_articles"] == FAILED  # default 1
    assert _states(evaluate_monitors(no_articles, {"MONITOR_MIN_ARTICLES": 0}))[
        "min_articles"] == SKIPPED
    assert _states(evaluate_monitors(no_articles, {"EXTRACTION_ENABLED": False}))[
        "min_articles"] == SKIPPED


def test_error_rate_counts_5xx_and_exceptions_but_not_ignored_requests():
    stats = {**HEALTHY, "downloader/exception_count": 40,
             "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 30,
             "downloader/exception_type_count/twisted.internet.error.TimeoutError": 10}
    (rate,) = [r for r in evaluate_monitors(stats, {}) if r.name == "max_error_rate"]
    assert rate.value == round(15 / 210, 4)  # 5 × 500 + 10 timeouts in 200 + 10 fetches
    assert rate.state == PASSED
    assert _states(evaluate_monitors(stats, {"MONITOR_MAX_ERROR_RATE": 0.05}))[
        "max_error_rate"] == FAILED


def test_stall_monitor():
    assert _states(evaluate_monitors(HEALTHY, {"MONITOR_STALL_SECONDS": 10}))[
        "discovery_stall"] == FAILED
    assert _states(evaluate_monitors(HEALTHY, {"MONITOR_STALL_SECONDS": 0}))[
        "discovery_stall"] == SKIPPED
    closed = {**HEALTHY, "finish_reason": "discovery_stall"}
    assert _states(evaluate_monitors(closed, {}))["discovery_stall"] == FAILED
    unmeasured = {k: v for k, v in HEALTHY.items() if not k.startswith("monitors/")}
    assert _states(evaluate_monitors(unmeasured, {}))["discovery_stall"] == SKIPPED


def test_store_backlog_and_final_recheck():
    assert _states(evaluate_monitors({**HEALTHY, "storage/pending_files": 0}, {}))[
        "store_backlog"] == PASSED
    stored = [r.to_dict() for r in evaluate_monitors(HEALTHY, {})]
    # pending files become known only after the results were stored: the re-check sees them
    final = {**HEALTHY, "monitors/results": stored, "storage/pending_files": 3}
    assert [r.name for r in failed_monitors(final)] == ["store_backlog"]
    assert failed_monitors({**HEALTHY, "monitors/results": stored}) == []
    assert failed_monitors({}) == []  # monitors off: nothing to fail on
    assert _states(results_from_stats(final))["min_articles"] == PASSED


def test_settings_object_and_strings_are_read():
    settings = Settings({"MONITOR_MIN_ARTICLES": "100", "MONITOR_STALL_SECONDS": "5.5"})
    states = _states(evaluate_monitors(HEALTHY, settings))
    assert states["min_articles"] == FAILED
    assert states["discovery_stall"] == FAILED


def test_summary_lines_name_the_failures():
    results = evaluate_monitors({**HEALTHY, "articles/written": 0}, {})
    lines = summary_lines(results)
    assert lines[0].split() == ["monitors:", "3", "passed,", "1", "failed,", "1", "skipped"]
    assert lines[1].strip().startswith("FAILED min_articles: 0 articles written")
    assert summary_lines([]) == []


def test_result_round_trip():
    r = MonitorResult("x", FAILED, "why", 3, 1)
    assert MonitorResult.from_dict(r.to_dict()) == r
    assert not r.ok


def test_stall_watch_trips_once_and_resets_on_articles():
    w = StallWatch(window=10, start=0)
    assert not w.response(5)
    w.article(6)
    assert not w.response(15)  # 9s since the article
    assert w.response(16.5)  # 10.5s: tripped
    assert not w.response(30)  # only once
    assert w.longest == 24
    off = StallWatch(window=0, start=0)
    assert not off.response(10_000)
    assert off.longest == 10_000


def test_stall_watch_rebased_on_the_crawls_last_article_withdraws_the_trip():
    """A worker of a distributed crawl found nothing for 12s, another wrote an article 3s ago:
    no stall; the next trip comes a window after that article."""
    w = StallWatch(window=10, start=0)
    assert not w.response(8)
    assert w.response(12)
    w.rebase(12, age=3)
    assert not w.tripped and w.longest == 8  # the longest stretch the crawl really had
    assert not w.response(18.5)  # 9.5s after the other worker's article
    assert w.response(19.5)  # 10.5s: tripped again
    assert not w.response(25)  # once
    assert w.longest == 16


@pytest.mark.parametrize("name, value, message", [
    ("MONITOR_MAX_ERROR_RATE", 1.5, "between 0 and 1"),
    ("MONITOR_MIN_ARTICLES", -1, "MONITOR_MIN_ARTICLES"),
    ("MONITOR_MIN_ARTICLES", "many", "bad ops setting"),
    ("MONITOR_STALL_SECONDS", -5, "MONITOR_STALL_SECONDS"),
    ("PROGRESS_MODE", "fancy", "PROGRESS_MODE"),
    ("PROGRESS_INTERVAL", 0, "PROGRESS_INTERVAL"),
    ("METRICS_PORT", 70000, "METRICS_PORT"),
    ("WEBHOOK_URL", "ftp://example.org/hook", "WEBHOOK_URL"),
])
def test_bad_settings_are_usage_errors(name, value, message):
    with pytest.raises(UsageError, match=message):
        config.validate({name: value})


def test_defaults_validate_and_busy_metrics_port_is_refused():
    config.validate({})
    config.validate(Settings())
    with (busy_port() as port,
          pytest.raises(UsageError, match=f"cannot serve metrics on 127.0.0.1:{port}")):
        config.validate({"METRICS_PORT": port})


def test_min_articles_skipped_for_an_incremental_run_with_nothing_new():
    from crawler.monitors.checks import FAILED, SKIPPED, check_min_articles

    settings = {"MONITOR_MIN_ARTICLES": 1}
    fresh = check_min_articles({"finish_reason": "finished"}, settings)
    incremental = check_min_articles({"finish_reason": "finished", "state/incremental": True},
                                     settings)
    assert fresh.state == FAILED
    assert incremental.state == SKIPPED
