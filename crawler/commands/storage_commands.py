"""The ``upload``, ``verify`` and ``ls`` commands of ``crawler`` (wired in by
``crawler.commands.cli``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from crawler.commands.cli_options import add_store_options
from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK, UsageError
from crawler.storage.jobs import jobs_for
from crawler.storage.listing import format_rows, list_local, list_s3
from crawler.storage.objects import ObjectStore
from crawler.storage.preflight import preflight
from crawler.storage.s3 import (
    S3Location,
    StorageError,
    StoreConfig,
    explain,
    is_s3_uri,
    safe_url,
)
from crawler.storage.spool import TARGET_FILE, CrawlLock, read_target, spool_crawl_dirs
from crawler.storage.upload_settings import UploadSettings
from crawler.storage.uploader import Uploader
from crawler.storage.verify import verify_local, verify_s3

COMMANDS = ("upload", "verify", "ls")


def add_commands(sub: Any) -> None:
    """Add the ``upload``, ``verify`` and ``ls`` subcommands to ``sub`` (argparse subparsers)."""
    u = sub.add_parser(
        "upload", help="finish uploading crawls left in the local spool",
        description="Upload what an s3:// crawl left in its local spool (the store was down, or "
                    "the crawl was stopped): files first, manifest.json last. Safe to repeat: "
                    "objects already in the store are verified and skipped.")
    u.add_argument("spool", help="a spooled crawl folder (<spool>/<site>/<crawl-id>) or the "
                                 "spool root (SPOOL_DIR / $CRAWLER_SPOOL, default .crawler-spool)")
    u.add_argument("--timeout", type=float, default=600.0,
                   help="give up after this many seconds of retrying (default 600)")
    u.add_argument("--keep", action="store_true", help="keep uploaded files in the spool")
    add_store_options(u)

    v = sub.add_parser(
        "verify", help="check a crawl's files against its manifest",
        description="Check every file a crawl's manifest lists: present, size, sha256. Prints "
                    "each problem; exit code 1 if there is any.")
    v.add_argument("crawl", help="<out>/<site>/<crawl-id>: a local folder or s3://…")
    v.add_argument("--quick", action="store_true",
                   help="s3 only: trust the sha256 recorded at upload instead of reading "
                        "every object")
    add_store_options(v)

    s = sub.add_parser(
        "ls", help="list the crawls in an output",
        description="List crawls (site, crawl id, finish time, articles, pages, WARC bytes, "
                    "state: complete, failed, stopped, in progress or abandoned, with the "
                    "reason) in a local output folder or under s3://bucket/prefix.")
    s.add_argument("out", help="output folder or s3://bucket/prefix")
    add_store_options(s)


def dispatch(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of ours; None otherwise."""
    if args.command not in COMMANDS:
        return None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        if args.command == "upload":
            return _upload(args)
        if args.command == "verify":
            return _verify(args)
        return _ls(args)
    except StorageError as exc:
        raise UsageError(str(exc)) from exc
    except (BotoCoreError, ClientError) as exc:  # the store cannot be used as configured
        raise UsageError(_explain(args, exc)) from exc


def _explain(args: argparse.Namespace, exc: BaseException) -> str:
    """One line naming what the store said and what to do (``crawler.storage.s3.explain``)."""
    uri = getattr(args, "crawl", None) or getattr(args, "out", None) or ""
    where = StoreConfig.from_settings(_settings(args)).configured_endpoint()
    where = safe_url(where) if where else "the default AWS endpoint"
    if not is_s3_uri(uri):
        return f"object store error at {where}: {type(exc).__name__}: {exc}"
    return explain(exc, S3Location.parse(uri), where)


def _settings(args: argparse.Namespace, recorded: dict[str, Any] | None = None) -> dict[str, Any]:
    """Store settings: command-line options, then what a spool recorded, then project settings."""
    from scrapy.utils.project import get_project_settings

    project = get_project_settings()
    names = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ADDRESSING_STYLE", "S3_CONNECT_TIMEOUT",
             "S3_READ_TIMEOUT", "S3_CHECKSUM", "S3_MULTIPART_THRESHOLD", "S3_MULTIPART_CHUNKSIZE",
             "S3_MAX_CONCURRENCY", "STORE_WORKERS", "STORE_RETRY_BASE", "STORE_RETRY_MAX")
    settings = {name: project.get(name) for name in names}
    options = {"S3_ENDPOINT_URL": args.endpoint_url, "S3_REGION": args.region,
               "S3_ADDRESSING_STYLE": args.addressing_style}
    for layer in (recorded or {}, options):
        settings.update({name: value for name, value in layer.items() if value})
    return settings


