"""Author names from the strings a page credits its authors with: a byline ("Von Anna Schmidt
und Jan Berg, Reporter"), an author meta tag, a JSON-LD name.

A credit is cut into names at commas, semicolons, ampersands, slashes and the conjunctions of
the page's language ("und", "og", "och", "y", "ve", "và"…; a one-letter one only between two
names of two words or more). From each name go: a leading label ("By", "Von", "Par",
"Autor:", any short one before a colon: "Interview: "), a role after or before it ("Senior
Reporter", "Redakteurin", "기자", "記者"), what is in brackets (initials, an agency: "Elena
Oberholzer (obe)"), a date run into it
("… June 19") with the words leading into it ("lupa am 12.03.", "Tomas Spahn Fr, 18. Oktober",
"… Stand: …", "… Hace 2 horas"; digits glued to a user name are no date: "freeman1984"),
e-mail addresses and handles; entities are decoded. Never a name: a date line's label alone
("Posted on", "Veröffentlicht am", "Published by"), a URL, a host name, a slug
("sophie-foster"), a photo credit ("Image: Getty Images", "iStockphoto"), a role alone, what a
CMS fills in when nobody is credited ("admin", "Super User", "Unknown", "anónimo"), a company
by its legal form ("wegewerk GmbH", "NATURSTROM AG": the site's operator), a copyright line.
Pure string functions; the sources are read in :mod:`crawler.extract.authors`.
"""

from __future__ import annotations

import functools
import re

from crawler.dates.words import DATE_LINE_WORDS, MONTH_RE, WEEKDAYS
from crawler.html.tree import unescape_text

_LABEL = re.compile(
    r"^(?:(?:written|posted|published|reported|words|text|story|article|interview|compiled)"
    r"\s+by|(?:veröffentlicht|geschrieben|verfasst|publiziert|erstellt|gepostet)\s+von|"
    r"(?:publié|écrit|rédigé)\s+par|(?:publicado|escrito)\s+por|(?:pubblicato|scritto)\s+da|"
    r"by|von|vom|par|por|di|av|af|door|przez|від|автор(?:и|ы|ка)?|autor(?:in|en|ka|zy|es|a)?|"
    r"authors?|auteurs?|author\(s\)|text|texte|texto|tekst|текст|yazan|yazar|redacción|"
    r"escrito por|a cura di|reportage)(?!\w)\s*[:.]?\s*", re.IGNORECASE)
# Any short label before a colon ("Interview: Julia Lauter", "in: Korinna Hennig")
_ANY_LABEL = re.compile(r"^(?:\w+\s){0,2}\w+\s?:\s+(?=\w)")
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
# A date run into a credit: a month and a number, or a number not glued to letters
# ("freeman1984" is a user name)
_DIGIT = re.compile(r"\d")
_DATE_START = re.compile(r"(?:\b(?:" + MONTH_RE + r")\.?\s*\d|(?<!\w)\d)", re.IGNORECASE)
# Words that lead into a date run into a name ("lupa am 12.03.", "Tomas Spahn Fr 26. März",
# "Posted on June 3", "José Wilson Hace 2 horas"): when a date is cut, these go before it.
_DATE_LEAD = WEEKDAYS | DATE_LINE_WORDS | frozenset((
    "hace", "el", "den", "publiziert", "publicado", "publicada", "publié", "publiée",
    "pubblicato", "opublikowano", "geändert", "zuletzt", "aktualisiert"))
# The dot of an initial or of Jr./Sr. ends a name ("Joe S.", "Perry Bacon Jr.")
_KEPT_DOT = re.compile(r"(?:^|\s)(?:\w|jr|sr)\.$", re.IGNORECASE)
_URL = re.compile(r"https?:|www\.|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_CREDIT = re.compile(
    r"^(?:image|images|photo|photos|foto|fotos|bild|bilder|picture|pictures|credit|credits|"
    r"quelle|source|fuente|illustration|grafik|video)s?\s*[:/]|©|\(c\)|getty\s*images|"
    r"istock(?:photo)?|shutterstock|picture[\s-]alliance|imago|\bap photo\b|\bafp photo\b|"
    r"alamy|keystone|via reuters|/ reuters|^copyright\b", re.IGNORECASE)
# What a CMS fills in when nobody is credited: its account names and "no author" words
_PLACEHOLDER = re.compile(
    r"^(?:admin|administrator|wordpressadmin|webmaster|super\s*user|superuser|publisher|user|"
    r"unknown|no\s+author|anonymous|anonym|anónimo|anonyme|anonimo|null|none|n/a|"
    r"guest|gast|default|root)$", re.IGNORECASE)
