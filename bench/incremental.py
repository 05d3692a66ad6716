"""Benchmark: what incremental recrawls cost, against the evolving fixture site on loopback.

Three crawls with the real CLI into one output folder:

1. ``full``: generation 0 of the site, nothing known yet;
2. ``unchanged``: the same site again: bytes downloaded as a share of run 1 (goal <= 5%);
3. ``evolved``: generation 1 (``--new`` newer articles, a few edits): requests made per new
   article page (goal <= 1.2), with the requests broken down by kind;
4. ``steady``: generation 1 again, as an hourly run that finds nothing new: the articles of the
   last ``RECHECK_DAYS`` are revalidated (all 304).

The site's clock is set so generation 1 is "now": articles published within ``RECHECK_DAYS``
are rechecked, as they would be on a live site. Bytes are Scrapy's
``downloader/response_bytes`` (status line, headers and body as received); requests are the
fixture server's log. Prints a summary and writes ``bench/results/incremental.json``.

    .venv/bin/python bench/incremental.py [--articles 300] [--new 120] [--recheck-days 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixture_site import FixtureSite  # noqa: E402
from fixture_site.model import STEP_MINUTES  # noqa: E402
from fixture_site.server import start_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "incremental.json"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "EXTRACTION_WORKERS=2", "-s", "LOGSTATS_INTERVAL=0", "--log-level", "WARNING",
        "-s", "MONITOR_MIN_ARTICLES=0"]  # a run that finds nothing new writes no article
ARTICLE = re.compile(r"^/(?:ru/)?news/\w+/(\d+)-[\w-]+\.html$")
REQUISITE = re.compile(r"^/(?:static/|files/|favicon\.ico$)")  # archived with each article
DISCOVERY = re.compile(r"^/(?:robots\.txt|sitemap\.xml|sitemaps/.*|news-sitemap\.xml|"
                       r"(?:ru/)?rss\.xml|atom\.xml)$")


def crawl(server, out: Path, settings: list[str]) -> dict:
    """One CLI crawl; returns its manifest stats, wall time and the server's request log."""
    server.clear_requests()
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "vsedelo", "--url", server.url,
         "--out", str(out), *FAST, *settings],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    seconds = time.monotonic() - started
    crawl_dir = max(p for p in out.glob("*/*") if (p / "warc").is_dir())
    stats = json.loads((crawl_dir / "manifest.json").read_text())["stats"]
    return {"stats": stats, "seconds": round(seconds, 1), "requests": server.requests}


def kinds(requests: list, known_ids: set[int]) -> Counter:
    """Requests by kind: new/known article pages, page requisites (images, CSS, JS archived
    with the articles), discovery documents, listings, redirects."""
    counts: Counter[str] = Counter()
    for _method, path, status in requests:
        p = urlsplit(path).path
        if m := ARTICLE.match(p):
            counts["article_known" if int(m[1]) in known_ids else "article_new"] += 1
        elif REQUISITE.match(p):
            counts["requisite"] += 1
        elif DISCOVERY.match(p):
            counts["discovery"] += 1
        elif 300 <= status < 400:
            counts["redirect"] += 1
        elif p in ("/", "/ru/") or "/news/" in p:
            counts["listing"] += 1
        else:
            counts["other"] += 1
    return counts


