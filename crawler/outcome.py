"""How a crawl ended: the finish reasons that count as a crawl that ran to its end.

A leaf module (no imports of the crawler's own): the exit code (``crawler.commands.run``), the
monitors, the webhook and ``crawler ls`` all judge a finish reason by this one set.
"""

from __future__ import annotations

# A crawl its own budget stopped (--max-items, --max-pages, --deadline) ran to its end too.
OK_FINISH_REASONS = frozenset({"finished", "closespider_itemcount", "closespider_pagecount",
                               "closespider_timeout"})
