"""The article record contract (crawler.record and crawler/schema/article.schema.json)."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from urllib.parse import urlsplit

import pytest

from crawler.extract.article import extract_article
from crawler.pages.profiles import VSEDELO
from crawler.record import (
    SCHEMA_VERSION,
    RecordError,
    build_record,
    load_schema,
    record_errors,
    validate_record,
)
from fixture_site import FixtureSite
from tests.helpers.cli import ROOT

BASE = "http://127.0.0.1:8000"
WARC = {"filename": "vsedelo-20251123T100000Z-00000-host.warc.gz", "offset": 1234, "length": 5678,
        "record_id": "<urn:uuid:0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d>", "target_uri": "",
        "date": "2025-11-23T10:00:00.123456Z", "revisit": False, "crawl_id": None}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    site = FixtureSite(articles=12, seed=5)
    out = []
    for gold in site.ground_truth(base_url=BASE):
        resp = site.render("GET", urlsplit(gold["url"]).path, {"Host": "127.0.0.1:8000"})
        got = extract_article(resp.body, gold["url"], profile=VSEDELO, fetched_at=site.now,
                              http_charset=None)
        out.append(build_record(got, url=gold["url"], site="vsedelo",
                                fetched_at="2025-11-23T10:00:00+00:00",
                                crawl_id="20251123T100000Z-3f9a",
                                warc={**WARC, "target_uri": gold["url"]}))
    return out


def test_built_records_validate(records):
    assert len(records) == 24
    for record in records:
        validate_record(record)
        assert record["schema_version"] == SCHEMA_VERSION
        assert record["text_sha256"] == hashlib.sha256(record["text"].encode()).hexdigest()
        assert record["warc"]["offset"] == 1234 and record["warc"]["revisit"] is False


def test_every_schema_field_is_present(records):
    schema = load_schema()
    assert set(records[0]) == set(schema["properties"])
    assert set(schema["required"]) <= set(records[0])


def test_schema_version_matches_the_code():
    assert load_schema()["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", SCHEMA_VERSION)


def test_unknown_dates_are_null_with_a_reason(records):
    record = copy.deepcopy(records[0])
    record.update(published=None, published_precision=None, published_source=None,
                  published_reason="not_found")
    validate_record(record)
    record.update(published="2025-11-23", published_precision="day", published_source="time")
    validate_record(record)


def bad(records, **changes):
    record = copy.deepcopy(records[0])
    for key, value in changes.items():
        if value is KeyError:
            record.pop(key)
        else:
            record[key] = value
    return record


@pytest.mark.parametrize(("changes", "where"), [
    ({"schema_version": "2.0.0"}, "schema_version"),
    ({"text": KeyError}, "text"),
    ({"text": ""}, "text"),
    ({"text_sha256": "abc"}, "text_sha256"),
    ({"published": "2025-11-23T10:00:00"}, "published"),  # no offset
    ({"published": "23.11.2025"}, "published"),
    ({"published": None, "published_precision": None, "published_reason": None}, "published"),
    ({"published_precision": "day"}, "published"),  # a day-precision value must be a date
    ({"language": "Ukrainian"}, "language"),
    ({"authors": "Петро Гнатюк"}, "authors"),
    ({"fetched_at": "yesterday"}, "fetched_at"),
    ({"url": "ftp://example.com/x"}, "url"),
    ({"crawl_id": KeyError}, "crawl_id"),
    ({"extra_field": 1}, "extra_field"),
])
def test_bad_records_are_rejected(records, changes, where):
    record = bad(records, **changes)
    errors = record_errors(record)
    assert errors and any(where in e for e in errors), errors
    with pytest.raises(RecordError):
        validate_record(record)


@pytest.mark.parametrize("warc_change", [
    {"offset": -1}, {"length": 0}, {"filename": ""}, {"record_id": "not-a-urn"},
])
def test_bad_warc_pointers_are_rejected(records, warc_change):
    record = copy.deepcopy(records[0])
    record["warc"].update(warc_change)
    assert any(e.startswith("warc") for e in record_errors(record))


def test_missing_warc_fields_are_rejected(records):
    record = copy.deepcopy(records[0])
    del record["warc"]["offset"]
    assert record_errors(record)


def test_docs_cover_every_field_and_the_example_validates():
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for field in load_schema()["properties"]:
        assert f"`{field}`" in doc, field
    example = re.search(r"```json\n(.*?)\n```", doc, re.S)
    assert example, "docs/schema.md should hold an example record"
    validate_record(json.loads(example.group(1)))
