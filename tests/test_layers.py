"""The package's layers show in its folders, and ``docs/architecture.md`` gives their order.

* Every folder of ``crawler/`` (and ``spiders/``, ``pipelines/``) has a layer in the table of
  ``docs/architecture.md``; a module imports only folders of lower layers (every import counts:
  module level, function level, type-checking ones) and the top-level leaf modules. The
  top-level modules import no folder, but for the entry point, which starts the command line.
* The pure core (``html``, ``pages``, ``dates``, ``extract`` and the leaf modules) loads no
  Scrapy or Twisted.
* Few modules at the top of the package, and no module name used twice.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
PACKAGES = ("crawler", "spiders", "pipelines")
PURE_PACKAGES = ("crawler/html", "crawler/pages", "crawler/dates", "crawler/extract")
PURE_MODULES = ("crawler.record", "crawler.crawl.manifest", "crawler.crawl.output",
                "crawler.crawl.naming", "crawler.outcome", "crawler.errors", "crawler.items",
                "crawler.typed_settings")
ENTRY_POINT = "crawler.__main__"
MAX_TOP_MODULES = 12
_ROW = re.compile(r"^\| (\d+) \| `([\w/]+)/` \|", re.MULTILINE)


def documented_layers(text: str) -> dict[str, int]:
    """Folder (``crawler/pages``, ``spiders``) -> its layer, from the doc's table."""
    return {folder: int(layer) for layer, folder in _ROW.findall(text)}


def _folder_of(module: str) -> str | None:
    """The folder a dotted module belongs to (``crawler/pages``, ``spiders``), None for a
    top-level module of ``crawler``."""
    parts = module.split(".")
    if parts[0] != "crawler":
        return parts[0]
    if len(parts) >= 2 and (ROOT / "crawler" / parts[1]).is_dir():
        return f"crawler/{parts[1]}"
    return None


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path) -> set[str]:
    """Every module of ours ``path`` imports, wherever the import is."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return {n for n in names if n.split(".")[0] in PACKAGES}


def layer_violations(layers: dict[str, int]) -> list[str]:
    """Imports that go up (or sideways) the documented order, and folders the doc lacks."""
    bad = []
    for module, path in sorted(_modules().items()):
        here = _folder_of(module)
        for target in sorted(imports_of(path)):
            there = _folder_of(target)
            if there == here or there is None:
                continue  # the same folder, or a top-level leaf module
            if here is None:
                if module != ENTRY_POINT:
                    bad.append(f"{module} (top level) imports {target}")
                continue
            if here not in layers or there not in layers:
                bad.append(f"{here if here not in layers else there}: not in the layer table")
            elif layers[there] >= layers[here]:
                bad.append(f"{module} (layer {layers[here]}) imports {target} "
                           f"(layer {layers[there]})")
    return bad


def test_every_folder_has_a_documented_layer() -> None:
    layers = documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    folders = {f"crawler/{p.name}" for p in (ROOT / "crawler").iterdir()
               if p.is_dir() and (p / "__init__.py").exists()} | {"spiders", "pipelines"}
    assert folders == set(layers), sorted(folders ^ set(layers))
    assert layers["crawler/html"] < min(layers["crawler/pages"], layers["crawler/dates"],
                                        layers["crawler/extract"])


def test_imports_follow_the_documented_layers() -> None:
    layers = documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    assert not layer_violations(layers), "\n".join(layer_violations(layers))


def test_the_layers_check_sees_an_import_against_the_order() -> None:
    layers = documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    upside_down = {**layers, "crawler/html": layers["crawler/commands"] + 1}
    assert any("crawler.html" in v for v in layer_violations(upside_down))


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


def test_no_module_name_is_used_twice() -> None:
    names = Counter(p.name for package in PACKAGES for p in (ROOT / package).rglob("*.py")
                    if p.name != "__init__.py")
    assert not [name for name, count in names.items() if count > 1], names.most_common(5)
