"""Replaying crawls in pywb: a collection made from crawl folders, served by ``wayback``.

:func:`build_collection` lays out ``<work>/collections/<name>/archive/`` (symlinks to the WARC
files) and ``indexes/index.cdxj`` (the crawls' own CDXJ lines, merged and sorted). Revisit
records that refer to a payload archived by an earlier crawl resolve only if that original is in
the collection too, so the earlier crawl's WARC is linked in and its CDXJ line added: taken from
the crawl's ``*-originals.cdxj`` index, or looked up in the finished sibling crawls when that file
is missing. A revisit whose original cannot be found is an error, not a broken replay.

pywb lives in its own virtualenv, its pins clash with the crawler's (``.venv-pywb``, made by
``./run.sh setup`` beside ``.venv``). Its ``wayback`` is ``$PYWB_BIN``, else the one on ``PATH``,
else the one in ``.venv-pywb`` beside the environment the crawler runs in (:func:`tool_path`).
It replays unframed (:data:`PYWB_CONFIG`): a replay URL shows the archived page itself.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from crawler.crawl.naming import OPEN_SUFFIX, WARC_SUFFIX
from crawler.pageworkers.parent_death import die_with_parent_preexec
from crawler.warc.cdxj import index_warcs, parse_line, read_cdxj, write_sorted
from crawler.warc.dedup import ORIGINALS_SUFFIX, crawl_index_files, earlier_originals

DEFAULT_COLLECTION = "crawl"
PYWB_VENV = ".venv-pywb"  # ./run.sh setup makes it beside the crawler's .venv
CONFIG_MARK = "# written by crawler.replay.pywb"
# pywb's config. Unframed replay: pywb's default puts the archived page in an iframe under a
# top frame of its own, so whatever reads the top document (chromium --dump-dom, a check that
# a rendered article's script-built text is there) sees no page. Unframed, a replay URL is the
# page itself, rewritten as in the frame.
PYWB_CONFIG = f"{CONFIG_MARK}\ncollections_root: collections\nframed_replay: false\n"


class ReplayError(Exception):
    """The crawl cannot be replayed as asked; the message says why and what to do."""


def tool_path(name: str, variable: str) -> tuple[Path | None, str]:
    """A tool of the pywb virtualenv: ``$<variable>``, else ``name`` on ``PATH``, else
    ``.venv-pywb/bin/<name>`` beside the environment the crawler runs in; ``(None, where it
    was looked for)`` when there is none."""
    given = os.environ.get(variable)
    if given:
        path = Path(given)
        return (path if _runnable(path) else None), f"{variable}={given} is not an executable"
    found = shutil.which(name)
    if found:
        return Path(found), ""
    beside = Path(sys.prefix).parent / PYWB_VENV / "bin" / name
    return (beside if _runnable(beside) else None), f"no {name} on PATH nor {beside}"


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def wayback_bin() -> Path:
    """The pywb ``wayback`` executable (:func:`tool_path`)."""
    path, why = tool_path("wayback", "PYWB_BIN")
    if path is None:
        raise ReplayError(f"pywb is not installed ({why}): run ./run.sh setup, which creates "
                          f"{PYWB_VENV}, or set PYWB_BIN to a wayback executable")
    return path


def _crawl_lines(crawl_dir: Path, scratch: Path) -> tuple[list[str], list[Path]]:
    """A crawl's own CDXJ lines and WARC files; indexes them if the crawl has no index."""
    if not (crawl_dir / "warc").is_dir():
        raise ReplayError(f"{crawl_dir} is not a crawl folder (no warc/ inside)")
    if list((crawl_dir / "warc").glob("*" + OPEN_SUFFIX)):
        raise ReplayError(
            f"{crawl_dir} has unfinished .open WARC files: run `crawler recover {crawl_dir}` first"
        )
    warcs = sorted((crawl_dir / "warc").glob("*" + WARC_SUFFIX))
    indexes = crawl_index_files(crawl_dir)
    if not indexes and warcs:
        indexes = [index_warcs(warcs, scratch / f"{crawl_dir.name}.cdxj")]
    lines = [entry.line for index in indexes for entry in read_cdxj(index)]
    return lines, warcs


def _originals(crawl_dir: Path) -> list[str]:
    """CDXJ lines of earlier crawls' originals that this crawl's revisits refer to."""
    files = sorted((crawl_dir / "indexes").glob("*" + ORIGINALS_SUFFIX))
    if files:
        return [entry.line for f in files for entry in read_cdxj(f)]
    return earlier_originals(crawl_dir, crawl_index_files(crawl_dir))


def _find_warc(name: str, near: Iterable[Path]) -> Path | None:
    for crawl_dir in near:
        for candidate in crawl_dir.parent.glob(f"*/warc/{name}"):
            return candidate
    return None


def _link(archive: Path, warc: Path) -> None:
    link = archive / warc.name
    if link.is_symlink() or link.exists():
        if link.resolve() != warc.resolve():
            raise ReplayError(f"two different WARC files are named {warc.name}")
        return
    link.symlink_to(warc.resolve())


def check_revisits(lines: Sequence[str]) -> list[str]:
    """URLs of revisit lines whose payload digest no non-revisit line in ``lines`` has."""
    entries = [e for e in (parse_line(x) for x in lines) if e is not None]
    have = {e.fields.get("digest") for e in entries if not e.is_revisit}
    return [
        e.fields.get("url", "?")
        for e in entries
        if e.is_revisit and e.fields.get("digest") not in have
    ]


