"""Real publisher pages: title, published, authors and body of ``crawler extract``'s own path.

Run from the repository root:  .venv/bin/python bench/real_pages.py [--rounds 3]

Reads ``../shared/benchmarks/real-pages/`` in place (override with SHARED_DIR; see its README):
135 article pages of 90 publishers, each with the title, publication instant, authors and body a
per-publisher parser gives. Every page goes through the functions ``crawler extract FILE`` runs
(``crawler.commands.extract_command.extract_record``: page scan, ``extract_article`` finalised
with what the page alone says, the record built and validated), in this process, with the
truth's URL, the page's ``crawl_date`` as the fetch time, and UTF-8 as its charset (the pages were
re-encoded to UTF-8). Plain trafilatura (``bare_extraction`` with its own title, date and author
output) runs on the same pages in the same run.

Scoring (the README's): title exact after whitespace normalisation with invisible format
characters (Unicode Cf: soft hyphen, zero-width space) dropped; published the same instant to the
minute for a truth with an offset (``midnight_maybe_date_only``: that instant, or that bare day),
the same wall time (``naive``) or day (``naive_date_only``) for the naive classes, not scored for
``suspect_after_crawl_date``, and a date where the truth has none is invented; authors the same
set, case-insensitive; body mean token F1 over whitespace tokens (characters for zh/ja).

Publishers are split for tuning by a hash of their name: a development two-thirds and a check
third (``split_of``); numbers are printed for both and for the whole set. Results (every miss by
field) go to bench/results/real_pages.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import platform
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Python puts this script's folder first on sys.path, where ``bench/incremental.py`` would stand
# in for Twisted's ``incremental`` package when the extract command imports Scrapy.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "benchmarks" / "real-pages"
OUT = ROOT / "bench" / "results" / "real_pages.json"
SPLITS = ("dev", "check")
CLASSES = ("offset", "midnight_maybe_date_only", "offset_recovered_from_page", "naive",
           "naive_date_only", "suspect_after_crawl_date", "none")
INSTANT_CLASSES = ("offset", "midnight_maybe_date_only", "offset_recovered_from_page")
CJK = ("zh", "ja")
SHOWN = 160  # characters of a value kept in a listed miss


def split_of(publisher: str) -> str:
    """``check`` for a third of the publishers, fixed by a hash of the name, else ``dev``."""
    return "check" if int(hashlib.sha256(publisher.encode()).hexdigest(), 16) % 3 == 0 else "dev"


# --- scoring -----------------------------------------------------------------------------------
def norm_title(text: str | None) -> str:
    """Whitespace normalised, invisible format characters (soft hyphen, zero-width) dropped."""
    text = "".join(ch for ch in (text or "") if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def truth_class(row: dict[str, Any]) -> str:
    if row.get("publishing_date") is None:
        return "none"
    return row.get("publishing_date_note") or "offset"


def _moment(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def published_score(got: str | None, row: dict[str, Any]) -> str:
    """``ok``, ``wrong``, ``missing``, ``invented`` or ``unscored``."""
    kind, want = truth_class(row), row.get("publishing_date")
    if kind == "suspect_after_crawl_date":
        return "unscored"
    if kind == "none":
        return "invented" if got else "ok"
    if not got:
        return "missing"
    mine, truth = _moment(got), _moment(want or "")
    if mine is None or truth is None:
        return "wrong"
    day_only = len(got.strip()) <= 10
    if kind == "naive_date_only":
        return "ok" if mine.date() == truth.date() else "wrong"
    if kind == "naive":
        same = not day_only and mine.replace(tzinfo=None, second=0, microsecond=0) == \
            truth.replace(tzinfo=None, second=0, microsecond=0)
        return "ok" if same else "wrong"
    if kind == "midnight_maybe_date_only" and day_only:
        return "ok" if mine.date() == truth.date() else "wrong"
    if day_only or mine.tzinfo is None or truth.tzinfo is None:
        return "wrong"
    minute = lambda m: m.astimezone(dt.UTC).replace(second=0, microsecond=0)  # noqa: E731
    return "ok" if minute(mine) == minute(truth) else "wrong"


def author_key(names: list[str] | None) -> set[str]:
    return {" ".join(n.split()).lower() for n in names or [] if n.strip()}


def _tokens(text: str, cjk: bool) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace()) if cjk else Counter(text.split())


def body_f1(got: str | None, want: str | None, cjk: bool) -> float:
    a, b = _tokens(got or "", cjk), _tokens(want or "", cjk)
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def language_of(row: dict[str, Any]) -> str:
    lang = row.get("language")
    return (lang[0] if isinstance(lang, list) and lang else lang or row.get("html_lang") or "")


# --- the two systems ---------------------------------------------------------------------------
def crawl_date(row: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(row["crawl_date"]).replace(tzinfo=dt.UTC)


def ours(raw: bytes, row: dict[str, Any]) -> dict[str, Any]:
    """The record ``crawler extract`` prints for the page (``error`` when it prints none)."""
    from crawler.commands.extract_command import extract_record
    from crawler.errors import CommandFailed, UsageError

    page = {"body": raw, "url": row["url"], "charset": "utf-8",
            "fetched_at": crawl_date(row), "reference": None}
    try:
        record = extract_record(page, None)
    except (CommandFailed, UsageError) as exc:
        return {"error": str(exc)[:300]}
    return {"title": record["title"], "published": record["published"],
            "authors": record["authors"], "text": record["text"],
            "published_source": record["published_source"],
            "title_source": (record.get("extraction") or {}).get("title_source")}


def plain_trafilatura(raw: bytes, row: dict[str, Any]) -> dict[str, Any]:
    """``trafilatura.bare_extraction`` with its metadata (its date is a day)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(raw.decode("utf-8", errors="replace"), url=row["url"],
                                          with_metadata=True)
    except Exception as exc:  # a baseline crash counts as no answer
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    if doc is None:
        return {"error": "no result"}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"title": doc.title, "published": doc.date, "authors": authors, "text": doc.text}


