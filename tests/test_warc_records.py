"""Building WARC records from captures: pure code, checked by reading the records with warcio."""

from __future__ import annotations

import gzip
import io
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.warc.records import (
    NOT_MODIFIED_PROFILE,
    Original,
    RecordFactory,
    base32_digest,
    host_header,
    payload_digest,
    reason_phrase,
    request_target,
    response_headers,
)
from crawler.warc.writer import serialize
from tests.helpers.captures import BODY, capture


def read_back(records: list[Any]) -> list[Any]:
    """Serialise records as our writer does and parse them again with digest checks on."""
    data = b"".join(serialize(r) for r in records)
    out = []
    for rec in ArchiveIterator(io.BytesIO(data), check_digests=True):
        raw = rec.raw_stream.read()
        assert rec.digest_checker.passed is not False, rec.digest_checker.problems
        out.append((rec, raw))
    return out


def test_reason_phrases_are_real() -> None:
    assert reason_phrase(200) == "OK"
    assert reason_phrase(301) == "Moved Permanently"
    assert reason_phrase(503) == "Service Unavailable"
    assert reason_phrase(599) == ""


def test_request_target_keeps_query_and_host_drops_default_port() -> None:
    assert request_target("https://h.example/a/b?x=1&y=2") == "/a/b?x=1&y=2"
    assert request_target("https://h.example") == "/"
    assert host_header("https://h.example/a") == "h.example"
    assert host_header("http://h.example:80/a") == "h.example"
    assert host_header("http://127.0.0.1:8080/a") == "127.0.0.1:8080"
    assert host_header("http://[::1]:8080/") == "[::1]:8080"


def test_transfer_encoding_removed_and_content_length_matches() -> None:
    headers = dict(response_headers(capture()))
    assert b"Transfer-Encoding" not in headers
    assert headers[b"Content-Length"] == str(len(BODY)).encode()
    stale = capture(response_headers=[(b"Content-Length", b"5"), (b"Content-Type", b"x/y")])
    assert response_headers(stale) == [(b"Content-Length", str(len(BODY)).encode()),
                                       (b"Content-Type", b"x/y")]  # fmt: skip
    head = capture(method="HEAD", body=b"", response_headers=[(b"Content-Length", b"1234")])
    assert response_headers(head) == [(b"Content-Length", b"1234")]


