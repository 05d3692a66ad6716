"""The article title (issue 30): the headline the page presents, combined from the h1, JSON-LD
``headline``, ``og:title``, ``twitter:title`` and ``<title>`` (synthetic page patterns)."""

from __future__ import annotations

import json

from lxml import html

from crawler.extract.meta import MetaTags, site_name
from crawler.extract.sitename import strip_site
from crawler.extract.title import pick_title
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


def test_metadata_spelling_quotes_and_dashes_otherwise_does_not_replace_the_h1():
    """The h1 is the headline as printed: an og:title with straight quotes, a hyphen for the
    dash or three dots for the ellipsis is the same title typed plainly."""
    printed = "„Welches Europa wir wollen“ – ein Gespräch über d’Hondt…"
    body = f"<article><h1>{printed}</h1><p>Text</p></article>"
    assert title_of(og('&quot;Welches Europa wir wollen&quot; - ein Gespräch über '
                       "d'Hondt..."), body) == printed
    assert title_of(og("TRANSFORMATIONSLABOR ERNÄHRUNG"),
                    "<article><h1>Transformationslabor Ernährung</h1></article>") == \
        "Transformationslabor Ernährung"


def test_a_kicker_or_label_in_its_own_element_of_the_h1_that_no_metadata_has_is_left_out():
    headline = "Große Aufgaben für die neue Regierung"
    body = (f'<article><h1><span class="kicker">Tunesien</span> <span>{headline}</span></h1>'
            "<p>Text</p></article>")
    assert title_of(og(headline) + f"<title>{headline} | Stiftung</title>", body) == headline
    body = (f'<article><h1><small>Politics |</small> {headline}</h1></article>')
    assert title_of(ld(headline), body) == headline


def test_a_date_printed_inside_the_h1_after_the_headline_is_left_out():
    headline = "Zuschauerrückkehr bei den Proficlubs der Region"
    body = (f"<article><h1>{headline}<br><small>02.02.2022 • Verband, Presse</small></h1>"
            "</article>")
    assert title_of(og(headline), body) == headline


def test_an_h1_of_one_piece_or_with_a_longer_second_piece_stays_whole():
    """A metadata title shorter than an h1 printed as one text is an SEO form; a second
    piece longer than the first is part of the headline the page prints."""
    body = "<article><h1>Welpen kaufen – Tipps zu jeder Hunderasse</h1></article>"
    assert title_of(og("Tipps zu jeder Hunderasse"), body) == \
        "Welpen kaufen – Tipps zu jeder Hunderasse"
    body = ("<article><h1><span>Schneesport mit Rücksicht</span> "
            "<span>Verhaltenstipps für einen naturverträglichen Schneesport</span></h1></article>")
    assert title_of(og("Schneesport mit Rücksicht"), body) == \
        "Schneesport mit Rücksicht Verhaltenstipps für einen naturverträglichen Schneesport"


def test_a_separator_left_at_the_end_by_an_empty_site_name_goes_but_a_leading_dash_stays():
    assert strip_site("Pferdesport definitiv bei Olympia dabei -", keys=set(), guess=False) == \
        "Pferdesport definitiv bei Olympia dabei"
    assert strip_site("- Angsten vil øke", keys=set(), guess=False) == "- Angsten vil øke"
    body = "<article><h1>Pferdesport definitiv bei Olympia dabei</h1></article>"
    assert title_of(og("Pferdesport definitiv bei Olympia dabei -"), body) == \
        "Pferdesport definitiv bei Olympia dabei"


def test_a_metadata_title_with_a_kicker_of_its_own_confirms_the_h1_s_headline_piece():
    quote = "«Die Zurückhaltung hat viel mit den USA zu tun»"
    body = ('<article><header><h1><span class="overline">Eskalation im Nahen Osten</span>'
            f'<span class="off"> - </span><span class="text">{quote}</span></h1></header>'
            "</article>")
    assert title_of(og(f"Iranischer Angriff: {quote}"), body) == quote


def test_an_h1_in_pieces_that_a_metadata_title_gives_whole_stays_whole():
    body = ("<article><h1><b>Editor’s Letter:</b><i> bye <b>OC</b> Baby, hi Bernsi "
            "<b>Baby!</b></i></h1></article>")
    assert title_of(og("Editor's Letter: bye OC Baby, hi Bernsi Baby!"), body) == \
        "Editor’s Letter: bye OC Baby, hi Bernsi Baby!"
