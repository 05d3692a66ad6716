"""A process pool for the reactor: no threads, each worker on its own socket in the event loop.

``concurrent.futures.ProcessPoolExecutor`` hands every task through two threads of the
crawler's process (a manager thread and a queue feeder), each waking the other and the event
loop with pipes and locks, all under the GIL the reactor needs: ``bench/components.py``
measured that hand-off at about 0.5 ms of the main process's CPU per article page. Here each
worker process has one socket pair; the event loop writes a task (a pickled call) without
blocking and reads the result when it arrives, with nothing else in between. A worker runs at
most ``max_in_flight`` tasks queued on its socket (two: while it works on one, the next is
there), the rest wait in the pool, so a big page never blocks the reactor on a full socket.

A worker that dies (a crash in a C library, the OOM killer) fails only the tasks it held with
:class:`WorkerDied` and is replaced; tasks still waiting go to the new one. What every worker
must know before its tasks (a crawl's scan scope) is :meth:`ProcessPool.broadcast`: sent to
each worker once, and to each worker started later. Workers ignore SIGINT (the crawler
finishes its pages on Ctrl-C and then closes them) and end when their socket closes, or with
the crawler's lifeline (``crawler.pageworkers.parent_death``). The crawlers of one process
share one pool (``crawler.pageworkers.shared_pool``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import socket
import struct
from collections import deque
from collections.abc import Callable
from multiprocessing.context import ForkServerContext, SpawnContext
from typing import Any

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!Q")
_READ = 1 << 18


class WorkerDied(Exception):
    """The worker holding a task ended before it answered."""


def _recv_exact(sock: socket.socket, size: int) -> bytearray | None:
    """``size`` bytes from ``sock``; None when the pool closed its end (a reset included)."""
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        try:
            n = sock.recv_into(view[got:])
        except (ConnectionResetError, BrokenPipeError):
            return None
        if n == 0:
            return None
        got += n
    return buf


def serve(sock: socket.socket, initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    """A worker process: answer each call read from ``sock`` in turn, until it closes (an
    answer the pool no longer reads, once it closed its end, ends the worker quietly)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
    while True:
        header = _recv_exact(sock, _HEADER.size)
        if header is None:
            return
        data = _recv_exact(sock, _HEADER.unpack(header)[0])
        if data is None:
            return
        fn, args = pickle.loads(data)
        try:
            answer = pickle.dumps((True, fn(*args)), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the caller gets it; the worker goes on
            try:
                answer = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
            except Exception:
                answer = pickle.dumps((False, RuntimeError(repr(exc))))
        try:
            sock.sendall(_HEADER.pack(len(answer)) + answer)
        except (BrokenPipeError, ConnectionResetError):
            return


class _Worker:
    """One worker process and the pool's end of its socket."""

    def __init__(self, pool: ProcessPool) -> None:
        ours, theirs = socket.socketpair()
        self.process = pool.context.Process(target=serve, daemon=True, name="page-worker",
                                            args=(theirs, pool.initializer, pool.initargs))
        self.process.start()
        theirs.close()
        ours.setblocking(False)
        self.sock = ours
        self.fd = ours.fileno()
        self.waiting: deque[asyncio.Future] = deque()  # sent, not answered, in order
        self.out: deque[memoryview] = deque()  # bytes not written yet
        self.inbox = bytearray()
        self.alive = True


class ProcessPool:
    """``workers`` processes of ``context`` (each starting with ``initializer(*initargs)``);
    :meth:`run` a picklable call in one of them from the event loop's thread."""

    def __init__(self, workers: int, context: ForkServerContext | SpawnContext,
                 initializer: Callable[..., Any] | None = None, initargs: tuple = (),
                 max_in_flight: int = 2) -> None:
        self.size = max(1, workers)
        self.context = context
        self.initializer, self.initargs = initializer, initargs
        self.max_in_flight = max(1, max_in_flight)
        try:
            self.loop = asyncio.get_running_loop()
        except RuntimeError:  # built before the reactor runs: the loop it will run
            self.loop = asyncio.get_event_loop()
        self.queue: deque[tuple[asyncio.Future, bytes]] = deque()
        self.setups: dict[str, bytes] = {}  # broadcast calls, by key, for workers started later
        self.workers: list[_Worker] = []
        self.replaced = 0  # workers started again after one died
        self.closed = False
        for _ in range(self.size):
            self._start_worker()

    def run(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """A future of ``fn(*args)`` run in a worker; :class:`WorkerDied` if its worker ends
        before answering."""
        if self.closed:
            raise RuntimeError("the process pool is closed")
        future = self.loop.create_future()
        self.queue.append((future, pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)))
        self._dispatch()
        return future

    def broadcast(self, key: str, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` once in every worker, ahead of the calls :meth:`run` is given after
        it, and in every worker started later, until :meth:`forget` ``key``."""
        if self.closed:
            raise RuntimeError("the process pool is closed")
        data = self.setups[key] = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        for worker in self.workers:
            if worker.alive:
                self._write(worker, _unawaited(self.loop), data)

    def forget(self, key: str, fn: Callable[..., Any] | None = None, *args: Any) -> None:
        """Workers started from now on skip ``key``'s :meth:`broadcast`; ``fn(*args)`` runs once
        in each live worker (to undo it)."""
        self.setups.pop(key, None)
        if fn is None or self.closed or self.loop.is_closed():
            return
        data = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        for worker in self.workers:
            if worker.alive:
                self._write(worker, _unawaited(self.loop), data)

    def close(self, timeout: float = 10.0) -> None:
        """End the workers (each finishes the task it is running); unanswered tasks fail."""
        if self.closed:
            return
        self.closed = True
        for worker in self.workers:
            self._detach(worker)
            for future in worker.waiting:
                if not future.done():
                    future.set_exception(WorkerDied("the process pool was closed"))
            worker.waiting.clear()
        for worker in self.workers:
            worker.process.join(timeout)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(1.0)
        for future, _ in self.queue:
            if not future.done():
                future.set_exception(WorkerDied("the process pool was closed"))
        self.queue.clear()

    # --- internals -------------------------------------------------------------------------
    def _start_worker(self) -> _Worker:
        worker = _Worker(self)
        self.workers.append(worker)
        self.loop.add_reader(worker.fd, self._readable, worker)
        for data in self.setups.values():
            self._write(worker, _unawaited(self.loop), data)
        return worker

    def _dispatch(self) -> None:
        while self.queue:
            worker = min((w for w in self.workers if w.alive), key=lambda w: len(w.waiting),
                         default=None)
            if worker is None or len(worker.waiting) >= self.max_in_flight:
                return
            future, data = self.queue.popleft()
            if future.cancelled():
                continue
            self._write(worker, future, data)

    def _write(self, worker: _Worker, future: asyncio.Future, data: bytes) -> None:
        """Send ``data`` (a pickled call) to ``worker``; ``future`` gets its answer."""
        worker.waiting.append(future)
        idle = not worker.out
        worker.out.extend((memoryview(_HEADER.pack(len(data))), memoryview(data)))
        if idle:
            self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        """Write what the socket takes now; the rest when it is writable again."""
        try:
            while worker.out:
                sent = os.writev(worker.fd, list(worker.out)[:64])
                while sent:
                    head = worker.out[0]
                    if sent >= len(head):
                        sent -= len(head)
                        worker.out.popleft()
                    else:
                        worker.out[0] = head[sent:]
                        sent = 0
        except BlockingIOError:
            self.loop.add_writer(worker.fd, self._writable, worker)
        except OSError:  # the worker is gone: its end of file comes through the reader
            worker.out.clear()

    def _writable(self, worker: _Worker) -> None:
        self.loop.remove_writer(worker.fd)
        self._flush(worker)

    def _readable(self, worker: _Worker) -> None:
        try:
            while True:
                chunk = worker.sock.recv(_READ)
                if not chunk:
                    self._died(worker)
                    return
                worker.inbox += chunk
                if len(chunk) < _READ:
                    break
        except BlockingIOError:
            pass
        except OSError:
            self._died(worker)
            return
        self._answers(worker)
        self._dispatch()

    def _answers(self, worker: _Worker) -> None:
        box = worker.inbox
        start = 0
        while len(box) - start >= _HEADER.size:
            size = _HEADER.unpack_from(box, start)[0]
            end = start + _HEADER.size + size
            if len(box) < end:
                break
            ok, value = pickle.loads(memoryview(box)[start + _HEADER.size:end])
            start = end
            future = worker.waiting.popleft()
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        if start:
            del box[:start]

    def _died(self, worker: _Worker) -> None:
        self._detach(worker)
        worker.process.join(0.5)  # its socket closed: it has ended, or is ending
        code = worker.process.exitcode
        lost = [f for f in worker.waiting if not f.done()]
        for future in lost:
            future.set_exception(WorkerDied(f"page worker {worker.process.pid} ended "
                                            f"(exit code {code})"))
        worker.waiting.clear()
        if self.closed:
            return
        self.workers.remove(worker)
        self.replaced += 1
        self._start_worker()
        self._dispatch()

    def _detach(self, worker: _Worker) -> None:
        if not worker.alive:
            return
        worker.alive = False
        self.loop.remove_reader(worker.fd)
        self.loop.remove_writer(worker.fd)
        with contextlib.suppress(OSError):
            worker.sock.close()


def _unawaited(loop: asyncio.AbstractEventLoop) -> asyncio.Future:
    """A future for an answer nobody awaits (a broadcast's): its failure is not logged."""
    future = loop.create_future()
    future.add_done_callback(lambda f: f.cancelled() or f.exception())
    return future
