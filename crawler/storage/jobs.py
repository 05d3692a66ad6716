"""Upload jobs: which spooled file goes to which key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.storage.spool import MANIFEST, SpoolTarget, waiting_files


@dataclass
class UploadJob:
    """One spooled file and the key it goes to."""

    crawl_dir: Path
    relpath: str
    kind: str
    key: str
    size: int
    sha256: str | None = None
    completed: Any = None  # the layout's CompletedFile: gets ``sha256`` before the file goes

    @property
    def path(self) -> Path:
        return self.crawl_dir / self.relpath


def jobs_for(crawl_dir: Path, target: SpoolTarget) -> list[UploadJob]:
    """Jobs for every finished file of a spooled crawl folder, the manifest last."""
    location = target.location()
    return [UploadJob(crawl_dir, relpath, kind, location.key(relpath),
                      (crawl_dir / relpath).stat().st_size)
            for relpath, kind in waiting_files(crawl_dir)]


def listed_jobs(manifest_job: UploadJob) -> list[UploadJob]:
    """Jobs for the files a manifest lists that are still in the spool."""
    try:
        manifest = json.loads(manifest_job.path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # the upload attempt will report it
    base = manifest_job.key[: -len(MANIFEST)]
    jobs = []
    for entry in manifest.get("files", []):
        path = manifest_job.crawl_dir / entry["path"]
        if path.is_file():
            jobs.append(UploadJob(manifest_job.crawl_dir, entry["path"], entry.get("kind", ""),
                                  base + entry["path"], path.stat().st_size))
    return jobs

