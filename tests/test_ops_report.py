"""Report parts without a crawl: bounded observations, charts, rendering, payloads, progress."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import deque

import lxml.html
import pytest

from crawler.ops.progress import format_event, format_line, sample
from crawler.ops.webhook import manifest_location, safe_url, webhook_payload
from crawler.report.articles import count_records, per_period
from crawler.report.bounded import OTHER, BoundedCounter, FirstN, Histogram, TimeSeries, TopN
from crawler.report.collector import drop_reason
from crawler.report.document import build_report, load_report
from crawler.report.observations import CrawlObservations, Limits
from crawler.report.render import render_report
from crawler.report.svg import Series, bar_chart, nice_max

STATS = {
    "finish_reason": "finished",
    "start_time": dt.datetime(2025, 11, 23, 10, 0, tzinfo=dt.UTC),
    "finish_time": dt.datetime(2025, 11, 23, 10, 5, tzinfo=dt.UTC),
    "elapsed_time_seconds": 300.0,
    "downloader/response_count": 4,
    "downloader/response_status_count/200": 3,
    "downloader/response_status_count/500": 1,
    "downloader/response_bytes": 5000,
    "articles/written": 2,
    "extraction/skipped/not_article": 7,
}


def _observations() -> CrawlObservations:
    obs = CrawlObservations()
    obs.response(0.5, "https://example.org/", 200, "text/html; charset=utf-8", 1000, 0.2)
    obs.response(1.5, "https://example.org/a.html", 200, "text/html", 3000, 2.7)
    obs.response(2.0, "https://example.org/<script>alert(1)</script>", 500, "text/html", 10, 0.1)
    obs.exception(3.0, "https://example.org/t", "TimeoutError: took too long")
    obs.article(1.6, {"published": "2025-11-20T08:00:00+02:00", "language": "uk"})
    obs.article(1.7, {"published": "2025-11-23T08:00:00+02:00", "language": "ru"})
    obs.article(1.8, {"published": None, "language": None})
    obs.dropped(2.5, "https://example.org/list", "listing", "not an extractable article (listing)")
    obs.spider_error(2.6, "https://example.org/x", "ValueError: bad")
    return obs


def _report() -> dict:
    files = [{"kind": "warc", "size": 4000}, {"kind": "articles", "size": 300}]
    monitors = [{"name": "min_articles", "state": "failed", "detail": "2 < 5", "value": 2,
                 "threshold": 5}]
    return build_report(crawl={"crawl_id": "c1", "spider": "news", "output": "out",
                               "start_url": "https://example.org/"},
                        stats={**STATS, "monitors/results": monitors},
                        observations=_observations().to_dict(), files=files,
                        generated_at="2025-11-23T10:05:01+00:00")


def test_time_series_stays_bounded_and_keeps_totals():
    ts = TimeSeries(width=1.0, max_buckets=8)
    for t in range(1000):
        ts.add(t + 0.5, "2xx")
    assert len(ts.buckets) <= 8
    assert sum(b["2xx"] for b in ts.buckets) == 1000
    assert ts.width == 128


def test_bounded_helpers():
    top = TopN(3)
    for i, v in enumerate([5, 1, 9, 7, 3, 9]):
        top.add(v, {"i": i})
    assert [e["i"] for e in top.to_list()] == [2, 5, 3]
    first = FirstN(2)
    for i in range(5):
        first.add({"i": i})
    assert first.to_dict() == {"total": 5, "entries": [{"i": 0}, {"i": 1}]}
    counter = BoundedCounter(2)
    for key in "aabcd":
        counter.add(key)
    assert counter.to_dict() == {"a": 2, OTHER: 2, "b": 1}
    hist = Histogram()
    for v in (0.01, 0.02, 0.3, 12.0):
        hist.add(v)
    assert hist.quantile(0.5) == 0.05 and hist.quantile(1.0) == 12.0


def test_observations_memory_does_not_grow_with_the_crawl():
    obs = CrawlObservations(Limits(slowest=5, failures=7, content_types=4))
    for i in range(50_000):
        obs.response(i * 0.01, f"https://example.org/{i}", 404 if i % 3 else 200,
                     f"type/{i % 10}", 100, (i % 97) / 10)
    d = obs.to_dict()
    assert d["responses"] == 50_000
    assert len(d["slowest"]) == 5 and {e["latency"] for e in d["slowest"]} == {9.6}
    assert len(d["failures"]["entries"]) == 7 and d["failures"]["total"] == 33_333
    assert len(d["content_types"]) == 4 + 1  # the rest under "(other)"
    assert len(d["timeline"]["buckets"]) <= 120
    assert len(json.dumps(d)) < 20_000


def test_per_period_fills_gaps_and_coarsens_long_spans():
    unit, bars = per_period({"2025-01-01": 2, "2025-01-04": 1})
    assert unit == "day" and bars == [("2025-01-01", 2), ("2025-01-02", 0),
                                      ("2025-01-03", 0), ("2025-01-04", 1)]
    unit, bars = per_period({"2020-01-15": 2, "2025-06-04": 1, "junk": 9})
    assert unit == "month" and len(bars) == 66 and sum(n for _, n in bars) == 3
    assert per_period({}) == ("day", [])


def test_count_records():
    counted = count_records([{"published": "2025-11-20T08:00:00+02:00", "language": "uk"},
                             {"published": "", "language": "ru"}, {"language": "uk"}])
    assert counted["articles_per_day"] == {"2025-11-20": 1}
    assert counted["articles_per_language"] == {"uk": 2, "ru": 1}
    assert counted["articles_undated"] == 2


def test_drop_reason_groups_messages():
    url = "https://example.org/a.html"
    assert drop_reason(f"not an extractable article (listing): {url}", url) == "listing"
    assert drop_reason(f"already written for this crawl: {url}", url) == \
        "already written for this crawl"
    assert drop_reason(f"published 2020-01-01T00:00:00+00:00, before --since: {url}", url) == \
        "published …, before --since"


def test_svg_chart():
    assert nice_max(41) == 60 and nice_max(0) == 4 and nice_max(1000) == 1000
    svg = bar_chart(["a", "b<"], [Series("x", "#000", [1, 2]), Series("y", "#111", [3, 0])],
                    title="T & T")
    tree = lxml.html.fromstring(svg)
    assert len(tree.findall(".//rect")) == 3 + 2  # bars with a value, plus two legend swatches
    assert "T &amp; T" in svg and "b&lt;" in svg


def test_report_document_and_html():
    report = _report()
    assert report["totals"]["bytes_archived"] == 4000
    assert report["totals"]["errors"] == 1
    assert report["extraction_skipped"] == {"not_article": 7}
    json.dumps(report)  # JSON-ready, datetimes included
    page = render_report(report)
    assert page == render_report(json.loads(json.dumps(report)))  # deterministic, from JSON
    doc = lxml.html.fromstring(page)
    assert not doc.xpath("//script") and not doc.xpath("//*[@src]") and not doc.xpath(
        "//link[@rel='stylesheet']")  # self-contained
    assert len(doc.xpath("//svg")) >= 3
    cell = doc.xpath("//table[@class='statuses']//td/text()")
    assert cell == ["200", "3", "500", "1"]
    assert doc.xpath("//table[@class='languages']//td/text()") == ["uk", "1", "ru", "1",
                                                                   "unknown", "1"]
    assert "failed" in doc.xpath("string(//section[@id='monitors'])")
    failures = doc.xpath("string(//table[@class='failures'])")
    assert "<script>alert(1)</script>" in failures  # shown as text, not markup
    assert "TimeoutError" in failures
    assert "listing" in doc.xpath("string(//table[@class='dropped'])")


def test_load_report_falls_back_to_manifest_and_records(tmp_path):
    (tmp_path / "articles").mkdir()
    with gzip.open(tmp_path / "articles" / "a-00001.jsonl.gz", "wt") as f:
        for lang in ("uk", "ru", "uk"):
            f.write(json.dumps({"published": "2025-11-21T10:00:00+02:00", "language": lang}) + "\n")
    manifest = {"crawl_id": "c2", "spider": "news", "output": "out", "written_at": "x",
                "spider_args": {"start_url": "https://example.org/"},
                "files": [{"path": "w", "kind": "warc", "size": 10}],
                "stats": {**{k: v for k, v in STATS.items() if "time" not in k},
                          "articles/written": 3}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    report = load_report(tmp_path)
    assert report["observations"]["articles_per_language"] == {"uk": 2, "ru": 1}
    assert "Crawl report c2" in render_report(report)


def test_webhook_payload_and_locations():
    from crawler.monitors.checks import MonitorResult

    ok = webhook_payload(crawl={"crawl_id": "c", "spider": "s", "output": "out"}, stats=STATS,
                         monitors=[MonitorResult("finished", "passed", "")],
                         manifest="/m.json", report=None)
    assert ok["event"] == "crawl_completed" and ok["totals"]["pages"] == 4
    bad = webhook_payload(crawl={}, stats=STATS, monitors=[MonitorResult("x", "failed", "")],
                          manifest="/m.json", report=None)
    assert bad["event"] == "crawl_failed" and bad["monitors_failed"] == ["x"]
    assert manifest_location("s3://b/p/", "news", "c1", "/tmp/m") == \
        "s3://b/p/news/c1/manifest.json"
    assert safe_url("https://user:pw@hooks.example.org:8443/T0/secret?x=1") == \
        "https://hooks.example.org:8443/…"


def test_progress_sample_line_and_event():
    history: deque = deque([(0.0, 0, 0)], maxlen=10)
    s = sample(STATS, elapsed=2.0, queue=17, inflight=3, history=history)
    assert s["pages_per_s"] == 2.0 and s["articles_per_min"] == 60.0 and s["errors"] == 1
    line = format_line(s)
    assert "pages 4 (2.0/s)" in line and "queue 17" in line and "\n" not in line
    assert len(format_line(s, width=30)) <= 29
    event = json.loads(format_event("progress", s))
    assert event["event"] == "progress" and event["queue"] == 17


@pytest.mark.parametrize("stats", [{}, STATS])
def test_metric_families_render(stats):
    from prometheus_client import CollectorRegistry, generate_latest

    from crawler.ops.metrics import metric_families

    class One:
        def collect(self):
            yield from metric_families({"up": 1, "stats": stats, "queue": 5, "inflight": 2,
                                        "crawl_id": "c", "spider": "s", "site": "x.org"})

    registry = CollectorRegistry(auto_describe=False)
    registry.register(One())
    text = generate_latest(registry).decode()
    assert 'crawler_info{crawl_id="c",site="x.org",spider="s"} 1.0' in text
    assert "crawler_queue_size 5.0" in text
    assert f"crawler_pages_total {float(stats.get('downloader/response_count', 0))}" in text
