"""Throughput benchmark helpers: the machine, the extraction ceiling, the tables."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from typing import Any


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, Python and library versions."""
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines()
                      if line.startswith("Model name")), "")
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpus": os.cpu_count(), "memory_gb": round(mem / 2**30, 1), "cpu_model": model,
            "python": platform.python_version(), "scrapy": version("scrapy"),
            "trafilatura": version("trafilatura"), "lxml": version("lxml")}


def _fetch(url: str) -> tuple[bytes, str | None]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        match = re.search(r"charset=([\w.:-]+)", resp.headers.get("Content-Type") or "")
        return resp.read(), match.group(1) if match else None


def ceiling(base_url: str, articles_per_language: int) -> dict[str, Any]:
    """The article pages, fetched once, through the pipeline's worker function on all cores."""
    from crawler.extract.worker import warm_up
    from crawler.pages.profiles import VSEDELO
    from fixture_site import FixtureSite

    urls = FixtureSite(articles=articles_per_language).article_urls(base_url)
    pages = [(url, *_fetch(url)) for url in urls]
    profile = VSEDELO.with_start_url(base_url)
    fetched = dt.datetime.now(dt.UTC).isoformat()
    workers = os.cpu_count() or 1
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up) as pool:
        list(pool.map(_warm_up_call, range(workers * 2)))
        started = time.monotonic()
        futures = [pool.submit(_timed_extraction, body, url, profile, fetched, charset)
                   for url, body, charset in pages]
        timed = [f.result() for f in futures]
        seconds = time.monotonic() - started
    skipped = sum(1 for r, _ in timed if r.get("skip_reason"))
    cpu = sum(c for _, c in timed)
    return {"pages": len(pages), "workers": workers, "seconds": round(seconds, 2),
            "pages_per_s": round(len(pages) / seconds, 2), "skipped": skipped,
            "ms_per_page_per_core": round(1000 * seconds * workers / len(pages), 2),
            "cpu_ms_per_page": round(1000 * cpu / len(pages), 2),
            "mean_html_kb": round(sum(len(b) for _, b, _ in pages) / len(pages) / 1024, 1)}


