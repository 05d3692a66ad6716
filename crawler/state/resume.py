"""Getting a killed crawl's folder ready to continue in (``crawler crawl … --resume``).

What survives ``kill -9`` is what reached the files: WARC records (flushed after every
exchange), article lines up to the last gzip flush of the open part, and the state rows of the
last committed batch. Scrapy's JOBDIR would not help: it saves its queue only on a clean stop.
So a resumed crawl starts over from the site's start pages and sitemaps in the same crawl folder
and skips the articles its parts already hold. :func:`prepare_resume`:

1. recovers the ``.open`` WARCs and rebuilds the CDXJ index of every WARC in the folder
   (``crawler.warc.recover.recover_crawl_dir``);
2. salvages the ``.open`` article part (``crawler.state.part_salvage``);
3. renames what the killed run wrote so the resumed run's own files never collide with it:
   parts ``articles-*.jsonl.gz`` become ``articles-r<N>-*.jsonl.gz`` and the rebuilt index
   ``<prefix>-<crawl-id>.cdxj`` becomes ``<prefix>-<crawl-id>-r<N>.cdxj`` (earlier ``-r*``
   indexes are subsets of it and are removed);
4. lists the URLs of the records the parts hold and every file, for the manifest.

No Scrapy here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from crawler.crawl.naming import MANIFEST
from crawler.state.part_salvage import SalvageResult, read_part, salvage_part
from crawler.warc.dedup import ORIGINALS_SUFFIX
from crawler.warc.recover import IndexResult, RecoverResult, recover_crawl_dir

PART_GLOB = "*.jsonl.gz"
_RUN_TAG = re.compile(r"-r(\d+)(?=-|\.cdxj$)")
_PART_RUN = re.compile(r"^articles-r(\d+)-")


class ResumeError(RuntimeError):
    """The crawl folder cannot be resumed (finished already, in use, not a crawl)."""


@dataclass
class ResumeReport:
    """What :func:`prepare_resume` found and did."""

    crawl_dir: Path
    run: int  # this is the run-th resume of the crawl
    warc: list[RecoverResult | IndexResult] = field(default_factory=list)
    salvaged: list[SalvageResult] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # url and canonical_url of every record
    records: int = 0
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, kind) to list

    def summary(self) -> str:
        """One line for the log."""
        warcs = sum(1 for f in self.files if f[1] == "warc")
        return (f"resuming crawl {self.crawl_dir.name} (resume {self.run}): {self.records} "
                f"articles already written, {warcs} WARC files kept, "
                f"{sum(s.records for s in self.salvaged)} records salvaged from open parts")


def prepare_resume(crawl_dir: Path) -> ResumeReport:
    """Repair ``crawl_dir`` and tell what it holds (see the module docstring)."""
    crawl_dir = Path(crawl_dir)
    if (crawl_dir / MANIFEST).is_file():
        raise ResumeError(f"{crawl_dir} finished already (it has a manifest)")
    if not (crawl_dir / "warc").is_dir():
        raise ResumeError(f"{crawl_dir} is not a crawl folder (no warc/ inside)")
    run = 1 + max((int(m[1]) for p in crawl_dir.rglob("*") if (m := _RUN_TAG.search(p.name))),
                  default=0)
    report = ResumeReport(crawl_dir, run)
    report.warc = recover_crawl_dir(crawl_dir)
    if any(isinstance(r, RecoverResult) and r.in_use for r in report.warc):
        raise ResumeError(f"{crawl_dir} is being written by a running crawl")
    articles = crawl_dir / "articles"
    articles.mkdir(exist_ok=True)
    report.salvaged = [salvage_part(p) for p in sorted(articles.glob(PART_GLOB + ".open"))]
    _rename_parts(articles, run, report)
    _rename_indexes(crawl_dir / "indexes", run, report)
    for part in sorted(articles.glob(PART_GLOB)):
        for record in read_part(part):
            report.records += 1
            report.written.update(u for u in (record.get("url"), record.get("canonical_url")) if u)
    report.files = existing_files(crawl_dir)
    return report


def _rename_parts(articles: Path, run: int, report: ResumeReport) -> None:
    for part in sorted(articles.glob(PART_GLOB)):
        if _PART_RUN.match(part.name):
            continue
        stem = part.name.removeprefix("articles-") if part.name.startswith("articles-") else (
            part.name)
        target = part.with_name(f"articles-r{run}-{stem}")
        part.rename(target)
        report.renamed.append((part.name, target.name))


def _rename_indexes(indexes: Path, run: int, report: ResumeReport) -> None:
    rebuilt = [r.path for r in report.warc if isinstance(r, IndexResult)]
    if not rebuilt:
        return
    for old in indexes.glob("*.cdxj"):
        if _RUN_TAG.search(old.name) and old not in rebuilt:
            old.unlink()  # an earlier resume's index: the rebuilt one covers its WARCs
    for path in rebuilt:
        if path.name.endswith(ORIGINALS_SUFFIX):
            name = path.name[: -len(ORIGINALS_SUFFIX)] + f"-r{run}" + ORIGINALS_SUFFIX
        else:
            name = path.name[: -len(".cdxj")] + f"-r{run}.cdxj"
        target = path.with_name(name)
        path.rename(target)
        report.renamed.append((path.name, target.name))


def existing_files(crawl_dir: Path) -> list[tuple[Path, str]]:
    """The finished files of a crawl folder with their manifest kinds."""
    found: list[tuple[Path, str]] = []
    for path in sorted((crawl_dir / "warc").glob("*")):
        if path.is_file() and not path.name.startswith("."):
            found.append((path, "warc" if path.name.endswith(".warc.gz") else "warc-damaged"))
    for path in sorted((crawl_dir / "indexes").glob("*.cdxj")):
        kind = "revisit-originals" if path.name.endswith(ORIGINALS_SUFFIX) else "index"
        found.append((path, kind))
    found += [(p, "articles") for p in sorted((crawl_dir / "articles").glob(PART_GLOB))]
    return found
