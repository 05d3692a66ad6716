"""The reader API on a real fixture crawl: locally and from S3 (moto on loopback)."""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.dates import moment_of
from crawler.reader import ReaderError, open_crawl
from tests.helpers.cli import ROOT
from tests.helpers.crawls import crawl_dir, crawl_site, read_manifest, read_records
from tests.helpers.s3moto import AWS_ENV


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real crawl of a 12-article fixture site (both languages), through the CLI."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path_factory.mktemp("reader-out")
    with start_server(FixtureSite(articles=12, seed=7)) as server:
        crawl_site(server.url, out, "-s", "ARTICLES_PART_RECORDS=5")
    return crawl_dir(out)


def test_manifest_and_records_stream_all_parts(crawl: Path) -> None:
    reader = open_crawl(crawl)
    assert reader.manifest == read_manifest(crawl)
    assert reader.crawl_id == crawl.name
    assert len(reader.article_files()) >= 3  # ARTICLES_PART_RECORDS=5: several parts
    records = reader.records()
    assert iter(records) is records  # a generator, not a list
    assert list(records) == read_records(crawl)


def test_filters(crawl: Path) -> None:
    everything = read_records(crawl)
    dates = sorted(moment_of(r["published"]) for r in everything if r["published"])
    middle = dates[len(dates) // 2]
    reader = open_crawl(crawl)
    later = list(reader.records(since=middle))
    earlier = list(reader.records(until=middle.isoformat()))
    assert later and earlier
    assert all(moment_of(r["published"]) >= middle for r in later)
    assert all(moment_of(r["published"]) < middle for r in earlier)
    assert len(later) + len(earlier) == len(dates)
    languages = Counter(r["language"] for r in everything)
    assert set(languages) == {"uk", "ru"}
    for lang, n in languages.items():
        got = list(reader.records(language=lang))
        assert len(got) == n and {r["language"] for r in got} == {lang}
    since_day = middle.date()
    both = list(reader.records(since=since_day, language="uk"))
    assert all(r["language"] == "uk" and moment_of(r["published"]).date() >= since_day
               for r in both)


def _check_raw(reader: Any, records: list[dict]) -> None:
    for record in records:
        status, headers, body = reader.raw_response(record)
        assert status == 200
        assert dict((k.lower(), v) for k, v in headers)["content-encoding"] == "gzip"
        # decoded: the archived payload is gzip; some pages are windows-1251
        html = body.decode(record["extraction"]["charset"])
        assert html.lstrip().lower().startswith("<!doctype html")
        assert record["canonical_url"] in html


def test_raw_response_local(crawl: Path) -> None:
    reader = open_crawl(crawl)
    _check_raw(reader, read_records(crawl))


def test_not_a_finished_crawl(tmp_path: Path) -> None:
    (tmp_path / "warc").mkdir()
    with pytest.raises(ReaderError, match="no manifest"):
        open_crawl(tmp_path)
    with pytest.raises(ReaderError, match="not a crawl folder"):
        open_crawl(tmp_path / "missing")


class CountingClient:
    """A boto3 client that records every get_object call."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.gets: list[dict] = []

    def get_object(self, **kwargs: Any) -> Any:
        self.gets.append(kwargs)
        return self._client.get_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _upload(s3: Any, bucket: str, crawl: Path, prefix: str) -> str:
    for path in crawl.rglob("*"):
        if path.is_file():
            key = f"{prefix}/vsedelo/{crawl.name}/{path.relative_to(crawl).as_posix()}"
            s3.upload_file(str(path), bucket, key)
    return f"s3://{bucket}/{prefix}/vsedelo/{crawl.name}"


def test_s3_crawl_reads_like_local(crawl: Path, s3: Any, bucket: str) -> None:
    uri = _upload(s3, bucket, crawl, "archive/news")
    client = CountingClient(s3)
    reader = open_crawl(uri, client=client)
    assert reader.manifest["crawl_id"] == crawl.name
    records = list(reader.records(language="uk"))
    assert records == [r for r in read_records(crawl) if r["language"] == "uk"]
    client.gets.clear()
    local = open_crawl(crawl)
    for record in records[:4]:
        assert reader.raw_response(record) == local.raw_response(record)
    assert len(client.gets) == 4  # one ranged GET per response
    for get, record in zip(client.gets, records, strict=False):
        start, length = record["warc"]["offset"], record["warc"]["length"]
        assert get["Range"] == f"bytes={start}-{start + length - 1}"


def test_s3_default_client_and_example(crawl: Path, s3: Any, bucket: str,
                                       moto_url: str) -> None:
    uri = _upload(s3, bucket, crawl, "p")
    reader = open_crawl(uri, endpoint_url=moto_url)  # boto3's chain: credentials from env
    assert sum(1 for _ in reader.records()) == len(read_records(crawl))
    with pytest.raises(ReaderError, match="no manifest"):
        open_crawl(f"s3://{bucket}/p/vsedelo/nope", endpoint_url=moto_url)
    import subprocess

    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin"}
    done = subprocess.run([sys.executable, "examples/read_crawl.py", uri, "--language", "ru"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ru = sum(1 for r in read_records(crawl) if r["language"] == "ru")
    assert done.stdout.strip().endswith(f"{ru} record(s)")
    assert done.stdout.count("[200, ") == min(3, ru)


def test_first_record_comes_from_the_first_part(crawl: Path) -> None:
    """Records come part by part, in order (the first is the first line of part 1)."""
    reader = open_crawl(crawl)
    part = crawl / reader.article_files()[0]
    with gzip.open(part, "rt") as f:
        first = json.loads(f.readline())
    assert next(reader.records()) == first
