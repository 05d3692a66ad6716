"""``crawler reextract CRAWL``: extraction run again over a finished crawl's archived responses.

Every record of the crawl is read back through its WARC pointer (``crawler.reader``; a page
rendered in a browser through its ``rendered_warc`` pointer, the DOM), scanned and extracted as
the crawl did (the response's ``Date`` is the clock relative dates count from),
and finalised with the site facts the crawl used for it (its revision of ``site-facts.json``)
and its sitemap/feed date; ``--relearn`` learns the site's facts anew from the whole crawl
first. The new records keep their WARC pointers and go to a new article set,
``<crawl>/reextracts/<set-id>/``: ``articles/*.jsonl.gz`` plus a ``manifest.json`` of its own
(files, sizes, sha256, the extractor, counts). The crawl's own files are never changed. With an
unchanged extractor the set's records equal the crawl's (``extraction.ms`` aside).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler import __version__
from crawler.crawl.naming import FACTS_FILE
from crawler.dates import EntryDate, PageDates, read_date, server_clock
from crawler.extract.article import EXTRACTOR, EXTRACTOR_VERSION, extract_parsed
from crawler.pages.pagescan import ScanScope, parse_page, scan_tree
from crawler.pages.profiles import GENERIC, PROFILES, SiteProfile
from crawler.pages.site import site_for
from crawler.pages.urls import BadURL, canonical_url
from crawler.reader import Crawl, ReaderError
from crawler.record import build_record
from crawler.sitefacts.boilerplate import BoilerplateCounter, paragraphs
from crawler.sitefacts.finalize import finalize, pairing
from crawler.sitefacts.learner import SiteFacts, SiteLearner

SETS = "reextracts"
PART_RECORDS = 10_000


@dataclass
class ReextractReport:
    """What a re-extraction wrote and how its records compare with the crawl's."""

    set_id: str
    folder: Path
    records: int = 0
    unchanged: int = 0
    changed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        skipped = sum(self.skipped.values())
        return (f"article set {self.set_id}: {self.records} records ({self.unchanged} as before, "
                f"{self.changed} changed), {skipped} pages without a record")


