"""Serve the unseen sites over HTTP/1.1 on loopback, one origin (port) per site.

Each server keeps its site's simulated clock: it starts at the site's ``render_at`` and advances
with real elapsed seconds. The HTTP ``Date`` header and every relative date on a page come from
that clock, never from the machine's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from fixture_site.unseen.site import UnseenSite, http_date
from fixture_site.unseen.sites import build_sites


class SimClock:
    """A site's clock: ``start`` at creation, then moving with ``time.monotonic()``."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        """The simulated time, to the second (what the ``Date`` header says)."""
        elapsed = timedelta(seconds=int(time.monotonic() - self._t0))
        return self.start + elapsed

    def advance(self, seconds: float) -> None:
        """Move the clock forward (as if ``seconds`` of real time had passed)."""
        self._t0 -= seconds


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], site: UnseenSite, latency: float = 0.0) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.latency = latency  # seconds every answer waits (a slow site)
        self.active = 0  # requests being answered now, and the most at once
        self.max_active = 0
        self.clock = SimClock(site.spec.render_at)
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: _Server

    def _answer(self) -> None:
        with self.server.lock:
            self.server.active += 1
            self.server.max_active = max(self.server.max_active, self.server.active)
        try:
            if self.server.latency:
                time.sleep(self.server.latency)
            self._respond()
        finally:
            with self.server.lock:
                self.server.active -= 1

    def _respond(self) -> None:
        site, now = self.server.site, self.server.clock.now()
        resp = site.render(self.path, now)
        with self.server.lock:
            self.server.log.append((self.path, resp.status))
        self.log_request(resp.status)
        self.send_response_only(resp.status)
        self.send_header("Server", site.theme.server)
        self.send_header("Date", http_date(now))
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    do_GET = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are kept in ``RunningSite.requests``."""


class RunningSite:
    """One site served in a background thread; ``url`` is its origin with a trailing slash."""

    def __init__(self, site: UnseenSite, host: str = "127.0.0.1", port: int = 0,
                 latency: float = 0.0) -> None:
        self._server = _Server((host, port), site, latency)
        self.port: int = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}/"
        site.base = self.url.rstrip("/")
        self.site = site
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
            name=f"unseen-{site.key}-{self.port}",
        )
        self._thread.start()

    @property
    def clock(self) -> SimClock:
        """The site's simulated clock."""
        return self._server.clock

    @property
    def max_active(self) -> int:
        """The most requests this site answered at once."""
        return self._server.max_active

    @property
    def requests(self) -> list[tuple[str, int]]:
        """(path, status) of every request answered so far."""
        with self._server.lock:
            return list(self._server.log)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningSite:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


@contextmanager
def serve_unseen_sites(
    seed: int = 1,
    quick: bool = False,
    port_base: int = 0,
    host: str = "127.0.0.1",
    only: tuple[str, ...] = (),
) -> Iterator[list[RunningSite]]:
    """Serve every unseen site (``port_base + i`` each; 0: free ports) for the ``with`` block.

    Yields the running sites; ``running.url`` is a site's origin and ``running.site.gold()``
    its ground truth (with absolute URLs on that origin).
    """
    sites = build_sites(seed=seed, quick=quick, only=only)
    with ExitStack() as stack:
        running = []
        for i, site in enumerate(sites):
            port = port_base + i if port_base else 0
            running.append(stack.enter_context(RunningSite(site, host, port)))
        yield running
