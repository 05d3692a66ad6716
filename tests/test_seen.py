"""Compact seen-sets: the same answers as a set, in a fraction of the memory."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from crawler.engine.seen import CompactDupeFilter, SeenKeys, SeenUrls, fingerprint_key


def test_same_answers_as_a_set_across_merges() -> None:
    rng = random.Random(3)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(5000)]
    keys += [-(2**63), 2**63 - 1, 0, keys[7]]  # the extremes and a repeat
    seen, reference = SeenKeys(recent=97), set()
    for i, key in enumerate(keys):
        assert (key in seen) == (key in reference), i
        seen.add(key)
        reference.add(key)
    assert len(seen) == len(reference)
    probes = [rng.getrandbits(64) - 2**63 for _ in range(2000)] + keys[::7]
    assert [p in seen for p in probes] == [p in reference for p in probes]


def test_eight_bytes_a_key() -> None:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        seen = SeenKeys(range(0, 400_000, 2), recent=16_384)
        size = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(seen) == 200_000 and 199_998 in seen and 199_999 not in seen
    assert size < 200_000 * 20  # a set of ints costs ~77 bytes a key


def test_dupefilter_filters_like_scrapys_and_keeps_its_jobdir_file(tmp_path: Path) -> None:
    fingerprinter = RequestFingerprinter()
    first = CompactDupeFilter(str(tmp_path), fingerprinter=fingerprinter)
    a, b = Request("http://site.test/a?x=1&y=2"), Request("http://site.test/b")
    assert not first.request_seen(a)
    assert first.request_seen(Request("http://site.test/a?y=2&x=1"))  # canonical order
    assert not first.request_seen(b)
    first.close("finished")
    again = CompactDupeFilter(str(tmp_path), fingerprinter=fingerprinter)  # resumed job
    assert again.request_seen(a) and again.request_seen(b)
    assert not again.request_seen(Request("http://site.test/c"))
    again.close("finished")
    assert fingerprint_key(b"\xff" * 20) == -1 and fingerprint_key(b"\x00" * 20) == 0


def test_seen_urls_hold_strings_as_keys():
    urls = [f"http://127.0.0.1:8000/news/a/{i}-x.html" for i in range(20_000)]
    seen = SeenUrls(urls[::2])
    assert len(seen) == 10_000
    assert all(u in seen for u in urls[::2]) and not any(u in seen for u in urls[1::2])
    seen.add(urls[1])
    assert urls[1] in seen and len(seen) == 10_001
    assert 12345 not in seen and None not in seen  # only strings are ever members
