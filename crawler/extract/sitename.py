"""The names a site goes by, and titles without them.

A site names itself in its ``og:site_name`` and JSON-LD ``publisher``, and by its host with or
without the public suffix (``STERN.de``, ``Express.co.uk``, ``AP News`` for apnews.com). Titles
in metadata carry that name at their end or start (`` | Example News``, ``Site - ``); credits
name the publisher when nobody signed (:mod:`crawler.extract.authors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+")
# A separator a template left at the end when the site's name was empty ("Headline -"); one
# at the start stays: Scandinavian headlines open a quote with a dash ("- Angsten vil øke")
_DANGLING = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)$")
_NOT_WORD = re.compile(r"[\W_]+")
_SECOND_LEVEL = frozenset(("co", "com", "org", "net", "gov", "ac", "or", "ne", "go", "edu"))
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def word_key(text: str) -> str:
    """Letters and digits only, lower-cased: the same words however they are punctuated."""
    return _NOT_WORD.sub("", text.lower())


def site_keys(site: str | None, publisher: str | None = None, url: str | None = None,
              suffixes: Iterable[str] = ()) -> set[str]:
    """Keys (:func:`word_key`) of the names the site goes by: its ``og:site_name``, its JSON-LD
    publisher, its host with and without the public suffix, a profile's suffixes."""
    keys = {word_key(name) for name in (site, publisher, *suffixes) if name}
    host = (urlsplit(url).hostname or "") if url else ""
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    labels = host.split(".")
    if len(labels) >= 2:
        keys.add(word_key(host))
        name = labels[-3] if labels[-2] in _SECOND_LEVEL and len(labels) >= 3 else labels[-2]
        keys.add(word_key(name))
    return {k for k in keys if len(k) >= 2}


def _is_site(part: str, keys: set[str]) -> bool:
    found = word_key(part)
    return bool(found) and (found in keys or any(
        len(k) >= 4 and k in found and len(found) <= len(k) + 8 for k in keys))


def strip_site(title: str, suffixes: Iterable[str] = (), site: str | None = None,
               keys: set[str] | None = None, *, guess: bool = True) -> str:
    """A title without the site's name at its end or start (`` | Все Дело``, ``Site - ``).
    ``guess``: with no known name found, a short last part after a separator is taken for
    it (``<title>`` ends that way). A separator left at the end by a template whose site name
    was empty goes too (``Headline -``)."""
    title = _DANGLING.sub("", " ".join(title.split()))
    for suffix in suffixes:
        if suffix and title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    keys = keys if keys is not None else site_keys(site)
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATORS.findall(title)
    start, end = 0, len(parts)
    while end - start > 1 and _is_site(parts[end - 1], keys):
        end -= 1
    while end - start > 1 and _is_site(parts[start], keys):
        start += 1
    if (start, end) != (0, len(parts)):
        return "".join(p + (seps[i] if i < end - 1 else "")
                       for i, p in enumerate(parts[start:end], start)).strip()
    if guess and len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3:
        return title[: title.rfind(seps[-1])].strip()
    return title
