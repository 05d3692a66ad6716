"""The article JSON record: the versioned contract downstream jobs read.

``build_record`` turns an extraction result plus crawl context (fetch time, crawl id, WARC
pointer) into a record; ``validate_record`` checks one against
``crawler/schema/article.schema.json`` (JSON Schema 2020-12, validator compiled once per
process). Field by field: ``docs/schema.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1.2.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "article.schema.json"

_DATE_FIELDS = tuple(f"{kind}{suffix}" for kind in ("published", "modified")
                     for suffix in ("", "_precision", "_source", "_reason", "_offset_source"))
_OPTIONAL = ("site_name", "language_source", "description", "paragraphs", "categories", "tags",
             "image", "translations")
_WARC_FIELDS = ("filename", "offset", "length", "record_id", "target_uri", "date")
_EXTRACTION_INFO = ("title_source", "page_type", "charset", "charset_source")


class RecordError(ValueError):
    """A record that does not match the schema; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:5]) + (f" (+{len(errors) - 5} more)"
                                                  if len(errors) > 5 else ""))
        self.errors = errors


def _iso_utc(moment: dt.datetime | str) -> str:
    """An ISO 8601 string with an offset (naive values are taken as UTC)."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text (what ``text_sha256`` holds)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pointer(warc: Mapping[str, Any]) -> dict[str, Any]:
    pointer = dict(warc)
    return {**{key: pointer.pop(key, None) for key in _WARC_FIELDS}, **pointer}


def build_record(extracted: Mapping[str, Any] | Any, *, url: str, site: str,
                 fetched_at: dt.datetime | str, crawl_id: str | None,
                 warc: Mapping[str, Any] | None,
                 rendered: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A schema-shaped record from an extraction result (a dict or an object with ``to_dict``).

    Every field of the schema is present (unknown values are null or empty lists), so records
    have one shape. The WARC pointer keeps any extra keys its writer adds (``revisit``, ...);
    ``crawl_id`` and ``warc`` are None for a page extracted outside a crawl (``crawler
    extract``): nothing was archived. ``rendered`` is the pointer to the DOM's ``conversion``
    record of a page rendered in a browser (``crawler.render``): the record says
    ``rendered: true`` and keeps ``warc`` pointing at the server's response.
    """
    data = extracted.to_dict() if hasattr(extracted, "to_dict") else dict(extracted)
    text = data.get("text") or ""
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "url": url,
        "canonical_url": data.get("canonical_url") or url,
        "site": site,
        "language": data.get("language"),
        "title": data.get("title"),
        "text": text,
        "text_sha256": text_sha256(text),
        "authors": list(data.get("authors") or []),
    }
    for key in _DATE_FIELDS:
        record[key] = data.get(key)
    for key in _OPTIONAL:
        record[key] = data.get(key)
    for key, empty in (("categories", []), ("tags", []), ("translations", {})):
        record[key] = record[key] or empty
    if record["paragraphs"] is None:
        record["paragraphs"] = len([p for p in text.split("\n\n") if p.strip()])
    record["fetched_at"] = _iso_utc(fetched_at)
    record["crawl_id"] = crawl_id
    record["warc"] = None if warc is None else _pointer(warc)
    record["rendered"] = rendered is not None
    record["rendered_warc"] = _pointer(rendered) if rendered and rendered.get("filename") \
        else None
    info = dict(data.get("extraction") or {})
    info.update({key: data.get(key) for key in _EXTRACTION_INFO if key in data})
    record["extraction"] = info
    return record


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The article JSON Schema (read once)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def record_errors(record: Mapping[str, Any]) -> list[str]:
    """Every schema violation of ``record`` as ``"path: message"`` strings (empty when valid)."""
    errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<record>'}: {e.message}" for e in errors]


def validate_record(record: Mapping[str, Any]) -> None:
    """Raise :class:`RecordError` unless ``record`` matches the schema."""
    errors = record_errors(record)
    if errors:
        raise RecordError(errors)