def test_response_record_reads_back_with_good_digests() -> None:
    exchange = RecordFactory().exchange(capture())
    (resp, payload), (req, req_payload) = read_back(exchange.records)
    assert resp.rec_type == "response" and req.rec_type == "request"
    assert resp.rec_headers.protocol == "WARC/1.1"
    h = resp.rec_headers
    assert h.get_header("WARC-Target-URI") == "https://news.example.org/a/b?c=1&d=%C3%A9"
    assert h.get_header("WARC-Date") == "2025-03-01T12:30:45.123456Z"
    assert h.get_header("WARC-IP-Address") == "192.0.2.7"
    assert h.get_header("WARC-Payload-Digest") == payload_digest(BODY)
    assert h.get_header("WARC-Block-Digest", "").startswith("sha1:")
    assert h.get_header("WARC-Record-ID") == exchange.record_id
    assert req.rec_headers.get_header("WARC-Concurrent-To") == exchange.record_id
    assert payload == BODY  # still gzip-compressed, as sent
    http = resp.http_headers
    assert f"{http.protocol} {http.statusline}" == "HTTP/1.1 200 OK"
    assert [v for k, v in http.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    rq = req.http_headers
    assert f"{rq.protocol} {rq.statusline}" == "GET /a/b?c=1&d=%C3%A9 HTTP/1.1"
    assert rq.headers[0] == ("Host", "news.example.org")
    assert req_payload == b""


def test_non_ascii_header_bytes_kept_exactly() -> None:
    exchange = RecordFactory().exchange(capture())
    data = serialize(exchange.records[0])
    assert 'filename="é.pdf"'.encode() in gzip.decompress(data)


def test_http10_protocol_and_unknown_status() -> None:
    exchange = RecordFactory().exchange(capture(protocol="HTTP/1.0", status=599))
    (resp, _), _ = read_back(exchange.records)
    assert f"{resp.http_headers.protocol} {resp.http_headers.statusline}" == "HTTP/1.0 599"


def test_post_body_in_request_record() -> None:
    exchange = RecordFactory().exchange(capture(method="POST", request_body=b"q=news"))
    _, (req, payload) = read_back(exchange.records)
    assert payload == b"q=news"
    assert req.http_headers.get_header("Content-Length") == "6"
    assert req.http_headers.statusline.startswith("/a/b?c=1")


def test_revisit_keeps_headers_not_payload() -> None:
    original = Original(
        uri="https://news.example.org/first",
        date="2025-02-01T00:00:00.000001Z",
        record_id="<urn:uuid:00000000-0000-0000-0000-000000000001>",
        filename="x.warc.gz",
        offset=0,
        length=10,
    )
    exchange = RecordFactory().exchange(capture(), original)
    (rev, payload), (req, _) = read_back(exchange.records)
    h = rev.rec_headers
    assert rev.rec_type == "revisit" and payload == b""
    assert h.get_header("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    )
    assert h.get_header("WARC-Refers-To-Target-URI") == original.uri
    assert h.get_header("WARC-Refers-To-Date") == original.date
    assert h.get_header("WARC-Refers-To") == original.record_id
    assert h.get_header("WARC-Payload-Digest") == payload_digest(BODY)
    assert rev.http_headers.get_header("Content-Type") == "text/html; charset=utf-8"
    assert req.rec_headers.get_header("WARC-Concurrent-To") == exchange.record_id


def test_not_modified_revisit_refers_to_the_original_with_an_empty_block() -> None:
    original = Original(
        uri="https://news.example.org/a/b?c=1&d=%C3%A9",
        date="2025-02-01T00:00:00.000001Z",
        record_id="<urn:uuid:00000000-0000-0000-0000-000000000002>",
        filename="x.warc.gz",
        offset=0,
        length=10,
    )
    not_modified = capture(status=304, body=b"", response_headers=[(b"ETag", b'"1"')])
    digest = payload_digest(BODY)
    exchange = RecordFactory().exchange(not_modified, original, digest, NOT_MODIFIED_PROFILE)
    (rev, block), (req, _) = read_back(exchange.records)
    h = rev.rec_headers
    assert rev.rec_type == "revisit" and block == b"" and h.get_header("Content-Length") == "0"
    profiles = [v for k, v in h.headers if k == "WARC-Profile"]
    assert profiles == ["http://netpreserve.org/warc/1.1/revisit/server-not-modified"]
    assert h.get_header("WARC-Refers-To-Target-URI") == original.uri
    assert h.get_header("WARC-Refers-To-Date") == original.date
    assert h.get_header("WARC-Refers-To") == original.record_id
    assert h.get_header("WARC-Payload-Digest") == digest  # the original's payload
    assert rev.http_headers is None  # no 3xx status line for pywb to serve as it is
    assert req.rec_headers.get_header("WARC-Concurrent-To") == exchange.record_id


def test_state_digests_convert_to_warc_digests() -> None:
    import hashlib

    hexed = "sha1:" + hashlib.sha1(BODY).hexdigest()
    assert base32_digest(hexed) == payload_digest(BODY)
    assert base32_digest(payload_digest(BODY)) == payload_digest(BODY)
    assert base32_digest(None) is None and base32_digest("md5:abc") is None
    assert base32_digest("sha1:zz") is None


def test_truncated_capture_is_marked() -> None:
    exchange = RecordFactory().exchange(capture(truncated="disconnect"))
    (resp, _), _ = read_back(exchange.records)
    assert resp.rec_headers.get_header("WARC-Truncated") == "disconnect"


def test_warcinfo_lists_fields() -> None:
    record = RecordFactory().warcinfo("a.warc.gz", {"software": "x/1", "robots": "obey"})
    ((info, body),) = read_back([record])
    assert info.rec_type == "warcinfo"
    assert info.rec_headers.get_header("WARC-Filename") == "a.warc.gz"
    assert body == b"software: x/1\r\nrobots: obey\r\n"


@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_status_keeps_headers(status: int) -> None:
    cap = capture(status=status, body=b"", response_headers=[(b"ETag", b'"1"')])
    assert response_headers(cap) == [(b"ETag", b'"1"')]


def test_http2_written_as_http11_with_warc_protocol() -> None:
    exchange = RecordFactory().exchange(capture(protocol="h2"))
    (resp, _), (req, _) = read_back(exchange.records)
    assert f"{resp.http_headers.protocol} {resp.http_headers.statusline}" == "HTTP/1.1 200 OK"
    assert resp.rec_headers.get_header("WARC-Protocol") == "h2"
    assert req.rec_headers.get_header("WARC-Protocol") == "h2"
    assert req.http_headers.statusline.endswith(" HTTP/1.1")
