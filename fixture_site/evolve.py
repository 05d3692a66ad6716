"""An evolving fixture site: generation N has more articles than N-1 and edits some older ones.

Generation 0 of ``FixtureSite(articles=A, generation=0)`` shows ``A`` articles at ``now``. Each
later generation publishes ``new_per_generation`` newer articles (the clock moves on by their
spacing, 70 minutes each on average) and edits ``edits_per_generation`` articles that were
already online: one of the newest four and the rest from the older ones (position 20 on). An
edit appends one paragraph in both languages and sets the modified time a few minutes before the
generation's ``now``, so the page's ETag and Last-Modified, the sitemap ``lastmod`` and the
ground truth change with it. Everything is deterministic in (seed, generation).

The catalogue behind it holds ``MAX_GENERATIONS`` generations of future articles and hides the
ones not yet published, so ids, URLs and texts of existing articles never change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from fixture_site.kyiv import long_date
from fixture_site.model import STEP_MINUTES, Edit, hash_int

MAX_GENERATIONS = 50
OLD_FROM = 20  # edits of "old" articles pick from this position on
UPDATE_TEXT = {
    "uk": "Оновлено {when}: редакція доповнила матеріал новими подробицями (доповнення {n}).",
    "ru": "Обновлено {when}: редакция дополнила материал новыми подробностями (дополнение {n}).",
}


@dataclass(frozen=True)
class Evolution:
    """How a generation of an evolving site maps onto the full catalogue."""

    articles: int  # visible articles
    hidden: int  # newest articles of the full catalogue not published yet
    now: datetime  # the generation's clock
    edits: dict[int, tuple[Edit, ...]]  # absolute index -> edits up to this generation


def generation_now(start: datetime, generation: int, new_per_generation: int) -> datetime:
    """The clock of ``generation`` when generation 0 is at ``start``."""
    return start + timedelta(minutes=STEP_MINUTES * new_per_generation * generation)


def evolve(
    seed: int,
    articles: int,
    start: datetime,
    generation: int,
    new_per_generation: int = 12,
    edits_per_generation: int = 3,
) -> Evolution:
    """Generation ``generation`` of a site that had ``articles`` articles at ``start``."""
    if not 0 <= generation <= MAX_GENERATIONS:
        raise ValueError(f"generation must be between 0 and {MAX_GENERATIONS}")
    if new_per_generation < 1 or edits_per_generation < 0:
        raise ValueError("new_per_generation must be at least 1, edits_per_generation >= 0")
    edits: dict[int, list[Edit]] = {}
    for gen in range(1, generation + 1):
        before = articles + (gen - 1) * new_per_generation  # visible at the previous generation
        hidden_before = (MAX_GENERATIONS - gen + 1) * new_per_generation
        now = generation_now(start, gen, new_per_generation)
        for position in edited_positions(seed, gen, before, edits_per_generation):
            absolute = position + hidden_before
            rng = random.Random(hash_int(seed, "edit", gen, absolute))
            when = now - timedelta(minutes=rng.randint(5, 40))
            n = len(edits.get(absolute, ())) + 1
            texts = {
                lang: text.format(when=long_date(when, lang), n=n)
                for lang, text in UPDATE_TEXT.items()
            }
            edits.setdefault(absolute, []).append(Edit(when, texts))
    return Evolution(
        articles=articles + generation * new_per_generation,
        hidden=(MAX_GENERATIONS - generation) * new_per_generation,
        now=generation_now(start, generation, new_per_generation),
        edits={a: tuple(e) for a, e in edits.items()},
    )


def edited_positions(seed: int, generation: int, visible: int, count: int) -> list[int]:
    """Positions (0 = newest, among ``visible`` articles) that ``generation`` edits."""
    if count <= 0 or visible <= 0:
        return []
    rng = random.Random(hash_int(seed, "edits", generation))
    picks = [rng.randrange(min(4, visible))]
    older = range(min(OLD_FROM, visible), visible)
    picks += rng.sample(older, min(count - 1, len(older)))
    return picks
