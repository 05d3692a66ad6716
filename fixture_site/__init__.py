"""The fixture news site: a deterministic bilingual imitation of vsedelo.com for tests.

``FixtureSite`` renders any page in-process; ``start_server`` serves it on loopback.
"""

from fixture_site.responses import Response
from fixture_site.server import RunningServer, run_site, start_server
from fixture_site.site import DEFAULT_NOW, FixtureSite, SiteState

__all__ = [
    "DEFAULT_NOW",
    "FixtureSite",
    "Response",
    "RunningServer",
    "SiteState",
    "run_site",
    "start_server",
]
