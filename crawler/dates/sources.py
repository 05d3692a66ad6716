"""Where a page's markup states its dates: candidate strings, each tagged with its source, best
first — JSON-LD, meta tags, ``<time datetime>``, microdata, RDFa, the site profile's XPaths. The
printed date lines are :mod:`crawler.dates.lines`. Strings only: parsing and choosing happen in
:mod:`crawler.dates.page`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.dates.regions import article_region, in_teaser, main_node, skipped, text_of_el
from crawler.html.jsonld import article_node, types_of

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "citation_publication_date",
    "citation_date",
    "dc.date.created",
    "dcterms.created",
    "datecreated",
    "article.published",
    "date",
    "dc.date",
    "dcterms.date",
    "cxenseparse:recs:publishtime",
    "originalpublicationdate",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:modified_time",
    "article:modified",
    "datemodified",
    "modified_time",
    "last-modified",
    "lastmod",
    "dc.date.modified",
    "dcterms.modified",
    "article.updated",
    "parsely-updated",
    "sailthru.lastmodified",
)
_META_SEPARATORS = re.compile(r"[\s:._-]+")


def meta_key(name: str) -> str:
    """A meta name with its separators dropped: sites spell ``article:published_time`` as
    ``article:published:time``, ``article_published_time`` or ``article.published.time``."""
    return _META_SEPARATORS.sub("", name.lower())


_PUB_RANK = {meta_key(name): i for i, name in enumerate(PUBLISHED_META)}
_MOD_RANK = {meta_key(name): i for i, name in enumerate(MODIFIED_META)}

DATE_HINT = re.compile(
    r"date|time|publi|posted|byline|dateline|meta|datum|fecha|data|created|info|stamp|when|"
    r"submitted|author|"
    r"дата|час",
    re.IGNORECASE,
)
# Words that label a time as an update, not the publication: "Оновлено", "Updated",
# "Aktualisiert", "Stand: 28.04.2023 17:23 Uhr" (German pages' "as of"), and their
# counterparts in the other languages news sites are written in.
UPDATE_WORDS = re.compile(
    r"оновлено|обновлено|updated|update:|modified|змінено|изменено|aktualisiert|geändert|"
    r"(?<!\w)stand(?=\s*:|\s+(?:vom\s+)?\d)|mis à jour|modifié le|actualizado|actualizada|"
    r"atualizado|atualizada|aggiornato|aggiornamento|zaktualizowano|aktualizacja|"
    r"bijgewerkt|oppdatert|opdateret|uppdaterad|päivitetty|güncelleme|güncellendi|"
    r"güncellenme|cập nhật|更新|수정",
    re.IGNORECASE,
)
UPDATE_HINT = re.compile(r"updat|modif", re.IGNORECASE)
# Words that introduce a publication date in running text ("Veröffentlicht am 16.08.2019")
PUBLISHED_LABEL = re.compile(
    r"\s*(?:veröffentlicht|publiziert|erschienen|erstellt am|gepostet|published|posted|"
    r"опубліковано|опубликовано|дата публікації|дата публикации|publié|pubblicato|publicado|"
    r"opublikowano|datum|date|дата)\b", re.IGNORECASE)
PUBLISH_HINT = re.compile(r"publi", re.IGNORECASE)
# Words that say a printed date is the publication ("Veröffentlicht am", "Published"): such a
# line may overrule the markup; an unlabelled one may be an update or a live ticker's entry.
PUBLISHED_WORDS = re.compile(
    r"veröffentlicht|publiziert|erschienen|erscheinungsdatum|erstveröffentlich|published|"
    r"posted|publication date|date de publication|fecha de publicación|опубліковано|"
    r"опубликовано|дата публікації|дата публикации|publié|pubblicato|publicado|publicada|"
    r"opublikowano|gepubliceerd|publisert|publicerad|publiceret|julkaistu|yayınlanma|"
    r"yayımlanma|đăng|公開|配信|发布|發布|입력",
    re.IGNORECASE)
_RDFA_DATES = ("datepublished", "datecreated", "datemodified", "created", "issued", "date")
MAX_LINE = 120


@dataclass(frozen=True)
class Candidate:
    """A date string found on the page and where it was found."""

    source: str
    text: str
    structured: bool = True  # machine-readable (ISO-like) rather than a printed line


def _meta_name(el: etree._Element) -> str:
    for attr in ("property", "name", "itemprop", "http-equiv"):
        value = el.get(attr)
        if value:
            return value.strip().lower()
    return ""


def meta_candidates(tree: etree._Element) -> tuple[list[Candidate], list[Candidate]]:
    """Published and modified candidates from ``<meta>`` tags, most trusted names first."""
    pub: list[tuple[int, int, Candidate]] = []
    mod: list[tuple[int, int, Candidate]] = []
    for pos, el in enumerate(tree.iter("meta")):
        name = _meta_name(el)
        if not name:
            continue
        value = (el.get("content") or el.get("datetime") or el.get("value") or "").strip()
        if not value:
            continue
        key = meta_key(name)
        if key in _PUB_RANK:
            pub.append((_PUB_RANK[key], pos, Candidate(f"meta:{name}", value)))
        elif key in _MOD_RANK:
            mod.append((_MOD_RANK[key], pos, Candidate(f"meta:{name}", value)))
    return [c for _, _, c in sorted(pub)], [c for _, _, c in sorted(mod)]


def live_blog(nodes: list[dict[str, Any]]) -> bool:
    """Whether the article is a live blog (``LiveBlogPosting``): its printed times are its
    entries', not its publication."""
    node = article_node(nodes)
    return node is not None and "liveblogposting" in types_of(node)


