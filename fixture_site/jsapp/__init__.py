"""A fixture news site built by JavaScript (``crawler.render`` tests and ``bench/render.py``).

Article pages and the home page are application shells filled from a JSON API by a script; the
home page's list loads more on scroll; images load lazily; a print section is server-rendered, so
``--render auto`` must choose. ``fixture_site.jsapp.content.truth`` is what a crawl must write.
"""

from fixture_site.jsapp.server import JsAppSite, RunningJsApp, serve_jsapp

__all__ = ["JsAppSite", "RunningJsApp", "serve_jsapp"]
