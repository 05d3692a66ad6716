"""Author names from the strings a page credits its authors with: a byline ("Von Anna Schmidt
und Jan Berg, Reporter"), an author meta tag, a JSON-LD name.

A credit is cut into names at commas, semicolons, ampersands, slashes and the conjunctions of
the page's language ("und", "og", "och", "y", "ve", "và"…; a one-letter one only between two
names of two words or more). From each name go: a leading label ("By", "Von", "Par",
"Autor:"), a role after or before it ("Senior Reporter", "Redakteurin", "기자", "記者"), what
is in brackets (initials, an agency: "Elena Oberholzer (obe)"), a date run into it
("… June 19"), e-mail addresses and handles. Never a name: a URL, a host name, a slug
("sophie-foster"), a photo credit ("Image: Getty Images", "iStockphoto"), a role alone.
Pure string functions; the sources are read in :mod:`crawler.extract.authors`.
"""

from __future__ import annotations

import re

from crawler.dates.words import MONTH_RE

_LABEL = re.compile(
    r"^(?:(?:written|posted|reported|words|text|story|article|interview|compiled)\s+by|"
    r"by|von|vom|par|por|di|av|af|door|przez|від|автор(?:и|ы|ка)?|autor(?:in|en|ka|zy|es|a)?|"
    r"authors?|auteur|author\(s\)|text|texte|texto|tekst|текст|yazan|yazar|redacción|"
    r"escrito por|a cura di|reportage)(?!\w)\s*[:.]?\s*", re.IGNORECASE)
_LATE_LABEL = re.compile(r"^\S+\s+(?:by|von|par|por|av|af|door|przez)\s+(?=\w)", re.IGNORECASE)
_ROLE_NOUN = (
    r"reporter(?:in)?|correspondent|editor|writer|journalist(?:in)?|columnist|contributor|"
    r"photographer|redakteur(?:in)?|korrespondent(?:in)?|redaktor(?:ka)?|redacteur|"
    r"rédact(?:eur|rice)|correspondant(?:e)?|corresponsal|redactor(?:a)?|giornalista|inviat[oa]|"
    r"toimittaja|dziennikarz(?:ka)?|muhabir(?:i)?|kirjeenvaihtaja|producer|anchor|"
    r"기자|특파원|記者|特派員|编辑|記者|记者")
_ROLE_WORD = (
    r"senior|chief|staff|political|politics|foreign|business|sports?|news|deputy|associate|"
    r"contributing|special|managing|executive|digital|online|travel|health|science|"
    r"technology|tech|entertainment|royal|crime|showbiz|money|economics|economy|education|"
    r"environment|investigations?|investigative|national|international|world|local|"
    r"trainee|freelance|guest|breaking|weather|legal|lifestyle|culture|arts?|fashion|food|"
    r"security|defen[cs]e|energy|climate|markets?|finance|financial|global|regional|"
    r"assistant|lead|head|general|video|data|features?|opinion|the|our|and|&|of|for|at|"
    r"freie|freier|stellvertretende[rn]?|leitende[rn]?|wissenschafts|wirtschafts|politik|"
    r"sport|ressort|chef|us|uk|eu|white\s+house|middle\s+east|washington|brussels|europe|asia")
_ROLE_TAIL = re.compile(
    r"(?:[\s,–—-]+(?:" + _ROLE_WORD + r"))*[\s,–—-]+(?:" + _ROLE_NOUN + r")s?\.?$",
    re.IGNORECASE)
_ROLE_HEAD = re.compile(r"^(?:(?:" + _ROLE_WORD + r")\s+)*(?:" + _ROLE_NOUN + r")s?\s*[:.]?\s+",
                        re.IGNORECASE)
_ROLE_ONLY = re.compile(r"^(?:(?:" + _ROLE_WORD + r")\s+)*(?:" + _ROLE_NOUN + r")s?$",
                        re.IGNORECASE)
_GLUED_ROLE = re.compile(r"\s*(?:" + _ROLE_NOUN + r")$")  # 홍길동기자, 山田太郎記者
_BRACKETS = re.compile(r"\s*[(\[（【][^)\]）】]*[)\]）】]?")
_EMAIL = re.compile(r"\S+@\S+|(?<!\w)@\w+")
_DATE_START = re.compile(r"(?:\b(?:" + MONTH_RE + r")\.?\s*\d|\d)", re.IGNORECASE)
_URL = re.compile(r"https?:|www\.|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_CREDIT = re.compile(
    r"^(?:image|images|photo|photos|foto|fotos|bild|bilder|picture|pictures|credit|credits|"
    r"quelle|source|fuente|illustration|grafik|video)s?\s*[:/]|©|\(c\)|getty\s*images|"
    r"istock(?:photo)?|shutterstock|picture[\s-]alliance|imago|\bap photo\b|\bafp photo\b|"
    r"alamy|keystone|via reuters|/ reuters", re.IGNORECASE)
