"""Benchmark: the CPU of archiving one response, and what each gzip choice costs and saves.

The responses of a fetch-and-archive crawl of the fixture site (``bench/_fixture_server.py``,
the real CLI) are read back from its WARC and archived again, in this process, through

* ``before``: warcio's record builder and writer, zlib level 6, cdxj-indexer's line per record
  (the crawl's path before issue 24);
* ``archive``: :class:`crawler.warc.archive.WarcArchive` as the crawl runs it now (records built
  as bytes, ISA-L level 1, the CDXJ line from what the exchange holds);
* ``archive, members compressed elsewhere``: the same with compression taken out of this
  process (what compressing in the page workers, which have the HTML bodies, could save the
  main process; the members still have to come back through a pipe, measured as
  ``pickle.loads``);

and, for the same records, gzip alone: zlib, zlib-ng and ISA-L at their levels (CPU per
response, archive size). Every variant's files are read back with warcio (digests checked)
and indexed with cdxj-indexer, whose index must equal the crawl's. Median of ``--rounds``
alternating rounds, ``time.process_time``. Results in ``bench/results/warc_write.json``.

    .venv/bin/python bench/warc_write.py [--articles 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import pickle
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH), str(BENCH)]

from _procs import FixtureServer, crawl_command, run_measured  # noqa: E402
from _throughput_report import machine  # noqa: E402


def crawl_captures(articles: int, tmp: Path) -> tuple[list[Any], int]:
    """The responses of a fetch-and-archive crawl, as captures (payloads as received)."""
    from warcio.archiveiterator import ArchiveIterator

    from crawler.warc.records import Capture

    with FixtureServer(articles // 2) as server:
        run = run_measured(crawl_command(server.url, tmp / "out", "-s",
                                         "EXTRACTION_ENABLED=False"))
        if run.returncode != 0:
            raise SystemExit(f"crawl failed:\n{run.stderr[-3000:]}")
        pages = server.stats()["article_200"]
    requests: dict[str, list[tuple[bytes, bytes]]] = {}
    found = []
    for path in sorted((tmp / "out").glob("*/*/warc/*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                headers = rec.http_headers.headers if rec.http_headers else []
                pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
                if rec.rec_type == "request":
                    requests[rec.rec_headers.get_header("WARC-Concurrent-To")] = pairs
                elif rec.rec_type == "response":
                    found.append((rec.rec_headers.get_header("WARC-Record-ID"),
                                  rec.rec_headers.get_header("WARC-Target-URI"),
                                  int(rec.http_headers.get_statuscode()), pairs,
                                  rec.raw_stream.read()))
    now = dt.datetime.now(dt.UTC)
    captures = [Capture(url=url, method="GET", status=status, response_headers=pairs, body=body,
                        request_headers=[h for h in requests.get(rid, []) if h[0] != b"Host"],
                        date=now, ip_address="127.0.0.1")
                for rid, url, status, pairs, body in found]
    return captures, pages


def _archive(folder: Path, before: bool = False) -> Any:
    from crawler.warc.archive import WarcArchive
    from crawler.warc.dedup import DigestIndex
    from crawler.warc.writer import RotatingWarcWriter

    archive = WarcArchive(RotatingWarcWriter(folder / "warc", "bench", host="bench"),
                          folder / "indexes" / "bench.cdxj", "bench",
                          dedup=DigestIndex(folder=folder))
    if before:
        _use_the_code_before(archive)
    return archive


def _use_the_code_before(archive: Any) -> None:
    """warcio records and writer, zlib 6, cdxj-indexer per record: the crawl before issue 24."""
    from warcio.warcwriter import WARCWriter

    from crawler.warc.records import WARC_VERSION, RecordFactory

    factory = RecordFactory()
    writer = archive.writer

    def serialize(record: Any, level: int = 6) -> bytes:
        raw = io.BytesIO()
        WARCWriter(raw, gzip=False, warc_version=WARC_VERSION).write_record(record)
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        return packer.compress(raw.getvalue()) + packer.flush()

    def exchange_parts(capture: Any, date: str, original: Any = None, digest: Any = None,
                       profile: Any = None) -> Any:
        kwargs = {"profile": profile} if profile else {}
        ex = factory.exchange(capture, original, digest=digest, **kwargs)
        return _Legacy(ex)

    import crawler.warc.archive as mod
    import crawler.warc.writer as wmod

    archive._legacy = (mod.exchange_parts, wmod.serialize)
    mod.exchange_parts, wmod.serialize = exchange_parts, serialize
    archive.index.add_fields = lambda fields, filename, offset, length: None
    original_write = writer.write

    def write(records: Any) -> Any:
        places = original_write(records)
        for record, place in zip(records, places, strict=True):
            archive.index.add(record, place.filename, place.offset, place.length)
        return places

    writer.write = write


class _Legacy:
    def __init__(self, exchange: Any) -> None:
        self.records, self.record_id, self.index = exchange.records, exchange.record_id, None


def _restore(archive: Any) -> None:
    import crawler.warc.archive as mod
    import crawler.warc.writer as wmod

    if hasattr(archive, "_legacy"):
        mod.exchange_parts, wmod.serialize = archive._legacy


def archive_round(captures: list[Any], folder: Path, mode: str) -> dict[str, Any]:
    """Archive every capture once; CPU per response, bytes, and a check of the output."""
    import crawler.warc.writer as wmod

    folder.mkdir(parents=True)
    archive = _archive(folder, before=mode == "before")
    gzip_member = wmod.gzip_member
    if mode == "elsewhere":  # members arrive compressed: this process only writes them
        wmod.gzip_member = lambda chunks, level=1: b"-"
    started = time.process_time()
    try:
        for capture in captures:
            archive.archive(capture)
        cpu = time.process_time() - started
    finally:
        wmod.gzip_member = gzip_member
        archive.close()
        _restore(archive)
    if mode == "elsewhere":
        return {"us_per_response": round(1e6 * cpu / len(captures), 1)}
    files = sorted((folder / "warc").glob("*.warc.gz"))
    return {"us_per_response": round(1e6 * cpu / len(captures), 1),
            "bytes": sum(p.stat().st_size for p in files), **check(files, folder)}


def check(files: list[Path], folder: Path) -> dict[str, Any]:
    """Digests verified by warcio; the crawl's index equals cdxj-indexer's over the files."""
    from warcio.archiveiterator import ArchiveIterator

    from crawler.warc.cdxj import index_warcs

    records = problems = 0
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh, check_digests=True):
                rec.content_stream().read()
                records += 1
                problems += rec.digest_checker.passed is False
    (ours,) = (folder / "indexes").glob("*.cdxj")
    reference = index_warcs(files, folder / "reference.cdxj")
    return {"records": records, "digest_problems": problems,
            "index_equals_cdxj_indexer": ours.read_text() == reference.read_text()}


def gzip_variants() -> dict[str, Callable[[bytes], bytes]]:
    """One gzip member of the data, for each library and level measured (zlib-ng when it is
    installed: ``.venv/bin/pip install zlib-ng``; the crawler does not need it)."""
    import isal.isal_zlib as isal_zlib

    try:
        import zlib_ng.zlib_ng as zng
    except ImportError:
        zng = None

    def maker(module: Any, level: int) -> Callable[[bytes], bytes]:
        def compress(data: bytes) -> bytes:
            packer = module.compressobj(level, module.DEFLATED, 31)
            return packer.compress(data) + packer.flush()
        return compress

    variants = {f"zlib {lvl}": maker(zlib, lvl) for lvl in (1, 6, 9)}
    if zng is not None:
        variants.update({f"zlib-ng {lvl}": maker(zng, lvl) for lvl in (1, 3, 6)})
    variants.update({f"isal {lvl}": maker(isal_zlib, lvl) for lvl in (0, 1, 2, 3)})
    return variants


def raw_records(captures: list[Any]) -> list[bytes]:
    """Each record of the captures, uncompressed, as the crawl writes it."""
    from crawler.warc.blocks import exchange_parts
    from crawler.warc.records import warc_date

    out = []
    for capture in captures:
        for parts in exchange_parts(capture, warc_date(capture.date)).records:
            out.append(b"".join((parts.head, b"WARC-Warcinfo-ID: <urn:uuid:x>\r\n", parts.tail,
                                 *parts.block)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="article pages crawled")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "warc_write.json")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-warc-"))
    try:
        captures, pages = crawl_captures(args.articles, tmp)
        per_page = len(captures) / pages
        print(f"{len(captures)} responses, {per_page:.2f} per article page", flush=True)
        rounds: dict[str, list[dict[str, Any]]] = {"before": [], "archive": [], "elsewhere": []}
        for r in range(args.rounds):
            for mode in rounds:
                rounds[mode].append(archive_round(captures, tmp / f"{mode}-{r}", mode))
        paths = {mode: {**runs[0], "us_per_response": round(statistics.median(
            x["us_per_response"] for x in runs), 1)} for mode, runs in rounds.items()}
        raws = raw_records(captures)
        members = [gzip_variants()["isal 1"](raw) for raw in raws]
        started = time.process_time()
        for data in members:
            pickle.loads(pickle.dumps(data))
        pickle_us = 1e6 * (time.process_time() - started) / len(captures)
        gzips = {}
        for name, compress in gzip_variants().items():
            times, size = [], 0
            for _ in range(args.rounds):
                started = time.process_time()
                size = sum(len(compress(raw)) for raw in raws)
                times.append(time.process_time() - started)
            gzips[name] = {"us_per_response": round(1e6 * statistics.median(times)
                                                    / len(captures), 1), "bytes": size}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = gzips["zlib 6"]["bytes"]
    for row in gzips.values():
        row["size_vs_zlib_6"] = round(row["bytes"] / base, 4)
    result = {"benchmark": "warc_write", "command": "bench/warc_write.py " + " ".join(
        sys.argv[1:]), "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "responses": len(captures),
        "responses_per_article_page": round(per_page, 3), "paths": paths, "gzip": gzips,
        "pickle_roundtrip_us_per_response": round(pickle_us, 1)}
    print(f"{'path':<44}{'us/response':>12}{'ms/page':>9}{'bytes':>12}  checks")
    labels = {"before": "before (warcio records, zlib 6)",
              "archive": "archive (records as bytes, ISA-L 1)",
              "elsewhere": "archive, compression in another process"}
    for mode, row in paths.items():
        checks = {k: v for k, v in row.items() if k not in ("us_per_response", "bytes")}
        print(f"{labels[mode]:<44}{row['us_per_response']:>12}"
              f"{row['us_per_response'] * per_page / 1000:>9.3f}{row.get('bytes', ''):>12}  "
              f"{checks}")
    print(f"(moving the members back through a pipe: pickle round trip {pickle_us:.1f} us)")
    print(f"{'gzip alone':<44}{'us/response':>12}{'ms/page':>9}{'bytes':>12}  vs zlib 6")
    for name, row in gzips.items():
        print(f"{name:<44}{row['us_per_response']:>12}"
              f"{row['us_per_response'] * per_page / 1000:>9.3f}{row['bytes']:>12}  "
              f"{row['size_vs_zlib_6']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
