"""Seen-sets that stay small as a crawl grows.

A Python ``set`` of 64-bit keys costs about 77 bytes per key, and a set of Scrapy's 20-byte
request fingerprints about 95: a crawl's seen-sets then grow by hundreds of bytes per URL, to
hundreds of megabytes for a million URLs. :class:`SeenKeys` keeps 64-bit keys in a sorted
``array`` (8 bytes each) and only the most recent ones in a ``set`` (at most an eighth as many),
merged into the array when it fills: 10 to 18 bytes a key in all, a lookup of 1 to 3 µs.
:class:`CompactDupeFilter` is Scrapy's duplicate filter on top of it.
Keys are 64 bits of a hash, so two different URLs are taken for one with odds of about
n² / 2⁶⁵ (3 in 100 million for a million URLs).
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from scrapy.dupefilters import RFPDupeFilter

DEFAULT_RECENT = 4096  # keys held in the set before they are merged into the array


class SeenKeys:
    """A growing set of signed 64-bit integers: ``key in seen`` and ``seen.add(key)``."""

    def __init__(self, keys: Iterable[int] = (), recent: int = DEFAULT_RECENT) -> None:
        self._sorted = array("q")
        self._recent: set[int] = set()
        self._max_recent = recent
        for key in keys:
            self.add(key)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __contains__(self, key: int) -> bool:
        return self._has(key)

    def add(self, key: int) -> None:
        """Add ``key`` (no-op when present)."""
        self._add(key)

    def _has(self, key: int) -> bool:
        if key in self._recent:
            return True
        keys = self._sorted
        i = bisect_left(keys, key)
        return i < len(keys) and keys[i] == key

    def _add(self, key: int) -> None:
        if self._has(key):
            return
        self._recent.add(key)
        # merged once it holds an eighth of the array: each key is merged about 8 times in all
        if len(self._recent) >= max(self._max_recent, len(self._sorted) >> 3):
            self._merge()

    def _merge(self) -> None:
        # one pass over two sorted runs into a new array: no list of int objects in between
        merged = array("q")
        merged.extend(heapq.merge(self._sorted, sorted(self._recent)))
        self._sorted = merged
        self._recent.clear()


def fingerprint_key(fingerprint: bytes) -> int:
    """The 64-bit key of a request fingerprint (its first 8 bytes)."""
    return int.from_bytes(fingerprint[:8], "big", signed=True)


class _FingerprintKeys(SeenKeys):
    """:class:`SeenKeys` answering for fingerprints (bytes), as Scrapy's filter asks."""

    def __contains__(self, fingerprint: Any) -> bool:
        return self._has(fingerprint_key(fingerprint))

    def add(self, fingerprint: Any) -> None:
        self._add(fingerprint_key(fingerprint))

    def update(self, fingerprints: Iterable[bytes]) -> None:
        for fingerprint in fingerprints:
            self.add(fingerprint)


class SeenUrls:
    """A growing set of strings (URLs) kept as :class:`SeenKeys` of their 64-bit hashes: ``url in
    seen``, ``seen.add(url)``; for one process only (``str`` hashes differ between processes)."""

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._keys = SeenKeys(hash(url) for url in urls)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and hash(url) in self._keys

    def add(self, url: str) -> None:
        self._keys.add(hash(url))


class CompactDupeFilter(RFPDupeFilter):
    """``DUPEFILTER_CLASS``: Scrapy's ``RFPDupeFilter`` (same fingerprints, same ``JOBDIR``
    file) remembering 8 bytes per request instead of a 20-byte ``bytes`` object in a set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a set-like store of 8-byte keys in place of Scrapy's set of fingerprints
        loaded, self._fingerprints = self._fingerprints, _FingerprintKeys()  # type: ignore[assignment]
        self._fingerprints.update(loaded)
