"""The language of a page: what the markup declares, checked against the letters of the text.

Ukrainian and Russian share most of the Cyrillic alphabet; і ї є ґ occur only in Ukrainian and
ы э ъ ё only in Russian, which is enough to catch a wrong ``<html lang>`` on a news page.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

_UK = frozenset("іїєґ")
_RU = frozenset("ыэъё")
# Frequent words only one of the two languages has (spelled the same in neither).
_UK_WORDS = frozenset(("що", "це", "як", "та", "й", "з", "із", "від", "щодо", "або", "після",
                       "вже", "ще", "його", "її", "який", "яка", "які", "якого", "він", "вона",
                       "вони", "також", "тому", "буде", "було", "були", "цього"))
_RU_WORDS = frozenset(("и", "что", "это", "как", "из", "с", "к", "относительно", "или", "после",
                       "уже", "еще", "его", "ее", "который", "которая", "которые", "которого",
                       "он", "она", "они", "также", "только", "будет", "было", "были", "этого"))
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_FIX = {"ua": "uk", "ukr": "uk", "rus": "ru", "eng": "en", "iw": "he", "in": "id"}
MIN_EVIDENCE = 5
SAMPLE = 20_000
UNMARKED_RUSSIAN = 60  # Cyrillic letters without a Ukrainian mark that make a paragraph Russian


def as_str(value: Any) -> str | None:
    """``value`` when it is a string."""
    return value if isinstance(value, str) else None


def normalise_code(value: str | None) -> str | None:
    """``uk-UA``, ``uk_UA``, ``UA`` -> ``uk``; None for empty or odd values."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    code = _FIX.get(code, code)
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def declared_language(tree: etree._Element, jsonld: dict[str, Any] | None = None
                      ) -> tuple[str | None, str | None]:
    """(language, source) from ``<html lang>``, og:locale, Content-Language or JSON-LD."""
    root = tree.getroottree().getroot()
    if code := normalise_code(root.get("lang") or root.get("xml:lang")):
        return code, "html-lang"
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("http-equiv") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language") and (
            code := normalise_code(el.get("content"))
        ):
            return code, "og:locale" if key == "og:locale" else "meta"
    if jsonld and (code := normalise_code(as_str(jsonld.get("inLanguage")))):
        return code, "json-ld"
    return None, None


def declared_region(tree: etree._Element) -> str | None:
    """The country a page's locale names (``en-US``, ``de_AT`` -> ``us``, ``at``), if any."""
    root = tree.getroottree().getroot()
    values = [root.get("lang") or root.get("xml:lang")]
    values += [el.get("content") for el in tree.iter("meta")
               if (el.get("property") or el.get("name") or "").lower() == "og:locale"]
    for value in values:
        parts = (value or "").strip().replace("_", "-").split("-")
        if len(parts) >= 2 and len(parts[1]) == 2 and parts[1].isalpha():
            return parts[1].lower()
    return None


def cyrillic_scores(text: str) -> tuple[int, int]:
    """(Ukrainian, Russian) evidence: letters and frequent words only one language has."""
    sample = text[:SAMPLE].lower()
    uk = sum(sample.count(ch) for ch in _UK)
    ru = sum(sample.count(ch) for ch in _RU)
    for word in _WORD.findall(sample):
        if word in _UK_WORDS:
            uk += 1
        elif word in _RU_WORDS:
            ru += 1
    return uk, ru


def cyrillic_language(text: str) -> str | None:
    """``uk`` or ``ru`` when the text's letters and words clearly say so, else None."""
    uk, ru = cyrillic_scores(text)
    if uk >= MIN_EVIDENCE and uk >= 3 * ru:
        return "uk"
    if ru >= MIN_EVIDENCE and ru >= 3 * uk:
        return "ru"
    return None


def page_language(declared: str | None, source: str | None, text: str
                  ) -> tuple[str | None, str | None]:
    """The declared language unless the text clearly contradicts it (uk/ru), with its source."""
    if not text:
        return declared, source
    if declared in (None, "uk", "ru", "be", "bg", "kk") and _CYRILLIC.search(text[:SAMPLE]):
        by_text = cyrillic_language(text)
        if by_text and by_text != declared:
            return by_text, "text"
        if by_text and declared is None:
            return by_text, "text"
    return declared, source


def other_cyrillic(text: str, lang: str | None) -> bool:
    """True when a uk page's paragraph is Russian (or a ru page's is Ukrainian).

    Evidence for the other language and none for the page's own decides. On a Ukrainian page a
    long Cyrillic paragraph without any і/ї/є/ґ or Ukrainian-only word is Russian as well: those
    letters make up about 7% of Ukrainian text.
    """
    if lang not in ("uk", "ru"):
        return False
    uk, ru = cyrillic_scores(text)
    own, other = (uk, ru) if lang == "uk" else (ru, uk)
    if own:
        return False
    if other >= 2:
        return True
    return lang == "uk" and len(_CYRILLIC.findall(text)) >= UNMARKED_RUSSIAN
