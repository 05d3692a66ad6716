"""Site-wide boilerplate: paragraphs that repeat in a large share of one site's articles.

A call to action ("Підписуйтесь на наш Telegram"), a disclaimer, an author's bio box, a fixed
"read also" line: a site's template puts them into many articles, so they are found by counting
in how many of the site's articles each paragraph occurs (its document frequency). A paragraph
is boilerplate when it occurs in at least ``min_docs`` articles *and* in at least ``share`` of
the site's articles in its language (a bilingual site has a call to action per language): a
quote two articles share stays article text. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MIN_DOCS = 3  # a quote two articles share is never boilerplate
SHARE = 0.1
MAX_KEYS = 200_000  # paragraphs counted; past this, those seen once are forgotten
MAX_KEPT = 2_000  # keys kept between crawls (the most frequent)
_WORDS = re.compile(r"\w+")


def paragraph_key(text: str) -> str:
    """A short, stable key of a paragraph: case, spacing and punctuation do not count."""
    words = " ".join(_WORDS.findall(text.casefold()))
    return hashlib.blake2b(words.encode("utf-8"), digest_size=8).hexdigest()


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a record's ``text``."""
    return [p for p in text.split("\n\n") if p.strip()]


def paragraph_keys(text: str) -> list[str]:
    """The keys of ``paragraphs(text)``, in order: the page workers compute them with the
    extraction, so the crawl's process counts and strips without hashing every paragraph."""
    return [paragraph_key(p) for p in paragraphs(text)]


def _keyed(texts: list[str], keys: list[str] | None) -> list[tuple[str, str]]:
    """(key, paragraph) pairs, from ``keys`` when they match the paragraphs."""
    if keys is not None and len(keys) == len(texts):
        return list(zip(keys, texts, strict=True))
    return [(paragraph_key(text), text) for text in texts]


@dataclass
class BoilerplateCounter:
    """Document frequency of paragraphs over the articles of one site."""

    articles: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # key -> text, for people to read
    languages: Counter[str] = field(default_factory=Counter)  # articles per language
    key_language: dict[str, str] = field(default_factory=dict)  # key -> language first seen
    min_docs: int = MIN_DOCS
    share: float = SHARE

    def add(self, texts: Iterable[str], language: str | None = None,
            known: list[str] | None = None) -> None:
        """Count one article's paragraphs (each once); ``known``: their keys, if computed."""
        self.articles += 1
        lang = language or ""
        self.languages[lang] += 1
        keys: dict[str, str] = {}
        for key, text in _keyed(list(texts), known):
            keys.setdefault(key, text)
        self.counts.update(keys.keys())
        for key, text in keys.items():
            if self.counts[key] == 2:
                self.examples[key] = text[:200]
                self.key_language[key] = lang
        if len(self.counts) > MAX_KEYS:
            self._forget_singles()

    def threshold(self, language: str | None = None) -> int:
        """How many articles a paragraph (of ``language``) must occur in to be boilerplate."""
        base = self.languages.get(language or "", 0) if language is not None else self.articles
        return max(self.min_docs, math.ceil(self.share * (base or self.articles)))

    def boilerplate(self) -> dict[str, str]:
        """Boilerplate keys with an example text each."""
        limits = {lang: self.threshold(lang) for lang in self.languages}
        return {key: self.examples.get(key, "") for key, n in self.counts.items()
                if n >= limits.get(self.key_language.get(key, ""), self.threshold())}

    def _forget_singles(self) -> None:
        self.counts = Counter({k: n for k, n in self.counts.items() if n > 1})
        self.examples = {k: v for k, v in self.examples.items() if k in self.counts}
        self.key_language = {k: v for k, v in self.key_language.items() if k in self.counts}

    def to_json(self) -> dict[str, Any]:
        """What is kept between crawls: article counts and the most frequent paragraphs."""
        kept = [(k, n) for k, n in self.counts.most_common(MAX_KEPT) if n > 1]
        return {"articles": self.articles, "languages": dict(self.languages),
                "paragraphs": [[k, n, self.examples.get(k, ""), self.key_language.get(k, "")]
                               for k, n in kept]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoilerplateCounter:
        """The inverse of :meth:`to_json`."""
        counter = cls(articles=int(data.get("articles", 0)),
                      languages=Counter({k: int(v) for k, v in
                                         (data.get("languages") or {}).items()}))
        for key, n, example, *lang in data.get("paragraphs", ()):
            counter.counts[key] = int(n)
            if example:
                counter.examples[key] = example
            counter.key_language[key] = lang[0] if lang else ""
        return counter

    def decayed(self, cap: int) -> BoilerplateCounter:
        """The same shares over at most ``cap`` articles, so old crawls fade."""
        if self.articles <= cap:
            return self
        factor = cap / self.articles
        counts = Counter({k: max(1, round(n * factor)) for k, n in self.counts.items()})
        langs = Counter({k: max(1, round(n * factor)) for k, n in self.languages.items()})
        return BoilerplateCounter(cap, counts, dict(self.examples), langs,
                                  dict(self.key_language), self.min_docs, self.share)


def strip_boilerplate(text: str, keys: frozenset[str] | set[str],
                      known: list[str] | None = None) -> tuple[str, int]:
    """``text`` without its boilerplate paragraphs, and how many went (``known``: the keys
    of its paragraphs, if computed). Text made only of boilerplate is returned unchanged (a
    page of the template alone is not an article)."""
    if not keys:
        return text, 0
    texts = paragraphs(text)
    kept = [p for key, p in _keyed(texts, known) if key not in keys]
    removed = len(texts) - len(kept)
    if not kept or not removed:
        return text, 0
    return "\n\n".join(kept), removed
