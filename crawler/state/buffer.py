"""Batched writes to the state: updates merge in memory and go to SQLite in one transaction.

The reactor thread must stay cheap, so no row is committed on its own: :meth:`WriteBuffer.add`
only merges a dict, and :meth:`flush` writes everything pending in one transaction when
``max_rows`` are waiting (checked by :meth:`add`) or when the owner's timer calls it. A killed
process loses at most the pending rows, which only makes the next run fetch those URLs again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from crawler.state.store import StateStore


class WriteBuffer:
    """Pending partial rows ``{url: {column: value}}``, later values winning."""

    def __init__(self, store: StateStore, max_rows: int = 500,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.max_rows = max(1, max_rows)
        self.clock = clock
        self.pending: dict[str, dict[str, Any]] = {}
        self.flushes = 0
        self.rows_written = 0
        self.seconds = 0.0  # time spent in flush, for the record

    def add(self, url: str, **values: Any) -> None:
        """Merge ``values`` into the pending row of ``url``; flush when the batch is full."""
        self.pending.setdefault(url, {}).update(values)
        if len(self.pending) >= self.max_rows:
            self.flush()

    def flush(self) -> int:
        """Write every pending row in one transaction; returns how many."""
        if not self.pending:
            return 0
        started = self.clock()
        batch, self.pending = self.pending, {}
        count = self.store.apply(batch)
        self.flushes += 1
        self.rows_written += count
        self.seconds += self.clock() - started
        return count

    def __len__(self) -> int:
        return len(self.pending)
