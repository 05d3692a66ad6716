"""The evolving fixture site: generation N+1 adds newer articles and edits some older ones."""

from __future__ import annotations

import re
import urllib.request

import pytest

from fixture_site import FixtureSite
from fixture_site.evolve import MAX_GENERATIONS, edited_positions
from fixture_site.model import FIRST_ID
from fixture_site.server import start_server


def truth(site: FixtureSite) -> dict[str, dict]:
    return {t["url"]: t for t in site.ground_truth()}


def test_new_articles_appear_and_old_ones_keep_their_urls_and_words():
    g0, g1, g2 = (FixtureSite(30, seed=9, generation=g) for g in (0, 1, 2))
    t0, t1, t2 = truth(g0), truth(g1), truth(g2)
    assert (len(t0), len(t1), len(t2)) == (60, 84, 108)
    assert set(t0) < set(t1) < set(t2)
    newest = {t["published"] for u, t in t1.items() if u not in t0}
    assert min(newest) > max(t["published"] for t in t0.values())  # new ones are the newest
    edited = [u for u in t0 if t1[u]["paragraphs"] != t0[u]["paragraphs"]]
    assert len(edited) == 2 * 3  # three articles, both languages
    for url in t0:
        assert t1[url]["published"] == t0[url]["published"]
        assert t1[url]["title"] == t0[url]["title"]
        if url in edited:
            assert t1[url]["paragraphs"][:-1] == t0[url]["paragraphs"]
            assert re.match(r"(Оновлено|Обновлено) ", t1[url]["paragraphs"][-1])
            assert t1[url]["modified"] > (t0[url]["modified"] or t0[url]["published"])
    assert g1.now > g0.now and g1.render("GET", "/", {}).status == 200


def test_edits_change_validators_and_sitemap_lastmod():
    g0, g1 = FixtureSite(30, seed=9, generation=0), FixtureSite(30, seed=9, generation=1)
    t0, t1 = truth(g0), truth(g1)
    url = next(u for u in t0 if t1[u]["paragraphs"] != t0[u]["paragraphs"])
    path = url.split("8000", 1)[1]
    before, after = g0.render("GET", path, {}), g1.render("GET", path, {})
    assert before.header("ETag") != after.header("ETag")
    assert before.header("Last-Modified") != after.header("Last-Modified")
    stale = g1.render("GET", path, {"If-None-Match": before.header("ETag")})
    assert stale.status == 200  # the old validator no longer matches
    fresh = g1.render("GET", path, {"If-None-Match": after.header("ETag")})
    assert fresh.status == 304
    sitemap = g1.render("GET", "/sitemaps/articles-1.xml", {}).body.decode()
    assert f"<loc>{url}</loc><lastmod>{t1[url]['modified']}</lastmod>" in sitemap


def test_listings_and_sitemaps_carry_validators():
    site = FixtureSite(20, seed=2)
    for path in ("/", "/ru/news/sport/", "/sitemap.xml", "/news-sitemap.xml", "/rss.xml"):
        first = site.render("GET", path, {})
        assert first.header("ETag"), path
        assert site.render("GET", path, {"If-None-Match": first.header("ETag")}).status == 304
    assert FixtureSite(20, seed=2, all_validators=False).render("GET", "/", {}).header(
        "ETag") is None


def test_default_site_is_not_evolving_and_bad_generations_are_refused():
    assert next(FixtureSite(5).ground_truth())["id"] == FIRST_ID
    picks = edited_positions(1, 1, visible=30, count=3)
    assert picks[0] < 4 and all(20 <= p < 30 for p in picks[1:]) and len(set(picks)) == 3
    assert edited_positions(1, 1, visible=3, count=3) == [edited_positions(1, 1, 3, 1)[0]]
    with pytest.raises(ValueError):
        FixtureSite(5, generation=MAX_GENERATIONS + 1)


def test_a_running_server_moves_to_the_next_generation():
    with start_server(FixtureSite(10, seed=3, generation=0)) as server:
        def newest() -> str:
            with urllib.request.urlopen(server.url + "rss.xml") as resp:
                return re.search(r"<item><title>([^<]+)", resp.read().decode())[1]

        before = newest()
        server.set_site(FixtureSite(10, seed=3, generation=1))
        assert newest() != before
