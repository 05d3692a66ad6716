"""Page workers import neither Scrapy nor Twisted: their processes stay small and start fast.

The worker side of ``crawler.pageworkers.page_workers`` (the module of the function the pool runs)
must load without them, and a pool started by the ``crawler`` console script (multiprocessing
imports the main script again in every worker) must start workers without them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from crawler.pageworkers.page_workers import scan_in_worker

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("scrapy", "twisted")
# what a worker reports: the frameworks among its modules (eval: nothing of this test to import)
REPORT = ("sorted({m.split('.')[0] for m in __import__('sys').modules} & "
          f"{set(FRAMEWORKS)!r})")


def _python(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_worker_module_imports_no_scrapy_or_twisted() -> None:
    module = scan_in_worker.__module__
    code = (f"import {module}, sys; "
            f"loaded = {REPORT}; "
            f"assert not loaded, f'{module} imports {{loaded}}'")
    done = _python(["-c", code], ROOT)
    assert done.returncode == 0, done.stderr[-2000:]


def test_pool_workers_of_the_crawler_command_have_no_scrapy(tmp_path: Path) -> None:
    # the `crawler` console script as pip writes it, then a crawl's main process: Scrapy loaded
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["crawler"]
    module, _, attr = entry.partition(":")
    script = tmp_path / "crawler"
    script.write_text(textwrap.dedent(f"""
        import asyncio
        import sys

        sys.path.insert(0, {str(ROOT)!r})
        from {module} import {attr}

        async def main():
            import scrapy.crawler  # noqa: F401  (what a crawl has loaded by now)
            from crawler.extract.worker import warm_up
            from crawler.pageworkers import page_workers, shared_pool  # noqa: F401

            pool = shared_pool.acquire(1, initializer=warm_up)
            try:
                print("main", {REPORT})
                print("worker", await pool.run(eval, {REPORT!r}))
            finally:
                shared_pool.release(pool)

        if __name__ == "__main__":
            asyncio.run(main())
    """))
    done = _python([str(script)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["main"] == str(sorted(FRAMEWORKS))  # the check means something
    assert lines["worker"] == "[]", done.stdout
