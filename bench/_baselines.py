"""The tools ops would otherwise pick, run against the same fixture server: wget and news-please.

* ``wget --recursive --warc-file``: fetch and archive only, one request at a time (by design).
  The fixture site has an endless day-archive calendar, as news sites do, so wget never ends
  by itself: the figure is the wall time until it had fetched every article page (the
  server's count), and wget is stopped there or at ``timeout``.
* news-please (``NewsPlease.from_urls``) in its own virtualenv ``bench/.venv-newsplease``,
  created on first use; what failed is recorded instead of a number when it does not install.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from _procs import FixtureServer

BENCH = Path(__file__).resolve().parent
NP_VENV = BENCH / ".venv-newsplease"
NP_SCRIPT = r"""
import json, sys, time
from newsplease import NewsPlease
urls = json.load(open(sys.argv[1]))
started = time.monotonic()
found = NewsPlease.from_urls(urls, request_args={"timeout": 30})
seconds = time.monotonic() - started
ok = sum(1 for a in found.values() if a is not None and getattr(a, "maintext", None))
print(json.dumps({"seconds": seconds, "articles": ok, "urls": len(urls)}))
"""


def run_wget(server: FixtureServer, articles: int, timeout: float) -> dict[str, Any]:
    """wget's wall time to fetch all ``articles`` article pages of the site, WARC on."""
    wget = shutil.which("wget")
    if not wget:
        return {"error": "wget not installed (apt-get install wget)"}
    server.stats(reset=True)
    with tempfile.TemporaryDirectory(prefix="bench-wget-") as tmp:
        cmd = [wget, "--recursive", "--level=inf", "--no-parent", "--no-verbose",
               "-e", "robots=on", f"--warc-file={tmp}/wget", "-P", f"{tmp}/files", server.url]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, done, stats = None, False, {}
        while time.monotonic() - started < timeout:
            time.sleep(0.5)
            stats = server.stats()
            if stats.get("article_200", 0) >= articles:
                seconds, done = time.monotonic() - started, True
                break
            if proc.poll() is not None:
                break
        proc.terminate()
        proc.wait(timeout=30)
        warc = sum(p.stat().st_size for p in Path(tmp).glob("wget*.warc.gz"))
    return {"finished_all_articles": done, "seconds": round(seconds or timeout, 1),
            "articles_fetched": stats.get("article_200", 0), "requests": stats.get("requests", 0),
            "warc_bytes": warc, "command": " ".join(cmd[:-4] + ["--warc-file=…", "URL"]),
            "note": "sequential by design; stopped once every article page was fetched "
                    "(the site's day archive is an endless calendar)"}


def ensure_newsplease() -> str | None:
    """Create the news-please virtualenv if needed; returns an error message or None."""
    python = NP_VENV / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import newsplease"],
                                          capture_output=True).returncode == 0:
        return None
    steps = [["python3", "-m", "venv", str(NP_VENV)],
             [str(NP_VENV / "bin" / "pip"), "install", "--quiet", "news-please"]]
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            return f"{' '.join(cmd[:3])} failed: {(done.stderr or done.stdout)[-800:]}"
    check = subprocess.run([str(python), "-c", "import newsplease"], capture_output=True,
                           text=True)
    return None if check.returncode == 0 else f"import newsplease failed: {check.stderr[-800:]}"


def run_newsplease(urls: list[str], timeout: float) -> dict[str, Any]:
    """news-please's articles/s over ``urls`` (download and extraction, its own defaults)."""
    error = ensure_newsplease()
    if error:
        return {"error": error}
    with tempfile.TemporaryDirectory(prefix="bench-np-") as tmp:
        (Path(tmp) / "urls.json").write_text(json.dumps(urls))
        (Path(tmp) / "run.py").write_text(NP_SCRIPT)
        try:
            done = subprocess.run([str(NP_VENV / "bin" / "python"), f"{tmp}/run.py",
                                   f"{tmp}/urls.json"], capture_output=True, text=True,
                                  timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired:
            return {"error": f"did not finish {len(urls)} URLs in {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": f"news-please failed: {done.stderr[-800:]}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["articles_per_s"] = round(result["articles"] / result["seconds"], 2)
    result["seconds"] = round(result["seconds"], 1)
    return result
