"""A fault-injecting TCP proxy on 127.0.0.1 between boto3 and the moto server (tests only).

The store "goes down" without moto losing its in-memory objects: the proxy stops forwarding.

* ``up``: forward every connection to the upstream;
* ``refuse``: close the listening socket (connection refused) and cut open connections;
* ``503``: answer every request with ``503 SlowDown`` and close;
* ``hang``: accept connections and never answer (a store too slow to answer at all).
"""

from __future__ import annotations

import contextlib
import socket
import threading

_SLOWDOWN = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
             b"<Message>Please reduce your request rate.</Message></Error>")
MODES = ("up", "refuse", "503", "hang")


class FaultProxy:
    """Forwards ``127.0.0.1:<port>`` to ``upstream`` until told to fail."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode = "up"
        self.connections = 0  # accepted client connections, in any mode
        self.port = 0
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_mode(self, mode: str) -> None:
        """Switch behaviour; leaving ``up`` cuts every open connection."""
        if mode not in MODES:
            raise ValueError(mode)
        with self._lock:
            previous, self.mode = self.mode, mode
        if mode != "up":
            self._cut_all()
        if mode == "refuse":
            self._close_listener()
        elif previous == "refuse":
            self._listen()

    def close(self) -> None:
        self._close_listener()
        self._cut_all()

    # --- internals -------------------------------------------------------------------------
    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self._listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _close_listener(self) -> None:
        sock, self._listener = self._listener, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _cut_all(self) -> None:
        with self._lock:
            live, self._live = list(self._live), set()
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._live.add(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self.connections += 1
            self._track(client)
            mode = self.mode
            if mode == "up":
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()
            elif mode == "503":
                threading.Thread(target=self._slowdown, args=(client,), daemon=True).start()
            elif mode == "refuse":
                client.close()
            # "hang": keep the socket open and silent until the mode changes

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        self._track(upstream)
        back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
        back.start()
        _pump(client, upstream)
        back.join()
        with self._lock:
            self._live.difference_update((client, upstream))
        client.close()
        upstream.close()

    def _slowdown(self, client: socket.socket) -> None:
        """Read one request's head (and its body, unless it waits for 100-continue); 503."""
        with contextlib.suppress(OSError):
            client.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            headers = head.decode("latin-1").lower()
            length = 0
            for line in headers.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip() == "content-length":
                    length = int(value.strip())
            if "100-continue" not in headers:
                while len(body) < length and (chunk := client.recv(65536)):
                    body += chunk
            client.sendall(b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
                           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(_SLOWDOWN)
                           + _SLOWDOWN)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)
        client.close()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while chunk := src.recv(65536):
            dst.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
