"""Seed lists: the sites one run crawls, read and checked before anything is written.

A seed list is a text file, one site per line: a start URL, then optional ``NAME=VALUE``
options that apply to that site only. Blank lines and ``#`` comments (a whole line, or after
the URL) are ignored::

    # site                              options
    https://vsedelo.com/                profile=vsedelo
    https://www.example.com/news/       max_articles=200 max_pages=2000 deadline=30m
    http://127.0.0.2:8080/              delay=1.5 concurrency=2 since=2025-03-01

Options (:data:`OPTIONS`): ``profile`` (a spider of ``crawler list``; default: the spider the
command names), ``max_articles``, ``max_pages``, ``deadline`` (``90``, ``90s``, ``20m``,
``2h``), ``since`` (ISO date), ``delay`` (seconds between requests to the site) and
``concurrency`` (requests open at once to the site).

Lines of one site (the same site key, :mod:`crawler.pages.site`) are merged into one seed: its
first line's options, every line's start URL. Pure: no Scrapy, no I/O beyond reading the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from crawler.errors import UsageError

DEADLINE = re.compile(r"(\d+(?:\.\d+)?)\s*([smh]?)", re.IGNORECASE)
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}
# (canonical start URL, site key) of a start URL crawled by a spider; ValueError when it cannot be
Locate = Callable[[str, str], tuple[str, str]]
OPTIONS = ("profile", "max_articles", "max_pages", "deadline", "since", "delay", "concurrency")


class SeedError(UsageError):
    """A seed list that cannot be crawled; the message names the file and line."""


@dataclass(frozen=True)
class Seed:
    """One site of a run: where it starts, the spider that crawls it, and its own limits."""

    url: str  # the first start URL, canonical
    site: str  # the site key: its folder, state and lock (crawler.pages.site)
    spider: str
    line: int  # where it is first named
    max_articles: int | None = None
    max_pages: int | None = None
    deadline: float | None = None  # seconds
    since: str | None = None
    delay: float | None = None
    concurrency: int | None = None
    more_urls: tuple[str, ...] = ()  # start URLs of merged lines
    merged_lines: tuple[int, ...] = field(default=(), compare=False)

    @property
    def start_urls(self) -> tuple[str, ...]:
        return (self.url, *self.more_urls)


@dataclass(frozen=True)
class SeedList:
    """The seeds of a run, one per site, in the order the list names them."""

    source: str
    seeds: tuple[Seed, ...]

    def merge_notice(self) -> str | None:
        """One line naming the sites whose lines were merged, or None."""
        merged = [s for s in self.seeds if s.merged_lines]
        if not merged:
            return None
        shown = "; ".join(
            f"{s.site} (lines {', '.join(str(n) for n in (s.line, *s.merged_lines))})"
            for s in merged[:5])
        more = f"; and {len(merged) - 5} more" if len(merged) > 5 else ""
        lines = sum(len(s.merged_lines) for s in merged)
        return (f"{self.source}: {lines} duplicate line{'s' * (lines != 1)} merged into the "
                f"site{'s' * (len(merged) != 1)} named before: {shown}{more}")


def read_seed_file(path: str, default_spider: str, spiders: Mapping[str, str],
                   locate: Locate) -> SeedList:
    """The seeds of the file at ``path``; :class:`SeedError` for a file that cannot be read,
    holds no seed, or has a bad line.

    ``spiders`` maps every name a ``profile=`` may use to its spider name; ``locate(url,
    spider)`` gives the canonical start URL and the site key of a crawl of ``url`` by that
    spider, and raises ``ValueError`` for a URL that cannot be crawled."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(f"seed list {path}: not UTF-8 text ({exc.reason} at byte "
                        f"{exc.start})") from exc
    except OSError as exc:
        raise SeedError(f"seed list {path}: cannot read it: {exc.strerror or exc}") from exc
    return parse_seeds(text.splitlines(), path, default_spider, spiders, locate)


