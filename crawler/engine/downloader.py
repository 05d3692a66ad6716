"""Scrapy's downloader with per-host concurrency kept under the asyncio reactor.

Scrapy 2.19 starts each download from a slot's queue as an asyncio task
(``Downloader._process_queue`` → ``_schedule_coro``). The request joins ``slot.transferring``
only when that task first runs, so the loop that checks ``slot.free_transfer_slots()`` sees free
slots for every queued request and starts them all: with 30 requests queued for one host and
``CONCURRENT_REQUESTS_PER_DOMAIN = 4``, the host gets 30 at once (measured: 22 on the fixture
site). Here a request counts as transferring from the moment it leaves the slot's queue.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader import Downloader, Slot

if TYPE_CHECKING:
    from scrapy import Request

# On a request a rendered page waits for (``crawler.render.network``): the page's URL.
META_RENDER_OF = "render_of"


class _ReservingQueue(deque):
    """A slot's queue whose ``popleft`` reserves a transfer slot for the request it returns.

    A rendered page's own requests (:data:`META_RENDER_OF`, ``crawler.render.network``) go to the
    front: the page is half done and holds a browser page until they are answered. They still
    wait for the slot's concurrency and delay like any request of the host."""

    def __init__(self, items: Any, slot: Slot) -> None:
        super().__init__(items)
        self.slot = slot

    def append(self, entry: Any) -> None:
        if entry[0].meta.get(META_RENDER_OF):
            super().appendleft(entry)
        else:
            super().append(entry)

    def popleft(self) -> Any:
        entry = super().popleft()
        self.slot.transferring.add(entry[0])  # Downloader._download removes it when done
        return entry


class PoliteDownloader(Downloader):
    """``DOWNLOADER``: Scrapy's own, with each slot's concurrency limit holding."""

    def _get_slot(self, request: Request, *args: Any) -> tuple[str, Slot]:
        key, slot = super()._get_slot(request, *args)
        if not isinstance(slot.queue, _ReservingQueue):
            slot.queue = _ReservingQueue(slot.queue, slot)
        return key, slot
