"""Authors (issue 30): the names a page credits, never URLs, photo credits, dates or role
words; agencies and newsrooms as the page credits them (synthetic page patterns)."""

from __future__ import annotations

import json

import pytest
from lxml import html

from crawler.extract.authors import authors
from crawler.extract.byline import split_names
from crawler.extract.meta import MetaTags, site_name
from crawler.html.jsonld import article_node, jsonld_nodes


def authors_of(head: str = "", body: str = "", *, url: str = "https://www.example.com/a/b-1",
               lang: str | None = None) -> list[str]:
    tree = html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    meta = MetaTags.read(tree)
    nodes = jsonld_nodes(tree)
    return authors(tree, meta, article_node(nodes), site_name(meta), nodes=nodes, url=url,
                   language=lang)


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
    ("Krautreporter", "de", ["Krautreporter"]),  # a role word inside a name is the name's
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
