"""The ``RENDER_*`` settings read once, checked, into the objects the render modules take.

Defaults live in ``crawler/settings.py`` (read through ``crawler.typed_settings``).
:meth:`RenderSettings.from_settings` raises ``ValueError`` naming the first bad setting, and
:func:`check` is what ``crawler crawl`` runs before the crawl starts, so a bad value is a usage
error (exit 2) naming the setting. The crawl's extension gets them from its context
(``context.config(RenderSettings)``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.render.render_policy import RenderLedger, RenderMode, RenderPolicy, compile_patterns
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from crawler.render.browser import BrowserConfig
    from crawler.render.page_renderer import RenderLimits

_POSITIVE = ("RENDER_CONCURRENCY", "RENDER_TIMEOUT", "RENDER_CONTEXT_PAGES")
_NOT_NEGATIVE = ("RENDER_IDLE_SECONDS", "RENDER_MAX_SCROLLS", "RENDER_BROWSER_MAX_MB",
                 "RENDER_THIN_TEXT", "RENDER_GIVE_UP_AFTER", "RENDER_CACHE_MB")


def _numbers(read: SettingsReader) -> dict[str, float]:
    """Every numeric ``RENDER_*`` setting as a number; ``ValueError`` naming a bad one."""
    out = {}
    for name in _POSITIVE + _NOT_NEGATIVE:
        try:
            value = read.float(name)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, not {read.get(name)!r}") from None
        if value < 0 or (name in _POSITIVE and value <= 0):
            raise ValueError(f"{name} must be {'above' if name in _POSITIVE else 'at least'} 0, "
                             f"not {read.get(name)!r}")
        out[name] = value
    return out


@dataclass(frozen=True)
class RenderSettings:
    """What is rendered and how (docs/render.md): ``RENDER_MODE``, ``RENDER_ALWAYS`` and
    ``RENDER_NEVER`` (compiled), ``RENDER_THIN_TEXT``, the browser (``RENDER_BROWSER``, empty:
    Playwright's own download; ``USER_AGENT``), its bounds and the page limits."""

    mode: RenderMode
    always: tuple[re.Pattern[str], ...]
    never: tuple[re.Pattern[str], ...]
    thin_text: int
    browser: str
    user_agent: str | None
    concurrency: int
    timeout: float
    idle_seconds: float
    max_scrolls: int
    context_pages: int
    browser_max_mb: float
    give_up_after: int
    cache_mb: float

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> RenderSettings:
        """The settings; ``ValueError`` naming the first bad one (the mode, the patterns, the
        numbers)."""
        read = SettingsReader(settings)
        mode = RenderMode.parse(read.get("RENDER_MODE"))
        always = compile_patterns(read.list("RENDER_ALWAYS"), "RENDER_ALWAYS")
        never = compile_patterns(read.list("RENDER_NEVER"), "RENDER_NEVER")
        numbers = _numbers(read)
        return cls(mode=mode, always=always, never=never,
                   thin_text=read.int("RENDER_THIN_TEXT"),
                   browser=read.str("RENDER_BROWSER"),
                   user_agent=read.str("USER_AGENT") or None,
                   concurrency=read.int("RENDER_CONCURRENCY"),
                   timeout=numbers["RENDER_TIMEOUT"],
                   idle_seconds=numbers["RENDER_IDLE_SECONDS"],
                   max_scrolls=read.int("RENDER_MAX_SCROLLS"),
                   context_pages=read.int("RENDER_CONTEXT_PAGES"),
                   browser_max_mb=numbers["RENDER_BROWSER_MAX_MB"],
                   give_up_after=read.int("RENDER_GIVE_UP_AFTER"),
                   cache_mb=numbers["RENDER_CACHE_MB"])

    @property
    def renders(self) -> bool:
        """True when some page may be rendered whatever it holds (``always``, or an
        ``RENDER_ALWAYS`` pattern in ``auto`` mode)."""
        return self.mode is RenderMode.ALWAYS or (self.mode is RenderMode.AUTO
                                                   and bool(self.always))

    def policy(self) -> RenderPolicy:
        """The crawl's :class:`RenderPolicy`."""
        return RenderPolicy(mode=self.mode, always=self.always, never=self.never,
                            thin_chars=self.thin_text)

    def ledger(self) -> RenderLedger:
        """The crawl's :class:`RenderLedger` (``RENDER_GIVE_UP_AFTER``)."""
        return RenderLedger(give_up_after=self.give_up_after)

    def limits(self) -> RenderLimits:
        """Time and scroll limits of one page."""
        from crawler.render.page_renderer import RenderLimits

        return RenderLimits(timeout=self.timeout, idle=self.idle_seconds,
                            max_scrolls=self.max_scrolls)

    def browser_config(self) -> BrowserConfig:
        """How the browser is started and kept."""
        from crawler.render.browser import BrowserConfig

        return BrowserConfig(executable=self.browser, context_pages=self.context_pages,
                             max_mb=self.browser_max_mb, user_agent=self.user_agent)


def check(settings: Mapping[str, Any] | Any) -> RenderSettings:
    """The settings, or ``ValueError`` naming the first bad ``RENDER_*`` setting (the mode,
    patterns, numbers, and, when pages are always rendered, the browser)."""
    config = RenderSettings.from_settings(settings)
    if config.renders and config.browser and not os.access(config.browser, os.X_OK):
        raise ValueError(f"RENDER_BROWSER {config.browser} is not an executable browser: install "
                         "Debian's chromium (./run.sh setup does) or set RENDER_BROWSER")
    return config
