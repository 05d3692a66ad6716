"""Ops end to end: a real crawl through the CLI writes its report, summary and progress events;
the report opens in headless Chromium; ``crawler report`` re-renders it; monitors set the exit
code."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess

import lxml.html
import pytest

from tests.helpers.chromium import CHROMIUM, open_file
from tests.helpers.cli import FAST, run_cli, start_cli
from tests.helpers.crawls import crawl_dir, read_manifest, read_records


def _events(stderr: str) -> list[dict]:
    return [e for line in stderr.splitlines() if (e := json.loads(line))["event"] != "log"]


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory):
    """One demo-sized crawl of the fixture site (15 articles per language) for the module."""
    tmp = tmp_path_factory.mktemp("ops-demo")
    result = run_cli("demo", "--articles", "15", "--out", str(tmp / "out"),
                     "-s", "PROGRESS_INTERVAL=0.5", "--log-format", "json", cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result, crawl_dir(tmp / "out")


def test_report_written_before_the_manifest_and_listed_in_it(demo_crawl):
    result, crawl = demo_crawl
    manifest = read_manifest(crawl)
    listed = {f["path"]: f for f in manifest["files"]}
    for name in ("report.json", "report.html"):
        assert listed[name]["kind"] == "report"
        assert listed[name]["sha256"] == hashlib.sha256((crawl / name).read_bytes()).hexdigest()
    stats = manifest["stats"]
    assert stats["monitors/failed"] == []
    assert {m["name"] for m in stats["monitors/results"]} >= {"min_articles", "max_error_rate",
                                                              "discovery_stall", "store_backlog"}
    summary = json.loads(result.stdout.splitlines()[-1])["lines"]
    assert "  monitors:         4 passed, 0 failed, 1 skipped" in summary
    assert f"  report:           {crawl / 'report.html'}" in summary


def test_report_numbers_match_the_crawl(demo_crawl):
    _, crawl = demo_crawl
    report = json.loads((crawl / "report.json").read_text())
    stats = read_manifest(crawl)["stats"]
    obs = report["observations"]
    # every exchange with the server was observed, as the downloader stats count them
    assert obs["responses"] == stats["downloader/response_count"] == report["totals"]["pages"]
    assert report["statuses"]["500"] == stats["downloader/response_status_count/500"]
    records = read_records(crawl)
    assert obs["articles"] == len(records) == 30
    assert obs["articles_per_language"] == {"uk": 15, "ru": 15}
    dated = sum(1 for r in records if r.get("published"))
    assert sum(obs["articles_per_day"].values()) == dated
    assert sum(obs["content_types"].values()) == obs["responses"]
    assert obs["content_types"]["text/html"] > 30
    failing = {e["url"].rsplit("/", 1)[-1]: e["reason"] for e in obs["failures"]["entries"]}
    assert failing["broken.html"] == "HTTP 500"  # the fixture's broken page, retried
    assert failing["busy.html"] == "HTTP 503"  # its one-time 503
    slowest = [e["url"].rsplit("/", 2)[-2:] for e in obs["slowest"]]
    assert ["special", "slow.html"] in slowest  # the fixture's 2-second page
    warc_bytes = sum(p.stat().st_size for p in (crawl / "warc").glob("*.warc.gz"))
    assert report["totals"]["bytes_archived"] == warc_bytes


def test_progress_events_are_json_lines(demo_crawl):
    result, crawl = demo_crawl
    events = _events(result.stderr)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "crawl_started" and kinds[-1] == "crawl_finished"
    assert set(kinds[1:-1]) <= {"progress"}
    last = events[-1]
    assert last["finish_reason"] == "finished" and last["articles"] == 30
    assert last["report"] == str(crawl / "report.html")
    assert last["manifest"] == str(crawl / "manifest.json")
    for e in events[1:]:
        assert {"pages", "articles", "queue", "errors", "pages_per_s"} <= set(e)


@pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (apt-get install chromium)")
def test_report_opens_in_headless_chromium(demo_crawl, tmp_path):
    _, crawl = demo_crawl
    page = crawl / "report.html"
    result = open_file(page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "Not allowed to load" in line]
    assert not console, console
    dom = lxml.html.fromstring(result.stdout)
    for cls in ("statuses", "content-types", "languages", "slowest", "failures"):
        assert dom.xpath(f"//table[@class='{cls}']//tbody/tr/td"), cls
    titles = [t.get("aria-label") for t in dom.xpath("//svg")]
    assert "Articles per day of publication" in titles
    assert any(t.startswith("Responses by status") for t in titles)
    assert dom.xpath("//svg//rect")
    shot = tmp_path / "report.png"
    result = open_file(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400")
    assert result.returncode == 0 and shot.stat().st_size > 10_000


def test_report_command_re_renders_the_same_page(demo_crawl, tmp_path):
    _, crawl = demo_crawl
    copy = tmp_path / "crawl"
    shutil.copytree(crawl, copy)
    (copy / "report.html").unlink()
    result = run_cli("report", str(copy))
    assert result.returncode == 0, result.stderr
    assert (copy / "report.html").read_bytes() == (crawl / "report.html").read_bytes()
    assert "monitors:         4 passed, 0 failed, 1 skipped" in result.stdout
    # a crawl without report.json (an older crawl): rebuilt from the manifest and the records
    (copy / "report.json").unlink()
    result = run_cli("report", str(copy), "--out", str(tmp_path / "again.html"))
    assert result.returncode == 0, result.stderr
    doc = lxml.html.fromstring((tmp_path / "again.html").read_text())
    assert doc.xpath("//table[@class='languages']//td/text()")[1::2] == ["15", "15"]
    missing = run_cli("report", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "not a crawl folder" in missing.stderr


def test_failed_monitor_exits_1_and_is_reported(small_site, tmp_path):
    _, server = small_site
    result = run_cli("crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path), *FAST,
                     "--max-items", "3", "-s", "MONITOR_MIN_ARTICLES=1000")
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert re.search(r"FAILED min_articles: \d+ articles written, at least 1000 expected",
                     result.stdout)
    crawl = crawl_dir(tmp_path)
    stats = read_manifest(crawl)["stats"]
    assert stats["monitors/failed"] == ["min_articles"]
    doc = lxml.html.fromstring((crawl / "report.html").read_text())
    row = doc.xpath("//section[@id='monitors']//tr[td[1]='min_articles']")[0]
    assert row.xpath("string(td[2])") == "failed"


def test_bad_ops_setting_exits_2(tmp_path):
    result = run_cli("crawl", "news", "--url", "http://127.0.0.1:9/", "--out", str(tmp_path),
                     "-s", "MONITOR_MAX_ERROR_RATE=1.5", cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "MONITOR_MAX_ERROR_RATE must be between 0 and 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_interactive_run_shows_one_status_line(tmp_path):
    """stderr on a terminal: a status line redrawn in place, no JSON events."""
    import os
    import pty
    import threading

    master, slave = pty.openpty()
    proc = start_cli("demo", "--articles", "5", "--latency", "0.05",
                     "--out", str(tmp_path / "out"), cwd=tmp_path,
                     stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    stdout, _ = proc.communicate(timeout=240)
    reader.join(timeout=10)
    os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, stdout + terminal[-3000:]
    assert '{"event"' not in terminal
    final = [line for line in terminal.replace("\r\n", "\n").split("\n") if "articles 10 " in line]
    assert final, terminal[-2000:]
    assert re.search(r"\[\d+:\d\d\] pages \d+ \([\d.]+/s\) · articles 10 ", final[-1])
