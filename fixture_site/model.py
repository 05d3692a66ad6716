"""The fixture site's article catalogue: every article computed on demand from (seed, index).

Index 0 is the newest article. Publication times step back from ``now`` by 20-120 minutes
(70 minutes on average plus a bounded per-index jitter, so any index maps to its time in O(1)).
Categories are dealt in blocks of 12 indices (each category twice per block, shuffled per block),
so "the k-th article of a category" is also O(1).

An evolving site (``fixture_site.evolve``) hides its ``hidden`` newest articles: public
indices count from the newest visible one, while ids, texts and times come from the absolute
index (``index + hidden``), so an article keeps its URL and words when newer ones appear.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from fixture_site import lexicon as lx
from fixture_site import topics as tp
from fixture_site.kyiv import kyiv_day_start, to_kyiv
from fixture_site.templates import COMMENTERS, COMMENTS
from fixture_site.text import ArticleText, compose, headline
from fixture_site.translit import slugify

FIRST_ID = 100000
BLOCK = 12
STEP_MINUTES = 70
JITTER_MINUTES = 25
HEAD_MINUTES = 35
DATE_STYLES = ("jsonld", "meta", "time", "text")


def hash_int(*parts: object) -> int:
    """A stable 64-bit integer for ``parts`` (independent of PYTHONHASHSEED)."""
    key = ":".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def article_path(lang: str, category: str, article_id: int, slug: str) -> str:
    """``[/ru]/news/<category>/<id>-<slug>.html``."""
    prefix = "/ru" if lang == "ru" else ""
    return f"{prefix}/news/{category}/{article_id}-{slug}.html"


@dataclass(frozen=True)
class Edit:
    """A later change to an article: when, and the paragraph it added in each language."""

    time: datetime
    texts: dict[str, str]


@dataclass(frozen=True)
class Article:
    """Everything about one article, both languages."""

    index: int
    id: int
    category: str
    published: datetime
    modified: datetime | None
    authors: tuple[tuple[str, str], ...]
    date_style: str
    texts: dict[str, ArticleText]
    slugs: dict[str, str]
    image: bool
    pdf: bool
    tags: tuple[tuple[str, str], ...]
    read_also: tuple[int, ...]
    related: tuple[int, ...]
    links_deleted: bool
    comments: tuple[tuple[str, int, int], ...]
    layout: int

    def path(self, lang: str) -> str:
        """Canonical path, e.g. ``/ru/news/sport/100007-slug.html``."""
        return article_path(lang, self.category, self.id, self.slugs[lang])

    def charset(self, lang: str) -> str:
        """Encoding of the page: a subset of Russian pages is windows-1251."""
        return "windows-1251" if lang == "ru" and self.index % 17 == 5 else "utf-8"

    def charset_in_header(self, lang: str) -> bool:
        """False for the pages that declare their charset only in ``<meta>``."""
        return self.charset(lang) != "utf-8" or self.index % 13 != 7

    @property
    def last_change(self) -> datetime:
        """``modified`` when set, else ``published``."""
        return self.modified or self.published


class Catalogue:
    """All articles of one fixture site; nothing is precomputed beyond small caches."""

    def __init__(
        self,
        size: int,
        seed: int,
        now: datetime,
        hidden: int = 0,
        edits: Mapping[int, tuple[Edit, ...]] | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("a fixture site needs at least one article")
        self.size = size
        self.seed = seed
        self.now = now.replace(second=0, microsecond=0)
        self.hidden = hidden  # newest articles not published yet (evolving sites)
        self.edits = dict(edits or {})  # absolute index -> later edits, oldest first
        # the moment article times count back from: ``now`` of the site with nothing hidden
        self.origin = self.now + timedelta(minutes=STEP_MINUTES * hidden)
        self.article = lru_cache(maxsize=1024)(self._build)
        self._block = lru_cache(maxsize=4096)(self._deal)
        self.titles = lru_cache(maxsize=8192)(self._titles)

    # -- time -------------------------------------------------------------------------------
    def _offset_minutes(self, absolute: int) -> int:
        jitter = hash_int(self.seed, "t", absolute) % (2 * JITTER_MINUTES + 1) - JITTER_MINUTES
        return HEAD_MINUTES + STEP_MINUTES * absolute + jitter

    def _published_abs(self, absolute: int) -> datetime:
        return to_kyiv(self.origin - timedelta(minutes=self._offset_minutes(absolute)))

    def published(self, index: int) -> datetime:
        """Publication moment of article ``index`` in Kyiv time."""
        return self._published_abs(index + self.hidden)

    def modified(self, index: int) -> datetime | None:
        """Update moment of article ``index`` (about 30% of articles, plus edits), or None."""
        absolute = index + self.hidden
        edits = self.edits.get(absolute, ())
        rng = random.Random(hash_int(self.seed, "mod", absolute))
        base = None
        if rng.random() < 0.3:
            candidate = self.published(index) + timedelta(minutes=rng.randint(12, 900))
            base = to_kyiv(candidate) if candidate < self.now else None
        latest = max([e.time for e in edits] + ([base] if base else []), default=None)
        return to_kyiv(latest) if latest else None

    def last_change(self, index: int) -> datetime:
        """``modified`` when set, else ``published``."""
        return self.modified(index) or self.published(index)

    def day_indices(self, day: date) -> list[int]:
        """Indices of the articles published on Kyiv calendar ``day``, newest first."""
        if not self.published(self.size - 1).date() <= day <= to_kyiv(self.now).date():
            return []
        start, end = kyiv_day_start(day), kyiv_day_start(day + timedelta(days=1))
        lo_min = (self.origin - end).total_seconds() / 60
        hi_min = (self.origin - start).total_seconds() / 60
        top = self.hidden + self.size - 1
        first = max(self.hidden, int((lo_min - HEAD_MINUTES - JITTER_MINUTES) // STEP_MINUTES))
        last = min(top, int((hi_min - HEAD_MINUTES + JITTER_MINUTES) // STEP_MINUTES) + 1)
        return [
            a - self.hidden
            for a in range(first, last + 1)
            if start <= self._published_abs(a) < end
        ]

    # -- categories -------------------------------------------------------------------------
    def _deal(self, block: int) -> tuple[str, ...]:
        deck = [c for c in lx.CATEGORIES for _ in range(BLOCK // len(lx.CATEGORIES))]
        random.Random(f"{self.seed}:block:{block}").shuffle(deck)
        return tuple(deck)

    def category_of(self, index: int) -> str:
        """Category slug of article ``index``."""
        absolute = index + self.hidden
        return self._block(absolute // BLOCK)[absolute % BLOCK]

    def _count_before(self, category: str, absolute: int) -> int:
        full, rest = divmod(absolute, BLOCK)
        per_block = BLOCK // len(lx.CATEGORIES)
        return full * per_block + self._block(full)[:rest].count(category)

    def category_count(self, category: str) -> int:
        """How many articles the category holds."""
        return self._count_before(category, self.hidden + self.size) - self._count_before(
            category, self.hidden
        )

    def category_index(self, category: str, k: int) -> int:
        """Index of the k-th newest article of ``category`` (k from 0)."""
        per_block = BLOCK // len(lx.CATEGORIES)
        block, occurrence = divmod(k + self._count_before(category, self.hidden), per_block)
        deck = self._block(block)
        positions = [p for p, c in enumerate(deck) if c == category]
        return block * BLOCK + positions[occurrence] - self.hidden

    # -- articles ---------------------------------------------------------------------------
    def _head_rng(self, index: int) -> random.Random:
        return random.Random(hash_int(self.seed, "head", index + self.hidden))

    def _titles(self, index: int) -> tuple[dict[str, str], dict[str, str]]:
        titles = headline(self._head_rng(index), self.category_of(index), self.published(index))
        return titles, {lang: slugify(t, lang) for lang, t in titles.items()}

    def title(self, index: int, lang: str) -> str:
        """Headline of article ``index`` without building the whole article."""
        return self.titles(index)[0][lang]

    def path(self, index: int, lang: str) -> str:
        """Canonical path of article ``index`` without building the whole article."""
        return article_path(
            lang, self.category_of(index), self.id_of(index), self.titles(index)[1][lang]
        )

    def id_of(self, index: int) -> int:
        """The id of article ``index`` (its number in URLs)."""
        return FIRST_ID + self.hidden + index

    def by_id(self, article_id: int) -> Article | None:
        """The article with this id, or None (deleted, never existed or not published yet)."""
        index = article_id - FIRST_ID - self.hidden
        return self.article(index) if 0 <= index < self.size else None

    def _others(self, rng: random.Random, index: int, count: int) -> tuple[int, ...]:
        picks: list[int] = []
        for _ in range(count * 3):
            other = index + rng.choice((1, 1, 2, 3, 5, 8, 13, 21, 40, 100))
            if other >= self.size:
                other = index - (other - index)
            if 0 <= other < self.size and other != index and other not in picks:
                picks.append(other)
            if len(picks) == count:
                break
        return tuple(picks)

    def _build(self, index: int) -> Article:
        if not 0 <= index < self.size:
            raise IndexError(index)
        absolute = index + self.hidden
        category = self.category_of(index)
        published = self.published(index)
        texts = compose(
            self._head_rng(index), random.Random(f"{self.seed}:{absolute}"), category, published
        )
        for edit in self.edits.get(absolute, ()):
            texts = {
                lang: replace(t, body=(*t.body, edit.texts[lang])) for lang, t in texts.items()
            }
        rng = random.Random(f"{self.seed}:{absolute}:meta")
        modified = self.modified(index)
        roll = rng.random()
        authors = tuple(rng.sample(lx.AUTHORS, 2 if roll > 0.88 else 1)) if roll > 0.15 else ()
        comments = tuple(
            (rng.choice(COMMENTERS), rng.randrange(len(COMMENTS)), rng.randint(3, 600))
            for _ in range(rng.choice((0, 1, 2, 3, 4, 5)))
        )
        others = self._others(rng, index, 2 + 5)
        return Article(
            index=absolute,
            id=FIRST_ID + absolute,
            category=category,
            published=published,
            modified=modified,
            authors=authors,
            date_style=rng.choice(DATE_STYLES),
            texts=texts,
            slugs=self.titles(index)[1],
            image=rng.random() < 0.85,
            pdf=absolute % 11 == 3,
            tags=tuple(rng.sample(tp.TAGS[category], rng.randint(2, 4))),
            read_also=others[: rng.choice((1, 2, 2))],
            related=others[2:],
            links_deleted=absolute % 13 == 4,
            comments=comments,
            layout=rng.randrange(1 << 24),
        )
