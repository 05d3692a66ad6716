"""``python -m fixture_site.jsapp [--port N] [--articles N] [--print N]``: serve the JavaScript
fixture site on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import time

from fixture_site.jsapp.server import JsAppSite, serve_jsapp


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fixture_site.jsapp",
                                     description="Serve the fixture news site built by JavaScript.")
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8010, help="port (default 8010; 0: free)")
    parser.add_argument("--articles", type=int, default=30,
                        help="articles built by script (default 30)")
    parser.add_argument("--print", dest="printed", type=int, default=8,
                        help="server-rendered articles of the print section (default 8)")
    parser.add_argument("--seed", type=int, default=7, help="the same seed, the same site")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds added to every response")
    args = parser.parse_args()
    site = JsAppSite(args.articles, args.printed, args.seed, args.latency)
    with serve_jsapp(site, args.host, args.port) as running:
        print(f"JavaScript fixture site ({args.articles} app and {args.printed} print articles) "
              f"at {running.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
