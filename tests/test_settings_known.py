"""Every setting the crawler reads is declared (``crawler/settings.py``), so ``-s`` knows it,
checks its type, and refuses a typo naming the closest one (``crawler.commands.cli_settings``)."""

from __future__ import annotations

import ast
import re

import pytest
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.errors import UsageError
from tests.helpers.cli import ROOT

_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")
_GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getwithbase",
            "getpriority", "get_int", "get_float", "get_bool", "_setting"}
# crawler.typed_settings.SettingsReader: ``read = SettingsReader(settings); read.int("X")``
_TYPED = {"get", "str", "text", "optional", "bool", "int", "float", "list", "dict"}


def _settings_read(tree: ast.AST) -> set[str]:
    """Upper-case names passed to a settings getter (``settings.getint("X")``,
    ``read.int("X")`` of a ``SettingsReader``, ``get(settings, "X")``)."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        typed = receiver == "read" or receiver.startswith("SettingsReader(")
        if name not in (_TYPED if typed else _GETTERS):
            continue
        first = ast.unparse(node.args[0]) if node.args else ""
        if "environ" in receiver:
            continue
        if "settings" in receiver or typed:
            arg = node.args[0] if node.args else None  # settings.get("X"), read.int("X")
        elif "settings" in first:
            arg = node.args[1] if len(node.args) > 1 else None  # get(settings, "X", default)
        else:
            continue
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _NAME.match(arg.value):
            found.add(arg.value)
    return found


def test_every_setting_the_code_reads_is_known():
    known = set(get_project_settings())
    read: dict[str, str] = {}
    for folder in ("crawler", "spiders", "pipelines"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in _settings_read(ast.parse(path.read_text(encoding="utf-8"))):
                read.setdefault(name, str(path.relative_to(ROOT)))
    assert len(read) > 60  # the scan finds them
    unknown = {name: where for name, where in read.items() if name not in known}
    assert not unknown, f"declare these in crawler/settings.py: {unknown}"


@pytest.mark.parametrize(("typo", "meant"), [
    ("DOWNLOAD_DELAYY", "DOWNLOAD_DELAY"), ("CONCURENT_REQUESTS_PER_DOMAIN",
                                            "CONCURRENT_REQUESTS_PER_DOMAIN"),
    ("SPOOL_DIRS", "SPOOL_DIR"), ("ROBOTSTXT_OBAY", "ROBOTSTXT_OBEY"),
])
def test_unknown_setting_is_refused_naming_the_closest(typo, meant):
    from crawler.commands.cli_settings import closest_setting, parse_setting

    settings = get_project_settings()
    assert closest_setting(typo, settings) == meant
    with pytest.raises(UsageError, match=f"unknown setting {typo}: did you mean {meant}\\?"):
        parse_setting(f"{typo}=1", settings)


def test_known_settings_parse_by_type():
    from crawler.commands.cli_settings import parse_setting

    settings = get_project_settings()
    assert parse_setting("STORE_WORKERS=8", settings) == ("STORE_WORKERS", 8)
    assert parse_setting("SPOOL_KEEP=yes", settings) == ("SPOOL_KEEP", True)
    assert parse_setting("DOWNLOAD_DELAY=1.5", settings) == ("DOWNLOAD_DELAY", 1.5)
    with pytest.raises(UsageError, match="unknown setting NOTHING_LIKE_IT: \\(-s takes"):
        parse_setting("NOTHING_LIKE_IT=1", Settings())
