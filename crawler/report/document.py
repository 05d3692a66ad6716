"""The crawl report document (``report.json``) and its files: build, write, load, re-render.

``report.json`` holds what the report extension observed plus the crawl's stats and monitor
results; ``report.html`` is rendered from it alone, so ``crawler report <crawl-dir>`` reproduces
it byte for byte. Pure apart from reading and writing files; knows nothing of Scrapy or Twisted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.monitors import counts
from crawler.monitors.checks import RESULTS_STAT
from crawler.report.articles import count_records, read_records
from crawler.report.previous import comparison, local_previous
from crawler.report.runinfo import robots_status
from crawler.typed_settings import SettingsReader

REPORT_VERSION = 1
REPORT_JSON, REPORT_HTML = "report.json", "report.html"
ARTICLE_KEYS = ("articles_per_day", "articles_per_language", "articles_undated",
                "fields_filled")


@dataclass(frozen=True)
class ReportSettings:
    """``REPORT_ENABLED``: the report is observed and written."""

    enabled: bool

    @classmethod
    def from_settings(cls, settings: Any) -> ReportSettings:
        return cls(enabled=SettingsReader(settings).bool("REPORT_ENABLED"))


class ReportError(Exception):
    """A crawl folder without the data a report needs."""


def jsonable(value: Any) -> Any:
    """Stats values as JSON: datetimes as ISO strings, anything unknown as text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _seconds(stats: Mapping[str, Any]) -> float | None:
    value = stats.get("elapsed_time_seconds")
    if isinstance(value, int | float):
        return float(value)
    start, finish = stats.get("start_time"), stats.get("finish_time")
    if isinstance(start, dt.datetime) and isinstance(finish, dt.datetime):
        return (finish - start).total_seconds()
    return None


def file_totals(files: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Files and bytes per kind, from ``{"kind", "size"}`` entries."""
    totals: dict[str, dict[str, int]] = {}
    for f in files:
        agg = totals.setdefault(str(f["kind"]), {"files": 0, "bytes": 0})
        agg["files"] += 1
        agg["bytes"] += int(f["size"])
    return dict(sorted(totals.items()))


def build_report(*, crawl: Mapping[str, Any], stats: Mapping[str, Any],
                 observations: Mapping[str, Any], files: Iterable[Mapping[str, Any]],
                 generated_at: str | None = None, run: Mapping[str, Any] | None = None,
                 compared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The report document. ``crawl``: crawl_id, spider, output, start_url (as known);
    ``run``: what ran (``crawler.report.runinfo``); ``compared``: the comparison with the site's
    previous crawl (``crawler.report.previous``)."""
    totals = file_totals(files)
    prefix = "extraction/skipped/"
    return {
        "report_version": REPORT_VERSION,
        "generated_at": generated_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "crawl": {**jsonable(crawl),
                  "finish_reason": stats.get("finish_reason"),
                  "start_time": jsonable(stats.get("start_time")),
                  "finish_time": jsonable(stats.get("finish_time")),
                  "seconds": _seconds(stats)},
        "totals": {
            "pages": counts.pages(stats), "articles": counts.articles(stats),
            "errors": counts.errors(stats), "error_rate": counts.error_rate(stats),
            "server_errors": counts.server_errors(stats),
            "download_exceptions": counts.download_exceptions(stats),
            "bytes_downloaded": counts.bytes_downloaded(stats),
            "bytes_archived": totals.get("warc", {}).get("bytes", 0),
            "warc_files": totals.get("warc", {}).get("files", 0),
        },
        "files": totals,
        "statuses": counts.status_counts(stats),
        "exceptions": counts.exception_counts(stats),
        "extraction_skipped": {k[len(prefix):]: v for k, v in sorted(stats.items())
                               if k.startswith(prefix)},
        "monitors": jsonable(stats.get(RESULTS_STAT) or []),
        "run": jsonable(run) if run is not None else None,
        "compared": jsonable(compared) if compared is not None else None,
        "observations": jsonable(observations),
        "stats": jsonable(dict(sorted(stats.items()))),
    }


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def write_report(crawl_dir: Path, report: Mapping[str, Any],
                 stem: str = "report") -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>.html`` (``report.*``) into the crawl folder."""
    from crawler.report.render import render_report

    doc = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    return (write_atomic(crawl_dir / f"{stem}.json", doc),
            write_atomic(crawl_dir / f"{stem}.html", render_report(report)))


def report_from_manifest(crawl_dir: Path) -> dict[str, Any]:
    """A report for a crawl without ``report.json``: stats from the manifest, articles counted
    from the records (no per-response detail: that is only observed while crawling)."""
    try:
        manifest = json.loads((crawl_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{crawl_dir} has neither {REPORT_JSON} nor a readable manifest.json: "
                          f"{exc}") from exc
    stats = manifest.get("stats") or {}
    crawl = {"crawl_id": manifest.get("crawl_id"), "spider": manifest.get("spider"),
             "output": manifest.get("output"),
             "start_url": (manifest.get("spider_args") or {}).get("start_url")}
    observations = count_records(read_records(crawl_dir))
    files = manifest.get("files") or []
    warc = sum(int(f.get("size") or 0) for f in files if f.get("kind") == "warc")
    return build_report(crawl=crawl, stats=stats, observations=observations, files=files,
                        generated_at=manifest.get("written_at"), run=manifest_run(manifest),
                        compared=comparison(local_previous(crawl_dir.parent, crawl_dir.name),
                                            stats, warc))


def manifest_run(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """What ran, as far as a manifest recorded it
    (``crawler.storage.commit.RECORDED_SETTINGS``)."""
    recorded = dict(manifest.get("settings") or {})
    software = manifest.get("software") or {}
    return {"software": f"{software.get('name', 'newscrawler')}/{software.get('version', '?')}",
            "user_agent": recorded.pop("USER_AGENT", None), "settings": recorded,
            "robots": robots_status(manifest.get("stats") or {},
                                    bool(recorded.get("ROBOTSTXT_OBEY", True)))}


def load_report(crawl_dir: Path) -> dict[str, Any]:
    """``report.json`` of a crawl folder, or one rebuilt from its manifest and records."""
    path = crawl_dir / REPORT_JSON
    if not path.exists():
        return report_from_manifest(crawl_dir)
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    if not isinstance(report, dict) or report.get("report_version") != REPORT_VERSION:
        raise ReportError(f"{path} is not a version {REPORT_VERSION} crawl report")
    obs = report.setdefault("observations", {})
    if not all(k in obs for k in ARTICLE_KEYS):
        obs.update(count_records(read_records(crawl_dir)))
    if "run" not in report and (crawl_dir / "manifest.json").is_file():  # an older report
        try:
            manifest = json.loads((crawl_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return report
        report["run"] = manifest_run(manifest)
        report["compared"] = comparison(local_previous(crawl_dir.parent, crawl_dir.name),
                                        manifest.get("stats") or {},
                                        report.get("totals", {}).get("bytes_archived", 0))
    return report
