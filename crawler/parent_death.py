"""Processes the crawler starts end with it, even when it is killed with SIGKILL.

A crawler killed by ``kill -9``, the OOM killer or a lost container runs no cleanup, and its
helpers would live on: multiprocessing's forkserver and the page workers it forked each hold
the other's pipes open, so none of them ever sees an end of file, and multiprocessing's
resource tracker waits for them. On Linux each helper asks the kernel for a parent-death
signal (``prctl(PR_SET_PDEATHSIG)``): the forkserver when its parent, the crawler, dies; every
page worker when the forkserver dies; pywb (``crawler replay``) when the command dies. The
resource tracker exits by itself once the last of them is gone. Elsewhere this does nothing.

:func:`worker_context` is the multiprocessing context of the page workers
(``crawler.pageworkers``); :func:`die_with_parent_preexec` is for ``subprocess.Popen``.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.context import BaseContext

PR_SET_PDEATHSIG = 1
PARENT_ENV = "CRAWLER_FORKSERVER_PARENT"  # the crawler's pid, for the forkserver's check
FORKSERVER_PRELOAD = "crawler.forkserver_lifeline"


def die_with_parent(parent: int | None = None, sig: int = signal.SIGTERM) -> bool:
    """Have the kernel send ``sig`` to this process when its parent dies; True when it will.

    ``parent`` is the pid the parent had: if it died before the request was made (this process
    was already adopted), the signal is sent now.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), sig)
    return True


def die_with_parent_preexec(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child ends when this process dies."""
    parent = os.getpid()

    def preexec() -> None:
        die_with_parent(parent, sig)

    return preexec


def worker_context() -> BaseContext:
    """The forkserver context for the page workers: the forkserver preloads
    ``crawler.forkserver_lifeline``, so it dies with this process and its workers with it."""
    context = multiprocessing.get_context("forkserver")
    os.environ[PARENT_ENV] = str(os.getpid())
    context.set_forkserver_preload(["__main__", FORKSERVER_PRELOAD])
    return context