_STRONG_SPLIT = re.compile(r"\s*(?:,|;|&|\||\s/\s|/(?=\w)|\n|\+)\s*")
# Conjunctions of the languages news sites are written in; the unambiguous ones always count.
_CONJUNCTIONS = {
    "en": ("and",), "de": ("und",), "fr": ("et",), "es": ("y", "e"), "it": ("e", "ed"),
    "pt": ("e",), "nl": ("en",), "no": ("og",), "nb": ("og",), "nn": ("og",), "da": ("og",),
    "sv": ("och",), "pl": ("i", "oraz"), "cs": ("a",), "sk": ("a",), "tr": ("ve",),
    "fi": ("ja",), "hu": ("és",), "vi": ("và",), "ms": ("dan",), "id": ("dan",),
    "uk": ("та", "і", "й"), "ru": ("и",), "ja": ("と",), "ko": ("및",), "zh": ("和", "与", "與"),
    "ca": ("i",), "ro": ("și", "si"), "hr": ("i",), "sr": ("i",), "sl": ("in",),
}
_UNAMBIGUOUS = ("and", "und", "et", "og", "och", "ve", "và", "та", "és")
MAX_NAME_WORDS = 6
MAX_NAME = 60


def _conjunction_split(text: str, language: str | None) -> list[str]:
    words = set(_UNAMBIGUOUS) | set(_CONJUNCTIONS.get(language or "", ()))
    parts = [text]
    for word in sorted(words, key=len, reverse=True):
        spaced = not ("\u3040" <= word[0] <= "\u9fff" or "\uac00" <= word[0] <= "\ud7af")
        pattern = re.compile(rf"\s+{re.escape(word)}\s+" if spaced else re.escape(word),
                             re.IGNORECASE)
        out: list[str] = []
        for part in parts:
            pieces = pattern.split(part)
            # A one-letter conjunction (y, e, i, a) only between names of two words or more
            if len(word) == 1 and any(len(p.split()) < 2 for p in pieces):
                out.append(part)
            else:
                out.extend(pieces)
        parts = out
    return parts


def clean_name(raw: str) -> str | None:
    """One name without label, role, brackets, run-in date; None when it is not a name."""
    text = " ".join(_EMAIL.sub(" ", raw).split())
    if not text or _URL.search(text) or _SLUG.match(text) or _CREDIT.search(text):
        return None
    text = _BRACKETS.sub("", text)
    for _ in range(2):
        text = _LABEL.sub("", text).strip(" .,:;-–—|·•")
        text = _ROLE_HEAD.sub("", text)
    if m := _DATE_START.search(text):
        text = text[: m.start()]
    if _ROLE_ONLY.match(text.strip(" .,:;-–—|·•")):
        return None
    text = _ROLE_TAIL.sub("", text).strip(" .,:;-–—|·•")
    if not text.isascii():
        text = _GLUED_ROLE.sub("", text)
    if not 2 <= len(text) <= MAX_NAME or len(text.split()) > MAX_NAME_WORDS:
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text


def credit_parts(credit: str) -> list[str]:
    """A credit cut at its list separators (commas, semicolons, ``&``, ``/``), without its
    label and bracketed parts; nothing for a URL or a photo credit."""
    text = _BRACKETS.sub("", " ".join(_EMAIL.sub(" ", credit).split()))
    if not text or _URL.search(text) or _CREDIT.search(text):
        return []
    text = _LABEL.sub("", text)
    if m := _LATE_LABEL.search(text):  # "capital von Jemima Kelly": a brand before the label
        text = text[m.end():]
    return [p for p in _STRONG_SPLIT.split(text) if p.strip()]


def part_names(part: str, language: str | None = None) -> list[str]:
    """The names one part of a credit gives, split at conjunctions."""
    return [name for piece in _conjunction_split(part, language)
            if (name := clean_name(piece))]


def split_names(credit: str, language: str | None = None) -> list[str]:
    """The names one credit string gives, in order."""
    return [name for part in credit_parts(credit) for name in part_names(part, language)]


def name_key(name: str) -> str:
    """A name compared across sources: letters only, lower-cased ("sophie-foster" and
    "Sophie Foster" are one)."""
    return re.sub(r"[\W\d_]+", "", name.lower())
