"""Checking a crawl against its manifest: every listed file present, of its size and sha256.

Works on a local crawl folder and on ``s3://…/<spider>/<crawl-id>``. In the store the content is
read and hashed in full unless ``quick`` is asked for: then size plus the sha256 recorded at
upload (``x-amz-meta-sha256``) and, for single-part objects, the store's own SHA256 checksum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from crawler.crawl import digests
from crawler.crawl.output import RUNNING_FILE
from crawler.storage.objects import SHA256_META, ObjectStore
from crawler.storage.spool import MANIFEST, is_final


@dataclass
class VerifyReport:
    """What verification found: ``problems`` make the crawl bad; ``notes`` are informational."""

    where: str
    checked: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _manifest_files(manifest: object, report: VerifyReport) -> list[dict]:
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        report.problems.append(f"{report.where}/{MANIFEST}: not a crawl manifest (no file list)")
        return []
    return files


def verify_local(crawl: Path) -> VerifyReport:
    """Check a local crawl folder (``<out>/<spider>/<crawl-id>``)."""
    report = VerifyReport(str(crawl))
    try:
        manifest = json.loads((crawl / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.problems.append(f"{crawl}: no {MANIFEST} (crawl not finished, or not a crawl "
                               "folder: give <out>/<spider>/<crawl-id>)")
        return report
    except (OSError, ValueError) as exc:
        report.problems.append(f"{crawl}/{MANIFEST}: unreadable ({exc})")
        return report
    listed = set()
    for entry in _manifest_files(manifest, report):
        listed.add(entry["path"])
        path = crawl / entry["path"]
        if not path.is_file():
            report.problems.append(f"missing: {entry['path']}")
            continue
        size = path.stat().st_size
        if size != entry["size"]:
            report.problems.append(f"wrong size: {entry['path']} is {size} bytes, the manifest "
                                   f"says {entry['size']}")
        elif digests.sha256_hex(path) != entry["sha256"]:
            report.problems.append(f"corrupted: {entry['path']} (sha256 differs)")
        report.checked += 1
        report.bytes += size
    for path in sorted(crawl.rglob("*")):
        rel = path.relative_to(crawl).as_posix()
        if path.is_file() and rel not in (MANIFEST, RUNNING_FILE) and rel not in listed:
            kind = "not in the manifest" if is_final(path) else "left over"
            report.notes.append(f"{kind}: {rel}")
    return report


def verify_s3(store: ObjectStore, quick: bool = False) -> VerifyReport:
    """Check the crawl at ``store.location`` (``<prefix>/<spider>/<crawl-id>``)."""
    location = store.location
    report = VerifyReport(location.uri())
    manifest = store.get_json(location.key(MANIFEST))
    if manifest is None:
        report.problems.append(f"{report.where}: no {MANIFEST} (crawl not finished or not "
                               "uploaded yet, or not a crawl: give s3://…/<spider>/<crawl-id>)")
        return report
    for entry in _manifest_files(manifest, report):
        key = location.key(entry["path"])
        head = store.head(key)
        if head is None:
            report.problems.append(f"missing: {entry['path']}")
            continue
        size = int(head["ContentLength"])
        if size != entry["size"]:
            report.problems.append(f"wrong size: {entry['path']} is {size} bytes, the manifest "
                                   f"says {entry['size']}")
        elif quick and (why := _quick_mismatch(head, entry["sha256"])):
            report.problems.append(f"corrupted: {entry['path']} ({why})")
        elif not quick and store.sha256_of(key) != entry["sha256"]:
            report.problems.append(f"corrupted: {entry['path']} (sha256 differs)")
        report.checked += 1
        report.bytes += size
    return report


def _quick_mismatch(head: dict, sha256: str) -> str | None:
    """Why the object's metadata does not vouch for ``sha256``, or None when it does."""
    recorded = (head.get("Metadata") or {}).get(SHA256_META)
    checksum = str(head.get("ChecksumSHA256") or "").split("-")[0]
    if recorded is not None and recorded != sha256:
        return "recorded sha256 differs"
    if checksum == digests.b64_of_hex(sha256):
        return None
    if checksum and head.get("ChecksumType") == "FULL_OBJECT":
        return "sha256 checksum differs"
    if recorded is None:
        return "no sha256 recorded with the object; check without --quick"
    return None
