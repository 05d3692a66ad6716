"""Fixed-size summaries of an unbounded stream: memory stays flat however long a crawl runs."""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter
from typing import Any

OTHER = "(other)"


class BoundedCounter:
    """Counts per key for at most ``max_keys`` keys; later new keys count under ``(other)``."""

    def __init__(self, max_keys: int = 100) -> None:
        self.max_keys = max_keys
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        """Count ``n`` more of ``key``."""
        if key not in self.counts and len(self.counts) >= self.max_keys:
            key = OTHER
        self.counts[key] += n

    def to_dict(self) -> dict[str, int]:
        """Most common first."""
        return dict(self.counts.most_common())


class TimeSeries:
    """Counts per key in equal time buckets from the start of the crawl.

    When an offset falls past ``max_buckets`` buckets, neighbouring buckets are merged in pairs
    and the bucket width doubles, so a day-long crawl keeps as few buckets as a minute-long one.
    """

    def __init__(self, width: float = 1.0, max_buckets: int = 120) -> None:
        self.width = width
        self.max_buckets = max_buckets
        self.buckets: list[Counter[str]] = []

    def add(self, offset: float, key: str, n: int = 1) -> None:
        """Count ``n`` of ``key`` at ``offset`` seconds from the start."""
        index = int(max(offset, 0.0) // self.width)
        while index >= self.max_buckets:
            self._halve()
            index = int(max(offset, 0.0) // self.width)
        while len(self.buckets) <= index:
            self.buckets.append(Counter())
        self.buckets[index][key] += n

    def _halve(self) -> None:
        merged = []
        for i in range(0, len(self.buckets), 2):
            pair = Counter(self.buckets[i])
            if i + 1 < len(self.buckets):
                pair.update(self.buckets[i + 1])
            merged.append(pair)
        self.buckets = merged
        self.width *= 2

    def to_dict(self) -> dict[str, Any]:
        """``{"width": seconds, "buckets": [{key: n}, ...]}``."""
        return {"width": self.width, "buckets": [dict(b) for b in self.buckets]}


# Latency bucket upper bounds in seconds; the last bucket is everything slower.
LATENCY_BOUNDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, math.inf)


class Histogram:
    """Counts of values in fixed buckets, plus count, sum and maximum."""

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BOUNDS) -> None:
        self.bounds = bounds
        self.counts = [0] * len(bounds)
        self.count = 0
        self.total = 0.0
        self.max = 0.0

    def add(self, value: float) -> None:
        """Record one value."""
        for i, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[i] += 1
                break
        self.count += 1
        self.total += value
        self.max = max(self.max, value)

    def quantile(self, q: float) -> float | None:
        """Upper bound of the bucket holding the ``q`` quantile (None when empty)."""
        if not self.count:
            return None
        rank, seen = q * self.count, 0
        for bound, n in zip(self.bounds, self.counts, strict=True):
            seen += n
            if seen >= rank:
                return min(bound, self.max)
        return self.max

    def to_dict(self) -> dict[str, Any]:
        """Bounds (``null`` for infinity), counts and summary numbers."""
        return {
            "bounds": [None if math.isinf(b) else b for b in self.bounds],
            "counts": list(self.counts), "count": self.count,
            "mean": self.total / self.count if self.count else None, "max": self.max,
            "p50": self.quantile(0.5), "p95": self.quantile(0.95),
        }


class TopN:
    """The ``n`` entries with the largest key seen so far (ties: the earliest wins)."""

    def __init__(self, n: int = 25) -> None:
        self.n = n
        self._heap: list[tuple[float, int, dict[str, Any]]] = []
        self._seq = itertools.count()

    def add(self, key: float, entry: dict[str, Any]) -> None:
        """Offer an entry ranked by ``key``."""
        item = (key, -next(self._seq), entry)
        if len(self._heap) < self.n:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def to_list(self) -> list[dict[str, Any]]:
        """Entries, largest key first."""
        return [e for _k, _s, e in sorted(self._heap, key=lambda t: (-t[0], -t[1]))]


class FirstN:
    """The first ``n`` entries, and how many there were in all."""

    def __init__(self, n: int = 100) -> None:
        self.n = n
        self.entries: list[dict[str, Any]] = []
        self.total = 0

    def add(self, entry: dict[str, Any]) -> None:
        """Count an entry; keep it while fewer than ``n`` are kept."""
        self.total += 1
        if len(self.entries) < self.n:
            self.entries.append(entry)

    def to_dict(self) -> dict[str, Any]:
        """``{"total": n, "entries": [...]}``."""
        return {"total": self.total, "entries": list(self.entries)}


class BoundedTable:
    """Numbers per key (``{column: n}``) for at most ``max_keys`` keys; later new keys add up
    under ``(other)``."""

    def __init__(self, max_keys: int = 100) -> None:
        self.max_keys = max_keys
        self.rows: dict[str, Counter[str]] = {}

    def add(self, key: str, **columns: float) -> None:
        """Add ``columns`` to ``key``'s row."""
        row = self.rows.get(key)
        if row is None:
            if len(self.rows) >= self.max_keys:
                key = OTHER
            row = self.rows.setdefault(key, Counter())
        row.update(columns)

    def to_dict(self, order: str) -> dict[str, dict[str, float]]:
        """Rows, the largest ``order`` column first."""
        ranked = sorted(self.rows.items(), key=lambda kv: (-kv[1][order], kv[0]))
        return {key: {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}
                for key, row in ranked}
