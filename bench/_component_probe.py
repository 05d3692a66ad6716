"""CPU of each component of a crawl's main process: the real CLI crawl with every component timed.

Run as ``python bench/_component_probe.py OUT.json crawl vsedelo --url ...`` (the arguments after
the output path are the ``crawler`` CLI's), from the checkout whose crawler runs. Before the
crawl starts, this process wraps, at class level, in the crawl's own settings:

* every enabled downloader and spider middleware's ``process_*`` methods, every item
  pipeline's ``process_item``, the scheduler, its queues and duplicate filter, the stats
  collector, the log formatter, the spider's callbacks and its hand-off to the page workers;
* every signal handler (``scrapy.utils.signal.robustApply``, per receiver), and the dispatch of
  each signal itself (``send_catch_log``, without its receivers).

Times are the reactor thread's CPU (``time.thread_time``), charged exclusively: a component
nested in another (a pipeline awaiting the page workers) is not counted twice, coroutines and
generators only while they run. What no wrapper claims is Scrapy and Twisted themselves (HTTP,
engine, scraper, asyncio). The process's other threads (the page workers' pool feeds its pipes
and reads results in threads) are read from ``/proc/self/task`` at exit. The JSON holds totals
(seconds) and call counts per component, the thread CPU, and the crawl's stats.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import json
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOTALS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
REST = "scrapy/twisted (not ours)"
_STACK = [REST]
_LAST = [0.0]
_MAIN = threading.get_ident()
_clock = time.thread_time

MIDDLEWARE_METHODS = ("process_request", "process_response", "process_exception",
                      "process_spider_input", "process_spider_output",
                      "process_spider_output_async", "process_spider_exception",
                      "process_start", "process_start_requests", "process_item")
SCHEDULER_METHODS = ("enqueue_request", "next_request", "has_pending_requests", "__len__",
                     "push", "pop", "request_seen")
STATS_METHODS = ("inc_value", "set_value", "max_value", "min_value", "get_value")
SPIDER_METHODS = ("parse_page", "parse_requisite", "parse_feed", "parse_sitemap",
                  "parse_robots", "_scan")


def _enter(name: str) -> None:
    now = _clock()
    TOTALS[_STACK[-1]] += now - _LAST[0]
    _LAST[0] = now
    _STACK.append(name)
    CALLS[name] += 1


def _leave() -> None:
    now = _clock()
    TOTALS[_STACK.pop()] += now - _LAST[0]
    _LAST[0] = now


def _main_thread() -> bool:
    return threading.get_ident() == _MAIN


class _TimedAwaitable:
    """Drives an awaitable, charging ``name`` only while it runs (not while it waits)."""

    def __init__(self, awaitable: Any, name: str) -> None:
        self.inner = awaitable.__await__()
        self.name = name

    def __await__(self) -> Any:
        value: Any = None
        error: BaseException | None = None
        while True:
            _enter(self.name)
            try:
                step = self.inner.throw(error) if error is not None else self.inner.send(value)
            except StopIteration as stop:
                _leave()
                return stop.value
            except BaseException:
                _leave()
                raise
            _leave()
            CALLS[self.name] -= 1  # one call, many steps
            try:
                value, error = (yield step), None
            except BaseException as exc:  # thrown into the awaitable (cancellation)
                value, error = None, exc


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` wrapped to charge its own CPU to ``name``, whatever kind of callable it is."""
    if getattr(fn, "_probe_name", None):
        return fn
    if inspect.isasyncgenfunction(fn):
        @functools.wraps(fn)
        async def agen(*args: Any, **kwargs: Any) -> Any:
            inner = fn(*args, **kwargs)
            while True:
                try:
                    value = await _TimedAwaitable(inner.__anext__(), name)
                except StopAsyncIteration:
                    return
                yield value
        wrapper: Any = agen
    elif inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def coro(*args: Any, **kwargs: Any) -> Any:
            return await _TimedAwaitable(fn(*args, **kwargs), name)
        wrapper = coro
    elif inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args: Any, **kwargs: Any) -> Any:
            inner = fn(*args, **kwargs)
            while True:
                main = _main_thread()
                if main:
                    _enter(name)
                try:
                    value = next(inner)
                except StopIteration:
                    return
                finally:
                    if main:
                        _leave()
                yield value
        wrapper = gen
    else:
        @functools.wraps(fn)
        def sync(*args: Any, **kwargs: Any) -> Any:
            if not _main_thread():
                return fn(*args, **kwargs)
            _enter(name)
            try:
                return fn(*args, **kwargs)
            finally:
                _leave()
        wrapper = sync
    wrapper._probe_name = name
    return wrapper


