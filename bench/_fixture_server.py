"""A fast server of the fixture site for benchmarks, run as its own process.

``crawler site`` renders every page on demand in a thread per connection; that costs more CPU
than the crawler spends on a page. Here the same :class:`~fixture_site.FixtureSite` answers
through an asyncio server, every response is cached once rendered (the site is deterministic;
``/special/`` pages are not cached), and ``--prewarm`` renders the whole site (a breadth-first
walk of its links) before it starts listening, so a timed crawl only pays for socket I/O.
Latency is an ``asyncio.sleep`` per response: connections wait concurrently, as on a real site.

``GET /__bench/stats`` answers JSON counts (requests, article pages served with 200) and
``GET /__bench/reset`` clears them, ``GET /__bench/latency/0.02`` sets the latency; none of
them is part of the site.

    .venv/bin/python bench/_fixture_server.py --port 8000 --articles 2500 --latency 0.02
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixture_site import FixtureSite  # noqa: E402
from fixture_site.responses import SERVER_NAME, Response, accepts_gzip  # noqa: E402

ARTICLE = re.compile(r"^(?:/ru)?/news/\w+/\d+-[\w-]+\.html$")
_LINK = re.compile(rb"""(?:href|src)=["']([^"'#]+)|<loc>([^<]+)</loc>""")
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            500: "Internal Server Error", 503: "Service Unavailable"}
_LAZY = ("/search", "/special/", "/admin", "/print/", "/archive/", "/go/", "/old/")
Key = tuple[str, str, str, bool, str, str]
Answer = tuple[bytes, bytes, float]  # status line and headers, body, delay


class CachedSite:
    """``FixtureSite.render`` with every answer cached by what it depends on."""

    def __init__(self, site: FixtureSite) -> None:
        self.site = site
        self.cache: dict[Key, Answer] = {}
        self.counts: Counter[str] = Counter()

    def answer(self, method: str, path: str, headers: dict[str, str]) -> Answer:
        """(status line and headers, body, delay) for one request."""
        key = (method, path, headers.get("host", ""), accepts_gzip(headers),
               headers.get("if-none-match", ""), headers.get("if-modified-since", ""))
        hit = self.cache.get(key)
        if hit is None:
            resp = self.site.render(method, path, headers)
            hit = (_head(resp), resp.body if method != "HEAD" else b"", resp.delay)
            if not path.startswith("/special/"):
                self.cache[key] = hit
        self.counts["requests"] += 1
        if hit[0].startswith(b"HTTP/1.1 200") and ARTICLE.match(path.split("?")[0]):
            self.counts["article_200"] += 1
        return hit

    def prewarm(self, host: str) -> int:
        """Render the pages reachable from the start pages, gzip and identity; returns pages.

        Day archives (an endless calendar) and redirects are left to be rendered on demand."""
        todo, seen = ["/", "/ru/", "/robots.txt", "/sitemap.xml", "/news-sitemap.xml"], set()
        while todo:
            path = todo.pop()
            if path in seen or path.startswith(_LAZY):
                continue
            seen.add(path)
            plain = {"host": host, "accept-encoding": "identity"}
            self.answer("GET", path, {"host": host, "accept-encoding": "gzip, deflate"})
            head, body, _ = self.answer("GET", path, plain)
            for m in _LINK.finditer(body):
                link = (m[1] or m[2]).decode("latin-1").strip()
                if link.startswith("http://" + host):
                    link = link[len("http://" + host):]
                if link.startswith("/") and not link.startswith("//"):
                    todo.append(link)
        self.counts.clear()
        return len(seen)


def _head(resp: Response) -> bytes:
    lines = [f"HTTP/1.1 {resp.status} {_REASONS.get(resp.status, 'Status')}",
             f"Server: {SERVER_NAME}"]
    lines += [f"{k}: {v}" for k, v in resp.headers]
    if resp.status in (204, 304) or not any(k.lower() == "content-length"
                                            for k, _ in resp.headers):
        lines.append(f"Content-Length: {len(resp.body)}")
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


class Server:
    """HTTP/1.1 keep-alive over asyncio streams, answering from a :class:`CachedSite`."""

    def __init__(self, site: CachedSite, latency: float) -> None:
        self.site = site
        self.latency = latency

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    raw = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    break
                request_line, *lines = raw.decode("latin-1").split("\r\n")
                method, path, _version = (request_line.split(" ") + ["", ""])[:3]
                headers = {}
                for line in lines:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if length := int(headers.get("content-length") or 0):
                    await reader.readexactly(length)
                close = headers.get("connection", "").lower() == "close"
                head, body, delay = self._answer(method, path, headers)
                if self.latency + delay > 0:
                    await asyncio.sleep(self.latency + delay)
                date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()).encode()
                writer.write(head + b"Date: " + date + b"\r\n"
                             + (b"Connection: close\r\n" if close else b"") + b"\r\n" + body)
                await writer.drain()
                if close:
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    def _answer(self, method: str, path: str, headers: dict[str, str]) -> Answer:
        if path.startswith("/__bench/"):
            if path == "/__bench/reset":
                self.site.counts.clear()
            elif path.startswith("/__bench/latency/"):
                self.latency = float(path.rsplit("/", 1)[1])
            body = json.dumps(dict(self.site.counts)).encode()
            return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n".encode(), body, 0.0)
        return self.site.answer(method, path, headers)


async def serve(host: str, port: int, server: Server) -> None:
    srv = await asyncio.start_server(server.handle, host, port, backlog=1024)
    print(f"listening on http://{host}:{port}/", flush=True)
    async with srv:
        await srv.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--articles", type=int, default=200, help="articles per language")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per response")
    parser.add_argument("--prewarm", action="store_true", help="render the site before serving")
    args = parser.parse_args(argv)
    site = CachedSite(FixtureSite(articles=args.articles, seed=args.seed))
    if args.prewarm:
        started = time.monotonic()
        pages = site.prewarm(f"{args.host}:{args.port}")
        print(f"prewarmed {pages} pages in {time.monotonic() - started:.1f} s", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, Server(site, args.latency)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
