"""The durable crawl state: one SQLite file per ``<out>/<spider>/``, kept between runs.

Per URL (canonical): the validators of the last full fetch (ETag, Last-Modified), its payload
digest, when it was first seen, fetched in full and last checked, the last status (and where a
redirect pointed), the newest
change time known (Last-Modified, sitemap lastmod, publication), the publication time, and for
articles the text hash of the record written and the crawl that wrote it. Per crawl: when it
started and how it finished; a crawl that never finished (killed) is not trusted. Per site: what
crawls learned of it (``crawler.sitefacts``: its time zone evidence, its boilerplate), as JSON.

WAL journal, ``synchronous=NORMAL``: a commit costs no fsync, and a killed process loses at most
the rows of its last uncommitted batch. The schema version is ``PRAGMA user_version``.
No Scrapy or Twisted here.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2  # 2: site_facts

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    digest TEXT,
    status INTEGER,
    location TEXT,
    first_seen REAL,
    fetched_at REAL,
    checked_at REAL,
    changed_at REAL,
    published REAL,
    is_article INTEGER NOT NULL DEFAULT 0,
    text_hash TEXT,
    crawl_id TEXT,
    written_crawl TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS urls_recent ON urls (is_article, published);
CREATE TABLE IF NOT EXISTS crawls (
    crawl_id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    finish_reason TEXT,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS site_facts (
    site TEXT PRIMARY KEY,
    facts TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""


class StateError(RuntimeError):
    """The state file cannot be used (newer schema, not a state database)."""


@dataclass
class UrlState:
    """What the state knows about one URL; times are Unix seconds."""

    url: str
    etag: str | None = None
    last_modified: str | None = None  # the header as the server sent it
    digest: str | None = None  # payload digest of the last full fetch
    status: int | None = None  # status of the last response
    location: str | None = None  # where the last 3xx response pointed (canonical URL)
    first_seen: float | None = None
    fetched_at: float | None = None  # last full (2xx) fetch
    checked_at: float | None = None  # last response of any kind, 304 included
    changed_at: float | None = None  # newest change known: Last-Modified, lastmod, published
    published: float | None = None
    is_article: bool = False
    text_hash: str | None = None  # text_sha256 of the record written for it
    crawl_id: str | None = None  # crawl of the last full fetch (its validators)
    written_crawl: str | None = None  # crawl that wrote a record for the last full fetch


COLUMNS = tuple(f.name for f in fields(UrlState))


@dataclass(frozen=True)
class CrawlRun:
    """One crawl as the state remembers it."""

    crawl_id: str
    started_at: float
    finished_at: float | None
    finish_reason: str | None
    complete: bool  # finished normally, without --since: every link it saw was followed


class StateStore:
    """SQLite access: lookups one URL at a time, writes in batches (one transaction each)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        try:
            self._setup()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StateError(f"{self.path}: not a crawl state database ({exc})") from exc

    def _setup(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path} has state schema {version}; this crawler knows {SCHEMA_VERSION}"
            )
        if version < SCHEMA_VERSION:
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` one BEGIN … COMMIT (ROLLBACK on error)."""
        return _Transaction(self.db)

    def close(self) -> None:
        """Close the connection (commits nothing by itself)."""
        self.db.close()

    # --- URLs -----------------------------------------------------------------------------
    def get(self, url: str) -> UrlState | None:
        """The state of ``url``, or None when it was never seen."""
        row = self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()
        return _to_state(row) if row else None

    def apply(self, updates: Mapping[str, Mapping[str, Any]]) -> int:
        """Upsert partial rows ``{url: {column: value}}`` in one transaction; returns the count.

        Only the columns given change; ``first_seen`` keeps its first value.
        """
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for url, values in updates.items():
            cols = tuple(sorted(c for c in values if c != "url"))
            unknown = set(cols) - set(COLUMNS)
            if unknown:
                raise ValueError(f"unknown state columns: {sorted(unknown)}")
            groups.setdefault(cols, []).append((url, *(_to_db(values[c]) for c in cols)))
        with self.transaction():
            for cols, rows in groups.items():
                self.db.executemany(_upsert_sql(cols), rows)
        return len(updates)

    def recent_articles(self, since: float) -> Iterator[UrlState]:
        """Articles with a record, published (or first seen when no date) at or after ``since``."""
        rows = self.db.execute(
            "SELECT * FROM urls WHERE is_article = 1 AND written_crawl IS NOT NULL "
            "AND COALESCE(published, first_seen) >= ?",
            (since,),
        )
        for row in rows:
            yield _to_state(row)

    def count(self) -> int:
        """How many URLs the state holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM urls").fetchone()[0])

    # --- crawls ---------------------------------------------------------------------------
    def crawls(self) -> dict[str, CrawlRun]:
        """Every crawl the state has seen, by id."""
        rows = self.db.execute("SELECT * FROM crawls").fetchall()
        return {
            r["crawl_id"]: CrawlRun(
                r["crawl_id"], r["started_at"], r["finished_at"], r["finish_reason"],
                bool(r["complete"]),
            )
            for r in rows
        }

    def begin_crawl(self, crawl_id: str, now: float | None = None) -> None:
        """Record that ``crawl_id`` runs (again, when resumed: it is unfinished until it ends)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO crawls (crawl_id, started_at) VALUES (?, ?) ON CONFLICT(crawl_id) "
                "DO UPDATE SET finished_at = NULL, finish_reason = NULL, complete = 0",
                (crawl_id, now or time.time()),
            )

    def finish_crawl(self, crawl_id: str, reason: str, complete: bool,
                     now: float | None = None) -> None:
        """Record how ``crawl_id`` ended; from now on its rows are trusted."""
        with self.transaction():
            self.db.execute(
                "UPDATE crawls SET finished_at = ?, finish_reason = ?, complete = ? "
                "WHERE crawl_id = ?",
                (now or time.time(), reason, int(complete), crawl_id),
            )

    def forget_written(self, crawl_id: str, keep: Container[str]) -> int:
        """Clear ``written_crawl`` of ``crawl_id`` rows except ``keep`` (records that survived)."""
        rows = self.db.execute(
            "SELECT url FROM urls WHERE written_crawl = ?", (crawl_id,)
        ).fetchall()
        lost = [(r["url"],) for r in rows if r["url"] not in keep]
        with self.transaction():
            self.db.executemany("UPDATE urls SET written_crawl = NULL WHERE url = ?", lost)
        return len(lost)


    # --- what crawls learned of a site (crawler.sitefacts) ---------------------------------
    def site_facts(self, site: str) -> dict[str, Any] | None:
        """What earlier crawls learned of ``site``, or None."""
        row = self.db.execute("SELECT facts FROM site_facts WHERE site = ?", (site,)).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row["facts"])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def save_site_facts(self, site: str, facts: Mapping[str, Any],
                        now: float | None = None) -> None:
        """Keep what this crawl learned of ``site`` for the next one."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO site_facts (site, facts, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(site) DO UPDATE SET facts = excluded.facts, "
                "updated_at = excluded.updated_at",
                (site, json.dumps(facts, ensure_ascii=False), now or time.time()),
            )


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _upsert_sql(cols: tuple[str, ...]) -> str:
    names = ", ".join(("url", *cols))
    marks = ", ".join("?" for _ in range(len(cols) + 1))
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "first_seen")
    conflict = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
    return f"INSERT INTO urls ({names}) VALUES ({marks}) ON CONFLICT(url) {conflict}"


def _to_db(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _to_state(row: sqlite3.Row) -> UrlState:
    data = dict(row)
    data["is_article"] = bool(data["is_article"])
    return UrlState(**data)