def jsonld_candidates(nodes: list[dict[str, Any]]) -> tuple[list[Candidate], list[Candidate]]:
    """datePublished/dateCreated (a live blog's coverageStartTime) and dateModified of the
    article's JSON-LD node."""
    node = article_node(nodes)
    if node is None:
        return [], []
    pub = [
        Candidate(f"json-ld:{key}", str(node[key]))
        for key in ("datePublished", "dateCreated", "coverageStartTime")
        if isinstance(node.get(key), str | int) and str(node[key]).strip()
    ]
    mod = (
        [Candidate("json-ld:dateModified", str(node["dateModified"]))]
        if isinstance(node.get("dateModified"), str) and node["dateModified"].strip()
        else []
    )
    return pub, mod


def time_candidates(tree: etree._Element) -> tuple[list[Candidate], list[Candidate]]:
    """``<time datetime>`` and microdata (``itemprop=datePublished``) outside nav/footer/aside.

    Each ``<time>`` also yields its visible text, so that a date-only ``datetime`` can borrow
    the printed time of the same day.
    """
    pub: list[Candidate] = []
    mod: list[Candidate] = []
    for el in tree.xpath(
        "//*[@itemprop='datePublished' or @itemprop='dateModified'"
        " or @itemprop='dateCreated'][not(self::meta)]"
    ):
        if in_teaser(el, main_node(el)):
            continue
        value = el.get("datetime") or el.get("content") or el.text_content()
        target = mod if el.get("itemprop") == "dateModified" else pub
        if value and value.strip():
            target.append(Candidate(f"itemprop:{el.get('itemprop')}", value.strip()))
    region = article_region(tree)
    for el in region.iter("time"):
        if skipped(el) or in_teaser(el, region):
            continue
        hints = " ".join(filter(None, (el.get("class"), el.get("itemprop"), el.get("id"))))
        text = " ".join(el.text_content().split())
        updated = UPDATE_HINT.search(hints) and not PUBLISH_HINT.search(hints)
        target = mod if updated or UPDATE_WORDS.search(text) or _labelled_update(el) else pub
        if el.get("datetime"):
            target.append(Candidate("time", el.get("datetime", "").strip()))
        if text and len(text) <= MAX_LINE:
            target.append(Candidate("time-text", text, structured=False))
    return pub, mod


def _labelled_update(el: etree._Element) -> bool:
    """"Updated <time>…</time>": the words just before the element, or a small wrapper named
    for updates, make it the modification date."""
    prev, parent = el.getprevious(), el.getparent()
    before = (prev.tail if prev is not None else parent.text if parent is not None else "") or ""
    if UPDATE_WORDS.search(before[-40:]):
        return True
    if parent is None or len(text_of_el(parent)) > 80:
        return False
    hint = f"{parent.get('class') or ''} {parent.get('id') or ''}"
    return bool(UPDATE_HINT.search(hint) and not PUBLISH_HINT.search(hint))


def rdfa_candidates(tree: etree._Element) -> tuple[list[Candidate], list[Candidate]]:
    """RDFa dates (``<span property="schema:dateCreated" content="…">``), as Drupal prints
    them, outside teasers."""
    pub: list[Candidate] = []
    mod: list[Candidate] = []
    for el in tree.xpath("//*[@property][@content or @datetime][not(self::meta)]"):
        name = (el.get("property") or "").strip().lower().rpartition(":")[2]
        if name not in _RDFA_DATES or in_teaser(el):
            continue
        value = (el.get("content") or el.get("datetime") or "").strip()
        if value:
            target = mod if name == "datemodified" else pub
            target.append(Candidate(f"rdfa:{name}", value))
    return pub, mod


def xpath_candidates(tree: etree._Element, xpaths: Sequence[str], source: str) -> list[Candidate]:
    """Strings the profile's XPaths select (elements give their text or ``datetime``)."""
    out: list[Candidate] = []
    for expr in xpaths:
        try:
            found = tree.xpath(expr)
        except etree.XPathError:
            continue
        for item in found if isinstance(found, list) else [found]:
            if isinstance(item, etree._Element):
                value = item.get("datetime") or " ".join(item.text_content().split())
            else:
                value = " ".join(str(item).split())
            if value:
                out.append(Candidate(source, value, structured=False))
    return out


# Japanese and Chinese put the label after the time: "2025/01/13 10:00 公開 2025/01/14 08:00 更新"
_SUFFIX_UPDATE = "更新"
_SUFFIX_PUBLISHED = re.compile(r"公開|配信|掲載|发布|發布")


def split_update(text: str) -> tuple[str, str | None]:
    """``"23 березня 2025, 14:05 Оновлено: 24 березня ..."`` -> (published part, updated part);
    a label that follows its time (``… 公開 … 更新``) takes the time before it."""
    m = UPDATE_WORDS.search(text)
    if not m:
        return text, None
    if m.group(0) == _SUFFIX_UPDATE:
        head = text[: m.start()]
        labels = list(_SUFFIX_PUBLISHED.finditer(head))
        cut = labels[-1].end() if labels else 0
        return head[:cut], head[cut:]
    return text[: m.start()], text[m.end() :]
