"""``python -m fixture_site.unseen``: serve the unseen sites until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fixture_site.unseen.server import serve_unseen_sites
from fixture_site.unseen.sites import THEMES


def main(argv: list[str] | None = None) -> int:
    """Parse the options, serve the sites, print their URLs; returns the exit status."""
    keys = [t.spec.key for t in THEMES]
    parser = argparse.ArgumentParser(
        prog="python -m fixture_site.unseen",
        description="Serve the unseen fixture news sites on loopback, one port per site, each "
        "with its own simulated clock (HTTP Date header).",
    )
    parser.add_argument("--port-base", type=int, default=8300,
                        help="first port; site i listens on PORT_BASE+i (0: free ports)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--seed", type=int, default=1, help="generation seed (default 1)")
    parser.add_argument("--quick", action="store_true", help="three smaller sites only")
    parser.add_argument("--only", action="append", choices=keys, default=[],
                        help="serve only this site (repeatable)")
    parser.add_argument("--ground-truth", metavar="DIR", type=Path,
                        help="write <DIR>/<site>.json with each site's ground truth")
    args = parser.parse_args(argv)
    try:
        with serve_unseen_sites(args.seed, args.quick, args.port_base, args.host,
                                tuple(args.only)) as sites:
            for running in sites:
                site = running.site
                line = (f"{site.key:8} {running.url}  {site.spec.theme}, {site.spec.zone.name}, "
                        f"{'/'.join(site.spec.langs)}, {len(site.stories)} articles, clock "
                        f"{site.spec.render_at:%Y-%m-%dT%H:%MZ}")
                print(line, flush=True)
                if args.ground_truth:
                    args.ground_truth.mkdir(parents=True, exist_ok=True)
                    site.write_ground_truth(args.ground_truth / f"{site.key}.json")
            print("serving; Ctrl-C to stop", file=sys.stderr, flush=True)
            while True:
                time.sleep(3600)
    except OSError as exc:
        print(f"cannot listen: {exc} (choose another --port-base)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
