"""The ``RENDER_*`` settings read once, into the objects the render modules take.

Defaults live in ``crawler/settings.py``. :func:`check` is what ``crawler crawl`` runs before
the crawl starts, so a bad value is a usage error (exit 2) naming the setting.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from crawler.render.policy import RenderLedger, RenderMode, RenderPolicy, compile_patterns

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.render.browser import BrowserConfig
    from crawler.render.session import RenderLimits

_POSITIVE = ("RENDER_CONCURRENCY", "RENDER_TIMEOUT", "RENDER_CONTEXT_PAGES")
_NOT_NEGATIVE = ("RENDER_IDLE_SECONDS", "RENDER_MAX_SCROLLS", "RENDER_BROWSER_MAX_MB",
                 "RENDER_THIN_TEXT", "RENDER_GIVE_UP_AFTER", "RENDER_CACHE_MB")


def policy_from(settings: BaseSettings) -> RenderPolicy:
    """The crawl's :class:`RenderPolicy`; ``ValueError`` naming a bad setting."""
    return RenderPolicy(
        mode=RenderMode.parse(settings.get("RENDER_MODE")),
        always=compile_patterns(settings.getlist("RENDER_ALWAYS"), "RENDER_ALWAYS"),
        never=compile_patterns(settings.getlist("RENDER_NEVER"), "RENDER_NEVER"),
        thin_chars=settings.getint("RENDER_THIN_TEXT"),
    )


def ledger_from(settings: BaseSettings) -> RenderLedger:
    """The crawl's :class:`RenderLedger` (``RENDER_GIVE_UP_AFTER``)."""
    return RenderLedger(give_up_after=settings.getint("RENDER_GIVE_UP_AFTER"))


def limits_from(settings: BaseSettings) -> RenderLimits:
    """Time and scroll limits of one page."""
    from crawler.render.session import RenderLimits

    return RenderLimits(timeout=settings.getfloat("RENDER_TIMEOUT"),
                        idle=settings.getfloat("RENDER_IDLE_SECONDS"),
                        max_scrolls=settings.getint("RENDER_MAX_SCROLLS"))


def browser_from(settings: BaseSettings) -> BrowserConfig:
    """How the browser is started and kept."""
    from crawler.render.browser import BrowserConfig

    return BrowserConfig(executable=settings.get("RENDER_BROWSER") or "",
                         context_pages=settings.getint("RENDER_CONTEXT_PAGES"),
                         max_mb=settings.getfloat("RENDER_BROWSER_MAX_MB"),
                         user_agent=settings.get("USER_AGENT") or None)


def check(settings: BaseSettings) -> None:
    """``ValueError`` naming the first bad ``RENDER_*`` setting (the mode, patterns, numbers,
    and, when pages are always rendered, the browser)."""
    policy = policy_from(settings)
    for name in _POSITIVE + _NOT_NEGATIVE:
        try:
            value = settings.getfloat(name)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, not {settings.get(name)!r}") from None
        if value < 0 or (name in _POSITIVE and value <= 0):
            raise ValueError(f"{name} must be {'above' if name in _POSITIVE else 'at least'} 0, "
                             f"not {settings.get(name)!r}")
    browser = settings.get("RENDER_BROWSER") or ""
    renders = policy.mode is RenderMode.ALWAYS or (policy.mode is RenderMode.AUTO
                                                   and bool(policy.always))
    if renders and browser and not os.access(browser, os.X_OK):
        raise ValueError(f"RENDER_BROWSER {browser} is not an executable browser: install "
                         "Debian's chromium (./run.sh setup does) or set RENDER_BROWSER")
