"""The ``--render auto`` rule on real publisher pages: how many would it send to a browser?

Run from the repository root:  .venv/bin/python bench/render_decision.py
Reads ../shared/benchmarks (override with SHARED_DIR) in place; writes
bench/results/render_decision.json.

Every page here is a real article whose text its server sent (the fundus real-page set, and
Zyte's article-extraction benchmark pages saved with JavaScript off), so each page the rule
would render is a false positive: a render that costs a browser and gains nothing. Each page
goes the page workers' way (``scan_in_worker``, probing for the render decision as a crawl in
auto mode does) and then through the crawl's decision (``RenderPolicy.reason``). The same pages
are also run without the probe, to measure what the probe costs a worker per page (CPU time,
alternating rounds, medians).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
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
from crawler.render.policy import RenderPolicy  # noqa: E402

SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "benchmarks"
FETCHED = "2025-01-01T00:00:00+00:00"


def pages() -> list[tuple[str, str, bytes]]:
    """(set, url, html bytes) of every real page available."""
    out = []
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


def decide(items: list[tuple[str, str, bytes]], probe: int) -> tuple[list[dict], float]:
    """The decision for every page, and the workers' CPU seconds it took."""
    policy = RenderPolicy(thin_chars=probe or 200)
    rows, cpu = [], 0.0
    for name, url, body in items:
        site = site_for(url, GENERIC, ())
        worker.warm_up(ScanScope(GENERIC, site.hosts, site=site, render_probe=probe))
        started = time.process_time()
        scan, extracted = worker.scan_in_worker(body, url, url, FETCHED, None, True)
        cpu += time.process_time() - started
        chars = len(extracted.get("text") or "") if extracted is not None else None
        reason = policy.reason(url, scan.is_article, scan.render, chars) if probe else None
        rows.append({"set": name, "url": url, "article": scan.is_article, "chars": chars,
                     "reason": reason})
    return rows, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    args = parser.parse_args()
    items = pages()
    with_probe, without = [], []
    rows: list[dict] = []
    for _ in range(max(1, args.rounds)):
        rows, cpu = decide(items, 200)
        with_probe.append(cpu)
        without.append(decide(items, 0)[1])
    rendered = [r for r in rows if r["reason"]]
    per_set = Counter(r["set"] for r in rows)
    probe_ms = sorted(with_probe)[len(with_probe) // 2] / len(items) * 1000
    plain_ms = sorted(without)[len(without) // 2] / len(items) * 1000
    result = {
        "pages": dict(per_set),
        "rendered": {name: sum(1 for r in rendered if r["set"] == name) for name in per_set},
        "reasons": dict(Counter(r["reason"] for r in rendered)),
        "rendered_pages": [{k: r[k] for k in ("set", "url", "reason", "chars")}
                           for r in rendered],
        "worker_ms_per_page": {"auto (probing)": round(probe_ms, 3),
                               "never": round(plain_ms, 3),
                               "ratio": round(probe_ms / plain_ms, 4) if plain_ms else None},
    }
    print(json.dumps({k: v for k, v in result.items() if k != "rendered_pages"}, indent=1))
    for row in result["rendered_pages"]:
        print(f"  would render ({row['reason']}, {row['chars']} chars): {row['url']}")
    out = ROOT / "bench" / "results" / "render_decision.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
