"""The JavaScript fixture site over HTTP/1.1 on loopback, in threads.

``JsAppSite(app=30, printed=8)`` holds the site; :func:`serve_jsapp` serves it on a free port
for a ``with`` block (``running.url``, ``running.requests``, ``running.truth()``).
``python -m fixture_site.jsapp --port 8010`` serves it until Ctrl-C.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from fixture_site.jsapp import pages
from fixture_site.jsapp.content import Article, build_articles, listing_page, truth

Answer = tuple[int, str, bytes]  # status, content type, body


class JsAppSite:
    """The site: ``app`` articles built by script, ``printed`` server-rendered ones;
    ``latency`` seconds added to every response, ``hang`` paths that never finish,
    ``extra_head`` markup added to the application shell's head (a third-party tag...);
    ``sitemap``: list every article in ``/sitemap.xml`` (else only the rendered pages link to
    the script-built ones)."""

    def __init__(self, app: int = 30, printed: int = 8, seed: int = 7, latency: float = 0.0,
                 hang: tuple[str, ...] = (), extra_head: str = "", sitemap: bool = False) -> None:
        self.articles = build_articles(app, printed, seed)
        self.by_id = {a.id: a for a in self.articles}
        self.by_path = {a.path: a for a in self.articles}
        self.latency = latency
        self.hang = hang
        self.shell = pages.APP_SHELL.replace("</head>", extra_head + "</head>").encode()
        self.sitemap = sitemap

    def answer(self, path: str, origin: str = "http://127.0.0.1") -> Answer:
        """What the site serves at ``path`` (with its query) on ``origin`` (its Host)."""
        parts = urlsplit(path)
        route, query = parts.path, parse_qs(parts.query)
        article = self.by_path.get(route)
        if route == "/" or (article is not None and article.kind == "app"):
            return 200, "text/html; charset=utf-8", self.shell
        if article is not None:
            return 200, "text/html; charset=utf-8", pages.print_article(article).encode()
        if route == "/print/":
            printed = [a for a in self.articles if a.kind == "print"]
            return 200, "text/html; charset=utf-8", pages.print_index(printed).encode()
        if route == "/api/list":
            page = int((query.get("page") or ["1"])[0] or 1)
            return 200, "application/json", pages.as_json(listing_page(self.articles, page))
        if route.startswith("/api/articles/"):
            found = self.by_id.get(int(route.rsplit("/", 1)[1] or 0)
                                   if route.rsplit("/", 1)[1].isdigit() else 0)
            if found is not None and found.kind == "app":
                return 200, "application/json", pages.as_json(found.api(self.by_id))
        if route == "/sitemap.xml" and self.sitemap:
            return 200, "application/xml", pages.sitemap(self.articles, origin).encode()
        robots = "User-agent: *\nAllow: /\n" + (f"Sitemap: {origin}/sitemap.xml\n"
                                                 if self.sitemap else "")
        static = {"/assets/app.js": ("application/javascript", pages.APP_JS),
                  "/assets/site.js": ("application/javascript", pages.SITE_JS),
                  "/assets/app.css": ("text/css", pages.APP_CSS),
                  "/robots.txt": ("text/plain", robots)}
        if route in static:
            kind, text = static[route]
            return 200, kind, text.encode()
        if route.startswith("/media/") and route.endswith(".png"):
            return 200, "image/png", pages.PNG
        return 404, "text/html; charset=utf-8", b"<!DOCTYPE html><title>Not found</title>"

    def article_of(self, url: str) -> Article | None:
        """The article at ``url`` (any origin), if one."""
        return self.by_path.get(urlsplit(url).path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], site: JsAppSite) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: _Server

    def _answer(self) -> None:
        site = self.server.site
        status, kind, body = site.answer(self.path, f"http://{self.headers.get('Host')}")
        with self.server.lock:
            self.server.log.append((self.path, status))
        if any(self.path.startswith(p) for p in site.hang):
            time.sleep(3600)  # a response that never comes (until the client gives up)
        if site.latency:
            time.sleep(site.latency)
        headers = [("Content-Type", kind), ("Date", formatdate(usegmt=True)),
                   ("Cache-Control", "max-age=60")]
        if "gzip" in (self.headers.get("Accept-Encoding") or "") and len(body) > 200:
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are kept in ``RunningJsApp.requests``."""


class RunningJsApp:
    """The site served in a background thread; ``url`` is its origin with a trailing slash."""

    def __init__(self, site: JsAppSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self._server = _Server((host, port), site)
        self.port: int = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}/"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True,
                                        name=f"jsapp-{self.port}")
        self._thread.start()

    @property
    def requests(self) -> list[tuple[str, int]]:
        """(path, status) of every request answered so far."""
        with self._server.lock:
            return list(self._server.log)

    def truth(self) -> list[dict[str, object]]:
        """Every article as a crawl must write it (absolute URLs on this origin)."""
        return truth(self.site.articles, self.url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serve_jsapp(site: JsAppSite | None = None, host: str = "127.0.0.1",
                port: int = 0) -> Iterator[RunningJsApp]:
    """Serve ``site`` (default: 30 app and 8 print articles) for the ``with`` block."""
    running = RunningJsApp(site or JsAppSite(), host, port)
    try:
        yield running
    finally:
        running.stop()
