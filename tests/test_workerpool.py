"""The page workers' process pool (``crawler.pageworkers.pool``), with real worker processes:
answers in order, errors passed on, big pages that never block the event loop, a dead worker costing
only the tasks it held, SIGINT left to the crawler, and a clean close."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from crawler.pageworkers.parent_death import worker_context
from crawler.pageworkers.pool import ProcessPool, WorkerDied

STARTED: list[str] = []


def setup(tag: str) -> None:
    STARTED.append(tag)


def ready() -> None:
    STARTED.append("ready")


def echo(value: object, delay: float = 0.0) -> tuple[object, list[str], int]:
    time.sleep(delay)
    return value, STARTED, os.getpid()


def fail(message: str) -> None:
    raise ValueError(message)


def die(code: int) -> None:
    os._exit(code)


def run(scenario) -> object:
    async def main() -> object:
        pool = ProcessPool(2, worker_context(), initializer=setup, initargs=("ready",))
        try:
            return await scenario(pool)
        finally:
            pool.close()
    return asyncio.run(main())


def test_answers_each_call_with_the_initializer_run_once_per_worker() -> None:
    async def scenario(pool: ProcessPool) -> list:
        return await asyncio.gather(*(pool.run(echo, i) for i in range(40)))

    answers = run(scenario)
    assert [value for value, _, _ in answers] == list(range(40))
    assert all(started == ["ready"] for _, started, _ in answers)
    assert len({pid for _, _, pid in answers}) == 2


def test_an_error_in_a_worker_is_raised_to_the_caller_and_the_worker_goes_on() -> None:
    async def scenario(pool: ProcessPool) -> tuple:
        with pytest.raises(ValueError, match="bad page"):
            await pool.run(fail, "bad page")
        return await pool.run(echo, "next"), pool.replaced

    (value, _, _), replaced = run(scenario)
    assert value == "next" and replaced == 0


def test_a_big_page_to_a_busy_worker_does_not_block_the_loop() -> None:
    big = os.urandom(32 * 2**20)

    async def scenario(pool: ProcessPool) -> tuple:
        busy = [pool.run(echo, None, 1.0) for _ in range(2)]  # both workers busy for a second
        started = time.monotonic()
        futures = [pool.run(echo, big) for _ in range(2)]  # queued on the busy workers' sockets
        handed = time.monotonic() - started
        ticks = 0
        while not all(f.done() for f in futures):
            ticks += 1
            await asyncio.sleep(0.01)
        await asyncio.gather(*busy)
        return handed, ticks, [f.result()[0] == big for f in futures]

    handed, ticks, equal = run(scenario)
    assert handed < 0.5 and ticks > 20 and all(equal)


def test_a_dead_worker_fails_only_its_tasks_and_is_replaced() -> None:
    async def scenario(pool: ProcessPool) -> tuple:
        slow = pool.run(echo, "other worker", 0.5)
        await asyncio.sleep(0.1)  # the slow task is on one worker, the next goes to the other
        doomed = pool.run(die, 7)
        results = await asyncio.gather(slow, doomed, return_exceptions=True)
        after = await asyncio.gather(*(pool.run(echo, i) for i in range(4)))
        return results, after, pool.replaced

    (slow, doomed), after, replaced = run(scenario)
    assert slow[0] == "other worker"
    assert isinstance(doomed, WorkerDied) and "exit code 7" in str(doomed)
    assert [v for v, _, _ in after] == [0, 1, 2, 3] and replaced == 1


def test_workers_leave_sigint_to_the_crawler_and_end_when_closed() -> None:
    async def scenario(pool: ProcessPool) -> tuple:
        pids = {pid for _, _, pid in await asyncio.gather(*(pool.run(echo, i)
                                                            for i in range(8)))}
        for pid in pids:
            os.kill(pid, signal.SIGINT)
        await asyncio.sleep(0.2)
        value = (await pool.run(echo, "still here"))[0]
        processes = [w.process for w in pool.workers]
        pool.close()
        with pytest.raises(RuntimeError):
            pool.run(echo, 1)
        return value, pool.replaced, [p.is_alive() for p in processes]

    value, replaced, alive = run(scenario)
    assert value == "still here" and replaced == 0 and alive == [False, False]


def test_a_broadcast_reaches_every_worker_and_every_later_one() -> None:
    """What all workers must know (a crawl's scan scope) is sent to each of them ahead of the
    calls after it, and again to a worker started in place of one that died."""
    async def scenario(pool: ProcessPool) -> tuple:
        pool.broadcast("a", setup, "scope-a")
        pool.broadcast("b", setup, "scope-b")
        pool.forget("b")  # from now on, new workers are not told b
        before = await asyncio.gather(*(pool.run(echo, i, 0.05) for i in range(8)))
        with pytest.raises(WorkerDied):
            await pool.run(die, 3)
        after = await asyncio.gather(*(pool.run(echo, i, 0.05) for i in range(8)))
        return before, after

    before, after = run(scenario)
    assert all(started[-2:] == ["scope-a", "scope-b"] for _, started, _ in before)
    new = [started for _, started, pid in after if pid not in {p for _, _, p in before}]
    assert new and all(started == ["ready", "scope-a"] for started in new)


def test_the_crawlers_of_a_process_share_one_pool_until_the_last_lets_go() -> None:
    from crawler.pageworkers import shared_pool

    async def scenario() -> tuple:
        first = shared_pool.acquire(1, initializer=ready)
        second = shared_pool.acquire(3, initializer=ready)  # a second crawler: the same pool
        assert second is first and shared_pool.users() == 2 and first.size == 1
        first.broadcast("crawl-1", setup, "one")
        second.broadcast("crawl-2", setup, "two")
        _, started, pid = await first.run(echo, "page")
        shared_pool.release(first)
        assert not second.closed and shared_pool.users() == 1  # the other crawler goes on
        alive = await second.run(echo, "page")
        shared_pool.release(second)
        return started, pid, alive, second.closed

    started, pid, alive, closed = asyncio.run(scenario())
    assert started == ["ready", "one", "two"] and alive[2] == pid
    assert closed and shared_pool.users() == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the pool closed with its last user: its worker is gone
