"""The command line: usage errors are one clear line and exit code 2."""

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.net import busy_port, free_port


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "nosuchspider", "--url", "http://127.0.0.1:9/"],
         "no spider named 'nosuchspider'"),
        (["crawl", "news", "--url", "not a url"], "start URL must look like"),
        (["crawl", "news", "--url", "ftp://127.0.0.1/"], "not an http(s) URL"),
        (["crawl", "news"], "needs --url"),
        (["crawl", "news", "--url", "http://127.0.0.1:9/", "--out", "/proc/no/such"],
         "cannot write to output folder /proc/no/such"),
        (["crawl", "news", "--url", "http://127.0.0.1:9/", "-s", "DOWNLOAD_DELAY=fast"],
         "bad value for DOWNLOAD_DELAY"),
        (["crawl", "news", "--url", "http://127.0.0.1:9/", "-s", "ROBOTSTXT_OBEY=maybe"],
         "bad value for ROBOTSTXT_OBEY"),
        (["crawl", "news", "--url", "http://127.0.0.1:9/", "-s", "nonsense"], "NAME=VALUE"),
        (["crawl", "news", "--url", "http://127.0.0.1:9/", "--since", "last week"],
         "--since must be an ISO date"),
        (["crawl", "news", "--url", "http://127.0.0.1:9/", "--max-items", "0"], "at least 1"),
        (["replay", "/nonexistent/crawl"], "not a crawl folder"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message, tmp_path):
    result = run_cli(*args, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_everywhere(tmp_path):
    for args in (["--help"], ["crawl", "--help"], ["demo", "--help"], ["site", "--help"],
                 ["replay", "--help"], ["recover", "--help"], ["list", "--help"],
                 ["extract", "--help"], ["wacz", "--help"]):
        result = run_cli(*args, cwd=tmp_path, timeout=60)
        assert result.returncode == 0
        assert "usage: crawler" in result.stdout


def test_unreachable_site_exits_1(tmp_path):
    result = run_cli("crawl", "news", "--url", "http://127.0.0.1:9/", "--out", str(tmp_path),
                     "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=5", cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "pages fetched:    0" in result.stdout
    assert "Connection refused" in result.stderr


def test_site_command_serves_the_fixture(tmp_path):
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.helpers.cli import ROOT

    port = free_port()
    truth = tmp_path / "truth.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "site", "--port", str(port), "--articles", "25",
         "--ground-truth", str(truth)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert b"fixture site" in proc.stdout.readline()  # printed once ground truth is written
        body = b""
        for _ in range(100):  # wait for the server to listen (bounded)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt") as resp:
                    body = resp.read()
                break
            except OSError:
                time.sleep(0.1)
        assert b"Sitemap:" in body
        assert len(truth.read_text(encoding="utf-8").splitlines()) == 50
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_site_command_port_in_use_is_a_usage_error(tmp_path):
    with busy_port() as port:
        result = run_cli("site", "--port", str(port), cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
