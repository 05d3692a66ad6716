"""Imported only in the page workers' forkserver (its preload, ``crawler.parent_death``).

The forkserver ends when the crawler that started it dies, and every process it forks (the
page workers) ends when the forkserver dies, so a crawler killed with SIGKILL leaves none of
them behind.
"""

from __future__ import annotations

import os

from crawler.parent_death import PARENT_ENV, die_with_parent

_crawler = int(os.environ.get(PARENT_ENV) or 0) or None
die_with_parent(_crawler)
_forkserver = os.getpid()
os.register_at_fork(after_in_child=lambda: die_with_parent(_forkserver))
