"""A crawl's log (``crawler.logs.log_output``): quiet by default, one line per failed request, no
traceback for network errors, ``--log-format json``, ``--logfile``, and ``scrapy crawl`` still
working."""

from __future__ import annotations

import json
import logging

import pytest
from scrapy.settings import Settings

from crawler.logs.log_output import (
    EVENT_ATTR,
    Demote,
    JsonFormatter,
    NetworkErrorInOneLine,
    TextFormatter,
    network_errors,
)
from tests.helpers.cli import run_cli, run_scrapy
from tests.helpers.crawls import crawl_dir, crawl_site, read_records

SCRAPY_DUMPS = ("Scrapy 2.", "Versions:", "Overridden settings", "Enabled extensions",
                "Enabled downloader middlewares", "Dumping Scrapy stats", "'downloader/")
CLOSED = "http://127.0.0.1:9/"  # nothing listens on the discard port


def _record(name: str, level: int, msg: str, args: object = None,
            exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    packed = (args,) if isinstance(args, dict) else args
    return logging.LogRecord(name, level, __file__, 1, msg, packed, exc_info)  # type: ignore


def test_scrapy_dumps_are_demoted_to_debug():
    demote = Demote(("Dumping Scrapy stats",))
    record = _record("scrapy.statscollectors", logging.INFO, "Dumping Scrapy stats:\n%(stats)s",
                     {"stats": "{}"})
    assert demote.filter(record) and record.levelno == logging.DEBUG
    other = _record("scrapy.core.engine", logging.INFO, "Spider opened")
    assert demote.filter(other) and other.levelno == logging.INFO


def test_network_error_loses_its_traceback_but_keeps_its_name():
    from scrapy.exceptions import DownloadConnectionRefusedError

    kinds = network_errors(Settings({"RETRY_EXCEPTIONS": [
        "scrapy.exceptions.DownloadConnectionRefusedError", OSError]}))
    try:
        raise DownloadConnectionRefusedError("Connection was refused by other side: 111")
    except DownloadConnectionRefusedError as exc:
        record = _record("scrapy.core.scraper", logging.WARNING, "Error downloading %(r)s",
                         {"r": "<GET http://x/>"}, exc)
    assert NetworkErrorInOneLine(kinds).filter(record)
    line = TextFormatter().format(record)
    assert "\n" not in line and "Traceback" not in line
    assert line.endswith("Error downloading <GET http://x/>: DownloadConnectionRefusedError: "
                         "Connection was refused by other side: 111")
    try:
        raise ValueError("a bug")  # not the network: the traceback stays
    except ValueError as exc:
        bug = _record("scrapy.core.scraper", logging.ERROR, "Error downloading", None, exc)
    NetworkErrorInOneLine(kinds).filter(bug)
    assert "Traceback" in TextFormatter().format(bug)


def test_json_formatter_lines():
    record = _record("crawler.scope.gate", logging.WARNING, "not sending %s", ("http://x/",))
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "log" and line["level"] == "WARNING"
    assert line["message"] == "not sending http://x/" and line["logger"] == "crawler.scope.gate"
    event = _record("crawler.progress", logging.INFO, "%s", ("text",))
    setattr(event, EVENT_ATTR, {"event": "progress", "pages": 3})
    assert json.loads(JsonFormatter().format(event))["pages"] == 3
    try:
        raise ValueError("multi\nline")
    except ValueError as exc:
        failed = _record("x", logging.ERROR, "boom", None, exc)
    line = JsonFormatter().format(failed)
    assert "\n" not in line and "ValueError" in json.loads(line)["traceback"]


@pytest.fixture(scope="module")
def default_crawl(small_site, tmp_path_factory):
    _, server = small_site
    out = tmp_path_factory.mktemp("quiet") / "out"
    result = crawl_site(server.url, out, "-s", "PROGRESS_INTERVAL=600")
    return result, server


def test_default_log_shows_failures_not_scrapy_dumps(default_crawl):
    result, server = default_crawl
    lines = result.stderr.splitlines()
    for dump in SCRAPY_DUMPS:
        assert dump not in result.stderr, dump
    assert "Traceback" not in result.stderr
    failing = {path for _m, path, status in server.requests if status >= 400}
    failed = [line for line in lines if "WARNING: failed: HTTP " in line]
    # one line per failing URL: the broken page once after its retries, the one-time 503
    # (answered on retry) not at all
    urls = [line.split()[7] for line in failed]
    assert len(urls) == len(set(urls))
    assert any(line.endswith("/news/broken.html") or "/news/broken.html (" in line
               for line in failed)
    assert not any("busy.html" in line for line in failed)
    assert {url.split(server.url.rstrip("/"))[1] for url in urls} <= failing
    others = [line for line in lines if line not in failed]
    assert all("[crawler.progress] INFO: crawl " in line for line in others), others
    assert len(lines) <= len(failed) + 2


def test_refused_connections_are_one_line_each(tmp_path):
    result = run_cli("crawl", "news", "--url", CLOSED, "--out", str(tmp_path), "-s",
                     "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=5", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    refused = [line for line in result.stderr.splitlines() if "Connection refused" in line]
    home = [line for line in refused if f"failed: <GET {CLOSED}>" in line]
    assert len(home) <= 1 and all("(2 attempts)" in line for line in home)
    # the site is given up after its first refused connections (crawler.multisite.giveup)
    given_up = [line for line in result.stderr.splitlines() if "giving up on" in line]
    assert len(given_up) == 1 and "unreachable: connection refused" in given_up[0]
    assert all(line.startswith("20") for line in result.stderr.splitlines())  # all log lines


def test_json_log_format_makes_every_line_json(small_site, tmp_path):
    _, server = small_site
    result = crawl_site(server.url, tmp_path / "o", "--log-format", "json",
                        "-s", "PROGRESS_INTERVAL=0.5")
    events = [json.loads(line) for line in result.stderr.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "crawl_started" and kinds[-1] == "crawl_finished"
    assert "progress" in kinds and all("time" in e for e in events)
    failed = [e for e in events if e["event"] == "log" and e["message"].startswith("failed:")]
    assert failed and all(e["level"] == "WARNING" for e in failed)
    (summary,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert summary["event"] == "crawl_summary" and summary["exit_code"] == 0
    assert summary["crawl_id"] == events[-1]["crawl_id"]
    bad = run_cli("crawl", "nosuchspider", "--log-format", "json", cwd=tmp_path)
    assert bad.returncode == 2 and json.loads(bad.stderr)["event"] == "error"


def test_logfile_takes_the_log(small_site, tmp_path):
    _, server = small_site
    log = tmp_path / "crawl.log"
    result = crawl_site(server.url, tmp_path / "o", "--logfile", str(log), "-L", "DEBUG")
    assert result.stderr == ""  # not a terminal: nothing but the log, and that is in the file
    text = log.read_text(encoding="utf-8")
    assert "[scrapy.core.engine] INFO: Spider opened" in text
    assert "[scrapy.statscollectors] DEBUG: Dumping Scrapy stats" in text  # DEBUG, not INFO
    assert "crawl report:" in text and "[crawler.progress] INFO: crawl " in text


def test_scrapy_crawl_keeps_working_with_the_quiet_log(small_site, tmp_path):
    _, server = small_site
    out = tmp_path / "out"
    result = run_scrapy("crawl", "vsedelo", "-a", f"url={server.url}", "-s", f"OUTPUT_URI={out}",
                        "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_JSON=true",
                        "-s", "EXTRACTION_WORKERS=2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert read_records(crawl_dir(out))
    messages = [json.loads(line) for line in result.stderr.splitlines()
                if line.startswith('{"event"')]
    assert any(m.get("message") == "Spider closed (finished)" for m in messages)
    assert "Dumping Scrapy stats" not in result.stderr  # DEBUG: the manifest keeps the stats


@pytest.mark.parametrize(("tty", "json_log", "mode"), [
    (True, False, "line"), (False, False, "text"), (False, True, "json"), (True, True, "json"),
])
def test_progress_follows_the_terminal_and_the_log_format(tty, json_log, mode, tmp_path):
    import io

    from scrapy import Spider

    from crawler.ops.progress import ProgressExtension
    from tests.helpers.context import context_crawler

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    crawler = context_crawler(tmp_path, Spider, LOG_JSON=json_log)
    assert ProgressExtension(crawler, stream=Stream()).mode == mode
