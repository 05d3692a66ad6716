"""One page-worker pool per process, shared by every crawler that runs in it.

Crawlers of several sites may run in one process, on one reactor. Page work is CPU work, so
they share one pool of workers rather than starting one each: the first crawler to
:func:`acquire` it starts it (with its number of workers), each acquire is counted, and the
pool closes when the last crawler :func:`release`\\ s it. A crawler alone starts it when it
opens and closes it when it closes, as a pool of its own would be. Each crawler tells the
workers what they need of it with :meth:`ProcessPool.broadcast` under a key of its own (its
scan scope: ``crawler.pageworkers.page_workers``).

The workers are processes of the forkserver with the process's lifeline
(``crawler.pageworkers.parent_death``): none outlives the process, even when it is killed.
This module's state is the process's, by design: it is what the crawlers share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from crawler.pageworkers.parent_death import stop_helpers, worker_context
from crawler.pageworkers.pool import ProcessPool

logger = logging.getLogger(__name__)

_pool: ProcessPool | None = None
_users = 0


def acquire(workers: int, initializer: Callable[..., Any] | None = None) -> ProcessPool:
    """The process's pool, started with ``workers`` processes (each running ``initializer``)
    by its first user; one more user counted."""
    global _pool, _users
    if _pool is None or _pool.closed:
        _pool, _users = ProcessPool(workers, worker_context(), initializer=initializer), 0
    elif workers != _pool.size:
        logger.info("page workers: %d running for this process's crawls (%d asked)",
                    _pool.size, workers)
    _users += 1
    return _pool


def release(pool: ProcessPool) -> None:
    """One user fewer; the pool closes when its last user releases it."""
    global _pool, _users
    if pool is not _pool:
        pool.close()  # not the shared one (started before a reset): its user's alone
        return
    _users -= 1
    if _users <= 0:
        _pool, _users = None, 0
        pool.close()
        stop_helpers()  # the forkserver and resource tracker end with the last pool


def users() -> int:
    """How many crawlers use the process's pool now."""
    return _users if _pool is not None else 0
