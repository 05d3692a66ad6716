"""Unseen news sites: a blind test fixture of six CMS styles, with ground truth.

Pure generation (no Scrapy, no Twisted). ``build_sites()`` makes the sites in-process;
``serve_unseen_sites()`` serves each on its own loopback origin with a simulated clock::

    with serve_unseen_sites() as sites:
        for running in sites:
            print(running.url, len(running.site.gold()))

``python -m fixture_site.unseen --port-base 8300`` serves them until Ctrl-C.
"""

from fixture_site.unseen.model import GoldArticle, SiteSpec, Story
from fixture_site.unseen.server import RunningSite, SimClock, serve_unseen_sites
from fixture_site.unseen.site import Response, UnseenSite
from fixture_site.unseen.sites import THEMES, build_sites
from fixture_site.unseen.zones import ZONES, Zone

__all__ = [
    "THEMES",
    "ZONES",
    "GoldArticle",
    "Response",
    "RunningSite",
    "SimClock",
    "SiteSpec",
    "Story",
    "UnseenSite",
    "Zone",
    "build_sites",
    "serve_unseen_sites",
]
