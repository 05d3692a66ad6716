"""The discovery-stall watch: how long the crawl has been fetching without finding an article.

Pure (the clock is passed in), so it is tested without waiting. A stall is a stretch of responses
with no new article for longer than the window — the failure that silently cost Common Crawl's
news crawler a day: fetching went on, discovery had stopped.
"""

from __future__ import annotations


class StallWatch:
    """Tracks the gap since the last new article, measured whenever a response arrives."""

    def __init__(self, window: float, start: float) -> None:
        self.window = window  # seconds; 0 or less: measure only, never trip
        self.last_article = start
        self.longest = 0.0
        self.tripped = False
        self._longest_before_trip = 0.0

    def article(self, now: float) -> None:
        """A new article was written at ``now``."""
        self.last_article = now

    def response(self, now: float) -> bool:
        """A response arrived at ``now``; True exactly once, when the gap first exceeds the window
        (again after a :meth:`rebase`)."""
        gap = max(0.0, now - self.last_article)
        tripped = self.window > 0 and gap > self.window and not self.tripped
        if tripped:
            self.tripped = True
            self._longest_before_trip = self.longest
        self.longest = max(self.longest, gap)
        return tripped

    def rebase(self, now: float, age: float) -> None:
        """Another worker of a distributed crawl wrote an article ``age`` seconds before
        ``now``: the gap runs from then, and a trip just reported is withdrawn."""
        self.last_article = max(self.last_article, now - max(0.0, age))
        if self.tripped:
            self.tripped = False
            self.longest = max(self._longest_before_trip, now - self.last_article)
