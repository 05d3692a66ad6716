"""The ``crawler reextract`` command: argument parsing, local or ``s3://`` crawls, upload of the
new article set (manifest last). The work itself is :mod:`crawler.reader.reextract`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from crawler.commands.cli_options import add_store_options, store_settings
from crawler.reader import ReaderError
from crawler.reader.reextract import SETS, ReextractReport, reextract, scratch_folder


def add_command(sub: Any) -> None:
    """The ``reextract`` subcommand (argparse subparsers)."""
    r = sub.add_parser(
        "reextract", help="extract a finished crawl's articles again, without fetching",
        description="Run extraction again over a finished crawl's archived responses and write "
                    "a new article set, <crawl>/reextracts/<set-id>/ (articles/*.jsonl.gz and "
                    "its own manifest.json), keeping every record's WARC pointer.")
    r.add_argument("crawl", help="<out>/<spider>/<crawl-id>: a local folder or s3://…")
    r.add_argument("--relearn", action="store_true",
                   help="learn the site's time zone and boilerplate anew from the whole crawl "
                        "(default: the facts the crawl used for each record)")
    r.add_argument("--set-id", help="name of the new set (default: <time>-extract<version>)")
    add_store_options(r)


def run(args: Any) -> int:
    """``crawler reextract``: exit 0 when the set was written (2: the crawl cannot be read)."""
    from crawler.errors import EXIT_OK, UsageError
    from crawler.reader import open_crawl
    from crawler.storage.s3 import StorageError, is_s3_uri

    remote = is_s3_uri(args.crawl)
    try:
        crawl = open_crawl(args.crawl, endpoint_url=args.endpoint_url)
        work = scratch_folder() if remote else Path(args.crawl) / SETS
        report = reextract(crawl, work, relearn=args.relearn, set_id=args.set_id)
        where = str(report.folder)
        if remote:
            where = _upload(report, args)
    except (ReaderError, StorageError, OSError) as exc:
        raise UsageError(f"{args.crawl}: {exc}") from exc
    print(report.summary())
    print(where)
    return EXIT_OK


def _upload(report: ReextractReport, args: Any) -> str:
    """Store a set written locally next to its ``s3://`` crawl, manifest last."""
    import shutil

    from scrapy.utils.project import get_project_settings

    from crawler.storage.objects import ObjectStore

    settings = {**dict(get_project_settings()), **store_settings(args)}
    uri = f"{args.crawl.rstrip('/')}/{SETS}/{report.set_id}"
    store = ObjectStore.from_settings(uri, settings)
    for entry in [*report.files, {"path": "manifest.json"}]:
        path = report.folder / entry["path"]
        store.upload(path, store.location.key(entry["path"]),
                     entry.get("sha256") or hashlib.sha256(path.read_bytes()).hexdigest())
    shutil.rmtree(report.folder.parent, ignore_errors=True)
    return uri
