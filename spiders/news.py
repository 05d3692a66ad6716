"""``news``: a generic spider for any news site given ``-a url=https://site/``."""

from __future__ import annotations

from crawler.pages.profiles import GENERIC
from spiders.base import NewsSiteSpider


class NewsSpider(NewsSiteSpider):
    """Any news site (--url https://site/): robots.txt, sitemaps, RSS/Atom feeds and links.

    Discovery: robots.txt → sitemaps and news sitemaps, RSS/Atom autodiscovery, in-site links.
    Articles are told from listings by markup (og:type, JSON-LD NewsArticle, article meta) and
    URL shape, since no profile says how the site spells its URLs.
    """

    name = "news"
    profile = GENERIC
