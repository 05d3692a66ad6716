"""Extraction benchmark: fixture ground truth, Zyte article bodies, publication dates.

Run from the repository root:  .venv/bin/python bench/extraction.py [--quick]
Prints a summary and writes bench/results/extraction.json. Shared benchmark data is read in
place from ../shared/benchmarks (override with SHARED_DIR); nothing is copied into the repo.

1. Fixture site: pages rendered in-process, scored against the site's ground truth.
2. scrapinghub-aeb: article bodies, 4-token shingles, F1 of mean precision and mean recall;
   ours vs plain ``trafilatura.extract(html)`` and upstream's call, in the same run.
3. dates: day accuracy of our ``published`` vs ``htmldate.find_date`` defaults.
4. trafilatura-eval (skipped with --quick): with/without snippets, micro-averaged.
The generic profile is used for public pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract.article import extract_article  # noqa: E402
from crawler.pages.profiles import GENERIC, VSEDELO  # noqa: E402
from fixture_site.evaluation import evaluate_fixture  # noqa: E402

SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "benchmarks"
OUT = ROOT / "bench" / "results" / "extraction.json"
FIXTURE_BASE = "http://127.0.0.1:8000"
# Public pages carry no fetch time; relative dates and the future bound use this fixed moment.
FETCHED = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
_WORDS = re.compile(r"\w+")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - started) * 1000


def ours(raw: bytes, url: str) -> tuple[Any, float]:
    return timed(lambda: extract_article(raw, url, profile=GENERIC, fetched_at=FETCHED))


# --- 1. fixture --------------------------------------------------------------------------------
def bench_fixture(articles: int) -> dict[str, Any]:
    from fixture_site import FixtureSite

    site = FixtureSite(articles=articles, seed=1)
    out = {}
    for profile in (VSEDELO.with_start_url(FIXTURE_BASE + "/"), GENERIC):
        scores = evaluate_fixture(site, profile, base_url=FIXTURE_BASE)
        out[profile.name] = scores.to_dict()
    return {"articles": articles, "languages": 2, **out}


# --- 2. scrapinghub-aeb ------------------------------------------------------------------------
def shingles(text: str | None) -> Counter[tuple[str, ...]]:
    tokens = _WORDS.findall(text or "")
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def aeb_score(predicted: dict[str, str | None], gold: dict[str, str]) -> dict[str, float]:
    precisions, recalls, exact = [], [], 0
    for key, body in gold.items():
        pred, ref = shingles(predicted.get(key)), shingles(body)
        tp = sum((pred & ref).values())
        fp, fn = sum(pred.values()) - tp, sum(ref.values()) - tp
        if tp + fp + fn == 0:
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp) if fp or fn else 1.0)
        if tp + fn:
            recalls.append(tp / (tp + fn) if fp or fn else 1.0)
        exact += _WORDS.findall(predicted.get(key) or "") == _WORDS.findall(body)
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return {"f1": round(2 * p * r / (p + r), 4), "precision": round(p, 4),
            "recall": round(r, 4), "accuracy": round(exact / len(gold), 4)}


def bench_aeb() -> dict[str, Any]:
    import trafilatura

    root = DATA / "scrapinghub-aeb"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    systems: dict[str, dict[str, str | None]] = {k: {} for k in ("ours", "trafilatura_defaults",
                                                               "trafilatura_upstream_call")}
    ms: Counter[str] = Counter()
    skips: Counter[str] = Counter()
    for key, entry in gold.items():
        raw = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        result, took = ours(raw, entry["url"])
        systems["ours"][key], ms["ours"] = result.text, ms["ours"] + took
        skips[result.skip_reason or "none"] += 1
        for name, kwargs in (("trafilatura_defaults", {}),
                             ("trafilatura_upstream_call", {"include_comments": False})):
            systems[name][key], took = timed(lambda h=html, k=kwargs: trafilatura.extract(h, **k))
            ms[name] += took
    bodies = {k: v["articleBody"] for k, v in gold.items()}
    return {"pages": len(gold), "skip_reasons_ours": dict(skips),
            **{name: {**aeb_score(preds, bodies), "ms_per_page": round(ms[name] / len(gold), 1)}
               for name, preds in systems.items()}}


# --- 3 + 4. dates and trafilatura-eval (one extraction per distinct file) ----------------------
_cache: dict[Path, tuple[Any, float]] = {}


def ours_cached(path: Path, url: str) -> tuple[Any, float]:
    if path not in _cache:
        _cache[path] = ours(gzip.decompress(path.read_bytes()), url)
    return _cache[path]


def date_scores(answers: list[tuple[str | None, str | None]]) -> dict[str, float]:
    tp = sum(1 for got, gold in answers if got and gold and got == gold)
    fp = sum(1 for got, gold in answers if got and (gold is None or got != gold))
    fn = sum(1 for got, _ in answers if not got)
    return {"accuracy": round(tp / len(answers), 4),
            "precision": round(tp / max(1, tp + fp), 4), "recall": round(tp / max(1, tp + fn), 4),
            "f1": round(2 * tp / max(1, 2 * tp + fp + fn), 4)}


def bench_dates() -> dict[str, Any]:
    from htmldate import find_date

    root = DATA / "dates"
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    mine, base, sources = [], [], Counter()
    ms: Counter[str] = Counter()
    for url, entry in index.items():
        path = (root / entry["path"]).resolve()
        result, took = ours_cached(path, url)
        got = (result.published or "")[:10] or None
        mine.append((got, entry["date"]))
        ms["ours_extraction"] += took
        sources[(result.published_source or "none").split(":")[0].split("+")[0]] += 1
        found, took = timed(lambda p=path: _safe(find_date, gzip.decompress(p.read_bytes())))
        base.append((found, entry["date"]))
        ms["htmldate"] += took
    n = len(index)
    return {
        "pages": n,
        "ours": {**date_scores(mine), "sources": dict(sources),
                 "ms_per_page_full_extraction": round(ms["ours_extraction"] / n, 1)},
        "htmldate_defaults": {**date_scores(base), "ms_per_page": round(ms["htmldate"] / n, 1)},
    }


def _safe(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception:  # a baseline crash counts as no answer
        return None


def bench_trafilatura_eval() -> dict[str, Any]:
    import trafilatura

    root = DATA / "trafilatura-eval"
    evaldata = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    counts = {name: Counter() for name in ("ours", "trafilatura_defaults")}
    for url, entry in evaldata.items():
        path = (root / index[url]["path"]).resolve()
        raw = gzip.decompress(path.read_bytes())
        outputs = {"ours": ours_cached(path, url)[0].text,
                   "trafilatura_defaults": _safe(trafilatura.extract, raw)}
        for name, text in outputs.items():
            flat = " ".join((text or "").split())
            for snippet in entry.get("with", []):
                counts[name]["tp" if flat and " ".join(snippet.split()) in flat else "fn"] += 1
            for snippet in entry.get("without", []):
                counts[name]["fp" if flat and " ".join(snippet.split()) in flat else "tn"] += 1
    out: dict[str, Any] = {"pages": len(evaldata)}
    for name, c in counts.items():
        p, r = c["tp"] / max(1, c["tp"] + c["fp"]), c["tp"] / max(1, c["tp"] + c["fn"])
        out[name] = {"precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(2 * p * r / max(1e-9, p + r), 4),
                     "accuracy": round((c["tp"] + c["tn"]) / max(1, sum(c.values())), 4)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixture-articles", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="skip trafilatura-eval")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"shared benchmarks not found at {DATA} (set SHARED_DIR)", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "command": "bench/extraction.py " + " ".join(sys.argv[1:]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "versions": {p: version(p) for p in ("trafilatura", "htmldate", "dateparser", "lxml")},
    }
    steps = [("fixture", lambda: bench_fixture(args.fixture_articles)), ("aeb", bench_aeb),
             ("dates", bench_dates)]
    if not args.quick:
        steps.append(("trafilatura_eval", bench_trafilatura_eval))
    for name, step in steps:
        results[name], took = timed(step)
        results[name]["seconds"] = round(took / 1000, 1)
        print(f"== {name} ({took / 1000:.0f} s)")
        print(json.dumps({k: v for k, v in results[name].items() if k not in ("failures",)},
                         ensure_ascii=False, default=str)[:1500])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