def build_collection(
    crawl_dirs: Path | Sequence[Path], work_dir: Path, name: str = DEFAULT_COLLECTION
) -> Path:
    """Make a pywb collection of one or more crawls in ``work_dir``; returns the collection dir."""
    dirs = (
        [Path(crawl_dirs)] if isinstance(crawl_dirs, str | Path) else [Path(d) for d in crawl_dirs]
    )
    coll = Path(work_dir) / "collections" / name
    archive, index_dir = coll / "archive", coll / "indexes"
    archive.mkdir(parents=True, exist_ok=True)
    index_dir.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for crawl_dir in dirs:
        own, warcs = _crawl_lines(crawl_dir, coll)
        lines += own
        for warc in warcs:
            _link(archive, warc)
    own_files = {p.name for p in archive.iterdir()}
    for crawl_dir in dirs:
        for line in _originals(crawl_dir):
            entry = parse_line(line)
            if entry is None:
                continue
            filename = entry.fields["filename"]
            if filename not in own_files:
                earlier = _find_warc(filename, dirs)
                if earlier is None:
                    raise ReplayError(
                        f"{crawl_dir.name} refers to payloads in {filename}, an earlier crawl's "
                        f"WARC not found under {crawl_dir.parent}: replay it with that crawl"
                    )
                _link(archive, earlier)
                own_files.add(filename)
            lines.append(line)
    unresolved = check_revisits(lines)
    if unresolved:
        raise ReplayError(
            f"{len(unresolved)} revisit records have no original in the collection, "
            f"e.g. {unresolved[0]}: add the crawl holding them"
        )
    write_sorted(lines, index_dir / "index.cdxj")
    return coll


def check_port(host: str, port: int) -> None:
    """Raise :class:`ReplayError` when ``host:port`` cannot be served (in use, no such
    address), before pywb fails on it with a traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise ReplayError(f"cannot serve on {host}:{port}: {exc.strerror or exc}; pass a free "
                          "--port") from exc


def write_config(work_dir: Path) -> Path:
    """``<work_dir>/config.yaml`` for ``wayback`` (:data:`PYWB_CONFIG`), unless the folder has
    a config of its own (one this module did not write is left as it is)."""
    config = Path(work_dir) / "config.yaml"
    if not config.exists() or config.read_text(errors="replace").startswith(CONFIG_MARK):
        config.write_text(PYWB_CONFIG)
    return config


def start_wayback(work_dir: Path, port: int, host: str = "127.0.0.1") -> subprocess.Popen[bytes]:
    """Start ``wayback`` on the collections in ``work_dir``; the caller stops it. It ends when
    this process dies, even by SIGKILL (``crawler.pageworkers.parent_death``)."""
    write_config(work_dir)
    cmd = [str(wayback_bin()), "-p", str(port), "-b", host, "-d", str(work_dir)]
    return subprocess.Popen(cmd, cwd=work_dir, preexec_fn=die_with_parent_preexec())


def first_article_url(crawl_dirs: Sequence[Path], host: str, port: int) -> str | None:
    """The replay URL of the first article a crawl wrote (``/<collection>/<14-digit
    timestamp>/<url>`` as pywb serves it), or None for a crawl without article records."""
    from crawler.reader import ReaderError, open_crawl

    for crawl_dir in crawl_dirs:
        try:
            record = next(iter(open_crawl(crawl_dir).records()), None)
        except (ReaderError, OSError, ValueError):
            continue
        if record is None:
            continue
        if url := replay_url(record, host, port):
            return url
    return None


def replay_url(record: Mapping[str, Any], host: str, port: int) -> str | None:
    """Where ``wayback`` on ``host:port`` replays an article record's page (``/<collection>/
    <14-digit timestamp>/<url>``: the page itself, unframed), None without a date or URL."""
    warc = record.get("warc") or {}
    stamp = re.sub(r"\D", "", str(warc.get("date") or record.get("fetched_at") or ""))[:14]
    url = warc.get("target_uri") or record.get("url")
    return f"http://{host}:{port}/{DEFAULT_COLLECTION}/{stamp}/{url}" if stamp and url else None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    crawl_dir: Path | Sequence[Path],
    port: int = 8080,
    host: str = "127.0.0.1",
    work_dir: Path | None = None,
) -> int:
    """Build a collection of ``crawl_dir`` and serve it until interrupted; returns 0 when it was
    interrupted, else wayback's exit code (it stopped on its own).

    Pages are at ``http://<host>:<port>/crawl/<timestamp>/<url>``, unframed (the page itself
    is the top document, :data:`PYWB_CONFIG`); the replay URL of the
    crawl's first article is printed with the collection's. Ctrl-C or SIGTERM stops wayback
    too; a temporary work folder is removed afterwards.
    """
    wayback_bin()
    check_port(host, port)
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="crawler-replay-"))
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if on_main_thread else None
    try:
        build_collection(crawl_dir, work)
        print(f"replaying at http://{host}:{port}/{DEFAULT_COLLECTION}/ (Ctrl-C stops)", flush=True)
        dirs = [Path(crawl_dir)] if isinstance(crawl_dir, str | Path) else list(crawl_dir)
        if first := first_article_url(dirs, host, port):
            print(f"first article: {first}", flush=True)
        proc = start_wayback(work, port, host)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
            return 0
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