def _store(uri: str, settings: dict[str, Any]) -> ObjectStore:
    return ObjectStore.from_settings(uri, settings)


def _verify(args: argparse.Namespace) -> int:
    if is_s3_uri(args.crawl):
        report = verify_s3(_store(args.crawl, _settings(args)), quick=args.quick)
    else:
        crawl = Path(args.crawl)
        if not crawl.is_dir():
            raise UsageError(f"no such crawl folder: {crawl}")
        report = verify_local(crawl)
    for line in report.problems:
        print(f"PROBLEM {line}")
    for line in report.notes:
        print(f"note    {line}")
    verdict = "OK" if report.ok else f"FAILED ({len(report.problems)} problems)"
    print(f"{verdict}: {report.where}: {report.checked} files, {report.bytes} bytes checked")
    return EXIT_OK if report.ok else EXIT_CHECKS_FAILED


def _ls(args: argparse.Namespace) -> int:
    if is_s3_uri(args.out):
        rows = list_s3(_store(args.out, _settings(args)))
    else:
        if not Path(args.out).is_dir():
            raise UsageError(f"no such output folder: {args.out}")
        rows = list_local(Path(args.out))
    if not rows:
        print(f"no crawls in {args.out}")
        return EXIT_OK
    for line in format_rows(rows):
        print(line)
    return EXIT_OK


def _upload(args: argparse.Namespace) -> int:
    dirs = spool_crawl_dirs(Path(args.spool))
    if not dirs:
        raise UsageError(f"{args.spool} holds no spooled s3:// crawl (no {TARGET_FILE}); give "
                         "<spool>/<site>/<crawl-id> or the spool root")
    groups: dict[tuple[str, str | None, str | None, str | None], list[Any]] = defaultdict(list)
    for crawl_dir in dirs:
        target = read_target(crawl_dir)
        assert target is not None
        bucket = target.location().bucket
        groups[(bucket, target.endpoint_url, target.region, target.addressing_style)].append(
            (crawl_dir, target))
    failed = 0
    for (_bucket, endpoint, region, style), crawls in groups.items():
        settings = _settings(args, {"S3_ENDPOINT_URL": endpoint, "S3_REGION": region,
                                    "S3_ADDRESSING_STYLE": style})
        preflight(crawls[0][1].uri, settings)
        config = StoreConfig.from_settings(settings)
        upload = UploadSettings.from_settings(settings)
        workers = upload.workers
        store = ObjectStore(config.client(pool=workers * config.max_concurrency + 2),
                            S3Location(_bucket), config)
        # a crawl without manifest keeps its files: `crawler crawl --resume` needs them
        uploader = Uploader(store, workers=workers, spool_max_bytes=sys.maxsize, keep=args.keep,
                            defer_delete=True, backoff_base=upload.retry_base,
                            backoff_max=upload.retry_max)
        locked = []
        for crawl_dir, target in crawls:
            lock = CrawlLock(crawl_dir)
            if not lock.acquire():
                print(f"skipped {crawl_dir}: a running crawl or upload holds it")
                failed += 1
                continue
            locked.append((crawl_dir, target, lock))
            for job in jobs_for(crawl_dir, target):
                uploader.submit(job)
        uploader.wait(args.timeout)
        uploader.stop()
        failed += _upload_report(uploader, locked)
    return EXIT_OK if not failed else EXIT_CHECKS_FAILED


def _upload_report(uploader: Any, locked: list[Any]) -> int:
    """Print one line per crawl folder; the number of folders not committed to the store."""
    pending = defaultdict(list)
    for job in uploader.pending_jobs():
        pending[job.crawl_dir].append(job)
    counts, failed = uploader.counts, 0
    for crawl_dir, target, lock in locked:
        lock.release()
        uri = target.location().uri()
        if crawl_dir in counts.committed and not pending[crawl_dir]:
            print(f"complete: {uri} (from {crawl_dir})")
            continue
        failed += 1
        if not pending[crawl_dir]:
            print(f"incomplete: {uri}: {crawl_dir} has no manifest.json (the crawl did not "
                  "finish); its files are uploaded")
            continue
        print(f"not finished: {uri}: {len(pending[crawl_dir])} files wait in {crawl_dir} "
              f"(last error: {uploader.last_error})")
        for job in pending[crawl_dir]:
            print(f"  waiting: {job.relpath}")
    print(f"uploaded {counts.uploaded_files} files ({counts.uploaded_bytes} bytes), "
          f"{counts.present_files} already in the store")
    return failed
