"""Processes the crawler starts end with it, even when it is killed with SIGKILL.

A crawler killed by ``kill -9``, the OOM killer or a lost container runs no cleanup, and its
helpers would live on: the page workers wait for work on a queue whose pipe they hold both ends
of, multiprocessing's forkserver waits for the workers (they hold its "alive" pipe), and the
resource tracker waits for both. So each page worker watches a lifeline: a pipe whose only
writing end stays in the crawler. When the crawler dies, the kernel closes that end, the worker
reads an end of file and exits; with the last worker gone the forkserver and the resource
tracker see their own ends of file and exit too. The watch starts in the worker after
multiprocessing has set up its paths, so the worker imports the crawler's own code, not what
the forkserver's environment would find.

``crawler replay`` gives pywb a parent-death signal instead (``prctl(PR_SET_PDEATHSIG)`` on
Linux; nothing elsewhere): :func:`die_with_parent_preexec` for ``subprocess.Popen``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe
from multiprocessing.context import ForkServerContext, ForkServerProcess
from typing import Any

PR_SET_PDEATHSIG = 1
_LIFELINE: tuple[Connection, Connection] | None = None  # (reader, writer), in the crawler


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


def lifeline() -> Connection:
    """The reading end of this process's lifeline (made on first use); its writing end never
    leaves this process, so readers elsewhere see an end of file when it dies."""
    global _LIFELINE
    if _LIFELINE is None or _LIFELINE[0].closed:
        _LIFELINE = Pipe(duplex=False)
    return _LIFELINE[0]


def watch(line: Connection) -> threading.Thread:
    """In a child: end this process as soon as ``line`` reports that its writer is gone."""

    def wait() -> None:
        with contextlib.suppress(EOFError, OSError):
            line.recv_bytes()  # nothing is ever sent: this returns at the end of file
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=wait, name="crawler-lifeline", daemon=True)
    thread.start()
    return thread


class LifelineProcess(ForkServerProcess):
    """A forkserver process that ends when the process that started it dies."""

    def start(self) -> None:
        self._lifeline = lifeline()
        super().start()

    def run(self) -> Any:
        watch(self._lifeline)
        return super().run()


class LifelineContext(ForkServerContext):
    """The forkserver start method, with :class:`LifelineProcess` processes."""

    Process = LifelineProcess


def stop_helpers() -> None:
    """Stop multiprocessing's forkserver and resource tracker now (when the last pool of the
    process has closed), so they are gone when the crawler exits, not a moment later when they
    notice it. They start again if another pool is made. Their ``_stop`` is what CPython's own
    tests use; on a Python without it the lifeline still ends them."""
    from multiprocessing import forkserver, resource_tracker

    for helper in (getattr(forkserver, "_forkserver", None),
                   getattr(resource_tracker, "_resource_tracker", None)):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            with contextlib.suppress(OSError, ChildProcessError):
                stop()


def worker_context() -> LifelineContext:
    """The multiprocessing context of the page workers (``crawler.pageworkers.page_workers``)."""
    return LifelineContext()
