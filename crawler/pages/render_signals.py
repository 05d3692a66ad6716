"""What a page's static HTML says about scripts that would build it: measured in the page scan.

Pure (lxml only). :func:`page_signals` reads one parsed page and says how much readable text it
has outside scripts and the site's chrome (capped: counting stops once the page has plenty),
whether it runs scripts, and what promises script-built content: an empty application root
(``#root``, ``#app``, ``#__next``...), serialized application state (``__NEXT_DATA__``,
``window.__INITIAL_STATE__``...), a ``<noscript>`` notice asking to enable JavaScript. The page
workers measure it only where the render decision needs it (``crawler.pages.pagescan``,
``crawler.extract.worker``): pages that are not articles, and articles whose extraction came out
empty or thin. An article page with its text costs nothing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

# Ids and attributes the common front-end frameworks mount their application on.
APP_ROOT_IDS = frozenset(("root", "app", "__next", "__nuxt", "___gatsby", "svelte", "app-root",
                          "react-root", "main-app", "application", "q-app", "ember-app"))
# one pass over the tree (a predicate per id value would cost three times as much)
_APP_ROOTS = etree.XPath("//body//*[@id or @data-reactroot or @ng-version or @ng-app "
                         "or @data-v-app or @data-server-rendered]")
_ROOT_ATTRIBUTES = ("data-reactroot", "ng-version", "ng-app", "data-v-app",
                    "data-server-rendered")
_EXECUTABLE = ("", "text/javascript", "application/javascript", "module", "text/ecmascript",
               "application/ecmascript")
_SCRIPTS = etree.XPath("//script")
_NOSCRIPT = etree.XPath("//noscript")
# Serialized state a server hands to a client-side application.
_STATE_IDS = ("__NEXT_DATA__", "__NUXT_DATA__", "__APOLLO_STATE__", "__REMIX_CONTEXT__")
_STATE_TEXT = re.compile(
    r"window\.(?:__(?:INITIAL|PRELOADED|APOLLO|NUXT|REDUX|APP|SERVER)_?\w*__|__NUXT__|"
    r"__remixContext)\s*=")
# "enable JavaScript" in the languages the crawler reads, and the common wordings of others.
_NOSCRIPT_NOTICE = re.compile(
    r"java\s*script|\bjs\b|javascript|скрипт", re.IGNORECASE)
_ENABLE = re.compile(
    r"enabl|turn\s+on|activat|allow|requir|need|must|включ|вмикн|увімкн|ввімкн|дозвол|"
    r"необх|потреб|aktivier|erforder|benötig|activ|habilit|attiv|abilit|włącz|wymag|zapn",
    re.IGNORECASE)
# Elements whose text is not the page's own content.
_NOT_CONTENT = frozenset(("script", "style", "noscript", "template", "nav", "header", "footer",
                          "aside", "svg", "head", "button", "select", "option", "form"))


@dataclass(frozen=True, slots=True)
class RenderSignals:
    """One page's evidence for the render decision (``crawler.render.render_policy``)."""

    text_chars: int  # readable characters outside scripts and chrome, counted up to a cap
    scripts: int  # executable <script> elements (inline or src)
    links: int  # links the scan found (in scope)
    app_root: bool  # an application root element with almost no text of its own
    state: bool  # serialized application state for a client-side application
    noscript_notice: bool  # a <noscript> asking the reader to enable JavaScript
    article_url: bool  # the URL has an article's shape (the site's links promise an article)

    @property
    def promise(self) -> str | None:
        """The strongest sign that scripts build the page's content, if any."""
        if self.app_root:
            return "app_shell"
        if self.state:
            return "script_state"
        if self.noscript_notice:
            return "noscript_notice"
        return None

    def to_tuple(self) -> tuple[int, int, int, bool, bool, bool, bool]:
        """Compact form (it travels from the page workers with each scan)."""
        return (self.text_chars, self.scripts, self.links, self.app_root, self.state,
                self.noscript_notice, self.article_url)


def text_chars(root: Any, cap: int) -> int:
    """Readable characters under ``root`` outside scripts, styles, templates and the site's
    chrome (nav, header, footer, aside), whitespace runs counted once; stops at ``cap``."""
    count = 0
    stack = [root]
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            if el.tail:
                count += len(" ".join(el.tail.split()))
            continue
        if tag in _NOT_CONTENT:
            if el is not root and el.tail:
                count += len(" ".join(el.tail.split()))
            continue
        if el.text:
            count += len(" ".join(el.text.split()))
        if el is not root and el.tail:
            count += len(" ".join(el.tail.split()))
        if count >= cap:
            return cap
        stack.extend(reversed(el))
    return min(count, cap)


def _executable(script: Any) -> bool:
    kind = (script.get("type") or "").strip().lower()
    return kind in _EXECUTABLE


def _state(scripts: list[Any]) -> bool:
    for script in scripts:
        if script.get("id") in _STATE_IDS:
            return True
        text = script.text
        if text and _STATE_TEXT.search(text[:400]):
            return True
    return False


def _empty_root(candidates: list[Any]) -> bool:
    """True when a page's application root holds (almost) no readable text of its own."""
    roots = (el for el in candidates if el.get("id") in APP_ROOT_IDS
             or any(a in el.attrib for a in _ROOT_ATTRIBUTES))
    return any(text_chars(root, 40) < 40 for root in roots)


def _notice(noscripts: list[Any]) -> bool:
    for element in noscripts:
        text = " ".join(" ".join(element.itertext()).split())
        if text and len(text) < 600 and _NOSCRIPT_NOTICE.search(text) and _ENABLE.search(text):
            return True
    return False


def script_count(tree: Any) -> int:
    """The executable scripts of a parsed page."""
    return sum(1 for s in _SCRIPTS(tree) if _executable(s))


def page_signals(tree: Any, links: int, article_url: bool, cap: int = 200,
                 scripts: int | None = None) -> RenderSignals:
    """The render evidence of a parsed page (``links``: how many in-scope links its scan found;
    ``article_url``: whether its URL looks like an article's; ``scripts``: its executable
    scripts when counted before the tree was cleaned)."""
    body = tree.find("body") if tree.tag == "html" else None
    elements = _SCRIPTS(tree)
    return RenderSignals(
        text_chars=text_chars(body if body is not None else tree, cap),
        scripts=scripts if scripts is not None else sum(1 for s in elements if _executable(s)),
        links=links,
        app_root=_empty_root(_APP_ROOTS(tree)),
        state=_state(elements),
        noscript_notice=_notice(_NOSCRIPT(tree)),
        article_url=article_url,
    )
