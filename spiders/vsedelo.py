"""``vsedelo``: the site profile for vsedelo.com (Ukrainian at ``/``, Russian at ``/ru/``).

Against a copy of the site (the fixture site) run it with ``-a url=http://127.0.0.1:PORT/``.
"""

from __future__ import annotations

from crawler.pages.profiles import VSEDELO
from spiders.base import NewsSiteSpider


class VsedeloSpider(NewsSiteSpider):
    """vsedelo.com, Ukrainian (/) and Russian (/ru/), Europe/Kyiv; --url for a copy.

    Articles are ``/news/<section>/<id>-<slug>.html``; the profile names the site's boilerplate
    blocks and date lines (``crawler.pages.profiles.VSEDELO``).
    """

    name = "vsedelo"
    profile = VSEDELO
    default_url = "https://vsedelo.com/"
