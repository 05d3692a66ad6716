"""The world of unseen sites (``fixture_site.unseen.world``): themes moved to other zones stay
sites a careful reader could date, and the variants pair every theme with every zone.

No extraction quality is asserted here; ``bench/world_sites.py`` measures that.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from fixture_site.unseen.catalogue import build_stories
from fixture_site.unseen.world import WORLD, build_world_site, moved, variant
from fixture_site.unseen.world import _theme as theme_of

PLACES = sorted({p for n in range(5) for p in (*WORLD, *variant(n))}, key=repr)


@pytest.mark.parametrize("place", PLACES, ids=lambda p: f"{p.theme}-{p.zone}")
@pytest.mark.parametrize("seed", [1, 2])
def test_no_article_is_published_after_its_site_renders(place, seed):
    """A moved site keeps its render moment: its zone's clock changes later in the year would
    be articles from the future (printed "just now" by relative dates)."""
    site = build_world_site(place, seed=seed)
    late = [s.path for s in site.stories if s.published > site.spec.render_at]
    assert not late, late


@pytest.mark.parametrize("place", PLACES, ids=lambda p: f"{p.theme}-{p.zone}")
def test_the_second_pass_of_a_repeated_hour_is_in_the_news_sitemap(place):
    """A wall time in the repeated autumn hour names two instants: only the article's news
    sitemap entry says which, so the moved site has such an article only where it has one."""
    site = build_world_site(place)
    for wall, fold in site.spec.edges:
        if not fold:
            continue
        moment = site.spec.zone.to_utc(datetime.fromisoformat(wall), 1)
        story = next(s for s in site.stories if s.published == moment)
        assert story.in_news or story.undated, (wall, story.path)


def test_a_future_edge_time_is_refused():
    theme = theme_of("wp")
    spec = replace(moved(theme, "x", "America/Chicago"),
                   edges=(("2025-11-02 01:30", 0),))  # after the site's render moment
    with pytest.raises(ValueError, match="after the site's render moment"):
        build_stories(spec, theme)


def test_variants_put_every_theme_in_every_zone():
    zones = {p.zone for p in WORLD}
    seen = {(p.theme, p.zone) for n in range(5) for p in variant(n)}
    themes = {p.theme for p in WORLD}
    assert {(t, z) for t in themes for z in zones} <= seen
    assert all(p.zone == "UTC" for n in range(5) for p in variant(n) if p.theme == "wire")
    assert [p.host for p in variant(3)][:5] == [p.host for p in WORLD]
    assert variant(0)[:5] == WORLD


def test_moved_sites_keep_their_render_moment_and_clock_edges_before_it():
    site = build_world_site(WORLD[2])  # the WordPress theme in Chicago
    assert site.spec.zone_name == "America/Chicago"
    assert site.spec.edges and all(
        site.spec.zone.to_utc(datetime.fromisoformat(w), f)
        < site.spec.render_at - timedelta(hours=1) for w, f in site.spec.edges)
