"""Authors (issue 30): the names a page credits, never URLs, photo credits, dates or role
words; agencies and newsrooms as the page credits them (synthetic page patterns)."""

from __future__ import annotations

import json

import pytest
from lxml import html

from crawler.extract.authors import authors
from crawler.extract.byline import split_names
from crawler.extract.meta import MetaTags, site_name
from crawler.extract.title import pick_headline
from crawler.html.jsonld import article_node, jsonld_nodes


def authors_of(head: str = "", body: str = "", *, url: str = "https://www.example.com/a/b-1",
               lang: str | None = None) -> list[str]:
    tree = html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    meta = MetaTags.read(tree)
    nodes = jsonld_nodes(tree)
    node = article_node(nodes)
    headline = pick_headline(tree, meta, node, (), site_name(meta), url=url).element
    return authors(tree, meta, node, site_name(meta), nodes=nodes, url=url, language=lang,
                   headline=headline)


def ld(author, **more) -> str:
    return ('<script type="application/ld+json">'
            + json.dumps({"@type": "NewsArticle", "author": author, **more}) + "</script>")


def test_urls_and_slugs_in_author_metas_are_not_names():
    head = ('<meta name="author" content="Sophie Foster">'
            '<meta name="author" content="https://www.example.co.uk/authors/sophie-foster/">'
            '<meta name="author" content="sophie-foster">')
    assert authors_of(head) == ["Sophie Foster"]


def test_photo_credits_are_not_authors():
    body = ('<span class="credit author">(Image: Getty Images)</span>'
            '<figure><figcaption class="author">iStockphoto</figcaption></figure>'
            '<div class="byline">By Sophie Foster</div>')
    assert authors_of(body=body) == ["Sophie Foster"]


@pytest.mark.parametrize(("credit", "lang", "names"), [
    ("Elena Oberholzer (obe), Oliver Maksan (oma)", "de", ["Elena Oberholzer", "Oliver Maksan"]),
    ("Kari Nordmann og Ola Nordmann", "nb", ["Kari Nordmann", "Ola Nordmann"]),
    ("Anna Nowak i Jan Kowalski", "pl", ["Anna Nowak", "Jan Kowalski"]),
    ("Ayşe Yılmaz ve Mehmet Kaya", "tr", ["Ayşe Yılmaz", "Mehmet Kaya"]),
    ("By John Smith June 19, 2024", "en", ["John Smith"]),
    ("Von Anna Schmidt, Redakteurin", "de", ["Anna Schmidt"]),
    ("By Jane Doe, Senior Political Reporter", "en", ["Jane Doe"]),
    ("홍길동 기자", "ko", ["홍길동"]),
    ("By Sophie Foster Travel News Reporter", "en", ["Sophie Foster"]),
    ("capital von Jemima Kelly", "de", ["Jemima Kelly"]),
    ("Alexa von Heyden", "de", ["Alexa von Heyden"]),  # a particle, not a label
    ("Christoph von Eichhorn, Walter von Aachen", "de",
     ["Christoph von Eichhorn", "Walter von Aachen"]),
    ("Krautreporter", "de", ["Krautreporter"]),  # a role word inside a name is the name's
    # A date run into a credit goes with the words leading into it (weekday, "am", "Stand")
    ("Von Tomas Spahn Fr, 18. Oktober 2019", "de", ["Tomas Spahn"]),
    ("Von Isabella Bianchi am Samstag, 19. Oktober 2019 um 11:14 Uhr", "de", ["Isabella Bianchi"]),
    ("Sara Zinnecker Stand: 12.03.2020", "de", ["Sara Zinnecker"]),
    ("Isabel Caro, José Miguel Wilson Hace 2 horas", "es", ["Isabel Caro", "José Miguel Wilson"]),
    ("Günter W. Kienitz at 10:14", "en", ["Günter W. Kienitz"]),
    ("freeman1984", "en", ["freeman1984"]),  # digits glued to a user name are no date
    # A label alone is no name; "published by" in the set's languages is a label
    ("Posted on", "en", []),
    ("Veröffentlicht am 3. März 2020", "de", []),
    ("Published by", "en", []),
    ("Veröffentlicht von HansG", "de", ["HansG"]),
    ("Auteurs : Barbara Stiegler", "fr", ["Barbara Stiegler"]),
    # Any short label before a colon
    ("Interview: Julia Lauter", "de", ["Julia Lauter"]),
    ("Artikel von: hausinfo", "de", ["hausinfo"]),
    # What a CMS fills in when nobody is credited
    ("admin", "de", []),
    ("Super User", "de", []),
    ("anónimo", "es", []),
    ("No Author", "en", []),
    # The site's operating company (its legal form says so) and a copyright line
    ("wegewerk GmbH", "de", []),
    ("NATURSTROM AG", "de", []),
    ("Copyright Haufe-Lexware GmbH & Co. KG - all rights reserved", "de", []),
    ("Anna Sa", "en", ["Anna Sa"]),  # a name, not "SA"
    # Entities a site escaped twice
    ("Jos&eacute; Garc&iacute;a", "es", ["José García"]),
])
def test_credit_strings_become_names(credit, lang, names):
    assert split_names(credit, lang) == names


