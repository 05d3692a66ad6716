"""Titles and authors on trafilatura-eval's pages: a second, independent measurement.

Run from the repository root:  .venv/bin/python bench/trafilatura_meta.py [--misses]

``../shared/benchmarks/trafilatura-eval/evaldata.json`` (read in place, SHARED_DIR overrides)
gives a ``title`` and an ``author`` for 851 pages of some 830 sites — blogs, magazines,
newspapers, public bodies, German-heavy — that the real-page set (``bench/real_pages.py``) does
not have. It is a VALIDATION set: a title or author rule is kept only when it holds here too;
nothing is tuned on its pages one by one.

Each page (``index.json`` names its HTML) goes through ``crawler extract``'s own path
(``extract_record``: page scan, ``extract_article`` finalised with what the page alone says, the
record built and validated), fetched at a fixed moment. The page scan refuses some of these
pages (shop pages, home pages, listings): a crawl makes no record of them, but their title and
authors are still scored, from ``extract_article`` (the same function the command calls after the
scan), and counted apart (``refused``). Plain trafilatura's ``bare_extraction`` title and author
run on the same pages in the same run.

Scoring:
- title: exact after whitespace normalisation with invisible format characters dropped, as
  ``bench/real_pages.py`` scores it (an empty truth wants no title). ``title_lenient`` also counts
  a title that equals the truth once a last part after a separator (`` | Site``, `` - Site``) is
  removed from either: for diagnosis only, never to accept a rule.
- authors: the set of names, case-insensitive. The data spells several authors in one string,
  joined the way the page printed them ("Benjamin Fischer und Marcus Theurer", "Sarah Hinger;
  Sylvia Torres-Guillén", "dpa/lno", "Daniel Braun, Davor Pasoski", "… & …", "… and …"), so
  the truth and both systems' names are cut the same way at ``;``, ``,``, ``/``, ``&``, " und "
  and " and " before they are compared; trafilatura's own author string ("A; B") too. An empty
  truth (313 pages) wants no author. Its labels are left as they are ("Von Roland Brockmann …"
  counts against both systems alike).
Results go to bench/results/trafilatura_meta.json, with every miss.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib.util
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# As in real_pages.py: bench/incremental.py must not stand in for Twisted's ``incremental``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "benchmarks" / "trafilatura-eval"
OUT = ROOT / "bench" / "results" / "trafilatura_meta.json"
# The pages carry no fetch time; relative dates and the future bound use this fixed moment.
FETCHED = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
SHOWN = 160
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|/|&|\s+und\s+|\s+and\s+)\s*", re.IGNORECASE)
_LAST_PART = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+(?!.*\s(?:\||-|–|—|::|»|·|•)\s)")


def _real_pages() -> Any:
    """bench/real_pages.py, for its title normalisation (the same scoring on both sets)."""
    spec = importlib.util.spec_from_file_location("real_pages", ROOT / "bench" / "real_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


norm_title: Callable[[str | None], str] = _real_pages().norm_title


def author_set(names: list[str] | str | None) -> set[str]:
    """Names cut at the separators the data joins several authors with, lower-cased."""
    joined = "; ".join(names) if isinstance(names, list) else (names or "")
    return {" ".join(n.split()).lower() for n in _AUTHOR_SPLIT.split(joined) if n.strip()}


def _without_last_part(title: str) -> str:
    m = _LAST_PART.search(title)
    return title[: m.start()] if m else title


def title_lenient(got: str, want: str) -> bool:
    """Equal once a last part after a separator (a site name) is removed from either."""
    return got == want or bool(want) and (
        _without_last_part(got) == want or got == _without_last_part(want))


# --- the two systems ---------------------------------------------------------------------------
def ours(raw: bytes, url: str) -> dict[str, Any]:
    """``crawler extract``'s record; for a page it refuses, ``extract_article``'s values."""
    from crawler.commands.extract_command import extract_record
    from crawler.errors import CommandFailed, UsageError

    page = {"body": raw, "url": url, "charset": None, "fetched_at": FETCHED, "reference": None}
    try:
        record = extract_record(page, None)
        return {"title": record["title"], "authors": record["authors"],
                "title_source": (record.get("extraction") or {}).get("title_source")}
    except (CommandFailed, UsageError) as exc:
        refused = str(exc)[:200]
    from crawler.extract.article import extract_article
    from crawler.pages.profiles import GENERIC

    result = extract_article(raw, url, profile=GENERIC, fetched_at=FETCHED)
    return {"title": result.title, "authors": result.authors,
            "title_source": result.title_source, "refused": refused}


def plain_trafilatura(raw: bytes, url: str) -> dict[str, Any]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True)
    except Exception as exc:  # a baseline crash counts as no answer
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    if doc is None:
        return {"error": "no result"}
    return {"title": doc.title, "authors": doc.author or ""}


SYSTEMS: dict[str, Callable[[bytes, str], dict[str, Any]]] = {
    "ours": ours, "trafilatura": plain_trafilatura}


def score(got: dict[str, Any], entry: dict[str, Any]) -> dict[str, bool]:
    mine, want = norm_title(got.get("title")), norm_title(entry.get("title"))
    return {"title": mine == want, "title_lenient": title_lenient(mine, want),
            "authors": author_set(got.get("authors")) == author_set(entry.get("author"))}


def summarise(scored: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(scored)
    out: dict[str, Any] = {"pages": n}
    for key in ("title", "title_lenient", "authors"):
        out[key] = round(sum(s[key] for s in scored) / max(1, n), 4)
    named = [s for s in scored if s["has_author"]]
    out["authors_named_pages"] = len(named)
    out["authors_on_named"] = round(sum(s["authors"] for s in named) / max(1, len(named)), 4)
    out["authors_on_unnamed"] = round(sum(s["authors"] for s in scored if not s["has_author"])
                                      / max(1, n - len(named)), 4)
    out["ms_per_page"] = round(statistics.fmean(s["ms"] for s in scored), 1) if n else 0.0
    return out


def run(entries: dict[str, dict[str, Any]], index: dict[str, Any]) -> dict[str, Any]:
    scored: dict[str, list[dict[str, Any]]] = {name: [] for name in SYSTEMS}
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in SYSTEMS}
    refused = 0
    for url, entry in entries.items():
        raw = gzip.decompress((DATA / index[url]["path"]).read_bytes())
        accepted = True
        for name, system in SYSTEMS.items():  # ours first: whether the page makes a record
            started = time.perf_counter()
            got = system(raw, url)
            ms = (time.perf_counter() - started) * 1000
            if name == "ours" and "refused" in got:
                refused, accepted = refused + 1, False
            s = score(got, entry)
            scored[name].append({**s, "ms": ms, "has_author": bool(author_set(entry["author"])),
                                 "accepted": accepted})
            for field, want, have in (("title", entry.get("title"), got.get("title")),
                                      ("authors", entry.get("author"), got.get("authors"))):
                if not s[field]:
                    found[name].append({"url": url, "field": field, "want": want,
                                        "got": have[:SHOWN] if isinstance(have, str) else have,
                                        "source": got.get("title_source")
                                        if field == "title" else None})
    out: dict[str, Any] = {"refused_by_page_scan": refused}
    for name, rows in scored.items():
        out[name] = {"all": summarise(rows),
                     "record_pages": summarise([r for r in rows if r["accepted"]]),
                     "misses": found[name]}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="a checkout whose crawler package to measure (default: this one)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"results file (default {OUT})")
    parser.add_argument("--misses", action="store_true", help="print every miss of ours")
    args = parser.parse_args(argv)
    if not (DATA / "evaldata.json").is_file():
        print(f"trafilatura-eval not found at {DATA} (set SHARED_DIR)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(args.code.resolve()))
    evaldata = json.loads((DATA / "evaldata.json").read_text("utf-8"))
    index = json.loads((DATA / "index.json").read_text("utf-8"))
    entries = {u: e for u, e in evaldata.items() if "title" in e and "author" in e}
    started = time.perf_counter()
    result = run(entries, index)
    import crawler

    summary = {
        "benchmark": "trafilatura_meta",
        "command": "bench/trafilatura_meta.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code": str(Path(crawler.__file__).resolve().parent.parent),
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "versions": {p: version(p) for p in ("trafilatura", "lxml")},
        "seconds": round(time.perf_counter() - started, 1), **result,
    }
    print(f"pages {len(entries)}, refused by the page scan {result['refused_by_page_scan']}")
    print(f"{'system':12} {'part':13} {'pages':>5} {'title':>6} {'lenient':>7} {'authors':>7} "
          f"{'named':>6} {'unnamed':>7} {'ms':>6}")
    for name in SYSTEMS:
        for part in ("all", "record_pages"):
            s = result[name][part]
            print(f"{name:12} {part:13} {s['pages']:>5} {s['title']:>6.3f} "
                  f"{s['title_lenient']:>7.3f} {s['authors']:>7.3f} {s['authors_on_named']:>6.3f} "
                  f"{s['authors_on_unnamed']:>7.3f} {s['ms_per_page']:>6.1f}")
    if args.misses:
        for miss in result["ours"]["misses"]:
            print(json.dumps(miss, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
