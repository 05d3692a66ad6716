"""The --render auto rule on real markup patterns: what a page's static HTML says decides, and
pages with their content (or without scripts) are never sent to a browser."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from crawler.pages.pagescan import ScanScope, scan_html
from crawler.pages.profiles import GENERIC
from crawler.pages.render_signals import page_signals, text_chars
from crawler.pages.site import site_for
from crawler.render.render_policy import (
    RenderLedger,
    RenderMode,
    RenderPolicy,
    compile_patterns,
    gained,
)

URL = "https://news.example/world/2025/11/28/leaders-split-over-the-harbour-plan"
LISTING = "https://news.example/world/"
PROSE = ("The harbour authority approved the plan on Tuesday after months of debate. "
         "Residents of the old quarter said the work would cut them off from the water. ") * 6
NAV = "<header><nav>" + "".join(f'<a href="/s{i}/">Section {i}</a>' for i in range(12)) \
      + "</nav></header>"
APP = "<script defer src='/static/app.js'></script>"


def page(body: str, head: str = APP) -> bytes:
    return f"<!DOCTYPE html><html><head><title>T</title>{head}</head><body>{body}</body></html>" \
        .encode()


def decide(body: bytes, url: str = URL, policy: RenderPolicy | None = None,
           article_chars: int | None = None) -> str | None:
    site = site_for(url, GENERIC, ())
    scope = ScanScope(GENERIC, site.hosts, site=site, render_probe=200)
    scan = scan_html(body, url, scope)
    return (policy or RenderPolicy()).reason(url, scan.is_article, scan.render, article_chars)


def test_an_empty_application_root_is_rendered() -> None:
    assert decide(page(NAV + '<div id="root"></div><footer>© News</footer>')) == "app_shell"
    assert decide(page(NAV + '<div id="__next"></div>'), LISTING) == "app_shell"
    assert decide(page('<div id="app" data-v-app></div>'), LISTING) == "app_shell"


def test_serialized_application_state_is_rendered() -> None:
    body = page('<main class="x"></main><script id="__NEXT_DATA__" type="application/json">'
                '{"props":{}}</script>')
    assert decide(body, LISTING) == "script_state"
    inline = page("<div class='shell'></div><script>window.__INITIAL_STATE__ = {};</script>")
    assert decide(inline, LISTING) == "script_state"


def test_a_noscript_notice_on_an_empty_page_is_rendered() -> None:
    for notice in ("You need to enable JavaScript to run this app.",
                   "Для роботи сайту увімкніть JavaScript", "Bitte aktivieren Sie JavaScript."):
        body = page(f"<div class='page'></div><noscript>{notice}</noscript>")
        assert decide(body, LISTING) == "noscript_notice", notice


def test_pages_with_their_content_are_not_rendered() -> None:
    # an article with its text, scripts and a Disqus notice: the server sent the article
    article = page(NAV + f'<div id="app"><article><h1>Harbour</h1><p>{PROSE}</p></article></div>'
                   "<noscript>Please enable JavaScript to view the comments powered by Disqus."
                   "</noscript>")
    assert decide(article, article_chars=len(PROSE)) is None
    # a listing with its list, an empty widget root elsewhere
    items = "".join(f'<li><a href="/world/2025/11/{i}/some-long-story-slug-{i}">Story number {i} '
                    f"about the harbour plan and the city</a></li>" for i in range(15))
    assert decide(page(NAV + f"<main><ul>{items}</ul></main><div id='root'></div>"),
                  LISTING) is None


def test_pages_without_scripts_are_never_rendered() -> None:
    assert decide(page('<div id="root"></div>', head=""), LISTING) is None
    assert decide(page("<p>x</p>", head="<script type='application/ld+json'>{}</script>"),
                  article_chars=0) is None


def test_an_article_whose_body_came_out_empty_is_rendered() -> None:
    body = page(NAV + '<article><h1>Harbour</h1><div class="body" data-src="/api/1"></div>'
                "</article>", head=APP + '<meta property="og:type" content="article">')
    assert decide(body, article_chars=0) == "empty_article"
    assert decide(body, article_chars=40) == "empty_article"
    assert decide(body, article_chars=2000) is None


def test_weak_signs_need_an_article_url_or_a_listing_without_links() -> None:
    assert decide(page("<div class='content'></div>")) == "article_url_without_text"
    assert decide(page("<div class='content'></div>"), LISTING) == "listing_without_links"
    # a short static page with its menu: links and no sign of an application
    assert decide(page(NAV + "<main><p>Contact us at the desk.</p></main>"), LISTING) is None


def test_modes_and_patterns() -> None:
    shell = page('<div id="root"></div>')
    static = page(NAV + f"<article><p>{PROSE}</p></article>")
    never = RenderPolicy(mode=RenderMode.NEVER,
                         always=compile_patterns([r"/world/"], "RENDER_ALWAYS"))
    assert decide(shell, policy=never) is None  # never means never, patterns included
    always = RenderPolicy(mode=RenderMode.ALWAYS)
    assert decide(static, policy=always, article_chars=len(PROSE)) == "always"
    patterns = RenderPolicy(always=compile_patterns([r"/world/20\d\d/"], "RENDER_ALWAYS"),
                            never=compile_patterns([r"/live/"], "RENDER_NEVER"))
    assert decide(static, policy=patterns, article_chars=len(PROSE)) == "pattern"
    assert decide(shell, "https://news.example/live/feed", policy=patterns) is None
    assert RenderMode.parse(" Auto ") is RenderMode.AUTO
    with pytest.raises(ValueError, match="auto, always or never"):
        RenderMode.parse("sometimes")
    with pytest.raises(ValueError, match="RENDER_NEVER"):
        compile_patterns(["(unclosed"], "RENDER_NEVER")


def test_the_ledger_stops_a_reason_that_gains_nothing() -> None:
    ledger = RenderLedger(give_up_after=3)
    assert not ledger.note("noscript_notice", gained=False)
    assert not ledger.note("noscript_notice", gained=False)
    assert ledger.note("noscript_notice", gained=False)  # now fruitless: said once
    assert not ledger.allows("noscript_notice")
    assert ledger.allows("app_shell") and ledger.allows("always")
    ledger.note("app_shell", gained=True)
    for _ in range(5):
        ledger.note("app_shell", gained=False)
    assert ledger.allows("app_shell")  # it gained once: it keeps its renders


def test_gain() -> None:
    assert gained(2, 30, None, None, False, 200)  # the list appeared
    assert gained(2, 2, 0, 1500, False, 200)  # the article body appeared
    assert gained(2, 2, None, None, True, 200)  # it became an article
    assert not gained(12, 13, 900, 950, False, 200)


def test_text_count_leaves_out_chrome_and_scripts_and_stops_at_the_cap() -> None:
    tree = lxml_html.fromstring(page(NAV + "<script>var x = 'not text at all, really';</script>"
                                     "<footer>All rights reserved, every one of them.</footer>"
                                     "<main>Hello   world</main>").decode())
    assert text_chars(tree.find("body"), 1000) == len("Hello world")
    assert text_chars(lxml_html.fromstring(page(f"<p>{PROSE}</p>").decode()), 50) == 50
    signals = page_signals(tree, links=12, article_url=False)
    assert signals.scripts == 2 and not signals.app_root and signals.links == 12


def test_the_pure_render_modules_load_no_scrapy_twisted_or_playwright() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\n"
            "import crawler.render.render_policy, crawler.pages.render_signals\n"
            "import crawler.render.render_settings, crawler.render.conversion\n"
            "import crawler.render.procs, crawler.pages.pagescan, crawler.extract.worker\n"
            "loaded = {m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted', "
            "'playwright'}\n"
            "assert not loaded, sorted(loaded)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
