"""The article title (issue 30): the headline the page presents, combined from the h1, JSON-LD
``headline``, ``og:title``, ``twitter:title`` and ``<title>`` (synthetic page patterns)."""

from __future__ import annotations

import json

from lxml import html

from crawler.extract.meta import MetaTags, site_name
from crawler.extract.title import pick_title, strip_site
from crawler.html.jsonld import article_node, jsonld_nodes


def title_of(head: str, body: str, url: str = "https://www.example-news.com/a/story-1") -> str:
    tree = html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    meta = MetaTags.read(tree)
    found, _ = pick_title(tree, meta, article_node(jsonld_nodes(tree)), (), site_name(meta),
                          url=url)
    return found


def ld(headline: str) -> str:
    return ('<script type="application/ld+json">'
            + json.dumps({"@type": "NewsArticle", "headline": headline}) + "</script>")


def og(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


def test_a_kicker_printed_above_the_h1_belongs_to_the_headline():
    full = "Nach dem Rückzug: Anwältin soll Ministerin werden"
    body = ('<article><div class="keyword">Nach dem Rückzug</div>'
            "<h1>Anwältin soll Ministerin werden</h1><p>Text</p></article>")
    assert title_of(ld(full) + og(full) + f"<title>{full} - news.example.at</title>",
                    body) == full


def test_a_kicker_not_shown_on_the_page_is_not_added():
    body = "<article><h1>Anwältin soll Ministerin werden</h1><p>Text</p></article>"
    assert title_of(og("Nach dem Rückzug: Anwältin soll Ministerin werden"), body) == \
        "Anwältin soll Ministerin werden"


def test_an_h1_of_two_spans_takes_the_separator_its_metadata_spells():
    body = ('<article><h1><span class="topline">Ausschuss zur Flut</span>'
            '<span class="headline">Zwei Rücktritte - und offene Fragen</span></h1></article>')
    full = "Ausschuss zur Flut: Zwei Rücktritte - und offene Fragen"
    assert title_of(og(full) + f"<title>{full} | example.de</title>", body) == full


def test_three_metadata_sources_agreeing_outvote_the_h1():
    full = "Johannesburg has failed its informal traders: there is a solution"
    head = (ld(full) + og(full) + f'<meta name="twitter:title" content="{full}">')
    body = ("<article><h1>Joburg has failed its informal traders: there is a solution</h1>"
            "</article>")
    assert title_of(head, body) == full


def test_an_h1_in_a_breadcrumb_trail_is_not_the_headline():
    body = ('<ol class="breadcrumb"><li><a href="/">Start</a></li><li><h1>Gesprengt</h1></li>'
            '</ol><article><h2>Rückbau: Kühltürme gesprengt</h2></article>')
    assert title_of(ld("Rückbau: Kühltürme gesprengt"), body) == "Rückbau: Kühltürme gesprengt"


def test_the_site_name_goes_from_either_end_known_by_its_host():
    keys = {"tageblattlu", "tageblatt"}
    assert strip_site("Tageblatt.lu | Sport | Zoff ums Material", keys=keys) == \
        "Sport | Zoff ums Material"
    assert strip_site("Warum Kritik verpufft | STERN.de", keys={"sternde", "stern"},
                      guess=False) == "Warum Kritik verpufft"
    assert title_of("<title>Example-News.com | Ein langer Titel über etwas</title>", "") == \
        "Ein langer Titel über etwas"


def test_a_suffix_that_is_no_site_name_stays_in_metadata_titles():
    full = "Orman yangınları! Son durum! - Güncel haberler"
    head = (ld(full) + og(full) + f'<meta name="twitter:title" content="{full}">'
            '<meta property="og:site_name" content="Habertürk">')
    body = "<article><h1>Orman yangınları! Son durum!</h1></article>"
    assert title_of(head, body, url="https://www.haberturk.com/x-123456") == full
