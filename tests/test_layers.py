"""The package's layers show in its folders: a pure core that knows nothing of Scrapy or
Twisted (``crawler.pages``, ``crawler.extract``, ``crawler.dates``, and the record, manifest and
layout of a crawl's output), Scrapy's plug-ins (``crawler.plugins``), the commands
(``crawler.commands``), and few modules left at the top."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ("crawler/pages", "crawler/extract", "crawler/dates")
PURE_MODULES = ("crawler.record", "crawler.crawl.manifest", "crawler.crawl.output",
                "crawler.outcome", "crawler.errors", "crawler.items")
MAX_TOP_MODULES = 12


def _pure_core() -> list[str]:
    names = list(PURE_MODULES)
    for folder in PURE_PACKAGES:
        for path in sorted((ROOT / folder).glob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_pure_core_imports_no_scrapy_or_twisted() -> None:
    modules = _pure_core()
    assert "crawler.pages.requisites" in modules and len(modules) > 30
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "    loaded = {m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted'}\n"
            "    assert not loaded, f'{name} imports {sorted(loaded)}'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_few_modules_at_the_top_of_the_package() -> None:
    top = sorted(p.name for p in (ROOT / "crawler").glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