def wrap_class(cls: type, methods: tuple[str, ...], label: str) -> None:
    """Wrap the named methods ``cls`` has (its own or inherited) in place."""
    for attr in methods:
        fn = getattr(cls, attr, None)
        if fn is None or not callable(fn) or isinstance(inspect.getattr_static(cls, attr),
                                                         (staticmethod, classmethod)):
            continue
        setattr(cls, attr, timed(f"{label}.{attr}", fn))


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _signal_names() -> dict[int, str]:
    from scrapy import signals

    names = {id(v): k for k, v in vars(signals).items() if not k.startswith("_")}
    try:
        from crawler.scope.gate import request_out_of_scope
        names[id(request_out_of_scope)] = "request_out_of_scope"
    except ImportError:
        pass
    return names


def install_signals() -> None:
    """Time each receiver, and each signal's dispatch without its receivers."""
    import scrapy.utils.signal as sig

    names = _signal_names()
    apply = sig.robustApply

    def robust_apply(receiver: Any, *args: Any, signal: Any = None, **kwargs: Any) -> Any:
        owner = getattr(receiver, "__self__", None)
        who = f"{type(owner).__name__}.{receiver.__name__}" if owner is not None else getattr(
            receiver, "__qualname__", repr(receiver))
        name = f"signal {names.get(id(signal), '?')} -> {who}"
        if not _main_thread():
            return apply(receiver, *args, signal=signal, **kwargs)
        _enter(name)
        try:
            return apply(receiver, *args, signal=signal, **kwargs)
        finally:
            _leave()

    sig.robustApply = robust_apply
    send = sig.send_catch_log

    def send_catch_log(signal: Any = None, *args: Any, **kwargs: Any) -> Any:
        if not _main_thread():
            return send(signal, *args, **kwargs)
        _enter(f"scrapy: dispatch {names.get(id(signal), '?')}")
        try:
            return send(signal, *args, **kwargs)
        finally:
            _leave()

    sig.send_catch_log = send_catch_log
    send_async = sig._send_catch_log_asyncio

    async def send_async_timed(signal: Any = None, *args: Any, **kwargs: Any) -> Any:
        return await _TimedAwaitable(send_async(signal, *args, **kwargs),
                                     f"scrapy: dispatch {names.get(id(signal), '?')}")

    sig._send_catch_log_asyncio = send_async_timed


def install_gc() -> None:
    """Charge the cyclic garbage collector's passes to themselves, not to whatever allocated
    when one started."""
    import gc

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if not _main_thread():
            return
        if phase == "start":
            _enter(f"python: garbage collection, generation {info['generation']}")
        elif len(_STACK) > 1:
            _leave()

    gc.callbacks.append(on_gc)


