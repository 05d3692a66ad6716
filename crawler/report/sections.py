"""Report sections for ops: what ran, record field fill rates, discovery sources, hosts, and
the comparison with the site's previous crawl (``crawler.report.render`` puts them on the page).

Each function takes the report document (or its observations) and returns HTML; a section
whose data the report does not hold (a report from an older version) is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.monitors.counts import fmt_bytes
from crawler.report.articles import FILL_FIELDS
from crawler.report.markup import Raw, esc, num, seconds, section, table
from crawler.report.runinfo import robots_summary

LOW_FILL = 0.5  # fill rates below this are highlighted


def run_facts(report: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Rows for the header's facts table: software, user agent, robots.txt, profile."""
    run = report.get("run") or {}
    if not run:
        return []
    versions = ", ".join(f"{k} {v}" for k, v in (run.get("versions") or {}).items())
    rows: list[tuple[str, Any]] = [
        ("Crawler", f"{run.get('software') or '?'}" + (f" ({versions})" if versions else "")),
        ("User agent", run.get("user_agent") or "–"),
        ("robots.txt", robots_summary(run.get("robots"))),
    ]
    if run.get("profile"):
        rows.append(("Site profile", run["profile"]))
    if run.get("worker"):
        rows.append(("Worker", run["worker"]))
    return rows


def settings_table(report: Mapping[str, Any]) -> str:
    """The settings that matter, those given on the command line marked."""
    run = report.get("run") or {}
    chosen = run.get("settings") or {}
    if not chosen:
        return ""
    given = set(run.get("command_line") or [])
    rows = [(Raw(f"<code>{esc(name)}</code>"), _value(value),
             "command line" if name in given else "") for name, value in chosen.items()]
    return ("<details open><summary>Settings that shaped this crawl</summary>"
            + table(["Setting", "Value", "Set on"], rows, cls="settings") + "</details>")


def _value(value: Any) -> Raw:
    if value is None or value == "":
        return Raw("<i>unset</i>")
    return Raw(f"<code>{esc(value)}</code>")


def _share(n: int, total: int) -> str:
    return f"{n / total:.1%}" if total else "–"


def _bar(n: int, total: int) -> Raw:
    width = round(100 * n / total) if total else 0
    return Raw(f'<span class="bar"><span style="width:{width}%"></span></span>')


def fill_rates(obs: Mapping[str, Any]) -> str:
    """How often each record field holds a value."""
    filled = obs.get("fields_filled")
    if filled is None:
        return ""
    total = int(obs.get("articles") or 0)
    rows = []
    for name in FILL_FIELDS:
        n = int(filled.get(name) or 0)
        low = bool(total) and n / total < LOW_FILL
        share = Raw(f'<span class="{"low" if low else "ok"}">{esc(_share(n, total))}</span>')
        rows.append((Raw(f"<code>{esc(name)}</code>"), n, share, _bar(n, total)))
    return section(
        "Record fields", "fields",
        f'<p class="note">Of {num(total)} article records written, how many hold a value in each '
        f"field (not null or empty; <code>text</code> is always filled). Below "
        f"{LOW_FILL:.0%} is highlighted.</p>",
        table(["Field", "Records", "Filled", ""], rows, numeric=[1, 2], cls="fill-rates",
              empty="no records"))


def discovery(obs: Mapping[str, Any]) -> str:
    """Where the crawl found the URLs it fetched and the articles it wrote."""
    sources = obs.get("sources")
    if sources is None:
        return ""
    rows = [(name, int(row.get("responses") or 0), int(row.get("articles") or 0))
            for name, row in sources.items()]
    return section(
        "Discovery", "discovery",
        '<p class="note">Where each URL was first found: robots.txt, a sitemap, a feed, a '
        "listing or article page, a start page, or a recheck of the crawl state. Responses are "
        "final answers (after redirects and retries); articles are records written.</p>",
        table(["Found in", "Responses", "Articles"], rows, numeric=[1, 2], cls="discovery",
              empty="nothing fetched"))


def hosts(obs: Mapping[str, Any]) -> str:
    """Responses, errors, bytes and latency per host."""
    by_host = obs.get("hosts")
    if by_host is None:
        return ""
    rows = []
    for host, row in by_host.items():
        timed = int(row.get("timed") or 0)
        mean = row.get("latency", 0) / timed if timed else None
        rows.append((host, int(row.get("responses") or 0), *(int(row.get(c) or 0) for c in (
            "2xx", "3xx", "4xx", "5xx", "exceptions")), fmt_bytes(row.get("bytes") or 0),
            round(mean, 3) if mean is not None else None))
    return section(
        "Hosts", "hosts",
        table(["Host", "Responses", "2xx", "3xx", "4xx", "5xx", "Exceptions", "Bytes",
               "Mean latency (s)"], rows, numeric=list(range(1, 9)), cls="hosts",
              empty="nothing fetched"))


_METRICS = (("Pages fetched", "pages", num), ("Articles written", "articles", num),
            ("Errors", "errors", num), ("Bytes downloaded", "bytes_downloaded", fmt_bytes),
            ("Bytes archived (WARC)", "bytes_archived", fmt_bytes),
            ("Duration", "seconds", seconds))


def _delta(before: Any, after: Any, fmt: Any) -> str:
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return "–"
    diff = after - before
    sign = "+" if diff > 0 else "−" if diff < 0 else "±"
    return f"{sign}{fmt(abs(diff) if not isinstance(diff, float) else round(abs(diff), 1))}"


def compared(report: Mapping[str, Any]) -> str:
    """This crawl beside the site's previous crawl in the same output."""
    comp = report.get("compared")
    if not comp:
        return ""
    before, after = comp.get("previous") or {}, comp.get("current") or {}
    rows = [(label, fmt(before[key]) if before.get(key) is not None else "–",
             fmt(after[key]) if after.get(key) is not None else "–",
             _delta(before.get(key), after.get(key), fmt)) for label, key, fmt in _METRICS]
    changes = comp.get("changes")
    if changes is None:
        detail = ('<p class="note">Which articles are new or changed is counted against the '
                  "crawl state, which was off for this crawl.</p>")
    else:
        detail = table(["Articles", "Count"], [
            ("new (never written by an earlier crawl of the site)", changes.get("new", 0)),
            ("changed (text differs from the last record of the URL)", changes.get("changed", 0)),
            ("unchanged (fetched again, same text)", changes.get("unchanged", 0)),
            ("answered 304 Not Modified (pages revalidated)", comp.get("not_modified", 0)),
        ], numeric=[1], cls="changes")
    title = before.get("crawl_id") or "previous"
    return section(
        "Compared with the previous crawl", "compared",
        f'<p class="note">The previous crawl of this site in the same output: {esc(title)}, '
        f"finished {esc(before.get('finished') or '?')} ({esc(before.get('finish_reason'))})."
        "</p>",
        table(["", f"Previous ({title})", "This crawl", "Change"], rows, numeric=[1, 2, 3],
              cls="comparison"),
        detail)


CSS = """
.bar{display:inline-block;width:120px;height:9px;background:#e6e8ec;border-radius:4px}
.bar span{display:block;height:9px;background:#2f6fb3;border-radius:4px}
.low{color:#9b1c13;font-weight:600}code{font-size:12px}
"""
