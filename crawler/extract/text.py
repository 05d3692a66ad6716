"""Article text with trafilatura on an already cleaned tree, split into paragraphs."""

from __future__ import annotations

import re
from configparser import ConfigParser
from dataclasses import dataclass, replace
from functools import lru_cache

from lxml import etree

Block = tuple[str, str]  # (kind, text): kind is trafilatura's tag ("p", "head", "item", ...)


@dataclass(frozen=True)
class TextSettings:
    """trafilatura knobs exposed to callers (benchmarks compare them).

    Precision mode is the default: on the Zyte article benchmark it scored higher than the
    balanced mode (see bench/results/extraction.json), with the recall guard below.
    """

    favor_precision: bool = True
    favor_recall: bool = False
    fast: bool = False
    include_tables: bool = True
    min_extracted_size: int = 250
    # Precision mode sometimes keeps only a notice box or the first screen of a long text:
    # below this many characters, or below this share of the text the page's paragraphs
    # hold, the balanced mode is tried too, and wins when it finds at least twice as much.
    recall_guard_chars: int = 500
    recall_guard_share: float = 0.5


@lru_cache(maxsize=8)
def _config(min_extracted_size: int) -> ConfigParser:
    from trafilatura.settings import DEFAULT_CONFIG

    config = ConfigParser()
    config.read_dict({"DEFAULT": dict(DEFAULT_CONFIG["DEFAULT"])})
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no SIGALRM: we run in pools and threads
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(min_extracted_size))
    return config


def _text(el: etree._Element) -> str:
    for br in el.iter("lb"):
        br.text = " "  # a line break inside a block still separates words
    return " ".join("".join(el.itertext()).split())


_BREAK = "\u2029"  # PARAGRAPH SEPARATOR: never in trafilatura's output
_BREAKS = re.compile(_BREAK + r"\s*" + _BREAK + r"[\s" + _BREAK + "]*")


def _broken(el: etree._Element) -> list[str]:
    """A block's text split where the page left an empty line (``<br><br>``): CMSs that
    write paragraphs that way give one block per paragraph, not one for the whole body."""
    for br in el.iter("lb"):
        br.text = _BREAK
    joined = "".join(el.itertext())
    return [t for t in (" ".join(part.replace(_BREAK, " ").split())
                        for part in _BREAKS.split(joined)) if t]


def paragraphs_of(body: etree._Element) -> list[Block]:
    """Blocks of trafilatura's output tree in order; list items and table rows apart."""
    out: list[Block] = [("p", " ".join((body.text or "").split()))]
    for child in body:
        if child.tag == "list":
            out.extend(("item", _text(item)) for item in child.iter("item"))
        elif child.tag == "table":
            for row in child.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                out.append(("row", " | ".join(c for c in cells if c)))
        else:
            out.extend((str(child.tag), part) for part in _broken(child))
        out.append(("p", " ".join((child.tail or "").split())))  # loose text between blocks
    cleaned: list[Block] = []
    for kind, para in out:
        if para and (not cleaned or cleaned[-1][1] != para):
            cleaned.append((kind, para))
    return cleaned


def extract_paragraphs(tree: etree._Element, url: str | None = None,
                       settings: TextSettings = TextSettings()) -> list[Block]:
    """Main-text blocks of a parsed page (the tree is copied, not changed)."""
    found = _run(tree, url, settings)
    if settings.favor_precision and (
            _chars(found) < settings.recall_guard_chars
            or _chars(found) < settings.recall_guard_share * _paragraph_chars(tree)):
        balanced = _run(tree, url, replace(settings, favor_precision=False))
        if _chars(balanced) >= 2 * max(1, _chars(found)):
            return balanced
    return found


def _paragraph_chars(tree: etree._Element) -> int:
    """Characters of text in the page's ``<p>`` elements (the tree is cleaned already)."""
    return sum(len(" ".join("".join(p.itertext()).split())) for p in tree.iter("p"))


def _chars(blocks: list[Block]) -> int:
    return sum(len(text) for _, text in blocks)


def _run(tree: etree._Element, url: str | None, settings: TextSettings) -> list[Block]:
    from trafilatura import bare_extraction

    doc = bare_extraction(
        tree, url=url, fast=settings.fast, favor_precision=settings.favor_precision,
        favor_recall=settings.favor_recall, include_comments=False,
        include_tables=settings.include_tables, include_images=False, include_formatting=False,
        include_links=False, with_metadata=False, deduplicate=False,
        config=_config(settings.min_extracted_size),
    )
    body = getattr(doc, "body", None)
    if body is None:
        return []
    return paragraphs_of(body)
