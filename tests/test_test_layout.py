"""The test suite's own layout: test modules share code only through ``tests/helpers`` (one
concept a module), never by importing one another or ``conftest``; fixtures live in
``conftest.py``; every helper module is used by a test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
HELPERS = TESTS / "helpers"


def _package_of(path: Path) -> str:
    """The dotted package a file under ``tests/`` belongs to (``tests``, ``tests.helpers``)."""
    return ".".join(path.relative_to(TESTS.parent).parent.parts)


def imported_modules(source: str, package: str) -> set[str]:
    """Every module name an import in ``source`` may load: ``from a import b`` gives ``a`` and
    ``a.b`` (``b`` may be a module); relative imports are resolved against ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_test_module(name: str) -> bool:
    """A test module or conftest, however it is named (``tests.test_x``, ``test_x``, ...)."""
    parts = name.split(".")
    if parts[0] == "tests":
        parts = parts[1:]
    return len(parts) == 1 and (parts[0].startswith("test_") or parts[0] == "conftest")


def _imports_of(path: Path) -> set[str]:
    return imported_modules(path.read_text(encoding="utf-8"), _package_of(path))


def _defines_fixture(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    found.append(node.name)
    return found


TEST_FILES = sorted(TESTS.glob("test_*.py"))
HELPER_FILES = sorted(p for p in HELPERS.glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize(("source", "package", "bad"), [
    ("from tests.test_replay import free_port", "tests", True),
    ("import tests.test_distributed", "tests", True),
    ("from tests import test_distributed", "tests", True),
    ("import test_distributed", "tests", True),
    ("from test_distributed import start_worker", "tests", True),
    ("from .test_replay import fetch", "tests", True),
    ("from . import test_replay", "tests", True),
    ("from ..test_replay import fetch", "tests.helpers", True),
    ("from tests.conftest import run_cli", "tests", True),
    ("from tests.helpers.net import free_port", "tests", False),
    ("from .helpers import net", "tests", False),
    ("from crawler.testing import x", "tests", False),
    ("import pytest", "tests", False),
])
def test_the_check_sees_every_way_of_importing_a_test_module(source, package, bad):
    assert any(is_test_module(m) for m in imported_modules(source, package)) is bad


def test_no_test_module_imports_another_or_conftest():
    importers = [*TEST_FILES, *HELPER_FILES, TESTS / "conftest.py"]
    found = {p.name: sorted(m for m in _imports_of(p) if is_test_module(m)) for p in importers}
    offenders = {name: mods for name, mods in found.items() if mods}
    assert not offenders, f"move what they share into tests/helpers: {offenders}"


def test_tests_folder_holds_only_tests_conftest_and_helpers():
    loose = sorted(p.name for p in TESTS.glob("*.py")
                   if p.name not in ("__init__.py", "conftest.py")
                   and not p.name.startswith("test_"))
    assert not loose, f"helper modules belong in tests/helpers: {loose}"


def test_every_helper_module_is_imported_by_a_test():
    assert HELPER_FILES, "tests/helpers holds no helper modules"
    used: set[str] = set()
    for path in [*TEST_FILES, TESTS / "conftest.py"]:
        used |= _imports_of(path)
    unused = [p.name for p in HELPER_FILES if f"tests.helpers.{p.stem}" not in used]
    assert not unused, f"no test imports {unused}: remove them or use them"


def test_fixtures_live_in_conftest_or_their_own_test_module():
    plain = [p for p in TESTS.rglob("*.py")
             if p.name != "conftest.py" and not p.name.startswith("test_")]
    fixtures = {p.relative_to(TESTS).as_posix(): names for p in plain
                if (names := _defines_fixture(p))}
    assert not fixtures, f"shared fixtures belong in tests/conftest.py: {fixtures}"
