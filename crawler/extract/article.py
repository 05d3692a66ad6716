"""``extract_article``: one fetched page (bytes) to clean text, metadata and dates.

Decode (HTTP charset, ``<meta charset>``, detection) → parse once with lxml → read metadata
(JSON-LD, meta tags, ``<h1>``, byline) → remove boilerplate (profile XPaths, generic widgets,
labelled "read also"/ad/share blocks) → find dates → trafilatura on the cleaned tree →
finalise with what is known of the site (``crawler.sitefacts.finalize``: dates in the site's
zone, site-wide boilerplate out). A crawl finalises in its own process with what it learned
of the whole site; alone, a page is finalised with what it says itself.
Pure and picklable: safe in a process pool. Bad input never raises; it gets a ``skip_reason``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field, fields
from importlib.metadata import version as _version
from typing import Any

from lxml import etree

from crawler.dates import EntryDate, PageDates, find_page_dates
from crawler.dates.parse import is_date_line
from crawler.extract import meta as pagemeta
from crawler.extract.authors import authors as find_authors
from crawler.extract.clean import Cleaner, clean_tree
from crawler.extract.language import (
    declared_language,
    declared_region,
    other_cyrillic,
    page_language,
)
from crawler.extract.text import Block, TextSettings, extract_paragraphs
from crawler.extract.title import pick_headline
from crawler.html.decode import MAX_HTML_BYTES, Decoded, decode_html
from crawler.html.jsonld import article_node, as_text, has_article_type, jsonld_nodes
from crawler.html.tree import base_url, parse_html, text_of, unescape_text
from crawler.pages.pagetype import article_markup, classify
from crawler.pages.profiles import SiteProfile
from crawler.sitefacts.finalize import finalize as finalize_result
from crawler.sitefacts.finalize import page_facts
from crawler.sitefacts.learner import SiteFacts

# Bumped whenever extraction gives different records for the same page; ``crawler reextract``
# names its article sets with it.
EXTRACTOR_VERSION = 4
EXTRACTOR = f"newscrawler-extract/{EXTRACTOR_VERSION} (trafilatura {_version('trafilatura')})"
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class ExtractOptions:
    """Tuning knobs; the defaults are what the benchmarks measured best."""

    text: TextSettings = TextSettings()
    generic_cleaning: bool = True
    max_bytes: int = MAX_HTML_BYTES


@dataclass
class ExtractedArticle:
    """What extraction found on one page; ``to_dict()`` feeds ``crawler.record.build_record``."""

    url: str
    canonical_url: str | None = None
    page_type: str = "other"
    skip_reason: str | None = None
    title: str | None = None
    title_source: str | None = None
    text: str = ""
    paragraphs: int = 0
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    site_name: str | None = None
    language: str | None = None
    language_source: str | None = None
    region: str | None = None  # the country of the page's locale (en-US: "us"), not recorded
    translations: dict[str, str] = field(default_factory=dict)
    published: str | None = None
    published_source: str | None = None
    published_precision: str | None = None
    published_reason: str | None = "not_extracted"
    published_offset_source: str | None = None
    modified: str | None = None
    modified_source: str | None = None
    modified_precision: str | None = None
    modified_reason: str | None = "not_extracted"
    modified_offset_source: str | None = None
    dates: dict[str, Any] | None = None  # what the page states (PageDates.to_json()), zone-free
    charset: str | None = None
    charset_source: str | None = None
    extraction: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready dict (its lists and dicts are the article's own: every field
        holds plain values already, so no deep copy is made)."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(ExtractedArticle))


def _aware(moment: dt.datetime | str) -> dt.datetime:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def _article_blocks(blocks: list[Block], headlines: set[str], description: str | None,
                    lang: str | None) -> list[str]:
    """Drop what trafilatura keeps but is not article text: the headline and its variants (as
    the title and the page's h1 spell it, og:title, twitter:title, the JSON-LD headline: a
    social title printed above the text), a heading that repeats the description (a
    standfirst), a line that is only a date, paragraphs in the other language (uk/ru
    teasers)."""
    titles, desc_n = {_norm(unescape_text(t)) for t in headlines if t}, _norm(description)
    out = []
    for kind, text in blocks:
        norm = _norm(text)
        if norm in titles or (kind == "head" and norm == desc_n) or is_date_line(text):
            continue
        if other_cyrillic(text, lang):
            continue
        out.append(text)
    return out


def extract_article(html: bytes | str, url: str, *, profile: SiteProfile,
                    fetched_at: dt.datetime | str, http_charset: str | None = None,
                    options: ExtractOptions | None = None,
                    reference: dt.datetime | str | None = None, finalize: bool = True,
                    facts: SiteFacts | None = None,
                    entry: EntryDate | None = None) -> ExtractedArticle:
    """Extract one page. Never raises on bad input: the result carries a ``skip_reason``.

    ``reference`` is the server's clock when it rendered the page (its ``Date`` header; default
    ``fetched_at``): relative dates count back from it. With ``finalize`` the result is made
    final with ``facts`` (default: what the page alone says) and the article's sitemap/feed
    ``entry``; without, its dates stay as stated (``dates``) for the crawl to finalise.
    """
    started = time.perf_counter()
    opts = options or ExtractOptions()
    decoded = decode_html(html, http_charset, max_bytes=opts.max_bytes)
    tree = parse_html(decoded.text) if decoded.text else None
    return extract_parsed(decoded, tree, url, profile=profile, fetched_at=fetched_at,
                          options=opts, started=started, reference=reference,
                          finalize=finalize, facts=facts, entry=entry)


def extract_parsed(decoded: Decoded, tree: Any, url: str, *, profile: SiteProfile,
                   fetched_at: dt.datetime | str, options: ExtractOptions | None = None,
                   started: float | None = None, reference: dt.datetime | str | None = None,
                   finalize: bool = True, facts: SiteFacts | None = None,
                   entry: EntryDate | None = None) -> ExtractedArticle:
    """:func:`extract_article` on a page decoded and parsed already (``tree`` is changed:
    boilerplate is removed from it)."""
    started = time.perf_counter() if started is None else started
    opts = options or ExtractOptions()
    result = ExtractedArticle(url=url)
    result.charset, result.charset_source = decoded.charset, decoded.charset_source
    if decoded.skip_reason or tree is None:
        result.skip_reason = decoded.skip_reason or "malformed"
        return _finish(result, started)
    if not text_of(tree.find("body")) and not text_of(tree.find(".//title")):
        # Text in the source that the parser could not place means broken markup.
        has_text = bool(_TAGS.sub("", decoded.text or "").strip())
        result.skip_reason = "malformed" if has_text else "empty"
        return _finish(result, started)
    try:
        dates = _fill(result, tree, url, profile, _aware(reference or fetched_at), opts)
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as exc:
        # Pathological markup (nesting too deep, odd values) must not lose the page: it stays
        # archived, and the reason says why there is no record.
        result.skip_reason = f"extraction_error:{type(exc).__name__}"
        result.extraction["error"] = str(exc)[:300]
        return _finish(result, started)
    if finalize:
        _finalize(result, dates, profile, facts, entry)
    return _finish(result, started)


def _finalize(result: ExtractedArticle, dates: PageDates, profile: SiteProfile,
              facts: SiteFacts | None, entry: EntryDate | None) -> None:
    """Apply site facts (or the page's own) to a fresh result, in place."""
    if facts is None:
        facts = page_facts(dates, url=result.canonical_url or result.url,
                           language=result.language, region=result.region,
                           profile_zone=profile.timezone)
    fields = {"text": result.text, "paragraphs": result.paragraphs,
              "extraction": result.extraction}
    for key, value in finalize_result(fields, facts, entry=entry, dates=dates).items():
        setattr(result, key, value)


def _fill(result: ExtractedArticle, tree: Any, url: str, profile: SiteProfile,
          reference: dt.datetime, opts: ExtractOptions) -> PageDates:
    base = base_url(tree, url)
    nodes = jsonld_nodes(tree)
    node = article_node(nodes)
    meta = pagemeta.MetaTags.read(tree)
    site = pagemeta.site_name(meta)
    result.site_name = site
    result.canonical_url = pagemeta.canonical(tree, meta, base, url)
    declared, declared_source = declared_language(tree, node)
    result.region = declared_region(tree)
    headline = pick_headline(tree, meta, node, profile.title_suffixes, site,
                             url=result.canonical_url)
    result.title, result.title_source = headline.title, headline.source
    headlines = {result.title or "", headline.printed or "", meta.first("og:title") or "",
                 meta.first("twitter:title") or "",
                 (as_text(node.get("headline")) if node else None) or ""}
    result.authors = find_authors(tree, meta, node, site, nodes=nodes, url=result.canonical_url,
                                  language=declared, headline=headline.element)
    result.description = pagemeta.description(meta, node)
    result.image = pagemeta.image(meta, node, base)
    result.tags = pagemeta.tags(tree, meta, node)
    result.categories = pagemeta.categories(tree, meta, node)
    markup = article_markup(meta.first("og:type"), has_article_type(nodes),
                            meta.first("article:published_time"))

    removed = clean_tree(tree, boilerplate_xpaths=profile.boilerplate_xpaths, lang=declared,
                         generic=opts.generic_cleaning)
    dates = find_page_dates(tree, profile=profile, reference=reference,
                            url=result.canonical_url, jsonld=nodes, title=result.title)
    result.dates = dates.to_json()
    result.published_reason = result.modified_reason = "not_finalised"
    Cleaner(tree).xpaths((*profile.published_xpaths, *profile.modified_xpaths))

    blocks = extract_paragraphs(tree, result.canonical_url, opts.text)
    result.language, result.language_source = page_language(
        declared, declared_source, " ".join(text for _, text in blocks) or result.title or "")
    paragraphs = _article_blocks(blocks, headlines, result.description, result.language)
    result.text = "\n\n".join(paragraphs)
    result.paragraphs = len(paragraphs)
    result.translations = pagemeta.translations(tree, base, result.canonical_url,
                                                result.language)
    result.page_type = classify(url, tree, profile, markup=markup, text_chars=len(result.text),
                                paragraphs=len(paragraphs))
    if result.page_type != "article":
        result.skip_reason = f"not_article:{result.page_type}"
    elif not result.text:
        result.skip_reason = "no_text"
    result.extraction["boilerplate_removed"] = removed
    return dates


def _finish(result: ExtractedArticle, started: float) -> ExtractedArticle:
    result.extraction = {"extractor": EXTRACTOR, **result.extraction,
                         "ms": round((time.perf_counter() - started) * 1000, 2)}
    return result
