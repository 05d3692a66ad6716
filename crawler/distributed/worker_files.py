"""A dead worker's files in a shared crawl folder: repaired, indexed and listed for the manifest.

A worker's files carry its id (:class:`crawler.crawl.naming.FileNames`, which names them and
finds them again). A worker killed mid-crawl leaves ``*-<worker>.warc.gz.open`` (cut to its last
whole record by :func:`crawler.warc.recover.recover_warc`), an unsorted index spool (rebuilt from
its WARCs with cdxj-indexer) and ``articles-<worker>-*.jsonl.gz.open`` (flushed per record: its
whole lines are kept by :func:`crawler.state.part_salvage.salvage_part`). Works where the reaper
can see the folder: a local output folder shared by the workers (same machine, or a shared file
system).
"""

from __future__ import annotations

import gzip
import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.crawl.digests import sha256_hex
from crawler.crawl.naming import FileNames
from crawler.state.part_salvage import read_part, salvage_part
from crawler.warc.cdxj import index_warcs
from crawler.warc.recover import recover_warc

logger = logging.getLogger(__name__)


@dataclass
class Salvage:
    """What was found of one worker: its files (for the manifest) and the articles it wrote."""

    worker: str
    files: list[dict] = field(default_factory=list)
    article_urls: set[str] = field(default_factory=set)
    in_use: bool = False  # a live process still holds one of its WARCs: not dead after all
    notes: list[str] = field(default_factory=list)


def _urls_in(part: Path) -> set[str]:
    return {record["canonical_url"] for record in read_part(part)}


def _entry(root: Path, path: Path, kind: str) -> dict:
    return {"path": path.relative_to(root).as_posix(), "kind": kind,
            "size": path.stat().st_size, "sha256": sha256_hex(path)}


def salvage_worker(crawl_dir: Path, names: FileNames, crawl_id: str) -> Salvage:
    """Repair and list every file of the worker ``names`` names in ``crawl_dir``."""
    crawl_dir = Path(crawl_dir)
    assert names.worker, "a worker's files"
    found = Salvage(names.worker)
    warc_dir, index_dir, parts_dir = (crawl_dir / d for d in ("warc", "indexes", "articles"))
    for opened in sorted(warc_dir.glob(names.warc_pattern(opened=True))):
        result = recover_warc(opened)
        if result.in_use:
            found.in_use = True
            return found
        found.notes.append(str(result))
    warcs = sorted(warc_dir.glob(names.warc_pattern()))
    index = index_dir / names.index(crawl_id)
    spool = index_dir / f".{index.name}.unsorted"
    if warcs and (spool.exists() or not index.exists()):
        index_warcs(warcs, index)
        found.notes.append(f"{index.name}: rebuilt from {len(warcs)} WARC files")
    spool.unlink(missing_ok=True)
    for opened in sorted(parts_dir.glob(names.parts_pattern(opened=True))):
        found.notes.append(str(salvage_part(opened)))
    parts = sorted(parts_dir.glob(names.parts_pattern()))
    for part in parts:
        found.article_urls |= _urls_in(part)
    found.files = ([_entry(crawl_dir, p, "warc") for p in warcs]
                   + ([_entry(crawl_dir, index, "index")] if index.exists() else [])
                   + [_entry(crawl_dir, p, "articles") for p in parts])
    for report in sorted(crawl_dir.glob(f"{names.report}.*")):
        found.files.append(_entry(crawl_dir, report, "report"))
    facts = crawl_dir / names.facts
    if facts.is_file():
        found.files.append(_entry(crawl_dir, facts, "facts"))
    return found


def salvage_in_store(store: Any, crawl_key: str, names: FileNames, crawl_id: str,
                     rebuild_index: bool = False) -> Salvage:
    """What a dead worker uploaded to object storage before it died: its files (an index is
    built and uploaded for WARC files that have none, or replaced with ``rebuild_index``) and
    the articles in its uploaded parts. What waited in its own spool is out of reach here."""
    assert names.worker, "a worker's files"
    found = Salvage(names.worker)
    objects = {o["Key"][len(crawl_key) + 1:]: o for o in store.objects(crawl_key)}
    mine = {rel: kind for rel in objects if (kind := names.kind_of(rel))}
    index_rel = f"indexes/{names.index(crawl_id)}"
    warcs = sorted(rel for rel, kind in mine.items() if kind == "warc")
    if warcs and (rebuild_index or index_rel not in mine):
        with tempfile.TemporaryDirectory(prefix="reaper-") as tmp:
            local = []
            for rel in warcs:
                path = Path(tmp) / rel.rpartition("/")[2]
                store.client.download_file(store.bucket, f"{crawl_key}/{rel}", str(path))
                local.append(path)
            index = index_warcs(local, Path(tmp) / index_rel.rpartition("/")[2])
            store.upload(index, f"{crawl_key}/{index_rel}", sha256_hex(index))
            found.notes.append(f"{index.name}: built from {len(local)} uploaded WARC files")
        mine[index_rel] = "index"
    for rel, kind in sorted(mine.items()):
        key = f"{crawl_key}/{rel}"
        head = store.head(key) or {}
        sha256 = (head.get("Metadata") or {}).get("sha256") or store.sha256_of(key)
        found.files.append({"path": rel, "kind": kind, "size": int(head.get("ContentLength", 0)),
                            "sha256": sha256})
        if kind == "articles":
            data = gzip.decompress(store.get_bytes(key) or b"")
            found.article_urls |= {json.loads(line)["canonical_url"]
                                   for line in data.splitlines() if line.strip()}
    return found


def prune_parts(store: Any, crawl_key: str,
                files: list[dict[str, Any]]) -> tuple[set[str], list[dict[str, Any]]]:
    """The articles written in the stored JSON parts among ``files`` whose records point into
    a stored WARC file. A part with records pointing elsewhere (it reached the store, the WARC
    did not) is rewritten without them, and its entry updated; returns the rewritten parts."""
    warcs = {f["path"].rpartition("/")[2] for f in files if f["kind"] == "warc"}
    written: set[str] = set()
    pruned: list[dict[str, Any]] = []
    for entry in files:
        if entry["kind"] != "articles":
            continue
        key = f"{crawl_key}/{entry['path']}"
        lines = [ln for ln in gzip.decompress(store.get_bytes(key) or b"").splitlines()
                 if ln.strip()]
        records = [(ln, json.loads(ln)) for ln in lines]
        keep = [(ln, r) for ln, r in records
                if (r.get("warc") or {}).get("filename") in warcs | {None}]
        written |= {r["canonical_url"] for _, r in keep}
        if len(keep) == len(records):
            continue
        with tempfile.TemporaryDirectory(prefix="abandon-") as tmp:
            path = Path(tmp) / entry["path"].rpartition("/")[2]
            path.write_bytes(gzip.compress(b"".join(ln + b"\n" for ln, _ in keep)))
            entry.update(size=path.stat().st_size, sha256=sha256_hex(path))
            store.upload(path, key, entry["sha256"])
        pruned.append({"path": entry["path"], "records_dropped": len(records) - len(keep)})
    return written, pruned
