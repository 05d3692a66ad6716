"""The ``--render auto`` rule on real publisher pages: how many would it send to a browser?

Run from the repository root:  .venv/bin/python bench/render_decision.py
Reads ../shared/benchmarks (override with SHARED_DIR) in place; writes
bench/results/render_decision.json.

Every page here was sent with its content by its server (the static fixture site's articles
and listings, the fundus real-page set, Zyte's article-extraction benchmark pages saved with
JavaScript off), so each page the rule would render is a false positive: a render that costs a
browser and gains nothing. Each page goes the page workers' way (``scan_in_worker``, probing for
the render decision as a crawl in auto mode does) and then through the crawl's decision
(``RenderPolicy.reason``). The static fixture's pages also run without the probe, alternating,
to measure what ``auto`` adds to a worker's CPU per page and to the main process's (the
decision), medians of ``--rounds``: the cost of ``auto`` on a static site, free of the noise
that whole crawls on a shared machine have.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import worker  # noqa: E402
from crawler.pages.pagescan import ScanScope  # noqa: E402
from crawler.pages.profiles import GENERIC  # noqa: E402
from crawler.pages.site import site_for  # noqa: E402
from crawler.render.render_policy import RenderPolicy  # noqa: E402

SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "benchmarks"
FETCHED = "2025-01-01T00:00:00+00:00"


def fixture_pages(articles: int = 150) -> list[tuple[str, str, bytes]]:
    """The static fixture site's article pages and its listing pages (home, sections, pages 2),
    as the crawl fetches them."""
    from urllib.parse import urlsplit

    from fixture_site import FixtureSite

    site = FixtureSite(articles=articles, seed=3)
    base = "http://127.0.0.1:8000"
    urls = site.article_urls(base)
    home = site.render("GET", "/", {"Host": "127.0.0.1:8000"}).body.decode("utf-8", "replace")
    for href in sorted(set(re.findall(r'href="(/[^"#?]*/)"', home)))[:30]:
        urls.append(base + href)
    out = []
    for url in urls:
        answer = site.render("GET", urlsplit(url).path, {"Host": "127.0.0.1:8000"})
        if answer.status == 200:
            out.append(("static-fixture", url, answer.body))
    return out


def pages() -> list[tuple[str, str, bytes]]:
    """(set, url, html bytes) of every page available: the static fixture's, real ones."""
    out = fixture_pages()
    real = DATA / "real-pages"
    for line in (real / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append(("real-pages", row["url"], gzip.decompress((real / "pages" / row["file"])
                                                              .read_bytes())))
    aeb = DATA / "scrapinghub-aeb"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for key, row in sorted(truth.items()):
        path = aeb / "html" / f"{key}.html.gz"
        if path.exists():
            out.append(("zyte-aeb", row["url"], gzip.decompress(path.read_bytes())))
    return out


def decide(items: list[tuple[str, str, bytes]], probe: int
           ) -> tuple[list[dict], float, float]:
    """The decision for every page, the workers' CPU seconds it took, and the main process's
    (the policy's) CPU seconds."""
    policy = RenderPolicy(thin_chars=probe or 200)
    rows, cpu, main = [], 0.0, 0.0
    for name, url, body in items:
        site = site_for(url, GENERIC, ())
        worker.remember_scope("bench", ScanScope(GENERIC, site.hosts, site=site,
                                                 render_probe=probe))
        started = time.process_time()
        scan, extracted = worker.scan_in_worker("bench", body, url, url, FETCHED, None, True)
        cpu += time.process_time() - started
        started = time.process_time()
        chars = len(extracted.get("text") or "") if extracted is not None else None
        reason = policy.reason(url, scan.is_article, scan.render, chars) if probe else None
        main += time.process_time() - started
        rows.append({"set": name, "url": url, "article": scan.is_article, "chars": chars,
                     "reason": reason})
    return rows, cpu, main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    args = parser.parse_args()
    items = pages()
    with_probe, without, mains = [], [], []
    rows: list[dict] = []
    static = [item for item in items if item[0] == "static-fixture"]
    for _ in range(max(1, args.rounds)):  # the workers' cost on the static fixture's pages
        without.append(decide(static, 0)[1])
        _, cpu, main = decide(static, 200)
        with_probe.append(cpu)
        mains.append(main)
    rows = decide(items, 200)[0]
    rendered = [r for r in rows if r["reason"]]
    per_set = Counter(r["set"] for r in rows)
    probe_ms = sorted(with_probe)[len(with_probe) // 2] / len(static) * 1000
    plain_ms = sorted(without)[len(without) // 2] / len(static) * 1000
    main_us = sorted(mains)[len(mains) // 2] / len(static) * 1e6
    result = {
        "pages": dict(per_set),
        "rendered": {name: sum(1 for r in rendered if r["set"] == name) for name in per_set},
        "reasons": dict(Counter(r["reason"] for r in rendered)),
        "rendered_pages": [{k: r[k] for k in ("set", "url", "reason", "chars")}
                           for r in rendered],
        "static_fixture_worker_ms_per_page": {
            "auto (probing)": round(probe_ms, 3), "never": round(plain_ms, 3),
            "added": round(probe_ms - plain_ms, 3),
            "ratio": round(probe_ms / plain_ms, 4) if plain_ms else None},
        "static_fixture_decision_us_per_page": round(main_us, 2),
    }
    print(json.dumps({k: v for k, v in result.items() if k != "rendered_pages"}, indent=1))
    for row in result["rendered_pages"]:
        print(f"  would render ({row['reason']}, {row['chars']} chars): {row['url']}")
    out = ROOT / "bench" / "results" / "render_decision.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
