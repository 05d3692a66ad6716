"""Parallel uk/ru article text: headline and its paraphrases, lead, body, caption.

One set of slot values (actor, person, topic, city, numbers) is drawn per article and rendered in
both languages, so the Russian page is a parallel text of the Ukrainian one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from fixture_site import lexicon as lx
from fixture_site import topics as tp
from fixture_site.headlines import FRAMES
from fixture_site.kyiv import MONTHS_GEN, MONTHS_NOM, to_kyiv
from fixture_site.templates import CAPTIONS, CATEGORY_SENTENCES, SENTENCES

LANGS = ("uk", "ru")


@dataclass(frozen=True)
class ArticleText:
    """The words of one article in one language."""

    title: str
    og_title: str
    subtitle: str
    lead: str
    body: tuple[str, ...]
    caption: str

    @property
    def paragraphs(self) -> list[str]:
        """Lead then body paragraphs: the clean text the extractor should find."""
        return [self.lead, *self.body]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


@lru_cache(maxsize=64)
def _verbs(prefix: str, gender_uk: str, gender_ru: str) -> tuple[dict[str, str], dict[str, str]]:
    ends_uk = {"m": "в", "f": "ла", "n": "ло"}
    ends_ru = {"m": "л", "f": "ла", "n": "ло"}
    uk = {f"{prefix}_{k}": s_uk + ends_uk[gender_uk] for k, (s_uk, _) in lx.VERBS.items()}
    ru = {f"{prefix}_{k}": s_ru + ends_ru[gender_ru] for k, (_, s_ru) in lx.VERBS.items()}
    return uk, ru


class _Slots:
    """Draws slot values for one article: a main cast, occasionally swapped per sentence."""

    def __init__(self, rng: random.Random, category: str, published: datetime) -> None:
        self.rng = rng
        self.category = category
        self.local = to_kyiv(published)
        self.main = self._cast()

    def _cast(self) -> tuple[tuple[str, ...], ...]:
        r, c = self.rng, self.category
        return (
            r.choice(lx.ACTORS[c]),
            r.choice(lx.PEOPLE[c]),
            r.choice(tp.TOPICS[c]),
            r.choice(tp.CITIES),
            r.choice(tp.SOURCES),
            r.choice(tp.WHEN),
        )

    def draw(self, fresh: float = 0.3) -> tuple[dict[str, str], dict[str, str]]:
        """Slot dictionaries (uk, ru) for one sentence."""
        r = self.rng
        other = self._cast()
        actor, person, topic, city, source, when = (
            o if r.random() < fresh else m for m, o in zip(self.main, other, strict=True)
        )
        month = (self.local.month - 2) % 12
        this_month = self.local.month - 1
        day = r.randint(1, 28)
        future = self.local.month % 12 if r.random() < 0.4 else self.local.month - 1
        common = {
            "N": str(r.choice((r.randint(12, 99), r.randint(100, 980), r.randint(1, 9) * 100))),
            "PCT": r.choice((str(r.randint(2, 40)), _decimal(r.uniform(0.5, 25)))),
            "VOTES": str(r.randint(226, 312)),
            "RATE": f"{r.randint(39, 43)},{r.randint(0, 99):02d}",
            "SCORE": f"{r.randint(0, 4)}:{r.randint(0, 3)}",
        }
        uk_v, ru_v = _verbs("a", actor[1], actor[3])
        uk_p, ru_p = _verbs("p", person[2], person[2])
        uk = {
            **common,
            **uk_v,
            **uk_p,
            "A": actor[0],
            "P": person[0],
            "R": person[3],
            "T": topic[0],
            "C": city[0],
            "Cloc": city[1],
            "S": source[0],
            "WHEN": when[0],
            "MONTH": MONTHS_NOM["uk"][month],
            "DATE_MONTH": MONTHS_GEN["uk"][this_month],
            "DATE": f"{day} {MONTHS_GEN['uk'][future]}",
        }
        ru = {
            **common,
            **ru_v,
            **ru_p,
            "A": actor[2],
            "P": person[1],
            "R": person[4],
            "T": topic[1],
            "C": city[2],
            "Cloc": city[3],
            "S": source[1],
            "WHEN": when[1],
            "MONTH": MONTHS_NOM["ru"][month],
            "DATE_MONTH": MONTHS_GEN["ru"][this_month],
            "DATE": f"{day} {MONTHS_GEN['ru'][future]}",
        }
        return uk, ru


def _headline(
    rng: random.Random, category: str, published: datetime
) -> tuple[_Slots, dict[str, list[str]]]:
    slots = _Slots(rng, category, published)
    frame = rng.choice(FRAMES)
    head_uk, head_ru = slots.draw(fresh=0.0)
    heads = {
        "uk": [_cap(t.format(**head_uk)) for t in frame[0]],
        "ru": [_cap(t.format(**head_ru)) for t in frame[1]],
    }
    return slots, heads


def headline(rng: random.Random, category: str, published: datetime) -> dict[str, str]:
    """Just the titles ({lang: title}); equal to ``compose(...)[lang].title`` for the same rng."""
    return {lang: parts[0] for lang, parts in _headline(rng, category, published)[1].items()}


def compose(
    head_rng: random.Random, body_rng: random.Random, category: str, published: datetime
) -> dict[str, ArticleText]:
    """Both language versions of one article's text (headline drawn from ``head_rng``)."""
    slots, heads = _headline(head_rng, category, published)
    rng = slots.rng = body_rng
    pool = list(SENTENCES) + list(CATEGORY_SENTENCES[category])
    rng.shuffle(pool)
    body: dict[str, list[str]] = {"uk": [], "ru": []}
    for _ in range(rng.randint(3, 11)):  # plus the lead: 4-12 paragraphs
        sentences: dict[str, list[str]] = {"uk": [], "ru": []}
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            if not pool:
                pool = list(SENTENCES)
                rng.shuffle(pool)
            uk_t, ru_t = pool.pop()
            s_uk, s_ru = slots.draw()
            sentences["uk"].append(_cap(uk_t.format(**s_uk)))
            sentences["ru"].append(_cap(ru_t.format(**s_ru)))
        for lang in LANGS:
            body[lang].append(" ".join(sentences[lang]))
    cap_uk, cap_ru = rng.choice(CAPTIONS)
    c_uk, c_ru = slots.draw(fresh=0.0)
    captions = {"uk": cap_uk.format(**c_uk), "ru": cap_ru.format(**c_ru)}
    return {
        lang: ArticleText(
            title=heads[lang][0],
            og_title=heads[lang][1],
            subtitle=heads[lang][2],
            lead=heads[lang][3],
            body=tuple(body[lang]),
            caption=captions[lang],
        )
        for lang in LANGS
    }
