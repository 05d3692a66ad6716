"""``report.html`` from a report document: one self-contained page, inline CSS and SVG, no JS.

Deterministic: the same ``report.json`` always renders the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.monitors.counts import fmt_bytes
from crawler.report import sections
from crawler.report.articles import per_period
from crawler.report.markup import CSS, Raw, badge, esc, link, num, seconds, section, table
from crawler.report.rendered_pages import rendering
from crawler.report.svg import Series, bar_chart

STATUS_SERIES = (("2xx", "#3a9d5d"), ("3xx", "#4a7fc1"), ("4xx", "#e0a030"),
                 ("5xx", "#d6453d"), ("exception", "#7a2a8c"))
ARTICLE_COLOR = "#2f6fb3"


def _clock(offset: float) -> str:
    total = int(offset)
    h, rest = divmod(total, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def _header(report: Mapping[str, Any]) -> str:
    crawl = report.get("crawl", {})
    title = (f"Crawl report — {crawl.get('site') or crawl.get('spider') or '?'} "
             f"{crawl.get('crawl_id') or ''}")
    facts = [("Start URL", link(str(crawl.get("start_url") or "–"))),
             ("Output", crawl.get("output")), ("Finish reason", crawl.get("finish_reason")),
             ("Started", crawl.get("start_time")), ("Finished", crawl.get("finish_time")),
             ("Duration", seconds(crawl.get("seconds"))),
             *sections.run_facts(report),
             ("Report generated", report.get("generated_at"))]
    return (f"<header><h1>{esc(title)}</h1><div class=sub>{esc(crawl.get('finish_reason'))} · "
            f"{esc(seconds(crawl.get('seconds')))}</div></header><main>"
            + table(["", ""], [(Raw(f"<b>{esc(k)}</b>"), v) for k, v in facts], cls="facts")
            + sections.settings_table(report))


def _monitors(report: Mapping[str, Any]) -> str:
    rows = [(m.get("name"), badge(str(m.get("state"))), m.get("detail"))
            for m in report.get("monitors") or []]
    note = ('<p class="note">The store backlog is checked after the uploads finish; the summary '
            "printed at the end of the crawl and its exit code include it.</p>")
    return section("Monitors", "monitors", table(["Monitor", "State", "Detail"], rows,
                                                 empty="monitors were off"), note)


def _cards(report: Mapping[str, Any]) -> str:
    t = report.get("totals", {})
    rate = t.get("error_rate")
    cards = [("pages fetched", num(t.get("pages"))), ("articles written", num(t.get("articles"))),
             ("errors", f"{num(t.get('errors'))}" + (f" ({rate:.1%})" if rate else "")),
             ("bytes downloaded", fmt_bytes(t.get("bytes_downloaded") or 0)),
             ("bytes archived (WARC)", fmt_bytes(t.get("bytes_archived") or 0)),
             ("WARC files", num(t.get("warc_files")))]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
        for k, v in cards) + "</div>"


def _articles(obs: Mapping[str, Any]) -> str:
    unit, periods = per_period(obs.get("articles_per_day") or {})
    parts = []
    if periods:
        parts.append(bar_chart([p for p, _ in periods],
                               [Series("articles", ARTICLE_COLOR, [n for _, n in periods])],
                               title=f"Articles per {unit} of publication"))
    langs = obs.get("articles_per_language") or {}
    parts.append('<div class="cols"><div><h3>Per language</h3>'
                 + table(["Language", "Articles"], sorted(langs.items(), key=lambda kv: -kv[1]),
                         numeric=[1], cls="languages") + "</div><div>")
    parts.append(f"<h3>Per {esc(unit)}</h3>" + table(
        [unit.capitalize(), "Articles"], [(p, n) for p, n in reversed(periods) if n],
        numeric=[1], cls="per-day"))
    parts.append(f'<p class="note">{num(obs.get("articles_undated", 0))} articles without a '
                 "publication date.</p></div></div>")
    return section("Articles", "articles", *parts)


def _timeline(obs: Mapping[str, Any]) -> str:
    tl = obs.get("timeline") or {}
    buckets, width = tl.get("buckets") or [], float(tl.get("width") or 1)
    if not buckets:
        return section("Over crawl time", "timeline", '<p class="note">no responses</p>')
    labels = [_clock(i * width) for i in range(len(buckets))]
    status = [Series(name, color, [float(b.get(name, 0)) for b in buckets])
              for name, color in STATUS_SERIES]
    arts = [Series("articles", ARTICLE_COLOR, [float(b.get("articles", 0)) for b in buckets])]
    return section("Over crawl time", "timeline",
                   bar_chart(labels, status, title=f"Responses by status per {width:g}s"),
                   bar_chart(labels, arts, title=f"Articles written per {width:g}s — "
                                                 "a flat stretch while pages keep coming is a "
                                                 "discovery stall"))


def _responses(report: Mapping[str, Any], obs: Mapping[str, Any]) -> str:
    statuses = report.get("statuses") or {}
    ctypes = obs.get("content_types") or {}
    sizes = obs.get("bytes_by_content_type") or {}
    return section(
        "Responses", "responses",
        '<div class="cols"><div><h3>By status code</h3>'
        + table(["Status", "Responses"], statuses.items(), numeric=[1], cls="statuses")
        + "</div><div><h3>By content type</h3>"
        + table(["Content type", "Responses", "Bytes"],
                [(k, n, fmt_bytes(sizes.get(k, 0))) for k, n in ctypes.items()],
                numeric=[1, 2], cls="content-types") + "</div></div>")


def _latency(obs: Mapping[str, Any]) -> str:
    lat = obs.get("latency") or {}
    bounds, hist = lat.get("bounds") or [], lat.get("counts") or []
    labels = [f"≤{b * 1000:g}ms" if b is not None and b < 1 else
              f"≤{b:g}s" if b is not None else "slower" for b in bounds]
    parts = []
    if lat.get("count"):
        parts.append(bar_chart(labels, [Series("responses", "#6b7fa8", [float(n) for n in hist])],
                               title="Download latency"))
        parts.append(f'<p class="note">median ≤ {num(lat.get("p50"))}s · 95th percentile ≤ '
                     f'{num(lat.get("p95"))}s · slowest {num(lat.get("max"))}s · mean '
                     f'{num(lat.get("mean"))}s</p>')
    rows = [(link(e["url"]), e.get("status"), e.get("latency"), fmt_bytes(e.get("size") or 0),
             _clock(e.get("t") or 0)) for e in obs.get("slowest") or []]
    parts.append("<h3>Slowest URLs</h3>" + table(
        ["URL", "Status", "Latency (s)", "Size", "At"], rows, numeric=[1, 2, 3, 4], cls="slowest"))
    return section("Latency", "latency", *parts)


def _failures(report: Mapping[str, Any], obs: Mapping[str, Any]) -> str:
    failures = obs.get("failures") or {}
    entries = failures.get("entries") or []
    rows = [(link(e["url"]), e.get("reason"), _clock(e.get("t") or 0)) for e in entries]
    exc = report.get("exceptions") or {}
    errors = obs.get("spider_errors") or {}
    err_rows = [(link(e["url"]), e.get("error"), _clock(e.get("t") or 0))
                for e in errors.get("entries") or []]
    return section(
        "Failing URLs", "failures",
        f'<p class="note">{num(failures.get("total", 0))} responses ≥ 400 or download errors; '
        f"the first {len(entries)} are listed.</p>",
        table(["URL", "Reason", "At"], rows, numeric=[2], cls="failures"),
        "<h3>Download exceptions by type</h3>"
        + table(["Exception", "Count"], exc.items(), numeric=[1], cls="exceptions"),
        f"<h3>Spider errors ({num(errors.get('total', 0))})</h3>"
        + table(["URL", "Error", "At"], err_rows, numeric=[2], cls="spider-errors"))


def _out_of_scope(obs: Mapping[str, Any]) -> str:
    refused = obs.get("out_of_scope") or {}
    entries = refused.get("entries") or []
    if not refused.get("total"):
        return ""
    return section(
        "Out of scope (not sent)", "scope",
        f'<p class="note">{num(refused.get("total", 0))} requests were not sent: they were not on '
        f"the crawl's site or a requisite host; the first {len(entries)} are listed.</p>",
        table(["Host", "Requests"], (refused.get("origins") or {}).items(), numeric=[1],
              cls="scope-hosts"),
        table(["URL", "Why", "From", "At"],
              [(link(e["url"]), e.get("reason"), e.get("via"), _clock(e.get("t") or 0))
               for e in entries], numeric=[3], cls="out-of-scope"))


def _extraction(report: Mapping[str, Any], obs: Mapping[str, Any]) -> str:
    dropped = obs.get("dropped") or {}
    entries = dropped.get("entries") or []
    skipped = report.get("extraction_skipped") or {}
    return section(
        "Extraction failures", "extraction",
        '<div class="cols"><div><h3>Skipped by extraction (stats)</h3>'
        + table(["Reason", "Pages"], skipped.items(), numeric=[1], cls="skipped")
        + "</div><div><h3>Dropped items by reason</h3>"
        + table(["Reason", "Items"], (dropped.get("reasons") or {}).items(), numeric=[1],
                cls="drop-reasons") + "</div></div>",
        f"<h3>Examples (first {len(entries)} of {num(dropped.get('total', 0))})</h3>"
        + table(["URL", "Reason", "Message"],
                [(link(e["url"]), e.get("reason"), e.get("message")) for e in entries],
                cls="dropped"))


def _files_and_stats(report: Mapping[str, Any]) -> str:
    files = report.get("files") or {}
    rows = [(kind, v.get("files"), fmt_bytes(v.get("bytes") or 0)) for kind, v in files.items()]
    stats = report.get("stats") or {}
    return section(
        "Files and stats", "stats",
        table(["Kind", "Files", "Size"], rows, numeric=[1, 2], cls="files"),
        "<details><summary>All crawl stats</summary>"
        + table(["Stat", "Value"], [(k, v if isinstance(v, int | float | str) else str(v))
                                    for k, v in stats.items()], cls="all-stats")
        + "</details>")


def render_report(report: Mapping[str, Any]) -> str:
    """The complete HTML page for a report document."""
    obs = report.get("observations") or {}
    crawl = report.get("crawl") or {}
    body = [_header(report), _cards(report), _monitors(report), sections.compared(report),
            _articles(obs), sections.fill_rates(obs), sections.discovery(obs), _timeline(obs),
            _responses(report, obs), sections.hosts(obs), _latency(obs), _failures(report, obs),
            _out_of_scope(obs), _extraction(report, obs), rendering(report),
            _files_and_stats(report)]
    title = f"Crawl report {crawl.get('crawl_id') or ''}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}{sections.CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</main></body></html>\n")
