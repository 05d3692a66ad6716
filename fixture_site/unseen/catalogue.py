"""Deterministic generation of a site's stories from its spec, its theme and a seed.

Times: a few stories within minutes of the render moment, a handful over the two days before it
(relative dates), the spec's edge times next to a DST switch, and the rest spread over the months
since ``spec.since`` (winter and summer). Everything is drawn from ``random.Random(seed, key)``.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fixture_site.templates import COMMENTERS, COMMENTS
from fixture_site.text import compose
from fixture_site.unseen.copy_de import compose_de
from fixture_site.unseen.copy_en import compose_en
from fixture_site.unseen.model import Copy, Section, SiteSpec, Story

if TYPE_CHECKING:
    from fixture_site.unseen.theme import Theme

COMMENTS_EN = (
    ("jrk_1974", "Same promises every year. I'll believe it when I see it."),
    ("Maria L.", "Thanks for covering this, nobody else did."),
    ("bkln_dad", "Who is going to pay for all of this? We are."),
    ("T. Okafor", "The headline doesn't match the story."),
    ("northside", "Finally some good news for our neighborhood."),
)
COMMENTS_DE = (
    ("Hansi_B", "Immer die gleichen Versprechen, passiert ist nichts."),
    ("M. Becker", "Danke für den ausführlichen Bericht!"),
    ("kiezkind", "Und wer bezahlt das am Ende? Wir natürlich."),
    ("Ute Z.", "Die Überschrift passt nicht zum Artikel."),
)


def _timeline(spec: SiteSpec, rng: random.Random, n: int) -> list[datetime]:
    zone, now = spec.zone, spec.render_at
    times = {zone.to_utc(datetime.fromisoformat(wall), fold) for wall, fold in spec.edges}
    future = sorted(t for t in times if t > now)
    if future:  # a page cannot have been published after the server rendered it
        raise ValueError(f"{spec.key}: edge time {future[0]:%Y-%m-%d %H:%M} UTC is after the "
                         f"site's render moment {now:%Y-%m-%d %H:%M} UTC")
    times.add(now - timedelta(minutes=rng.randint(3, 40)))
    if spec.just_now:
        times.add(now)
    while len(times) < min(n, len(spec.edges) + spec.recent):
        hours = (1, 16) if len(times) % 2 else (16, 50)
        times.add(now - timedelta(minutes=rng.randint(hours[0] * 60, hours[1] * 60)))
    start = datetime(spec.since.year, spec.since.month, spec.since.day, tzinfo=UTC)
    span_days = (now - timedelta(days=3) - start).days
    while len(times) < n:
        wall = datetime.combine(
            spec.since + timedelta(days=rng.randint(0, span_days)),
            datetime.min.time(),
        ) + timedelta(hours=rng.randint(6, 22), minutes=rng.randint(0, 59))
        try:
            times.add(zone.to_utc(wall))
        except ValueError:  # inside the spring-forward gap
            continue
    return sorted((t.replace(second=0, microsecond=0) for t in times), reverse=True)[:n]


def _copies(spec: SiteSpec, theme: Theme, rng: random.Random, section: Section,
            when: datetime) -> dict[str, Copy]:
    if spec.langs[0] in ("en", "de"):
        make = compose_en if spec.langs[0] == "en" else compose_de
        title, alt, dek, lead, body = make(rng)
        texts = {spec.langs[0]: Copy(title, alt, dek, lead, body)}
    else:
        head_rng = random.Random(rng.getrandbits(32))
        both = compose(head_rng, rng, section.topic, when)
        texts = {
            lang: Copy(t.title, t.og_title, t.subtitle, t.lead, t.body,
                       both["ru" if lang == "uk" else "uk"].lead)
            for lang, t in both.items()
        }
    return {lang: theme.finish_copy(theme.polish_copy(c), when, lang) for lang, c in texts.items()}


def _comments(rng: random.Random, lang: str, room: int) -> tuple[tuple[str, str, int], ...]:
    if rng.random() < 0.35 or room < 5:
        return ()
    out = []
    for _ in range(rng.randint(1, 4)):
        if lang == "en":
            who, text = rng.choice(COMMENTS_EN)
        elif lang == "de":
            who, text = rng.choice(COMMENTS_DE)
        else:
            who, text = rng.choice(COMMENTERS), rng.choice(COMMENTS)[lang == "ru"]
        out.append((who, text, rng.randint(4, min(room, 3 * 24 * 60))))
    return tuple(sorted(out, key=lambda c: c[2]))


def build_stories(spec: SiteSpec, theme: Theme, seed: int = 1, scale: float = 1.0) -> list[Story]:
    """Every article page of the site, newest first within each language."""
    rng = random.Random(f"unseen:{seed}:{spec.key}")
    n = max(8, round(spec.stories * scale))
    times = _timeline(spec, rng, n)
    older = [i for i in range(n) if spec.render_at - times[i] > timedelta(days=5)]
    undated = set(rng.sample(older, min(spec.undated, len(older))))
    deck: list[Section] = []
    while len(deck) < n:  # sections dealt in shuffled rounds, so each gets its share
        deck += rng.sample(spec.sections, len(spec.sections))
    drafts = []
    for i, when in enumerate(times):
        section = deck[i]
        copies = _copies(spec, theme, rng, section, when)
        if theme.bilingual or len(spec.langs) == 1:
            langs = spec.langs
        else:  # a mostly-Ukrainian site that also runs some Russian articles
            langs = (spec.langs[0] if rng.random() < 0.7 else spec.langs[1],)
        mode = "none" if i in undated else theme.pick_mode(rng, spec.render_at - when)
        room = int((spec.render_at - when).total_seconds() // 60)
        modified = None
        if mode != "none" and room > 120 and rng.random() < 0.3:
            modified = when + timedelta(minutes=rng.randint(40, min(room - 5, 2 * 24 * 60)))
        for lang in langs:
            authors = [a for a in spec.authors if a.lang in ("", lang)]
            drafts.append(dict(
                key=theme.first_key + 7 * (n - i), lang=lang, section=section, published=when,
                modified=modified, mode=mode, evidence=theme.evidence[mode], copy=copies[lang],
                author=authors[i % len(authors)] if authors and rng.random() < 0.85 else None,
                variant=rng.getrandbits(24), comments=_comments(rng, lang, room),
            ))
    return _finish(spec, theme, rng, drafts)


def _finish(spec: SiteSpec, theme: Theme, rng: random.Random, drafts: list[dict]) -> list[Story]:
    stories: list[Story] = []
    used: set[str] = set()
    for lang in spec.langs:
        mine = [d for d in drafts if d["lang"] == lang]
        if not mine:
            continue
        dated = [d for d in mine if d["mode"] != "none"]
        feed = {id(d) for d in dated[: spec.feed_items]}
        quoted = ({id(d) for d in rng.sample(dated, min(2, len(dated)))} if lang in spec.quote
                  else set())  # a tiny site may have fewer dated stories in a language
        picks: dict[int, list[tuple[str, str]]] = {}
        for cta in (c for c in spec.ctas if c.lang == lang):
            for d in rng.sample(mine, math.ceil(cta.share * len(mine))):
                picks.setdefault(id(d), []).append((cta.where, cta.text))
        for i, d in enumerate(mine):
            copy, quote_at = d["copy"], None
            if id(d) in quoted:
                quote_at = rng.randint(1, max(1, len(copy.body) - 1))
                body = list(copy.body)
                body.insert(quote_at, theme.polish(spec.quote[lang]))
                copy = Copy(copy.title, copy.alt_title, copy.dek, copy.lead, tuple(body),
                            copy.other_lead)
            n_par = 1 + len(copy.body)
            where = {"first": 1, "middle": max(1, n_par // 2), "end": n_par}
            cta_at = tuple((where[w], text) for w, text in picks.get(id(d), []))
            age = spec.render_at - d["published"]
            in_news = d["mode"] != "none" and spec.news_hours != 0 and (
                spec.news_hours is None or age <= timedelta(hours=spec.news_hours))
            others = [j for j in range(len(mine)) if j != i and mine[j]["mode"] != "none"]
            local = spec.zone.local(d["published"])
            base, k = theme.slug(copy.title, lang), 1
            path = theme.story_path(d["key"], lang, d["section"], base, local, d["mode"])
            while path in used:  # a repeated headline: the CMS numbers the slug
                k += 1
                path = theme.story_path(d["key"], lang, d["section"], f"{base}-{k}", local,
                                        d["mode"])
            story = Story(
                index=i, key=d["key"], lang=lang, section=d["section"], path=path,
                published=d["published"], modified=d["modified"], mode=d["mode"],
                evidence=d["evidence"], copy=copy, author=d["author"], variant=d["variant"],
                quote_at=quote_at, related=tuple(rng.sample(others, min(3, len(others)))),
                comments=d["comments"], cta_at=cta_at, in_news=in_news, in_feed=id(d) in feed,
            )
            used.add(story.path)
            if story.evidence == "relative" and not (story.in_news or story.in_feed):
                raise ValueError(f"{spec.key}: relative-dated {story.path} has no feed entry")
            stories.append(story)
    return stories
