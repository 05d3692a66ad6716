"""Small HTTP servers of a test's own (``http.server`` handlers) on free loopback ports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def start_server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Serve ``handler`` on a free 127.0.0.1 port in a daemon thread; ``shutdown()`` when done."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """``handler`` served on a free 127.0.0.1 port until the block ends."""
    server = start_server(handler)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server: ThreadingHTTPServer) -> str:
    """``http://127.0.0.1:<port>`` of a server started here."""
    return f"http://127.0.0.1:{server.server_port}"
