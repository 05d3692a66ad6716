"""Many unseen sites at once, for runs of a seed list: each on its own loopback address or port,
each in its own time zone, one of them slow, plus a dead host nobody answers on.

``serve_world()`` serves the five sites of :data:`WORLD` (Kyiv, Sydney, Chicago, Kolkata, and
a Berlin site that answers 300 ms late) on 127.0.0.2-127.0.0.6, and names 127.0.0.7 as the
dead host. ``serve_many(n)`` serves ``n`` small sites (themes and zones in turn) on free
ports of 127.0.0.1, for the many-sites benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

from fixture_site.unseen.model import SiteSpec
from fixture_site.unseen.server import RunningSite
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.sites import THEMES
from fixture_site.unseen.theme import Theme

# Wall times next to each zone's own clock changes (and which of a repeated hour), 2025.
EDGES: dict[str, tuple[tuple[str, int], ...]] = {
    "Australia/Sydney": (("2025-04-06 02:20", 0), ("2025-04-06 02:40", 1),
                         ("2025-10-05 01:50", 0), ("2025-10-05 03:10", 0)),
    "America/Chicago": (("2025-11-02 01:30", 0), ("2025-11-02 01:20", 1),
                        ("2025-03-09 01:40", 0), ("2025-03-09 03:15", 0)),
    "Asia/Kolkata": (),
}


@dataclass(frozen=True)
class WorldSite:
    """A site of the world: a theme moved to another zone and host, maybe slow."""

    key: str
    theme: str  # a theme's spec key: wp, bitrix, drupal, ledger, wire, ghost
    zone: str
    host: str
    latency: float = 0.0


# The wire theme prints UTC/GMT clocks, so it stays in UTC; the others print their zone's own
# label, or none.
WORLD = (
    WorldSite("kyiv", "bitrix", "Europe/Kyiv", "127.0.0.2"),
    WorldSite("sydney", "ledger", "Australia/Sydney", "127.0.0.3"),
    WorldSite("chicago", "wp", "America/Chicago", "127.0.0.4"),
    WorldSite("kolkata", "ghost", "Asia/Kolkata", "127.0.0.5"),
    WorldSite("slow", "drupal", "Europe/Berlin", "127.0.0.6", latency=0.3),
)
DEAD_HOST = "127.0.0.7"


def _theme(key: str) -> Theme:
    for cls in THEMES:
        if cls.spec.key == key:
            return cls()
    raise KeyError(f"no theme {key!r}")


def moved(theme: Theme, key: str, zone: str) -> SiteSpec:
    """The theme's site as another site in ``zone`` (its own key and edges)."""
    spec = theme.spec
    if zone == spec.zone_name:
        return replace(spec, key=key)
    return replace(spec, key=key, zone_name=zone, edges=EDGES.get(zone, ()))


def build_world_site(place: WorldSite, seed: int = 1, scale: float = 1.0) -> UnseenSite:
    theme = _theme(place.theme)
    return UnseenSite(theme, seed=seed, scale=scale, spec=moved(theme, place.key, place.zone))


@contextmanager
def serve_world(seed: int = 1, scale: float = 1.0, port: int = 0,
                places: tuple[WorldSite, ...] = WORLD) -> Iterator[list[RunningSite]]:
    """Serve the sites of ``places`` on their hosts (``port``; 0: a free one each)."""
    with ExitStack() as stack:
        yield [stack.enter_context(RunningSite(build_world_site(p, seed, scale), p.host, port,
                                               latency=p.latency)) for p in places]


MANY_ZONES = ("Europe/Kyiv", "Australia/Sydney", "America/Chicago", "Asia/Kolkata",
              "Europe/Berlin", "America/New_York")


def many_sites(n: int, seed: int = 1, scale: float = 0.2) -> list[UnseenSite]:
    """``n`` sites, themes and zones in turn (the wire theme always in UTC, as it prints its
    clock in UTC), each with its own key and seed."""
    sites = []
    for i in range(n):
        theme = THEMES[i % len(THEMES)]()
        zone = "UTC" if theme.spec.zone_name == "UTC" else MANY_ZONES[(i // len(THEMES))
                                                                      % len(MANY_ZONES)]
        sites.append(UnseenSite(theme, seed=seed + i, scale=scale,
                                spec=moved(theme, f"s{i}", zone)))
    return sites


@contextmanager
def serve_many(n: int, seed: int = 1, scale: float = 0.2,
               host: str = "127.0.0.1") -> Iterator[list[RunningSite]]:
    """Serve ``n`` small sites on free ports of ``host``, a thread each (for a few; the
    many-sites benchmark uses :mod:`fixture_site.unseen.multiserver`)."""
    with ExitStack() as stack:
        yield [stack.enter_context(RunningSite(site, host, 0))
               for site in many_sites(n, seed, scale)]