def same_record(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two records are equal but for the time extraction took."""
    def strip(r: dict[str, Any]) -> dict[str, Any]:
        return {**r, "extraction": {k: v for k, v in (r.get("extraction") or {}).items()
                                    if k != "ms"}}
    return strip(a) == strip(b)


def profile_for(manifest: dict[str, Any]) -> SiteProfile:
    """The site profile the crawl used (by its spider name; the generic one otherwise)."""
    return PROFILES.get(str(manifest.get("spider")), GENERIC)


class Reextractor:
    """Re-extracts the records of one crawl (see the module docstring)."""

    def __init__(self, crawl: Crawl, *, relearn: bool = False) -> None:
        self.crawl = crawl
        self.relearn = relearn
        self.profile = profile_for(crawl.manifest)
        self.facts: dict[str, dict[int, SiteFacts]] = {}
        self.saved: dict[str, Any] | None = None
        self._facts_of(FACTS_FILE)
        self.learned: SiteFacts | None = None

    def _facts_of(self, name: str) -> dict[int, SiteFacts]:
        """The revisions in one site-facts file of the crawl (a distributed worker has its own)."""
        if name not in self.facts:
            raw = self.crawl.source.read_bytes(name)
            saved = json.loads(raw) if raw else {}
            self.facts[name] = {int(r["rev"]): SiteFacts.from_json(r)
                                for r in saved.get("revisions", ())}
            self.saved = self.saved or saved.get("learned")
        return self.facts[name]

    def extracted(self, record: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        """The page of ``record`` extracted again, not finalised (or None and why not)."""
        try:
            response = self.crawl.raw_response(record)
        except ReaderError as exc:
            return None, f"unreadable:{exc}"[:200]
        target = (record.get("warc") or {}).get("target_uri") or record["url"]
        body, charset = response.body, _charset(response.header("Content-Type"))
        if record.get("rendered_warc"):  # rendered in a browser: extracted from its DOM
            try:
                body, charset = self.crawl.rendered_dom(record) or body, "utf-8"
            except ReaderError as exc:
                return None, f"unreadable:{exc}"[:200]
        decoded, tree = parse_page(body, charset)
        if tree is None:
            return None, decoded.skip_reason or "malformed"
        site = site_for(target, self.profile, PROFILES.values())
        scan = scan_tree(tree, target, ScanScope(self.profile, site.hosts, site=site))
        try:
            page_url = canonical_url(target)
        except BadURL:
            page_url = target
        result = extract_parsed(decoded, tree, scan.canonical or page_url, profile=self.profile,
                                fetched_at=record["fetched_at"],
                                reference=server_clock(response.header("Date")),
                                finalize=False).to_dict()
        return (None, result["skip_reason"]) if result.get("skip_reason") else (result, None)

    def learn(self, records: Iterator[dict[str, Any]]) -> SiteFacts:
        """``--relearn``: the site's boilerplate learned anew from every page of the crawl, its
        zone from the pages' evidence and what the crawl's sitemaps and feeds gave."""
        host = urlsplit(str(self.crawl.manifest.get("spider_args", {}).get("url") or "")
                        ).hostname
        learner = SiteLearner.from_json(self.saved, host=host, min_articles=1,
                                        profile_zone=self.profile.timezone)
        learner.boilerplate = BoilerplateCounter()
        for record in records:
            result, _ = self.extracted(record)
            if result is None:
                continue
            dates = PageDates.from_json(result["dates"])
            entry = _entry((record.get("extraction") or {}).get("entry_date"))
            evidence = [*dates.evidence, *(pairing(dates, entry) if entry else ())]
            learner.observe(result.get("language"), paragraphs(result.get("text") or ""),
                            evidence)
        self.learned = learner.current()
        return self.learned

    def record(self, old: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        """The new record for ``old`` (or None and why there is none)."""
        result, why = self.extracted(old)
        if result is None:
            return None, why
        info = old.get("extraction") or {}
        revisions = self._facts_of(str(info.get("site_facts_file") or FACTS_FILE))
        facts = self.learned or revisions.get(int(info.get("site_facts") or 0)) or SiteFacts()
        final = finalize(result, facts, entry=_entry(info.get("entry_date")))
        return build_record(final, url=old["url"], site=old["site"],
                            fetched_at=old["fetched_at"], crawl_id=old["crawl_id"],
                            warc=old["warc"], rendered=old.get("rendered_warc")), None


def reextract(crawl: Crawl, work: Path, *, relearn: bool = False,
              set_id: str | None = None) -> ReextractReport:
    """Write a new article set for ``crawl`` into ``work/<set-id>/`` (a local folder; the
    caller uploads it for an ``s3://`` crawl) and return the report."""
    set_id = set_id or (dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
                        + f"-extract{EXTRACTOR_VERSION}")
    folder = work / set_id
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    runner = Reextractor(crawl, relearn=relearn)
    if relearn:
        facts = runner.learn(crawl.records())
        _write_json(folder / FACTS_FILE, {"site": None, "revisions": [facts.to_json()]})
    report = ReextractReport(set_id, folder)
    with _Parts(folder / "articles") as parts:
        for old in crawl.records():
            new, why = runner.record(old)
            if new is None:
                key = (why or "unknown").split(":")[0]
                report.skipped[key] = report.skipped.get(key, 0) + 1
                continue
            parts.write(new)
            report.records += 1
            if same_record(old, new):
                report.unchanged += 1
            else:
                report.changed += 1
    report.files = [_file_entry(folder, p) for p in sorted(folder.rglob("*")) if p.is_file()]
    _write_json(folder / "manifest.json", {
        "manifest_version": "1.0", "kind": "article-set", "crawl_id": crawl.crawl_id,
        "set_id": set_id, "extractor": EXTRACTOR,
        "software": {"name": "newscrawler", "version": __version__},
        "site_facts": "relearned" if relearn else "as crawled",
        "written_at": dt.datetime.now(dt.UTC).isoformat(),
        "counts": {"records": report.records, "unchanged": report.unchanged,
                   "changed": report.changed, "skipped": report.skipped},
        "files": report.files})
    return report


class _Parts:
    """Gzipped JSON Lines parts, written under ``*.open`` and renamed when complete."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.serial, self.count = folder, 0, 0
        self.fh: Any = None

    def __enter__(self) -> _Parts:
        return self

    def write(self, record: dict[str, Any]) -> None:
        if self.fh is None:
            self.serial += 1
            self.path = self.folder / f"articles-{self.serial:05d}.jsonl.gz"
            self.fh = gzip.open(str(self.path) + ".open", "wt",  # noqa: SIM115 - see close()
                                encoding="utf-8")
        self.fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1
        if self.count % PART_RECORDS == 0:
            self.close()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            os.replace(str(self.path) + ".open", self.path)
            self.fh = None

    def __exit__(self, *exc: object) -> None:
        self.close()


def _entry(note: dict[str, Any] | None) -> EntryDate | None:
    if not note or not note.get("value"):
        return None
    parsed = read_date(note["value"], allow_dateparser=False)
    return EntryDate(parsed, note.get("source") or "feed") if parsed else None


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"'")
    return None


def _file_entry(folder: Path, path: Path) -> dict[str, Any]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    kind = "articles" if path.name.endswith(".jsonl.gz") else "facts"
    return {"path": path.relative_to(folder).as_posix(), "kind": kind,
            "size": path.stat().st_size, "sha256": digest}


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".open")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def scratch_folder() -> Path:
    """A temporary folder for a set bound for object storage."""
    return Path(tempfile.mkdtemp(prefix="crawler-reextract-"))
