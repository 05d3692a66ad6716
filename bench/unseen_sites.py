"""Blind benchmark: crawl each unseen fixture site with the real CLI and score the articles.

Run from the repository root:  .venv/bin/python bench/unseen_sites.py [--quick] [--jobs 2]

For every site of ``crawler.fixture.unseen`` (served on loopback, one origin each, with the
site's simulated clock in the HTTP Date header) it runs, as a new user would::

    .venv/bin/crawler crawl news --url http://127.0.0.1:PORT/ --out <tmp>/<site> \\
        -s DOWNLOAD_DELAY=0 -s CONCURRENT_REQUESTS_PER_DOMAIN=8

reads ``<out>/**/articles/*.jsonl.gz`` and scores them against the ground truth: published as
an exact instant (a day-only gold needs that day-only answer, a null gold needs null), invented
dates, records holding a site-wide boilerplate line, text token F1, exact titles, articles
found. Prints a summary and writes bench/results/unseen_sites.json with every failure.
Targets: published >= 0.97, 0 invented, 0 boilerplate records, text F1 >= 0.98.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract.fixture_eval import token_f1  # noqa: E402
from crawler.fixture.unseen import GoldArticle, RunningSite, serve_unseen_sites  # noqa: E402
from crawler.fixture.unseen.sites import THEMES  # noqa: E402

TARGETS = {"published": 0.97, "invented": 0, "boilerplate_records": 0, "text_f1": 0.98}
TEXT_FAIL_BELOW = 0.98  # a page's text is listed as a failure under this F1


def crawl(running: RunningSite, out: Path, log_level: str) -> dict[str, Any]:
    """Run the crawler CLI on one site; returns its exit status, time and log path."""
    crawler = Path(sys.executable).parent / "crawler"
    cmd = [str(crawler), "crawl", "news", "--url", running.url, "--out", str(out),
           "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
           "--log-level", log_level]
    log = out.with_suffix(".log")
    start = time.monotonic()
    with log.open("w") as fh:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, check=False)
    return {"exit": proc.returncode, "seconds": round(time.monotonic() - start, 1),
            "log": str(log), "requests": len(running.requests)}


def read_records(out: Path) -> list[dict[str, Any]]:
    """Every article record the crawl wrote under ``out``."""
    records = []
    for path in sorted(out.glob("**/articles/*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh if line.strip()]
    return records


def _norm(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def published_ok(got: str | None, gold: str | None) -> bool:
    """Whether ``got`` states the gold publication: the same instant to the minute for an exact
    gold, the same bare day for a day-only gold, null for a null gold."""
    if gold is None or got is None:
        return got is None and gold is None
    if len(gold) == 10:
        return got == gold
    try:
        mine = dt.datetime.fromisoformat(got)
    except ValueError:
        return False
    if len(got) <= 10 or mine.tzinfo is None:
        return False
    minute = lambda m: m.astimezone(dt.UTC).replace(second=0, microsecond=0)  # noqa: E731
    return minute(mine) == minute(dt.datetime.fromisoformat(gold))


Record = dict[str, Any]


def score_site(gold: list[GoldArticle], boilerplate: tuple[str, ...],
               records: list[Record]) -> tuple[Record, list[Record]]:
    """Metrics of one site and its failures."""
    by_url = {g.url: g for g in gold}
    found: dict[str, dict[str, Any]] = {}
    extra, fails = [], []
    bp_records = 0
    for rec in records:
        text = rec.get("text") or ""
        hits = [b for b in boilerplate if b in text]
        if hits:
            bp_records += 1
            fails.append({"url": rec.get("url"), "field": "boilerplate", "got": hits[0],
                          "gold": None})
        key = next((u for u in (_norm(rec.get("canonical_url") or ""), _norm(rec["url"]))
                    if u in by_url), None)
        if key is None:
            extra.append(rec["url"])
        else:
            found.setdefault(key, rec)
    pub_ok = invented = titles = offsets = 0
    f1s = []
    for url, g in by_url.items():
        rec = found.get(url)
        if rec is None:
            fails.append({"url": url, "field": "found", "got": None, "gold": "article"})
            continue
        got = rec.get("published")
        if published_ok(got, g.published):
            pub_ok += 1
            offsets += g.published is None or len(g.published) == 10 or got[-6:] == g.published[-6:]
        else:
            fails.append({"url": url, "field": "published", "got": got, "gold": g.published,
                          "source": rec.get("published_source")})
        if g.published is None and got is not None:
            invented += 1
        if rec.get("title") == g.title:
            titles += 1
        else:
            fails.append({"url": url, "field": "title", "got": rec.get("title"), "gold": g.title})
        f1 = token_f1(rec.get("text") or "", g.text)
        f1s.append(f1)
        if f1 < TEXT_FAIL_BELOW:
            mine, want = (rec.get("text") or "").split("\n\n"), g.text.split("\n\n")
            fails.append({"url": url, "field": "text", "f1": round(f1, 4),
                          "got": [p for p in mine if p not in want][:6],  # extra paragraphs
                          "gold": [p for p in want if p not in mine][:6]})  # missing ones
    n = len(found)
    metrics = {
        "expected": len(gold), "found": n, "extra_records": len(extra),
        "published_ok": pub_ok, "published": round(pub_ok / n, 4) if n else 0.0,
        "offset_as_site": offsets, "invented": invented, "boilerplate_records": bp_records,
        "text_f1": round(sum(f1s) / n, 4) if n else 0.0,
        "title_exact": round(titles / n, 4) if n else 0.0,
        "gold_kinds": {k: sum(1 for g in gold if _kind(g.published) == k)
                       for k in ("exact", "day", "null")},
    }
    return metrics, fails


def _kind(published: str | None) -> str:
    return "null" if published is None else ("day" if len(published) == 10 else "exact")


def overall(per_site: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Sums and found-weighted means over the sites."""
    found = sum(m["found"] for m in per_site.values())
    weighted = lambda k: round(sum(m[k] * m["found"] for m in per_site.values()) / found, 4)  # noqa: E731
    return {
        "expected": sum(m["expected"] for m in per_site.values()), "found": found,
        "extra_records": sum(m["extra_records"] for m in per_site.values()),
        "published": round(sum(m["published_ok"] for m in per_site.values()) / found, 4)
        if found else 0.0,
        "invented": sum(m["invented"] for m in per_site.values()),
        "boilerplate_records": sum(m["boilerplate_records"] for m in per_site.values()),
        "text_f1": weighted("text_f1") if found else 0.0,
        "title_exact": weighted("title_exact") if found else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three smaller sites")
    parser.add_argument("--only", action="append", default=[],
                        choices=[t.spec.key for t in THEMES], help="only this site (repeatable)")
    parser.add_argument("--seed", type=int, default=1, help="fixture seed (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="crawls run at the same time")
    parser.add_argument("--keep", type=Path, help="crawl into this folder and keep the output")
    parser.add_argument("--log-level", default="WARNING", help="the crawler's --log-level")
    parser.add_argument("--out", type=Path, help="results file (JSON), by default "
                        "bench/results/unseen_sites.json",
                        default=ROOT / "bench" / "results" / "unseen_sites.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="unseen-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with serve_unseen_sites(seed=args.seed, quick=args.quick, only=tuple(args.only)) as sites:
            with ThreadPoolExecutor(max(1, args.jobs)) as pool:
                runs = dict(zip((r.site.key for r in sites), pool.map(
                    lambda r: crawl(r, work / r.site.key, args.log_level), sites), strict=True))
            per_site, failures = {}, []
            for running in sites:
                site = running.site
                metrics, fails = score_site(site.gold(), site.spec.boilerplate,
                                            read_records(work / site.key))
                per_site[site.key] = {"url": running.url, "zone": site.spec.zone.name,
                                      "theme": site.spec.theme, **runs[site.key], **metrics}
                failures += [{"site": site.key, **f} for f in fails]
        total = overall(per_site)
    print(f"{'site':8} {'found':>9} {'extra':>5} {'published':>9} {'invented':>8} "
          f"{'boilerpl':>8} {'text F1':>7} {'title':>6} {'secs':>5}")
    for key, m in {**per_site, "overall": total}.items():
        print(f"{key:8} {m['found']:>4}/{m['expected']:<4} {m['extra_records']:>5} "
              f"{m['published']:>9.3f} {m['invented']:>8} {m['boilerplate_records']:>8} "
              f"{m['text_f1']:>7.3f} {m['title_exact']:>6.3f} {m.get('seconds', ''):>5}")
    print("targets: published >= 0.97, invented 0, boilerplate records 0, text F1 >= 0.98")
    bad = [k for k, m in per_site.items() if m["exit"] != 0]
    if bad:
        print(f"crawler exited non-zero for: {', '.join(bad)} (logs: {args.keep or 'use --keep'})")
    result = {
        "benchmark": "unseen_sites",
        "command": "bench/unseen_sites.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "seed": args.seed,
        "quick": args.quick, "targets": TARGETS, "overall": total, "sites": per_site,
        "failures": failures,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(failures)} failures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