def server_speed(port: int, articles_per_language: int, requests: int = 3000,
                 clients: int = 8) -> dict[str, Any]:
    """The fixture server's article pages/s for a plain keep-alive client in threads."""
    import http.client
    import threading

    from fixture_site import FixtureSite

    base = f"http://127.0.0.1:{port}"
    paths = [u[len(base):] for u in FixtureSite(articles=articles_per_language)
             .article_urls(base)][:requests]

    def client(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for path in chunk:
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            conn.getresponse().read()

    threads = [threading.Thread(target=client, args=(paths[i::clients],))
               for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = len(paths) / (time.monotonic() - started)
    return {"article_pages_per_s": round(rate, 1),
            "client": f"{clients} threads of http.client (keep-alive, gzip), {len(paths)} pages"}


def _warm_up_call(_: int) -> None:
    time.sleep(0.05)


def _timed_extraction(*args: Any) -> tuple[dict[str, Any], float]:
    """``extract_in_worker(*args)`` and the CPU seconds it took in this worker: E, the
    extraction path's CPU per page, which unlike the pool's wall time does not grow when other
    processes share the cores."""
    from crawler.extract.worker import extract_in_worker

    started = time.process_time()
    result = extract_in_worker(*args)
    return result, time.process_time() - started


def stage_table(data: dict[str, Any], main_cpu: float) -> dict[str, Any]:
    """Milliseconds per article page for each stage of the instrumented crawl."""
    totals, counts = data["totals_s"], data["counts"]
    pages = counts.get("main/json_write") or 1
    per_page = {name: round(1000 * seconds / pages, 3) for name, seconds in sorted(totals.items())
                if name.startswith("main/")}
    main_measured = sum(v for k, v in totals.items() if k.startswith("main/"))
    per_page["main/scrapy_twisted_scheduling_rest"] = round(
        1000 * (main_cpu - main_measured) / pages, 3)
    per_page["main/process_cpu_total"] = round(1000 * main_cpu / pages, 3)
    worker: dict[str, float] = {}
    for kind in ("article", "other"):
        n = counts.get(f"worker/{kind}/worker_total") or 0
        worker.update({name: round(1000 * seconds / n, 3) for name, seconds
                       in sorted(totals.items()) if n and name.startswith(f"worker/{kind}/")})
    return {"article_pages": pages, "other_html_pages": counts.get("worker/other/worker_total", 0),
            "ms_per_article_page": {**per_page, **worker},
            "note": "main/*: wall ms in the main process per article page "
                    "(spider_links_and_requests: following a page's links, crawl-state lookups, "
                    "requests, the article item); the main rest is Scrapy, Twisted, HTTP "
                    "parsing, middlewares, scheduling and handing pages to the workers, from "
                    "the process CPU time; worker/article/*: in an extraction worker per article "
                    "page (parse once, scan, extract); worker/other/*: per other HTML page "
                    "(parse and scan only)"}


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from repeated measurements: the median of each number (the first run's
    other values), and every run's rate under ``runs``."""
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = round(statistics.median(run[key] for run in runs), 3)
    out["runs"] = [run.get("pages_per_s") for run in runs]
    return out


def cpu_per_page(run: dict[str, Any]) -> float:
    """CPU ms per article page of a crawl, all its processes."""
    return round(1000 * (run["main_cpu_s"] + run["workers_cpu_s"]) / run["article_pages"], 2)


# Issue 24's goals, as ratios measured in one run.
GOALS = {"cpu_to_extraction": 1.85, "full_to_ceiling": 0.55, "wget_over_ours_wall": 2.5,
         "rss_ratio": 1.3}


def _verdict(name: str, value: float) -> str:
    goal = GOALS[name]
    met = value <= goal if name in ("cpu_to_extraction", "rss_ratio") else value >= goal
    sign = "<=" if name in ("cpu_to_extraction", "rss_ratio") else ">="
    return f"(goal {sign} {goal}: {'met' if met else 'missed'})"


def print_table(r: dict[str, Any]) -> dict[str, Any]:
    """Print the summary table; returns the headline figures."""
    full, ceil, lat = r["full"], r["ceiling"], r.get("latency", {})
    extraction_ms = ceil["cpu_ms_per_page"]
    summary: dict[str, Any] = {
        "ceiling_pages_per_s": ceil["pages_per_s"],
        "extraction_ms_per_page": extraction_ms,
        "full_pages_per_s": full["pages_per_s"],
        "full_to_ceiling": round(full["pages_per_s"] / ceil["pages_per_s"], 3),
        "full_crawl_only_to_ceiling": round(full["pages_per_s_crawl_only"] / ceil["pages_per_s"],
                                            3),
        "full_cpu_ms_per_page": cpu_per_page(full),
        "cpu_to_extraction": round(cpu_per_page(full) / extraction_ms, 3),
        "fetch_archive_pages_per_s": r["fetch_archive"]["pages_per_s"],
    }
    runs = ", ".join(str(x) for x in ceil.get("runs", []))
    rows = [("(1) extraction ceiling, all cores (median)", f"{ceil['pages_per_s']} pages/s",
             f"{ceil['ms_per_page_per_core']} ms per page per core (wall); "
             f"E = {extraction_ms} ms of CPU per page; runs {runs}"),
            ("(2) full crawl (median)", f"{full['pages_per_s']} pages/s",
             f"ratio to (1) {summary['full_to_ceiling']} "
             + _verdict("full_to_ceiling", summary["full_to_ceiling"])),
            ("(2) CPU per article page, all processes", f"{summary['full_cpu_ms_per_page']} ms",
             f"{summary['cpu_to_extraction']} x E "
             + _verdict("cpu_to_extraction", summary["cpu_to_extraction"]))]
    if before := r.get("full_before"):
        summary["before_pages_per_s"] = before["pages_per_s"]
        summary["before_to_ceiling"] = round(before["pages_per_s"] / ceil["pages_per_s"], 3)
        summary["before_cpu_ms_per_page"] = cpu_per_page(before)
        summary["before_cpu_to_extraction"] = round(cpu_per_page(before) / extraction_ms, 3)
        rows += [("(2) full crawl, code before (median)", f"{before['pages_per_s']} pages/s",
                  f"ratio to (1) {summary['before_to_ceiling']}"),
                 ("(2) CPU per article page, code before", f"{cpu_per_page(before)} ms",
                  f"{summary['before_cpu_to_extraction']} x E")]
    rows.append(("(3) fetch + archive only", f"{summary['fetch_archive_pages_per_s']} pages/s",
                 ""))
    ours = lat.get("ours_full")
    if ours and (wget := lat.get("wget")) and "seconds" in wget:
        summary["wget_over_ours_wall"] = round(wget["seconds"] / ours["wall_s"], 2)
        rows.append((f"(4) {lat['latency_s'] * 1000:g} ms latency: ours vs wget",
                     f"{ours['wall_s']} s vs {wget['seconds']} s",
                     f"{summary['wget_over_ours_wall']}x faster "
                     + _verdict("wget_over_ours_wall", summary["wget_over_ours_wall"])))
    if ours and (np := lat.get("newsplease")):
        ours_rate = ours["pages_per_s"]
        if "articles_per_s" in np:
            summary["ours_over_newsplease"] = round(ours_rate / np["articles_per_s"], 2)
            rows.append(("(4) ours vs news-please", f"{ours_rate} vs {np['articles_per_s']} "
                         "articles/s", f"{summary['ours_over_newsplease']}x"))
        else:
            rows.append(("(4) news-please", "not measured", np.get("error", "")[:80]))
    if rss := r.get("rss"):
        small, large = rss["small"], rss["large"]
        summary["rss_ratio"] = round(large["main_peak_rss_mb"] / small["main_peak_rss_mb"], 3)
        summary["rss_large_mb"] = large["main_peak_rss_mb"]
        rows.append((f"(5) peak RSS, {small['article_pages']} vs {large['article_pages']} pages",
                     f"{small['main_peak_rss_mb']} vs {large['main_peak_rss_mb']} MB",
                     f"ratio {summary['rss_ratio']} (< 600 MB) "
                     + _verdict("rss_ratio", summary["rss_ratio"])))
    width = max(len(a) for a, _, _ in rows)
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:<24} {c}")
    if st := r.get("stages", {}).get("ms_per_article_page"):
        print("(6) ms per article page: " + ", ".join(f"{k} {v}" for k, v in st.items()))
    return summary