SYSTEMS: dict[str, Callable[[bytes, dict[str, Any]], dict[str, Any]]] = {
    "ours": ours, "trafilatura": plain_trafilatura}


def score_page(got: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    cjk = language_of(row) in CJK
    return {
        "title": norm_title(got.get("title")) == norm_title(row.get("title")),
        "published": published_score(got.get("published"), row),
        "authors": author_key(got.get("authors")) == author_key(row.get("authors")),
        "body_f1": round(body_f1(got.get("text"), row.get("body"), cjk), 4),
    }


def summarise(scored: list[dict[str, Any]]) -> dict[str, Any]:
    """Shares over pages (published over scored pages), per date truth class too."""
    n = len(scored)
    if not n:
        return {"pages": 0}
    dated = [s for s in scored if s["published"] != "unscored"]
    out: dict[str, Any] = {
        "pages": n,
        "title": round(sum(s["title"] for s in scored) / n, 4),
        "published": round(sum(s["published"] == "ok" for s in dated) / max(1, len(dated)), 4),
        "published_scored": len(dated),
        "invented": sum(s["published"] == "invented" for s in scored),
        "published_outcomes": dict(Counter(s["published"] for s in dated)),
        "authors": round(sum(s["authors"] for s in scored) / n, 4),
        "body_f1": round(statistics.fmean(s["body_f1"] for s in scored), 4),
        "ms_per_page": round(statistics.fmean(s["ms"] for s in scored), 1),
    }
    by_class = {}
    for kind in CLASSES:
        rows = [s for s in scored if s["class"] == kind]
        if rows:
            ok = sum(s["published"] == "ok" for s in rows)
            by_class[kind] = {"pages": len(rows), "ok": ok,
                              "share": None if kind == "suspect_after_crawl_date"
                              else round(ok / len(rows), 4)}
    out["published_by_class"] = by_class
    return out


def _short(value: Any) -> Any:
    if isinstance(value, str):
        return value[:SHOWN]
    if isinstance(value, list):
        return [_short(v) for v in value]
    return value


def misses(row: dict[str, Any], got: dict[str, Any], score: dict[str, Any]) -> list[dict]:
    """The fields a system got wrong on one page, what it gave and what the truth says."""
    out = []
    base = {"file": row["file"], "split": split_of(row["publisher"])}
    if "error" in got:
        out.append({**base, "field": "record", "got": got["error"]})
    if not score["title"]:
        out.append({**base, "field": "title", "got": _short(got.get("title")),
                    "want": _short(row.get("title")), "source": got.get("title_source")})
    if score["published"] not in ("ok", "unscored"):
        out.append({**base, "field": "published", "outcome": score["published"],
                    "class": truth_class(row), "got": got.get("published"),
                    "want": row.get("publishing_date"), "source": got.get("published_source")})
    if not score["authors"]:
        out.append({**base, "field": "authors", "got": _short(got.get("authors")),
                    "want": _short(row.get("authors"))})
    if score["body_f1"] < 0.8:
        out.append({**base, "field": "body", "f1": score["body_f1"]})
    return out


def run(rows: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """Each page through each system (alternating; the fastest of ``rounds`` timings counts)."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in SYSTEMS}
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in SYSTEMS}
    for row in rows:
        raw = gzip.decompress((DATA / "pages" / row["file"]).read_bytes())
        for name, system in SYSTEMS.items():
            best, got = float("inf"), {}
            for _ in range(rounds):
                started = time.perf_counter()
                got = system(raw, row)
                best = min(best, (time.perf_counter() - started) * 1000)
            score = score_page(got, row)
            results[name].append({"file": row["file"], "split": split_of(row["publisher"]),
                                  "class": truth_class(row), "ms": best, **score})
            found[name] += misses(row, got, score)
    out: dict[str, Any] = {}
    for name, scored in results.items():
        out[name] = {"all": summarise(scored),
                     **{split: summarise([s for s in scored if s["split"] == split])
                        for split in SPLITS},
                     "misses": found[name],
                     "per_page": [{**s, "ms": round(s["ms"], 1)} for s in scored]}
    ours_ms, base_ms = (out[n]["all"]["ms_per_page"] for n in ("ours", "trafilatura"))
    out["ms_ratio_ours_to_trafilatura"] = round(ours_ms / base_ms, 3) if base_ms else None
    return out


def _print(result: dict[str, Any]) -> None:
    print(f"{'system':12} {'part':6} {'pages':>5} {'title':>6} {'publ':>6} {'inv':>3} "
          f"{'authors':>7} {'body F1':>7} {'ms/page':>7}")
    for name in SYSTEMS:
        for part in ("all", *SPLITS):
            s = result[name][part]
            print(f"{name:12} {part:6} {s['pages']:>5} {s['title']:>6.3f} {s['published']:>6.3f} "
                  f"{s['invented']:>3} {s['authors']:>7.3f} {s['body_f1']:>7.3f} "
                  f"{s['ms_per_page']:>7.1f}")
    print("published by truth class (ours / trafilatura, all pages):")
    for kind in CLASSES:
        a = result["ours"]["all"]["published_by_class"].get(kind)
        b = result["trafilatura"]["all"]["published_by_class"].get(kind)
        if a and b:
            print(f"  {kind:28} {a['ok']:>3}/{a['pages']:<3}  {b['ok']:>3}/{b['pages']:<3}")
    print(f"ms per page, ours / trafilatura: {result['ms_ratio_ours_to_trafilatura']}")
    kinds = Counter(m["field"] for m in result["ours"]["misses"])
    print("our misses by field:", dict(kinds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1,
                        help="time each page this many times, keep the fastest (default 1)")
    parser.add_argument("--split", choices=("all", *SPLITS), default="all",
                        help="run only the pages of this part (default: all)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="a checkout whose crawler package to measure (default: this one)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"results file (default {OUT})")
    parser.add_argument("--misses", action="store_true", help="print every miss of ours")
    args = parser.parse_args(argv)
    if not (DATA / "truth.jsonl").is_file():
        print(f"real-pages benchmark not found at {DATA} (set SHARED_DIR)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(args.code.resolve()))
    rows = [json.loads(line) for line in (DATA / "truth.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    if args.split != "all":
        rows = [r for r in rows if split_of(r["publisher"]) == args.split]
    started = time.perf_counter()
    result = run(rows, max(1, args.rounds))
    import crawler

    summary = {
        "benchmark": "real_pages",
        "command": "bench/real_pages.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code": str(Path(crawler.__file__).resolve().parent.parent),
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "versions": {p: version(p) for p in ("trafilatura", "htmldate", "dateparser", "lxml")},
        "split_rule": "check when int(sha256(publisher)) % 3 == 0, else dev",
        "publishers": {split: len({r["publisher"] for r in rows
                                   if split_of(r["publisher"]) == split}) for split in SPLITS},
        "seconds": round(time.perf_counter() - started, 1), **result,
    }
    _print(result)
    if args.misses:
        for miss in result["ours"]["misses"]:
            print(json.dumps(miss, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