def parse_seeds(lines: Iterable[str], source: str, default_spider: str,
                spiders: Mapping[str, str], locate: Locate) -> SeedList:
    """:func:`read_seed_file` for lines already read (``source`` names them in messages)."""
    by_site: dict[str, Seed] = {}
    for number, raw in enumerate(lines, start=1):
        words = raw.split("#", 1)[0].split() if not raw.lstrip().startswith("#") else []
        if not words:
            continue
        seed = _seed(words, f"{source}:{number}", number, default_spider, spiders, locate)
        first = by_site.get(seed.site)
        if first is None:
            by_site[seed.site] = seed
            continue
        urls = first.more_urls if seed.url in first.start_urls else (*first.more_urls, seed.url)
        by_site[seed.site] = replace(first, more_urls=urls,
                                     merged_lines=(*first.merged_lines, number))
    if not by_site:
        raise SeedError(f"seed list {source}: no seeds in it (one start URL per line; blank "
                        "lines and # comments are skipped)")
    return SeedList(source=source, seeds=tuple(by_site.values()))


def _seed(words: list[str], where: str, number: int, default_spider: str,
          spiders: Mapping[str, str], locate: Locate) -> Seed:
    url = words[0]
    if "=" in url and "://" not in url:
        raise SeedError(f"{where}: a line starts with its start URL, got {url!r}")
    options = _options(words[1:], where)
    profile = options.pop("profile", None)
    spider = default_spider
    if profile is not None:
        if profile not in spiders:
            raise SeedError(f"{where}: unknown profile {profile!r} (known: "
                            f"{', '.join(sorted(spiders))})")
        spider = spiders[profile]
    try:
        url, key = locate(url, spider)
    except ValueError as exc:
        raise SeedError(f"{where}: not an http(s) start URL: {url!r} ({exc})") from exc
    return Seed(url=url, site=key, spider=spider, line=number, **_limits(options, where))


def _options(words: list[str], where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for word in words:
        name, sep, value = word.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not value:
            raise SeedError(f"{where}: options are NAME=VALUE after the URL, got {word!r}")
        if name not in OPTIONS:
            raise SeedError(f"{where}: unknown option {name!r} (options: {', '.join(OPTIONS)})")
        if name in found:
            raise SeedError(f"{where}: option {name!r} given twice")
        found[name] = value
    return found


def _limits(options: dict[str, str], where: str) -> dict:
    values: dict = {}
    for name in ("max_articles", "max_pages", "concurrency"):
        if name in options:
            values[name] = _positive_int(options[name], name, where)
    if "delay" in options:
        try:
            delay = float(options["delay"])
        except ValueError:
            delay = -1.0
        if not 0 <= delay < 3600:
            raise SeedError(f"{where}: delay must be seconds from 0 to 3600, got "
                            f"{options['delay']!r}")
        values["delay"] = delay
    if "deadline" in options:
        values["deadline"] = parse_deadline(options["deadline"], where)
    if "since" in options:
        try:
            dt.date.fromisoformat(options["since"][:10])
        except ValueError as exc:
            raise SeedError(f"{where}: since must be an ISO date like 2025-03-01, got "
                            f"{options['since']!r}") from exc
        values["since"] = options["since"]
    return values


def _positive_int(value: str, name: str, where: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise SeedError(f"{where}: {name} must be a whole number of at least 1, got {value!r}")
    return number


def parse_deadline(value: str, where: str = "deadline") -> float:
    """Seconds of a deadline such as ``90``, ``90s``, ``20m`` or ``2h``."""
    match = DEADLINE.fullmatch(value.strip())
    seconds = float(match[1]) * UNIT_SECONDS[match[2].lower()] if match else 0.0
    if seconds <= 0:
        raise SeedError(f"{where}: deadline must be a time such as 90s, 20m or 2h, got "
                        f"{value!r}")
    return seconds