# A company's legal form ends the name of the site's operator, never an author's (the short
# ones only as companies write them: "AG", "eG", not "Ag")
_LEGAL_FORM = re.compile(
    r"\s(?:(?i:gmbh|e\.\s?v|co\.?\s?kg|ltd|inc|llc|plc|corp|s\.a|s\.l|s\.r\.l|b\.v|n\.v|"
    r"s\.p\.a|sarl|pty)|AG|eG|KG|SE|AS|A/S|AB|Oy|SA|SAS|BV|NV)\.?$")
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


@functools.lru_cache(maxsize=64)
def _conjunctions(language: str | None) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(word, pattern) of the conjunctions a credit in ``language`` is cut at, longest first."""
    words = set(_UNAMBIGUOUS) | set(_CONJUNCTIONS.get(language or "", ()))
    out = []
    for word in sorted(words, key=lambda w: (-len(w), w)):
        spaced = not ("\u3040" <= word[0] <= "\u9fff" or "\uac00" <= word[0] <= "\ud7af")
        out.append((word, re.compile(rf"\s+{re.escape(word)}\s+" if spaced else re.escape(word),
                                     re.IGNORECASE)))
    return tuple(out)


def _conjunction_split(text: str, language: str | None) -> list[str]:
    parts = [text]
    for word, pattern in _conjunctions(language):
        if word not in text.lower():
            continue
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


def _before_date(text: str) -> str:
    """The text up to a date run into it, without the words that lead into the date."""
    # every date has a digit: testing for one first spares most names the months' regex
    m = _DATE_START.search(text) if _DIGIT.search(text) else None
    if not m:
        return text
    words = text[: m.start()].rstrip(" .,:;-–—|·•").split()
    while words and words[-1].lower().rstrip(".,:") in _DATE_LEAD:
        words.pop()
    return " ".join(words)


def clean_name(raw: str) -> str | None:
    """One name without label, role, brackets, run-in date; None when it is not a name."""
    text = " ".join(_EMAIL.sub(" ", unescape_text(raw)).split())
    if not text or _URL.search(text) or _SLUG.match(text) or _CREDIT.search(text):
        return None
    text = _BRACKETS.sub("", text)
    for _ in range(2):
        text = _LABEL.sub("", text).strip(" ,:;-–—|·•")
        text = _ROLE_HEAD.sub("", text)
        text = _ANY_LABEL.sub("", text)
    text = _before_date(text)
    if all(w.lower().rstrip(".,:") in _DATE_LEAD for w in text.split()):
        return None  # a date line's label alone: "Posted on", "Veröffentlicht am"
    if _ROLE_ONLY.match(text.strip(" .,:;-–—|·•")) or _PLACEHOLDER.match(text.strip(" .")):
        return None
    if _LEGAL_FORM.search(text.rstrip(" ,")):
        return None
    text = _ROLE_TAIL.sub("", text).strip(" ,:;-–—|·•")
    if text.endswith(".") and not _KEPT_DOT.search(text):
        text = text.rstrip(" .")
    text = text.lstrip(" .~*+>»")
    if not text.isascii():
        text = _GLUED_ROLE.sub("", text)
    if not 2 <= len(text) <= MAX_NAME or len(text.split()) > MAX_NAME_WORDS:
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text


def is_label(text: str) -> bool:
    """Whether ``text`` is a credit's label alone ("Autorin/Autor", "By", "Text:")."""
    text = text.strip(" :/|")
    if not any(ch.isalpha() for ch in text):
        return False
    while text:
        rest = _LABEL.sub("", text).strip(" :/|")
        if rest == text:
            return False
        text = rest
    return True


def credit_parts(credit: str) -> list[str]:
    """A credit cut at its list separators (commas, semicolons, ``&``, ``/``), without its
    label and bracketed parts; nothing for a URL or a photo credit."""
    text = _BRACKETS.sub("", " ".join(_EMAIL.sub(" ", unescape_text(credit)).split()))
    if not text or _URL.search(text) or _CREDIT.search(text):
        return []
    text = _before_date(_LABEL.sub("", text))
    # "capital von Jemima Kelly": a brand before the label, when a full name follows it; in
    # "Alexa von Heyden" the word is a name's particle
    if (m := _LATE_LABEL.search(text)) and len(_STRONG_SPLIT.split(text[m.end():])[0].split()) > 1:
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
