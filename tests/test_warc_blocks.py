"""The records ``crawler.warc.blocks`` builds are the bytes warcio builds and writes, and their
CDXJ lines are cdxj-indexer's, for every kind of exchange the crawl archives."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import pytest

import crawler.warc.records as records
from crawler.warc.blocks import exchange_parts, sha1_b32
from crawler.warc.cdxj import LineMaker, index_warcs
from crawler.warc.records import NOT_MODIFIED_PROFILE, Original, RecordFactory, warc_date
from crawler.warc.writer import RotatingWarcWriter, member, serialize
from tests.helpers.captures import BODY, WHEN, capture

WARCINFO = "<urn:uuid:11111111-2222-3333-4444-555555555555>"
ORIGINAL = Original(uri="https://news.example.org/first", date="2025-02-01T00:00:00.000001Z",
                    record_id="<urn:uuid:00000000-0000-0000-0000-000000000001>",
                    filename="x.warc.gz", offset=0, length=10, crawl_id="c0")
NO_ID = Original(uri="https://news.example.org/first", date="2025-02-01T00:00:00.000001Z",
                 record_id=None, filename="x.warc.gz", offset=0, length=10)

CASES: dict[str, dict[str, Any]] = {
    "response": {},
    "no ip, HTTP/1.0, unnamed status": {"changes": {"ip_address": None, "protocol": "HTTP/1.0",
                                                    "status": 599}},
    "h2": {"changes": {"protocol": "h2"}},
    "truncated": {"changes": {"truncated": "length"}},
    "post with a body": {"changes": {"method": "post", "request_body": b"q=news&x=\xff"}},
    "empty body, no content type": {"changes": {"body": b"", "response_headers": []}},
    "empty content type": {"changes": {"response_headers": [(b"content-type", b"")]}},
    "header bytes not utf-8": {"changes": {"response_headers": [
        (b"Content-Type", b"text/plain;charset=koi8-r"), (b"X-Name", b"\xe9t\xe9")]}},
    "host in request headers": {"changes": {"request_headers": [(b"Host", b"other:81")]}},
    "revisit": {"original": ORIGINAL},
    "revisit of a record without id": {"original": NO_ID},
    "304 confirming an earlier capture": {
        "changes": {"status": 304, "body": b"", "response_headers": [(b"ETag", b'"1"')]},
        "original": ORIGINAL, "digest": sha1_b32(BODY), "profile": NOT_MODIFIED_PROFILE},
}


def _warcio_members(cap: Any, kwargs: dict[str, Any], ids: list[str],
                    monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[bytes]]:
    pending = iter(ids)
    monkeypatch.setattr(records, "new_record_id", lambda: next(pending))
    exchange = RecordFactory().exchange(cap, kwargs.get("original"), kwargs.get("digest"),
                                        kwargs.get("profile", records.REVISIT_PROFILE))
    for record in exchange.records:
        record.rec_headers.replace_header("WARC-Warcinfo-ID", WARCINFO)
    return exchange, [serialize(r) for r in exchange.records]


@pytest.mark.parametrize("case", list(CASES))
def test_same_bytes_as_warcio(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = CASES[case]
    cap = capture(**spec.get("changes", {}))
    ids = ["<urn:uuid:aaaaaaaa-0000-0000-0000-000000000001>",
           "<urn:uuid:aaaaaaaa-0000-0000-0000-000000000002>"]
    exchange, expected = _warcio_members(cap, spec, ids, monkeypatch)
    parts = exchange_parts(cap, warc_date(WHEN), spec.get("original"), spec.get("digest"),
                           spec.get("profile", records.REVISIT_PROFILE), record_id=ids[0],
                           request_id=ids[1])
    assert parts.record_id == exchange.record_id
    ours = [member(p, WARCINFO) for p in parts.records]
    for mine, theirs in zip(ours, expected, strict=True):
        assert zlib.decompress(mine, 31) == zlib.decompress(theirs, 31)


@pytest.mark.parametrize("case", list(CASES))
def test_same_index_line_as_cdxj_indexer(case: str, tmp_path: Path) -> None:
    """The line made from what the exchange holds is the line cdxj-indexer writes reading the
    WARC file back."""
    spec = CASES[case]
    cap = capture(**spec.get("changes", {}))
    writer = RotatingWarcWriter(tmp_path / "warc", "news", host="h")
    parts = exchange_parts(cap, warc_date(WHEN), spec.get("original"), spec.get("digest"),
                           spec.get("profile", records.REVISIT_PROFILE))
    places = writer.write(parts.records)
    writer.close()
    line = LineMaker().fields_line(parts.index, places[0].filename, places[0].offset,
                                   places[0].length)
    reference = index_warcs(writer.closed_files, tmp_path / "ref.cdxj").read_text()
    assert line == reference


def test_members_are_gzip_members_any_reader_reads() -> None:
    parts = exchange_parts(capture(), warc_date(WHEN))
    data = b"".join(member(p, WARCINFO) for p in parts.records)
    stream = io.BytesIO(data)
    import gzip

    with gzip.GzipFile(fileobj=stream) as fh:
        text = fh.read()
    assert text.count(b"WARC/1.1\r\n") == 2 and BODY in text