def test_a_one_letter_conjunction_joins_only_full_names():
    assert split_names("María y José", "es") == ["María y José"]


def test_json_ld_organizations_are_credits_and_urls_stay_apart():
    author = [{"@type": "Organization", "name": "Deutsche Presse-Agentur", "alternateName": "dpa",
               "url": "https://www.example.es/verfasser/dpa.html"},
              {"@type": "Person", "name": "MM-Redaktion ",
               "url": "https://www.example.es/verfasser/redaktion.html"}]
    assert authors_of(ld(author)) == ["Deutsche Presse-Agentur", "MM-Redaktion"]


def test_json_ld_references_and_nested_lists_are_followed():
    graph = {"@graph": [{"@type": "NewsArticle", "author": [[{"@id": "#p1"}]]},
                        {"@type": "Person", "@id": "#p1", "name": "Ana Díaz"}]}
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert authors_of(head) == ["Ana Díaz"]


def test_the_publisher_credited_alone_gives_way_to_the_people_of_its_byline():
    head = (ld({"@type": "Organization", "name": "STERN.de"})
            + '<meta property="og:site_name" content="stern.de">'
            '<meta property="article:author" content="https://www.facebook.com/stern">')
    body = '<div class="authors"><ul><li class="authors__item">von Jemima Kelly</li></ul></div>'
    assert authors_of(head, body, url="https://www.stern.de/a/b-1") == ["Jemima Kelly"]


def test_the_publisher_credited_alone_stays_when_nobody_else_is_named():
    head = (ld({"@type": "Person", "name": "Landesspiegel"})
            + '<meta property="og:site_name" content="Landesspiegel">')
    assert authors_of(head, url="https://landesspiegel.li/a/b-1") == ["Landesspiegel"]


def test_a_joint_credit_of_publisher_and_agency_stays_one():
    head = (ld([{"@type": "Person", "name": "Le Figaro et AFP"}])
            + '<meta property="og:site_name" content="Le Figaro">')
    assert authors_of(head, url="https://www.lefigaro.fr/a/b-1", lang="fr") == \
        ["Le Figaro et AFP"]


def test_the_publisher_s_desk_beside_a_person_in_a_byline_is_left_out():
    body = '<p class="author">von David Straub, MDR THÜRINGEN</p>'
    head = '<meta name="author" content="mdr.de">'
    assert authors_of(head, body, url="https://www.mdr.de/a/b-100.html", lang="de") == \
        ["David Straub"]


def test_byline_classes_in_camel_case_count():
    body = '<ul class="metaInfoAuthorList"><li>Nathaniel Flakin</li></ul>'
    assert authors_of(body=body) == ["Nathaniel Flakin"]


def test_the_publisher_s_organization_credited_alone_is_the_newsroom_credit():
    head = (ld({"@type": "NewsMediaOrganization", "name": "BBC News",
                "logo": {"@type": "ImageObject", "url": "https://www.bbc.com/logo.png"}})
            + '<meta property="og:site_name" content="BBC News">')
    assert authors_of(head, url="https://www.bbc.com/news/explainers-63159607") == ["BBC News"]


@pytest.mark.parametrize(("credit", "names"), [
    ("By Perry Bacon Jr.", ["Perry Bacon Jr."]),  # the dot of Jr. and of an initial stays
    ("Joe S.", ["Joe S."]),
    ("Von Anna Schmidt.", ["Anna Schmidt"]),  # a sentence's full stop goes
    ("~ Cem Basman", ["Cem Basman"]),  # so does a flourish before the name
])
def test_a_name_keeps_the_dot_of_its_initial(credit, names):
    assert split_names(credit, "en") == names


def test_names_a_byline_prints_in_elements_of_their_own_are_read_apart():
    body = ('<div class="article-byline"><div class="article-origins">'
            '<span class="simple">Birgit Baumann</span> <span class="simple">Anna Giulia Fink'
            '</span> <span class="simple">Jan Michael Marchart</span></div></div>')
    assert authors_of(body=body) == ["Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart"]
    person = ('<div class="byline"><address><a rel="author"><span class="first">{}</span> '
              '<span class="last">{}</span></a></address></div>')
    body = ('<div class="bylines">' + person.format("Ingrid", "Treborg")
            + person.format("Marlene Lundberg", "Holm") + "</div>")
    assert authors_of(body=body) == ["Ingrid Treborg", "Marlene Lundberg Holm"]


