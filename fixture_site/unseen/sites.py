"""The registry of unseen sites: one theme per site, built deterministically from a seed."""

from __future__ import annotations

from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.theme import Theme
from fixture_site.unseen.theme_bitrix import BitrixTheme
from fixture_site.unseen.theme_drupal import DrupalTheme
from fixture_site.unseen.theme_ghost import GhostTheme
from fixture_site.unseen.theme_ledger import LedgerTheme
from fixture_site.unseen.theme_wire import WireTheme
from fixture_site.unseen.theme_wp import WordPressTheme

THEMES: tuple[type[Theme], ...] = (
    WordPressTheme, BitrixTheme, DrupalTheme, LedgerTheme, WireTheme, GhostTheme,
)
QUICK = ("wp", "bitrix", "ledger")  # the --quick selection
QUICK_SCALE = 0.4


def build_sites(seed: int = 1, quick: bool = False, only: tuple[str, ...] = ()) -> list[UnseenSite]:
    """Every unseen site (``quick``: three smaller ones; ``only``: those keys)."""
    sites = []
    for cls in THEMES:
        key = cls.spec.key
        if (only and key not in only) or (quick and key not in QUICK):
            continue
        sites.append(UnseenSite(cls(), seed=seed, scale=QUICK_SCALE if quick else 1.0))
    return sites
