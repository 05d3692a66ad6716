"""Object storage as the tests see it: the storage commands run in-process, spooled crawls made
through the real crawl-output code, and what a bucket holds."""

from __future__ import annotations

import argparse
import gzip
import json
import os
from collections import Counter

from crawler.commands import storage_commands as commands


def run_storage_command(*argv: str) -> int | None:
    """``crawler ARGV`` for the storage commands (verify, ls, upload ...), in this process."""
    parser = argparse.ArgumentParser(prog="crawler")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("crawl")
    commands.add_commands(sub)
    return commands.dispatch(parser.parse_args(argv))


def object_keys(s3, bucket: str) -> set[str]:
    """The keys of every object in ``bucket`` (first 1000)."""
    return {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def articles_in_s3(s3, bucket: str, base: str, manifest: dict) -> Counter:
    """Records per canonical URL in the article parts a crawl manifest lists under ``base``."""
    found: Counter = Counter()
    for f in manifest["files"]:
        if f["kind"] == "articles":
            body = s3.get_object(Bucket=bucket, Key=base + f["path"])["Body"].read()
            found.update(json.loads(line)["canonical_url"]
                         for line in gzip.decompress(body).splitlines())
    return found


def make_spooled_crawl(spool, uri: str, endpoint: str | None, *, spider: str = "news",
                       crawl_id: str | None = None, warc_bytes: int = 4000,
                       manifest: bool = True):
    """A finished crawl folder in ``spool`` as an s3:// crawl leaves it: WARC, index, articles,
    manifest (through the real ``crawler.crawl.manifest`` code) and the spool's target record."""
    from crawler.crawl.manifest import build_manifest, write_manifest
    from crawler.crawl.output import CrawlOutput, new_crawl_id
    from crawler.storage.spool import SpoolTarget, write_target

    crawl_id = crawl_id or new_crawl_id()
    out = CrawlOutput(root=spool / spider / crawl_id, spider=spider, crawl_id=crawl_id, uri=uri)
    out.prepare()
    write_target(out.root, SpoolTarget(uri=uri, site=spider, crawl_id=crawl_id,
                                       endpoint_url=endpoint))
    warc = out.warc_dir / f"{spider}-20250101000000000-00000-host.warc.gz"
    warc.write_bytes(os.urandom(warc_bytes))
    index = out.index_dir / f"{spider}-{crawl_id}.cdxj"
    index.write_text('ua,example)/ 20250101000000 {"url": "https://example.ua/"}\n')
    part = out.articles_dir / "articles-00001.jsonl.gz"
    part.write_bytes(gzip.compress(b"".join(
        json.dumps({"n": n, "text": "news " * 50}).encode() + b"\n" for n in range(20))))
    for path, kind in ((warc, "warc"), (index, "index"), (part, "articles")):
        out.file_completed(path, kind)
    if manifest:
        doc = build_manifest(out, stats={"articles/written": 20, "downloader/response_count": 31},
                             finish_reason="finished", spider={}, settings={})
        write_manifest(out, doc)
        out.file_completed(out.manifest_path, "manifest")
    out.finish()  # its process is done with it (a crawl without manifest: killed)
    return out
