"""Serve a :class:`FixtureSite` over real HTTP/1.1 (keep-alive) on loopback, in threads."""

from __future__ import annotations

import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from fixture_site.responses import SERVER_NAME
from fixture_site.site import FixtureSite, SiteState


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: FixtureSite) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.state = SiteState()
        self.log: list[tuple[str, str, int]] = []
        self.timed: list[tuple[float, str, int]] = []  # (arrival, path, status) per request
        self.log_lock = threading.Lock()
        self.starts: list[float] = []  # monotonic time each request arrived
        self.active = 0  # requests being answered now, and the most at once
        self.max_active = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SERVER_NAME
    sys_version = ""
    timeout = 60  # idle keep-alive connections are dropped after this
    server: _Server

    def _serve(self) -> None:
        server = self.server
        arrived = time.monotonic()
        with server.log_lock:
            server.starts.append(arrived)
            server.active += 1
            server.max_active = max(server.max_active, server.active)
        try:
            self._answer(arrived)
        finally:
            with server.log_lock:
                server.active -= 1

    def _answer(self, arrived: float) -> None:
        site = self.server.site
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # discard request bodies so keep-alive stays in sync
        resp = site.render(self.command, self.path, dict(self.headers.items()), self.server.state)
        with self.server.log_lock:
            self.server.log.append((self.command, self.path, resp.status))
            self.server.timed.append((arrived, self.path, resp.status))
        wait = site.latency + resp.delay
        if wait > 0:
            time.sleep(wait)
        self.send_response(resp.status)
        for name, value in resp.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if resp.body and self.command != "HEAD":
            self.wfile.write(resp.body)

    def send_response(self, code: int, message: str | None = None) -> None:
        """Status line plus Server and Date (the stdlib's own version of this adds both)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", SERVER_NAME)
        self.send_header("Date", formatdate(usegmt=True))

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log lives in ``RunningServer.requests``."""


class RunningServer:
    """A fixture site served in a background thread; stop() or use as a context manager."""

    def __init__(self, site: FixtureSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self._server = _Server((host, port), site)
        self.host = host
        self.port: int = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"fixture-site-{self.port}",
        )
        self._thread.start()

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """Snapshot of (method, path with query, status) for every request so far."""
        with self._server.log_lock:
            return list(self._server.log)

    @property
    def max_concurrency(self) -> int:
        """The most requests the server was answering at the same time."""
        with self._server.log_lock:
            return self._server.max_active

    @property
    def arrivals(self) -> list[float]:
        """``time.monotonic()`` of each request's arrival, in order."""
        with self._server.log_lock:
            return list(self._server.starts)

    @property
    def timed_requests(self) -> list[tuple[float, str, int]]:
        """``(time.monotonic() of arrival, path, status)`` of every request answered so far."""
        with self._server.log_lock:
            return list(self._server.timed)

    def set_site(self, site: FixtureSite) -> None:
        """Serve ``site`` from now on (e.g. the next generation of an evolving site)."""
        self.site = site
        self._server.site = site

    def clear_requests(self) -> None:
        """Forget the request log."""
        with self._server.log_lock:
            self._server.log.clear()
            self._server.timed.clear()
            self._server.starts.clear()
            self._server.max_active = self._server.active

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(site: FixtureSite, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve ``site`` on ``host:port`` (0: a free port) in background threads."""
    return RunningServer(site, host, port)


def run_site(
    host: str = "127.0.0.1",
    port: int = 8000,
    articles: int = 200,
    seed: int = 1,
    latency: float = 0.0,
    ground_truth_path: str | Path | None = None,
    generation: int | None = None,
) -> None:
    """Serve a fixture site until Ctrl-C, printing its URL (``crawler site``)."""
    site = FixtureSite(articles=articles, seed=seed, latency=latency, generation=generation)
    server = start_server(site, host, port)
    if ground_truth_path:
        n = site.write_ground_truth(ground_truth_path, server.url)
        print(f"ground truth: {n} records in {ground_truth_path}", file=sys.stderr)
    evolving = "" if generation is None else f", generation {generation}"
    print(f"fixture site ({site.articles} articles, seed {seed}{evolving}) at {server.url}",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