def install(settings: Any) -> None:
    """Wrap every component the crawl's settings enable."""
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.misc import load_object

    kinds = {"DOWNLOADER_MIDDLEWARES": "downloader mw", "SPIDER_MIDDLEWARES": "spider mw",
             "ITEM_PIPELINES": "pipeline"}
    for setting, label in kinds.items():
        for path in build_component_list(settings.get_component_priority_dict_with_base(setting)):
            cls = load_object(path)
            wrap_class(cls, MIDDLEWARE_METHODS, f"{label} {cls.__name__}")
    for setting, methods in (("SCHEDULER", SCHEDULER_METHODS),
                             ("SCHEDULER_PRIORITY_QUEUE", SCHEDULER_METHODS),
                             ("SCHEDULER_DISK_QUEUE", SCHEDULER_METHODS),
                             ("SCHEDULER_MEMORY_QUEUE", SCHEDULER_METHODS),
                             ("DUPEFILTER_CLASS", SCHEDULER_METHODS),
                             ("STATS_CLASS", STATS_METHODS),
                             ("LOG_FORMATTER", ("crawled", "scraped", "dropped"))):
        if settings.get(setting):
            cls = load_object(settings.get(setting))
            wrap_class(cls, methods, f"{setting.lower()} {cls.__name__}")
    _install_ours()
    install_signals()
    install_gc()


def _install_ours() -> None:
    """Our own parts called directly, not as Scrapy components."""
    import importlib

    targets = [("spiders.base", "NewsSiteSpider", SPIDER_METHODS),
               ("spiders.discovery", "DiscoveryDocuments", SPIDER_METHODS),
               ("crawler.pageworkers.page_workers", "PageWorkers",
                ("scan", "extract", "_run", "submit")),
               ("crawler.sitefacts.facts_extension", "SiteFactsExtension", ("finalize",))]
    for module, name, methods in targets:
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        label = {"NewsSiteSpider": "spider", "DiscoveryDocuments": "spider"}.get(name, name)
        wrap_class(cls, methods, label)


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by name."""
    tick = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = defaultdict(float)
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tid = int(task.name)
        name = "main" if tid == os.getpid() else names.get(tid, f"thread {tid}")
        out[name.split("-")[0] if name.startswith("Thread") else name] += (
            int(fields[11]) + int(fields[12])) / tick
    return dict(out)


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    import crawler.commands.run as run

    original = run.run_crawl

    def run_crawl(spider: str, crawl_settings: Any, spider_args: dict[str, Any]) -> Any:
        TOTALS["startup (imports, settings)"] = _clock()
        install(crawl_settings)
        _LAST[0] = _clock()
        return original(spider, crawl_settings, spider_args)

    run.run_crawl = run_crawl
    started_cpu = time.process_time()
    stats: dict[str, Any] = {}

    def dump() -> None:
        TOTALS[_STACK[-1]] += _clock() - _LAST[0]
        _LAST[0] = _clock()
        data = {"totals_s": dict(TOTALS), "calls": dict(CALLS),
                "main_thread_cpu_s": time.thread_time(),
                "process_cpu_s": time.process_time() - started_cpu,
                "threads_cpu_s": threads, "stats": stats}
        out.write_text(json.dumps(data, indent=1, default=str))

    threads: dict[str, float] = {}
    from scrapy import signals
    from scrapy.crawler import Crawler

    crawl = Crawler.crawl

    def crawl_with_stats(self: Crawler, *args: Any, **kwargs: Any) -> Any:
        def closed(spider: Any, reason: str) -> None:
            threads.update(thread_cpu())
            stats.update({k: v for k, v in self.stats.get_stats().items()
                          if isinstance(v, (int, float))})
        self.signals.connect(closed, signal=signals.spider_closed, weak=False)
        return crawl(self, *args, **kwargs)

    Crawler.crawl = crawl_with_stats
    atexit.register(dump)
    from crawler.commands.cli import main as cli_main

    return cli_main(argv[1:])


if __name__ == "__main__":
    # the crawler of the checkout we run from (cwd), not of this file's checkout
    bench = ROOT / "bench"
    sys.path[:] = [os.getcwd(), *(p for p in sys.path if p and Path(p).resolve() != bench
                                  and Path(p).resolve() != ROOT)]
    raise SystemExit(main(sys.argv[1:]))
