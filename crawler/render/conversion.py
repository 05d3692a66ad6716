"""The rendered DOM as a WARC ``conversion`` record: pure, no I/O.

WARC 1.1 defines ``conversion`` as "an alternative version of the content of a record
identified by WARC-Refers-To, created as the result of a transformation". The DOM a browser
built from a page is exactly that: the record refers to the server's ``response`` record of the
page (``WARC-Refers-To``), names the page (``WARC-Target-URI``) and holds the serialized DOM as
``text/html; charset=utf-8``. Neither pywb nor cdxj-indexer indexes ``conversion`` records
(cdxj-indexer's default record types are response, revisit, resource and metadata) and the
crawl's own CDXJ index leaves it out too, so replay always serves the server's response, never
the DOM. ``WARC-Render-*`` headers say how it was made (browser, reason, time spent, whether the
page finished).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from io import BytesIO

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord

from crawler.warc.records import WARC_VERSION, new_record_id, warc_date

DOM_CONTENT_TYPE = "text/html; charset=utf-8"


def conversion_record(dom: bytes, *, target_uri: str, refers_to: str | None,
                      date: dt.datetime, info: Mapping[str, str] | None = None) -> ArcWarcRecord:
    """A ``conversion`` record of ``dom`` (UTF-8 HTML) for the page at ``target_uri`` whose
    response record is ``refers_to``; ``info`` adds ``WARC-Render-<Name>`` headers."""
    headers = {"WARC-Record-ID": new_record_id(), "WARC-Date": warc_date(date)}
    if refers_to:
        headers["WARC-Refers-To"] = refers_to
    for name, value in (info or {}).items():
        headers[f"WARC-Render-{name}"] = " ".join(str(value).split())
    builder = RecordBuilder(warc_version=WARC_VERSION)
    return builder.create_warc_record(target_uri, "conversion", payload=BytesIO(dom),
                                      length=len(dom), warc_content_type=DOM_CONTENT_TYPE,
                                      warc_headers_dict=headers)
