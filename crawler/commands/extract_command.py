"""The ``crawler extract`` command: one page (a URL or a saved HTML file) to its article record.

For checking a site or a profile before crawling it, the way ``news-please`` and ``trafilatura``
users extract one page: the page goes the crawl's own way (the page scan decides whether it is
an article, ``crawler.extract.article.extract_article`` extracts it and finalises it with what the
page alone says, ``crawler.record.build_record`` makes the record), and the record is printed.
It has the crawl's schema with ``crawl_id`` and ``warc`` null: nothing was archived.

A URL is fetched once, politely (``crawler.pages.fetch_page``: robots.txt, the crawl's
User-Agent, ``DOWNLOAD_TIMEOUT``); relative dates count from the server's ``Date`` header. A file's
URL is ``--url`` or the page's canonical link; its modification time stands for the fetch time.
Exit codes: 0 the record was printed, 1 the page is not an article, 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.commands.cli_options import add_out, add_settings_option
from crawler.errors import EXIT_OK, CommandFailed, UsageError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

MAX_FILE_BYTES = 64 * 1024 * 1024


def add_command(sub: Any) -> None:
    """The ``extract`` subcommand (argparse subparsers)."""
    e = sub.add_parser(
        "extract", help="extract one article (a URL or a saved HTML file) as a JSON record",
        description="Extract one page the way a crawl would and print its article record (the "
                    "crawl's JSON schema, without a WARC pointer): to check a site or a profile "
                    "before crawling it. A URL is fetched once, politely (robots.txt, the "
                    "crawl's User-Agent, a timeout).")
    e.add_argument("source", metavar="URL|FILE",
                   help="an http(s) URL to fetch, or a saved HTML file ('-': standard input)")
    e.add_argument("--profile", metavar="NAME",
                   help="site profile to extract with (default: the profile whose site the "
                        "URL is on, else generic)")
    e.add_argument("--url", help="for a FILE: the URL the page was saved from (default: its "
                                 "<link rel=canonical> or og:url)")
    add_out(e, "write the record to this file (default: standard output)", metavar="FILE")
    e.add_argument("--compact", action="store_true",
                   help="one line of JSON (as in the crawl's JSON Lines) instead of indented")
    e.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="seconds to wait for each response (default: DOWNLOAD_TIMEOUT)")
    add_settings_option(e)


def _profile(name: str | None, url: str) -> Any:
    from crawler.pages.profiles import GENERIC, PROFILES
    from crawler.pages.site import site_for

    if name is None:
        site = site_for(url, GENERIC, PROFILES.values())
        return PROFILES.get(site.key, GENERIC)
    if name not in PROFILES:
        raise UsageError(f"no profile named {name!r}; available: {', '.join(sorted(PROFILES))}")
    return PROFILES[name]


def _fetch(source: str, settings: BaseSettings, timeout: float | None) -> dict[str, Any]:
    from crawler.dates import server_clock
    from crawler.pages.fetch_page import HTML_TYPES, FetchError, PoliteFetcher

    fetcher = PoliteFetcher.from_settings(settings, timeout)
    try:
        page = fetcher.fetch(source)
    except FetchError as exc:
        raise UsageError(str(exc)) from exc
    if page.content_type not in HTML_TYPES:
        raise UsageError(f"{page.url} is not an HTML page ({page.content_type})")
    return {"body": page.body, "url": page.url, "charset": page.charset,
            "fetched_at": page.fetched_at, "reference": server_clock(page.headers.get("Date"))}


def _read_file(source: str, url: str | None) -> dict[str, Any]:
    if source == "-":
        body, fetched_at = sys.stdin.buffer.read(MAX_FILE_BYTES + 1), dt.datetime.now(dt.UTC)
    else:
        path = Path(source)
        try:
            with open(path, "rb") as f:
                body = f.read(MAX_FILE_BYTES + 1)
            fetched_at = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if len(body) > MAX_FILE_BYTES:
        raise UsageError(f"{source} is larger than {MAX_FILE_BYTES} bytes")
    if not body.strip():
        raise UsageError(f"{source} is empty")
    url = url or _canonical(body)
    if not url:
        raise UsageError(f"{source} names no canonical URL: pass --url URL (the address the "
                         "page was saved from)")
    return {"body": body, "url": url, "charset": None, "fetched_at": fetched_at,
            "reference": None}


def _canonical(body: bytes) -> str | None:
    """The page's ``<link rel=canonical>`` or ``og:url``, when absolute http(s)."""
    from crawler.html.decode import decode_html
    from crawler.html.tree import parse_html

    decoded = decode_html(body, None)
    tree = parse_html(decoded.text) if decoded.text else None
    if tree is None:
        return None
    found = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    return next((u.strip() for u in found if u.strip().startswith(("http://", "https://"))),
                None)


def extract_record(page: dict[str, Any], profile_name: str | None) -> dict[str, Any]:
    """The article record of a fetched or read page, made the crawl's way."""
    from crawler.extract.article import extract_article
    from crawler.pages.pagescan import ScanScope, scan_html
    from crawler.pages.profiles import PROFILES
    from crawler.pages.site import site_for
    from crawler.pages.urls import BadURL, canonical_url
    from crawler.record import build_record, record_errors

    try:
        url = canonical_url(page["url"])
    except BadURL as exc:
        raise UsageError(f"{page['url']}: {exc}") from exc
    profile = _profile(profile_name, url)
    site = site_for(url, profile, PROFILES.values())
    if site.key != profile.name:  # as the spider does for a copy of a profile's site
        profile = profile.with_start_url(url)
    scan = scan_html(page["body"], page["url"], ScanScope(profile, site.hosts, site=site),
                     page["charset"])
    if scan.scan_error:
        raise CommandFailed(f"{url}: the page cannot be read: {scan.scan_error}")
    if not scan.is_article:
        raise CommandFailed(f"{url} is not an article page to a crawl with the {profile.name} "
                            "profile (a listing or other page: nothing to extract)")
    result = extract_article(page["body"], scan.canonical or url, profile=profile,
                             fetched_at=page["fetched_at"], http_charset=page["charset"],
                             reference=page["reference"], finalize=True)
    if result.skip_reason:
        raise CommandFailed(f"{url}: not an extractable article ({result.skip_reason})")
    record = build_record(result, url=url, site=site.name, fetched_at=page["fetched_at"],
                          crawl_id=None, warc=None)
    if errors := record_errors(record):
        raise CommandFailed(f"{url}: the record does not match the schema: {errors[0]}")
    return record


def run(args: Any) -> int:
    """``crawler extract``: print the record (exit 0), 1 when the page is not an article."""
    from crawler.commands.cli_settings import build_settings
    from crawler.pages.urls import BadURL, validate_start_url

    settings = build_settings(args.set, {})
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    is_url = "://" in args.source
    try:
        if is_url and args.url:
            raise UsageError("--url is for a FILE: a URL source is its own URL")
        url = validate_start_url(args.source if is_url else args.url) \
            if (is_url or args.url) else None
    except BadURL as exc:
        raise UsageError(str(exc)) from exc
    if args.profile is not None:
        _profile(args.profile, url or "http://example.invalid/")  # a bad name fails first
    page = _fetch(url, settings, args.timeout) if is_url and url is not None \
        else _read_file(args.source, url)
    record = extract_record(page, args.profile)
    text = json.dumps(record, ensure_ascii=False, indent=None if args.compact else 2)
    if args.out:
        try:
            Path(args.out).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    else:
        print(text)
    return EXIT_OK
