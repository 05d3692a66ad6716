"""What the JavaScript fixture site serves: the application shell and its script, the JSON API,
server-rendered pages of the print section, images, robots.txt.

The shell is the same for every application route (``/``, ``/news/<id>-<slug>``), as a
single-page application's is: a header with the site's menu, an empty ``<div id="root">``, a
``<noscript>`` notice, and ``/assets/app.js``, which reads the path, fetches the API with
root-relative URLs (which pywb's client-side rewriting redirects into the archive) and builds the
page: the article (headline, byline, ``<time datetime>``, paragraphs, a lazy image, related
links) or the latest-articles list, which loads its next page when its end scrolls into view.
"""

from __future__ import annotations

import base64
import html
import json

from fixture_site.jsapp.content import Article

SITE_NAME = "Rhine Courier"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

_HEADER = (f'<header class="masthead"><a class="brand" href="/">{SITE_NAME}</a><nav>'
           '<a href="/">Latest</a> <a href="/print/">Print edition</a></nav></header>')
_FOOTER = f"<footer><p>&copy; 2025 {SITE_NAME}. All rights reserved.</p></footer>"

APP_SHELL = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{SITE_NAME}</title>
<link rel="stylesheet" href="/assets/app.css">
<script defer src="/assets/app.js"></script>
</head><body>{_HEADER}
<div id="root"></div>
<noscript>You need to enable JavaScript to read {SITE_NAME}.</noscript>
{_FOOTER}</body></html>
"""

APP_JS = r"""
(function () {
  var root = document.getElementById('root');
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function human(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: 'numeric',
                                          timeZone: 'Europe/Berlin'}) + ', ' +
      d.toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit',
                                     timeZone: 'Europe/Berlin'});
  }
  var lazy = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { e.target.src = e.target.dataset.src; lazy.unobserve(e.target); }
    });
  });
  function article(id) {
    fetch('/api/articles/' + id).then(function (r) { return r.json(); }).then(function (a) {
      document.title = a.title + ' | RHINE';
      var art = el('article', {'class': 'story'});
      art.appendChild(el('h1', {}, a.title));
      var by = el('p', {'class': 'byline'}, 'By ');
      by.appendChild(el('span', {'class': 'author'}, a.author));
      by.appendChild(document.createTextNode(' \u00b7 '));
      by.appendChild(el('time', {datetime: a.published}, human(a.published)));
      art.appendChild(by);
      var fig = el('figure', {});
      var img = el('img', {'data-src': a.image, alt: '', width: '640', height: '360',
                           'class': 'lazy'});
      fig.appendChild(img);
      a.paragraphs.forEach(function (p, i) {
        art.appendChild(el('p', {}, p));
        if (i === 0) art.appendChild(fig);
      });
      root.appendChild(art);
      lazy.observe(img);
      var aside = el('aside', {'class': 'related'});
      aside.appendChild(el('h2', {}, 'Related'));
      a.related.forEach(function (r) {
        var link = el('a', {href: r.url}, r.title);
        var item = el('div', {}); item.appendChild(link); aside.appendChild(item);
      });
      root.appendChild(aside);
    });
  }
  function listing() {
    var list = el('ul', {'class': 'latest'});
    var sentinel = el('div', {'class': 'more'}, 'Loading\u2026');
    root.appendChild(el('h1', {}, 'Latest news'));
    root.appendChild(list);
    root.appendChild(sentinel);
    var next = '/api/list?page=1', busy = false;
    function load() {
      if (!next || busy) return;
      busy = true;
      fetch(next).then(function (r) { return r.json(); }).then(function (page) {
        page.items.forEach(function (it) {
          var li = el('li', {});
          li.appendChild(el('a', {href: it.url}, it.title));
          li.appendChild(el('p', {}, it.teaser));
          list.appendChild(li);
        });
        next = page.next; busy = false;
        if (!next) sentinel.textContent = 'No more stories.';
        watch.unobserve(sentinel); watch.observe(sentinel);  // still in view: load on
      });
    }
    var watch = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) load();
    });
    watch.observe(sentinel);
  }
  var m = location.pathname.match(/^\/news\/(\d+)-/);
  if (m) article(m[1]); else listing();
})();
"""

APP_CSS = """body{font-family:sans-serif;margin:0 auto;max-width:760px;padding:0 1em}
.masthead{display:flex;gap:2em;align-items:baseline;border-bottom:1px solid #ccc}
.brand{font-size:1.6em;font-weight:bold}.byline{color:#555}
.latest li{margin:0 0 2em;min-height:260px}figure img{background:#eee;max-width:100%}
.more{height:300px}footer{color:#777;margin-top:3em}
"""

SITE_JS = """document.addEventListener('DOMContentLoaded', function () {
  document.body.classList.add('js');
});
"""


def print_article(article: Article) -> str:
    """A server-rendered article page of the print section."""
    esc = html.escape
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    when = article.published
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(article.title)} | {SITE_NAME}</title>
<link rel="stylesheet" href="/assets/app.css"><script src="/assets/site.js"></script>
<meta property="og:type" content="article"><meta property="og:title" content="{esc(article.title)}">
</head><body>{_HEADER}
<main><article><h1>{esc(article.title)}</h1>
<p class="byline">By <span class="author">{esc(article.author)}</span> &middot;
<time datetime="{when.isoformat()}">{when:%d %B %Y, %H:%M}</time></p>
<figure><img src="{article.image}" alt="" width="640" height="360"></figure>
{paragraphs}
</article></main>
<noscript>Enable JavaScript for the comments.</noscript>
{_FOOTER}</body></html>
"""


def print_index(articles: list[Article]) -> str:
    """The print section's server-rendered index."""
    items = "\n".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a>'
                      f"<p>{html.escape(a.teaser)}</p></li>" for a in articles)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Print edition | {SITE_NAME}</title>
<link rel="stylesheet" href="/assets/app.css"><script src="/assets/site.js"></script>
</head><body>{_HEADER}
<main><h1>Print edition</h1><ul>{items}</ul></main>
{_FOOTER}</body></html>
"""


def as_json(data: object) -> bytes:
    """A JSON API body."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def sitemap(articles: list[Article], origin: str) -> str:
    """A sitemap of every article."""
    urls = "".join(f"<url><loc>{origin}{a.path}</loc><lastmod>{a.published.isoformat()}"
                   "</lastmod></url>" for a in articles)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')
