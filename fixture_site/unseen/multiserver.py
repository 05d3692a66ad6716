"""Many unseen sites served by one light process: one asyncio loop, one listening socket per
site (a port of 127.0.0.1 each), HTTP/1.1 keep-alive. A thousand threaded servers would spend
the machine on their own polling; this one sleeps until a request comes.

``python -m fixture_site.unseen.multiserver --sites 1000 --scale 0.2 --urls FILE`` serves until
it is killed and writes one site URL per line to FILE once every port listens (the seed list of
``bench/many_sites.py``). Each site is :func:`fixture_site.unseen.world.serve_many`'s: themes and
zones in turn, its own seed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from fixture_site.unseen.server import SimClock
from fixture_site.unseen.site import UnseenSite, http_date
from fixture_site.unseen.world import many_sites

MAX_HEADER_LINES = 100


class SiteProtocol:
    """Answers the requests of one connection to one site."""

    def __init__(self, site: UnseenSite, clock: SimClock, latency: float) -> None:
        self.site, self.clock, self.latency = site, clock, latency

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _version = (line.decode("latin-1").split(" ") + ["", ""])[:3]
                close = False
                for _ in range(MAX_HEADER_LINES):
                    header = await reader.readline()
                    if header in (b"\r\n", b"\n", b""):
                        break
                    if header.lower().startswith(b"connection:") and b"close" in header.lower():
                        close = True
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(self.answer(method, target))
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def answer(self, method: str, target: str) -> bytes:
        now = self.clock.now()
        resp = self.site.render(target or "/", now)
        head = [f"HTTP/1.1 {resp.status} {'OK' if resp.status == 200 else 'Not Found'}",
                f"Server: {self.site.theme.server}", f"Date: {http_date(now)}",
                f"Content-Type: {resp.content_type}", f"Content-Length: {len(resp.body)}",
                *(f"{name}: {value}" for name, value in resp.headers)]
        body = b"" if method == "HEAD" else resp.body
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


async def serve(sites: Sequence[UnseenSite], urls: Path, host: str, latency: float) -> None:
    servers = []
    lines = []
    for site in sites:
        clock = SimClock(site.spec.render_at - timedelta(seconds=0))
        handler = SiteProtocol(site, clock, latency)
        server = await asyncio.start_server(handler.serve, host, 0, backlog=64)
        port = server.sockets[0].getsockname()[1]
        site.base = f"http://{host}:{port}"
        lines.append(f"http://{host}:{port}/")
        servers.append(server)
    part = urls.with_name(urls.name + ".part")
    part.write_text("\n".join(lines) + "\n")
    os.replace(part, urls)
    await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m fixture_site.unseen.multiserver",
                                description="Serve many small unseen sites from one process.")
    p.add_argument("--sites", type=int, default=100, help="number of sites (default 100)")
    p.add_argument("--scale", type=float, default=0.2, help="size of each site (default 0.2)")
    p.add_argument("--seed", type=int, default=1, help="generation seed (default 1)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    p.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    p.add_argument("--urls", type=Path, required=True,
                   help="write the sites' URLs here, one per line, once all listen")
    args = p.parse_args(argv)
    if not args.host.startswith("127."):
        p.error("serve on a loopback address (127.x.x.x) only")
    sites = many_sites(args.sites, seed=args.seed, scale=args.scale)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sites, args.urls, args.host, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
