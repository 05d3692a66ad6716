"""Settings are read typed, with their defaults in one place, and nothing is hung on Scrapy's
crawler.

* A default is written only in ``crawler/settings.py``: no ``settings.get*(NAME, default)``
  and no ``settings.get(NAME) or default`` anywhere else in the package, the spiders or the
  pipelines; the typed readers (``crawler/typed_settings.py``) take it from there.
* The three defaults that once disagreed with ``crawler/settings.py`` read its values.
* No attribute is set on a Scrapy crawler (``crawler.x = …``, ``self.crawler.x = …``,
  ``setattr(crawler, …)``): components meet on the crawl context.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from scrapy.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for package in ("crawler", "spiders", "pipelines")
           for p in sorted((ROOT / package).rglob("*.py"))]
ALLOWED = {"crawler/settings.py", "crawler/typed_settings.py"}
GETTERS = {"get", "getbool", "getint", "getfloat", "getlist", "getdict", "getdictorlist",
           "getwithbase"}


def _is_settings(node: ast.AST) -> bool:
    """An expression naming a settings object: ``settings``, ``self.settings``,
    ``crawler.settings``, ``self.crawler.settings``, ``project_settings``..."""
    return ast.unparse(node).split(".")[-1] == "settings"


def _settings_read(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in GETTERS and _is_settings(node.func.value))


def defaults_in(source: str) -> list[str]:
    """Settings reads in ``source`` that carry a default of their own."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _settings_read(node):
            assert isinstance(node, ast.Call)
            if len(node.args) > 1 or any(k.arg == "default" for k in node.keywords):
                found.append(ast.unparse(node))
        elif (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or)
              and _settings_read(node.values[0])
              and any(isinstance(v, ast.Constant) for v in node.values[1:])):
            found.append(ast.unparse(node))
    return found


def attributes_set_on_crawlers(source: str) -> set[str]:
    """Names assigned as attributes of a Scrapy crawler in ``source``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and _is_crawler(target.value):
                found.add(target.attr)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "setattr" and node.args \
                and _is_crawler(node.args[0]):
            found.add(ast.unparse(node.args[1]) if len(node.args) > 1 else "?")
    return found


def _is_crawler(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "crawler") or (
        isinstance(node, ast.Attribute) and node.attr == "crawler")


@pytest.mark.parametrize(("source", "bad"), [
    ('settings.getint("X", 5)', True),
    ('self.crawler.settings.getfloat("X", default=1.0)', True),
    ('crawler.settings.get("X") or "commit"', True),
    ('settings.getbool("X")', False),
    ('read.int("X")', False),
    ('settings.get("X") or None', True),
    ('other.get("X", 5)', False),
])
def test_the_check_sees_a_default(source: str, bad: bool) -> None:
    assert bool(defaults_in(source)) is bad


def test_defaults_live_in_crawler_settings_only() -> None:
    found = {str(p.relative_to(ROOT)): reads for p in SOURCES
             if str(p.relative_to(ROOT)) not in ALLOWED and (reads := defaults_in(p.read_text()))}
    assert not found, found


def test_the_typed_readers_take_the_project_defaults() -> None:
    from crawler.distributed.politeness import PolitenessSettings
    from crawler.sitefacts.facts_extension import SiteFactsSettings
    from crawler.typed_settings import SettingsReader, default_of

    bare = Settings()  # Scrapy's own defaults only: DOWNLOAD_TIMEOUT 180, no crawler settings
    assert SiteFactsSettings.from_settings(bare).slot_bytes == 20_000_000
    politeness = PolitenessSettings.from_settings({})
    assert (politeness.jitter, politeness.timeout) == (0.5, 30)
    assert default_of("DOWNLOAD_TIMEOUT") == 30 and default_of("LOG_ENABLED") is True
    assert SettingsReader({"X_UNKNOWN": ""}).text("OUTPUT_URI") == "out"
    with pytest.raises(ValueError, match="STATE_ENABLED"):
        SettingsReader({"STATE_ENABLED": "maybe"}).bool("STATE_ENABLED")


def test_the_check_sees_an_attribute_set_on_a_crawler() -> None:
    assert attributes_set_on_crawlers(
        "self.crawler.shared_crawl = 1\ncrawler.x: int = 2\nsetattr(crawler, 'parts', 3)") == \
        {"shared_crawl", "x", "'parts'"}


def test_nothing_is_set_on_scrapy_crawlers() -> None:
    found = {p.relative_to(ROOT).as_posix(): names for p in SOURCES
             if (names := attributes_set_on_crawlers(p.read_text()))}
    assert not found, found
