"""Which pages are rendered in a browser: ``--render auto|always|never`` and the auto rule.

Pure. ``auto`` renders a page only when its static HTML lacks what its own markup or URL
promises and scripts would supply it:

* an article page (by the crawl's article classifier: the profile, ``og:type``, JSON-LD,
  ``article:published_time``, an ``<article>`` on an article-shaped URL) whose extracted text is
  empty or shorter than ``thin_chars``, on a page that runs scripts (``empty_article``);
* any other page with almost no readable text outside its chrome (under ``thin_chars``), and a
  sign that scripts build it: an empty application root (``app_shell``), serialized application
  state (``script_state``), a ``<noscript>`` asking to enable JavaScript (``noscript_notice``);
  or, on an article-shaped URL, any executable script (``article_url_without_text``); or, on a
  page with almost no links and half that text (a listing without its list), any executable
  script (``listing_without_links``).

A page with its text, or without scripts, is never rendered: nothing a browser runs would add to
it. URL patterns override the rule per site: ``RENDER_NEVER`` first, then ``RENDER_ALWAYS``
(``never`` renders nothing at all, patterns included).
:class:`RenderLedger` keeps the rule honest on a site where it misfires: once a reason has
rendered ``give_up_after`` pages and none gained text or links, it stops rendering for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from crawler.pages.render_signals import RenderSignals

FEW_LINKS = 10  # a page with fewer in-scope links than this lists nothing


class RenderMode(StrEnum):
    """``RENDER_MODE``: when pages are rendered."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"

    @classmethod
    def parse(cls, value: object) -> RenderMode:
        """The mode named by ``value``; ``ValueError`` naming the choices otherwise."""
        text = str(value or "").strip().lower()
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"RENDER_MODE must be auto, always or never, not {value!r}") from None


def compile_patterns(patterns: Iterable[str], setting: str) -> tuple[re.Pattern[str], ...]:
    """Regular expressions of a URL pattern setting; ``ValueError`` naming a bad one."""
    out = []
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"{setting}: {pattern!r} is not a regular expression "
                             f"({exc})") from None
    return tuple(out)


@dataclass(frozen=True)
class RenderPolicy:
    """The crawl's render settings (``RENDER_MODE``, ``RENDER_ALWAYS``, ``RENDER_NEVER``,
    ``RENDER_THIN_TEXT``)."""

    mode: RenderMode = RenderMode.AUTO
    always: tuple[re.Pattern[str], ...] = ()
    never: tuple[re.Pattern[str], ...] = ()
    thin_chars: int = 200

    @property
    def probes(self) -> bool:
        """True when page scans must measure :class:`RenderSignals` (the auto rule needs them)."""
        return self.mode is RenderMode.AUTO

    def reason(self, url: str, is_article: bool, signals: RenderSignals | None,
               article_chars: int | None) -> str | None:
        """Why ``url`` is to be rendered (a short reason), or None to keep it as fetched.

        ``signals`` is what its scan measured (None: the scan found its content, no need);
        ``article_chars`` the length of the text extracted from it (None: not extracted)."""
        if self.mode is RenderMode.NEVER or any(p.search(url) for p in self.never):
            return None
        if any(p.search(url) for p in self.always):
            return "pattern"
        if self.mode is RenderMode.ALWAYS:
            return "always"
        if signals is None or not signals.scripts:
            return None
        if is_article and article_chars is not None:
            return "empty_article" if article_chars < self.thin_chars else None
        if signals.text_chars >= self.thin_chars:
            return None
        if signals.promise:
            return signals.promise
        if is_article or signals.article_url:
            return "article_url_without_text"
        if signals.links < FEW_LINKS and signals.text_chars < self.thin_chars // 2:
            return "listing_without_links"
        return None


@dataclass
class RenderLedger:
    """What rendering gained, per reason: a reason whose first ``give_up_after`` renders all
    came out with nothing more than the static page stops being rendered for (auto mode)."""

    give_up_after: int = 10
    rendered: dict[str, int] = field(default_factory=dict)
    gained: dict[str, int] = field(default_factory=dict)

    def allows(self, reason: str) -> bool:
        """False once ``reason`` has proved fruitless on this site."""
        if reason in ("always", "pattern") or self.give_up_after <= 0:
            return True
        return self.gained.get(reason, 0) > 0 or self.rendered.get(reason, 0) < self.give_up_after

    def note(self, reason: str, gained: bool) -> bool:
        """Count one render; True when this one made ``reason`` fruitless (to log it once)."""
        before = self.allows(reason)
        self.rendered[reason] = self.rendered.get(reason, 0) + 1
        if gained:
            self.gained[reason] = self.gained.get(reason, 0) + 1
        return before and not self.allows(reason)


def gained(before_links: int, after_links: int, before_chars: int | None,
           after_chars: int | None, became_article: bool, thin_chars: int) -> bool:
    """Whether a render found what the static page lacked: an article, its text, or links."""
    if became_article:
        return True
    if (after_chars or 0) >= max(thin_chars, (before_chars or 0) + thin_chars):
        return True
    return after_links >= before_links + 3
