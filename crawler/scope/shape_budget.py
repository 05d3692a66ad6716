"""How many pages of one URL shape a crawl follows (``PATH_SHAPE_BUDGET``): the trap bound.

A calendar (``/archive/2025/03/01/``) or a facet walk produces endless new URLs of a few shapes
(:func:`crawler.pages.urls.path_shape` folds digit runs). The spider counts the listing links it is
about to request for the first time, per shape, and stops following a shape past the budget.

The counter is a component (``PATH_SHAPE_COUNTER``): :class:`LocalShapeCounter` counts in the
process; a distributed crawl swaps in :class:`crawler.distributed.budget.SharedShapeCounter`,
so the budget holds for the crawl, not for each worker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from scrapy.utils.misc import build_from_crawler, load_object

from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

class ShapeCounter(Protocol):
    """Counts new links per shape."""

    def add(self, shapes: Sequence[str]) -> list[int]:
        """Count one more link of each shape (in order); the count of each after its own."""
        ...


class LocalShapeCounter:
    """Counts in this process (one crawler)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LocalShapeCounter:
        return cls()

    def add(self, shapes: Sequence[str]) -> list[int]:
        out = []
        for shape in shapes:
            self.counts[shape] += 1
            out.append(self.counts[shape])
        return out


def shape_counter(crawler: Crawler) -> ShapeCounter:
    """The ``PATH_SHAPE_COUNTER`` component of ``crawler``."""
    cls = load_object(SettingsReader(crawler.settings).str("PATH_SHAPE_COUNTER"))
    return build_from_crawler(cls, crawler)