def test_a_byline_with_words_between_its_names_is_read_as_one_credit():
    body = '<p class="byline">Von <a>Anna Schmidt</a> und <a>Jan Berg</a></p>'
    assert authors_of(body=body, lang="de") == ["Anna Schmidt", "Jan Berg"]
    body = '<p class="author"><span>Anna</span> <span>Schmidt</span></p>'
    assert authors_of(body=body) == ["Anna Schmidt"]


def test_a_menu_of_the_site_s_authors_is_no_byline():
    body = ('<nav><ul class="authors"><li>Léa Martin</li></ul></nav>'
            '<ul id="menu-authors" class="nav"><li><a>Pierre Puchot</a></li>'
            '<li><a>Mark Alizart</a></li><li><a>Léo Guy</a></li></ul>'
            '<p class="byline author vcard">Par <a rel="author">Barbara Stiegler</a></p>')
    assert authors_of(body=body, lang="fr") == ["Barbara Stiegler"]


def test_one_credit_in_markup_is_completed_by_the_byline_that_prints_it_among_others():
    body = ('<article><h1>Tårene rant</h1><div class="byline">Av <a rel="author">Ingrid '
            'Treborg</a>, <a rel="author">Marlene Lundberg Holm</a></div></article>')
    head = ld({"@type": "Person", "name": "Marlene Lundberg Holm"})
    assert authors_of(head, body, lang="nb") == ["Ingrid Treborg", "Marlene Lundberg Holm"]


def test_a_byline_adding_the_publisher_or_a_word_to_the_one_credit_does_not_complete_it():
    head = (ld({"@type": "Person", "name": "Aaron Kliegman"})
            + '<meta property="og:site_name" content="Fox News">')
    body = '<h1>Trump</h1><div class="author-byline">By Aaron Kliegman | Fox News</div>'
    assert authors_of(head, body, url="https://www.foxnews.com/politics/x") == ["Aaron Kliegman"]
    body = '<h1>Trump</h1><div class="author-byline">Aaron Kliegman, TIMESOFINDIA.COM / lundi</div>'
    assert authors_of(head, body, url="https://www.foxnews.com/politics/x") == ["Aaron Kliegman"]
    body = '<h1>Trump</h1><div class="byline">Anna Schmidt und Jan Berg</div>'  # not the credit
    assert authors_of(head, body, lang="de") == ["Aaron Kliegman"]


def test_a_cms_account_in_markup_gives_way_to_the_printed_byline():
    head = ld({"@type": "Person", "name": "admin"})
    body = '<span class="author-name">Tobias Kuske</span>'
    assert authors_of(head, body) == ["Tobias Kuske"]


def test_a_credit_printed_after_a_label_element_names_the_author():
    head = ('<meta name="author" content="Deutsche Welle (www.dw.com)">'
            '<meta name="publisher" content="Deutsche Welle (www.dw.com)">')
    body = ("<ul><li><strong>Datum</strong> 28.04.2023</li>"
            "<li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>")
    assert authors_of(head, body, url="https://www.dw.com/de/x/a-65464327", lang="de") == \
        ["Roman Goncharenko"]
    assert authors_of(body="<dl><dt>By</dt><dd>Alex Bozarjian</dd></dl>") == ["Alex Bozarjian"]


def test_a_label_word_opening_a_sentence_or_a_lone_separator_is_no_credit_label():
    body = ('<p><span>|</span> Impressum</p><p><strong>Texte</strong> auf dieser Webseite '
            "stehen unter einer freien Lizenz</p>")
    assert authors_of(body=body, lang="de") == []


def test_the_publisher_credited_alone_stays_over_a_byline_naming_only_its_desk():
    head = (ld({"@type": "Organization", "name": "ORF.at"})
            + '<meta property="og:site_name" content="news.ORF.at">')
    body = '<div class="byline"><p class="author">red</p></div>'
    assert authors_of(head, body, url="https://orf.at/stories/3377287/", lang="de") == ["ORF.at"]


def test_a_byline_far_after_the_headline_does_not_complete_a_credit():
    head = ld({"@type": "Person", "name": "Marlene Lundberg Holm"})
    filler = "<p>Text</p>" * 400
    body = (f"<article><h1>Tårene rant</h1>{filler}<div class='byline'>Ingrid Treborg, "
            "Marlene Lundberg Holm</div></article>")
    assert authors_of(head, body, lang="nb") == ["Marlene Lundberg Holm"]