def summary(run: dict) -> dict:
    s = run["stats"]
    return {
        "requests": len(run["requests"]),
        "response_bytes": s.get("downloader/response_bytes", 0),
        "articles_written": s.get("articles/written", 0),
        "not_modified": s.get("incremental/not_modified", 0),
        "conditional_requests": s.get("incremental/conditional_requests", 0),
        "records_unchanged": s.get("incremental/records_unchanged", 0),
        "rechecks_scheduled": s.get("incremental/rechecks_scheduled", 0),
        "state_rows": s.get("state/rows_written", 0),
        "state_commits": s.get("state/commits", 0),
        "state_commit_seconds": s.get("state/commit_seconds", 0),
        "seconds": run["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles at generation 0")
    parser.add_argument("--new", type=int, default=120, help="new articles in generation 1")
    parser.add_argument("--edits", type=int, default=3, help="edited articles in generation 1")
    parser.add_argument("--recheck-days", type=float, default=3.0)
    parser.add_argument("--barren-pages", type=int, default=0,
                        help="INCREMENTAL_BARREN_PAGES (listing pages without news to read on)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    start = now - dt.timedelta(minutes=STEP_MINUTES * args.new)  # generation 1 is "now"
    kw = dict(articles=args.articles, seed=args.seed, now=start, new_per_generation=args.new,
              edits_per_generation=args.edits)
    gen0, gen1 = FixtureSite(generation=0, **kw), FixtureSite(generation=1, **kw)
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp, \
            start_server(gen0) as server:
        out = Path(tmp) / "out"
        settings = ["-s", f"RECHECK_DAYS={args.recheck_days}",
                    "-s", f"INCREMENTAL_BARREN_PAGES={args.barren_pages}"]
        full = crawl(server, out, settings)
        unchanged = crawl(server, out, settings)
        server.set_site(gen1)
        evolved = crawl(server, out, settings)
        steady = crawl(server, out, settings)
    known = {gen0.catalogue.id_of(i) for i in range(gen0.articles)}
    new_pages = 2 * args.new
    bytes_share = (unchanged["stats"]["downloader/response_bytes"]
                   / full["stats"]["downloader/response_bytes"])
    breakdown = kinds(evolved["requests"], known)
    result = {
        "benchmark": "incremental",
        "measured_at": now.isoformat(),
        "site": {"articles_gen0": args.articles, "new_articles_gen1": args.new,
                 "edits_gen1": args.edits, "pages_per_article": 2, "seed": args.seed},
        "settings": {"RECHECK_DAYS": args.recheck_days,
                     "INCREMENTAL_BARREN_PAGES": args.barren_pages},
        "runs": {"full": summary(full), "unchanged": summary(unchanged),
                 "evolved": {**summary(evolved), "requests_by_kind": dict(breakdown)},
                 "steady": summary(steady)},
        "unchanged_bytes_share": round(bytes_share, 4),
        "goal_unchanged_bytes_share": 0.05,
        "new_article_pages": new_pages,
        "requests_per_new_article": round(len(evolved["requests"]) / new_pages, 3),
        "page_requests_per_new_article": round(
            (len(evolved["requests"]) - breakdown["requisite"]) / new_pages, 3),
        "article_requests_per_new_article": round(
            (breakdown["article_new"] + breakdown["article_known"]) / new_pages, 3),
        "goal_requests_per_new_article": 1.2,
        "fixed_page_requests_per_run": (len(evolved["requests"]) - breakdown["article_new"]
                                        - breakdown["requisite"]),
        "steady_bytes_share": round(steady["stats"]["downloader/response_bytes"]
                                    / full["stats"]["downloader/response_bytes"], 4),
        "full_crawl_requests_per_article_page": round(
            len(full["requests"]) / (2 * args.articles), 3),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"full crawl:      {len(full['requests'])} requests, "
          f"{full['stats']['downloader/response_bytes'] / 1e6:.2f} MB, {full['seconds']} s")
    print(f"unchanged site:  {len(unchanged['requests'])} requests, "
          f"{unchanged['stats']['downloader/response_bytes'] / 1e3:.1f} kB "
          f"= {bytes_share:.2%} of the full crawl (goal <= 5%)")
    print(f"{args.new} new articles ({new_pages} pages): {len(evolved['requests'])} requests "
          f"= {result['requests_per_new_article']} per new article page, "
          f"{result['page_requests_per_new_article']} without page requisites (goal <= 1.2); "
          f"by kind: {dict(breakdown)}")
    print(f"nothing new, {args.recheck_days:g}-day recheck window: {len(steady['requests'])} "
          f"requests ({summary(steady)['not_modified']} answered 304), "
          f"{steady['stats']['downloader/response_bytes'] / 1e3:.1f} kB "
          f"= {result['steady_bytes_share']:.2%} of the full crawl")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
