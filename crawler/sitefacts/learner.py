"""What a crawl learns about its site: the time zone it prints times in and its boilerplate.

:class:`SiteLearner` takes evidence as the crawl goes (zone evidence from sitemaps, feeds and
pages; each article's language and paragraphs) and hands out :class:`SiteFacts` snapshots that
records are finalised with. A snapshot is taken once enough articles were seen
(``min_articles``, counting those learned in earlier crawls) and renewed each time the crawl's
article count doubles, when the facts changed; every record names the revision it used, so
re-extraction reproduces it. The learner is kept between crawls (``to_json``). Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crawler.dates import ZoneChoice, ZoneEvidence, choose_zone
from crawler.dates.zones import bucketed
from crawler.sitefacts.boilerplate import BoilerplateCounter

MIN_ARTICLES = 50
MAX_EVIDENCE = 5_000  # hour buckets of zone evidence kept
KEEP_ARTICLES = 2_000  # boilerplate counts carried to the next crawl are scaled to this many


@dataclass(frozen=True)
class SiteFacts:
    """One revision of what is known about a site, as records are finalised with it."""

    rev: int = 0
    zone: ZoneChoice = ZoneChoice()
    boilerplate: frozenset[str] = frozenset()
    examples: tuple[tuple[str, str], ...] = ()
    articles: int = 0  # articles the boilerplate was learned from

    def to_json(self) -> dict[str, Any]:
        """For ``site-facts.json`` in the crawl folder (people read it too)."""
        return {"rev": self.rev, "zone": self.zone.name, "zone_source": self.zone.source,
                "articles": self.articles,
                "boilerplate": [{"key": k, "example": e} for k, e in self.examples]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteFacts:
        """The inverse of :meth:`to_json`."""
        examples = tuple((b["key"], b.get("example", "")) for b in data.get("boilerplate", ()))
        return cls(int(data.get("rev", 0)), ZoneChoice(data.get("zone"), data.get("zone_source")),
                   frozenset(k for k, _ in examples), examples, int(data.get("articles", 0)))


@dataclass
class SiteLearner:
    """Evidence about one site (``host``), and the fact revisions handed out so far."""

    host: str | None = None
    profile_zone: str | None = None
    min_articles: int = MIN_ARTICLES
    evidence: Counter[ZoneEvidence] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    boilerplate: BoilerplateCounter = field(default_factory=BoilerplateCounter)
    seen: int = 0  # articles observed in this crawl
    loaded: int = 0  # articles earlier crawls learned from
    revisions: list[SiteFacts] = field(default_factory=list)
    _next_check: int = 0

    # --- evidence ---------------------------------------------------------------------------
    def add_evidence(self, evidence: Iterable[ZoneEvidence]) -> None:
        """Zone evidence from anywhere on the site (sitemaps, feeds, pages)."""
        for ev in evidence:
            self.evidence[bucketed(ev)] += 1
        if len(self.evidence) > MAX_EVIDENCE:
            self.evidence = Counter(dict(self.evidence.most_common(MAX_EVIDENCE // 2)))

    def observe(self, language: str | None, paragraphs: Iterable[str],
                evidence: Iterable[ZoneEvidence] = (), keys: list[str] | None = None) -> None:
        """One article of the site: its language, paragraphs (``keys``: theirs, if computed)
        and zone evidence."""
        self.seen += 1
        if language:
            self.languages[language] += 1
        self.boilerplate.add(paragraphs, language, keys)
        self.add_evidence(evidence)

    # --- facts ------------------------------------------------------------------------------
    def ready(self) -> bool:
        """Enough articles seen (in this crawl and before) to trust the facts; half as many
        will do from earlier crawls (a small site's whole archive)."""
        return (self.boilerplate.articles >= self.min_articles
                or self.loaded >= max(1, self.min_articles // 2))

    def zone(self) -> ZoneChoice:
        """The zone the evidence so far points to (the profile's when it names one)."""
        if self.profile_zone:
            return ZoneChoice(self.profile_zone, "profile")
        langs = [lang for lang, _ in self.languages.most_common()]
        return choose_zone(self.evidence, host=self.host, languages=langs)

    def current(self) -> SiteFacts:
        """The facts to finalise a record with now: the first revision is taken on first use,
        a new one when this crawl's article count has doubled and the facts changed."""
        if not self.revisions or self.seen >= self._next_check:
            latest = self._snapshot(len(self.revisions) + 1)
            if not self.revisions or _differs(latest, self.revisions[-1]):
                self.revisions.append(latest)
            self._next_check = max(2 * self.seen, self.min_articles)
        return self.revisions[-1]

    def _snapshot(self, rev: int) -> SiteFacts:
        found = self.boilerplate.boilerplate()
        examples = tuple(sorted(found.items(), key=lambda kv: -self.boilerplate.counts[kv[0]]))
        return SiteFacts(rev, self.zone(), frozenset(found), examples, self.boilerplate.articles)

    # --- kept between crawls ----------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """What the next crawl of the site starts from."""
        return {"version": 1, "host": self.host,
                "evidence": [[*ev.to_json(), n] for ev, n in self.evidence.most_common()],
                "languages": dict(self.languages),
                "boilerplate": self.boilerplate.decayed(KEEP_ARTICLES).to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, *, host: str | None = None,
                  profile_zone: str | None = None,
                  min_articles: int = MIN_ARTICLES) -> SiteLearner:
        """A learner for a new crawl, starting from what earlier crawls kept (or nothing)."""
        learner = cls(host=host, profile_zone=profile_zone, min_articles=min_articles)
        if not data or data.get("version") != 1:
            return learner
        for row in data.get("evidence", ()):
            learner.evidence[ZoneEvidence.from_json(row[:4])] += int(row[4])
        learner.languages.update({k: int(v) for k, v in data.get("languages", {}).items()})
        learner.boilerplate = BoilerplateCounter.from_json(data.get("boilerplate", {}))
        learner.loaded = learner.boilerplate.articles
        return learner


def _differs(a: SiteFacts, b: SiteFacts) -> bool:
    return a.zone != b.zone or a.boilerplate != b.boilerplate
