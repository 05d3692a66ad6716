"""Seed lists: one site per line with its own options; every bad list refused before anything is
written, naming the file and line; duplicate sites merged and the merge said once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from crawler.multisite.seeds import SeedError, parse_deadline, parse_seeds
from spiders.news import NewsSpider
from spiders.vsedelo import VsedeloSpider
from tests.helpers.cli import CRAWLER, ROOT

SPIDERS = {"news": "news", "vsedelo": "vsedelo", "generic": "news"}
CLASSES = {"news": NewsSpider, "vsedelo": VsedeloSpider}


def locate(url: str, spider: str) -> tuple[str, str]:
    from crawler.pages.urls import validate_start_url

    start = validate_start_url(url)
    return start, CLASSES[spider].site_of(start).key


def parse(text: str, spider: str = "news"):
    return parse_seeds(text.splitlines(), "seeds.txt", spider, SPIDERS, locate)


def test_lines_comments_options_and_profiles() -> None:
    seeds = parse("""
# a comment line
https://example.com/news/   max_articles=200 max_pages=2000 deadline=20m  # a comment after
http://127.0.0.1:8001/      profile=vsedelo delay=1.5 concurrency=2 since=2025-03-01

https://vsedelo.com/        profile=vsedelo
""")
    one, two, three = seeds.seeds
    assert (one.url, one.site, one.spider, one.line) == ("https://example.com/news/",
                                                         "example.com", "news", 3)
    assert (one.max_articles, one.max_pages, one.deadline) == (200, 2000, 1200.0)
    assert (two.site, two.spider, two.delay, two.concurrency, two.since) == (
        "127.0.0.1_8001", "vsedelo", 1.5, 2, "2025-03-01")
    assert (three.site, three.spider) == ("vsedelo", "vsedelo")  # the profile's own site
    assert seeds.merge_notice() is None


def test_duplicate_sites_are_merged_and_said_once() -> None:
    seeds = parse("https://example.com/\nhttps://EXAMPLE.com/sport/\nhttps://other.org/\n"
                  "https://example.com/#top\n")
    assert [s.site for s in seeds.seeds] == ["example.com", "other.org"]
    first = seeds.seeds[0]
    assert first.start_urls == ("https://example.com/", "https://example.com/sport/")
    assert first.merged_lines == (2, 4)
    notice = seeds.merge_notice()
    assert notice is not None and notice.count("\n") == 0
    assert "seeds.txt: 2 duplicate lines merged" in notice
    assert "example.com (lines 1, 2, 4)" in notice


@pytest.mark.parametrize(("text", "wanted"), [
    ("", "seeds.txt: no seeds in it"),
    ("# only a comment\n\n", "seeds.txt: no seeds in it"),
    ("https://a.org/\nftp://b.org/\n", "seeds.txt:2: not an http(s) start URL: 'ftp://b.org/'"),
    ("b.org\n", "seeds.txt:1: not an http(s) start URL"),
    ("https://a.org/ profile=nope\n", "seeds.txt:1: unknown profile 'nope' (known: generic, news, "
                                      "vsedelo)"),
    ("\n\nhttps://a.org/ maxpages=3\n", "seeds.txt:3: unknown option 'maxpages'"),
    ("https://a.org/ max_pages\n", "seeds.txt:1: options are NAME=VALUE"),
    ("https://a.org/ max_pages=0\n", "seeds.txt:1: max_pages must be a whole number"),
    ("https://a.org/ deadline=soon\n", "seeds.txt:1: deadline must be a time such as"),
    ("https://a.org/ delay=-1\n", "seeds.txt:1: delay must be seconds"),
    ("https://a.org/ since=yesterday\n", "seeds.txt:1: since must be an ISO date"),
    ("https://a.org/ max_pages=1 max_pages=2\n", "seeds.txt:1: option 'max_pages' given twice"),
    ("max_pages=3 https://a.org/\n", "seeds.txt:1: a line starts with its start URL"),
])
def test_bad_lists_name_file_and_line(text: str, wanted: str) -> None:
    with pytest.raises(SeedError) as caught:
        parse(text)
    assert wanted in str(caught.value)


def test_deadlines() -> None:
    assert [parse_deadline(v) for v in ("90", "90s", "20m", "2h", "1.5h")] == [
        90, 90, 1200, 7200, 5400]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CRAWLER, *args], cwd=cwd, text=True, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("content", "wanted"), [
    (None, "cannot read it: No such file or directory"),
    ("# nothing\n", "no seeds in it"),
    ("http://127.0.0.1:9/\nmailto:someone@example.com\n", "seeds.txt:2: not an http(s) start URL"),
    ("http://127.0.0.1:9/ profile=nope\n", "seeds.txt:1: unknown profile 'nope'"),
    (b"http://127.0.0.1:9/\n\xff\xfe\n", "not UTF-8 text"),
])
def test_bad_seed_files_exit_2_with_one_line_and_write_nothing(tmp_path: Path, content,
                                                                 wanted: str) -> None:
    seeds = tmp_path / "seeds.txt"
    if isinstance(content, str):
        seeds.write_text(content, encoding="utf-8")
    elif content is not None:
        seeds.write_bytes(content)
    before = sorted(tmp_path.rglob("*"))
    for how in (["--seeds", str(seeds)], ["-a", f"seeds={seeds}"]):
        result = _run(["crawl", "news", *how, "--out", str(tmp_path / "out")], tmp_path)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, result.stderr
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert wanted in lines[0] and str(seeds) in lines[0], lines[0]
        assert sorted(tmp_path.rglob("*")) == before, "a bad seed list created files"


def test_seeds_and_urls_are_not_mixed(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://127.0.0.1:9/\n")
    result = _run(["crawl", "news", "--seeds", str(seeds), "--url", "http://127.0.0.1:9/",
                   "--out", str(tmp_path / "out")], tmp_path)
    assert result.returncode == 2 and "either with --seeds FILE or with --url" in result.stderr
