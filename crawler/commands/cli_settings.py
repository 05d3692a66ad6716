"""Settings from the command line: ``-s NAME=VALUE``, checked by name and by type.

A name is known when Scrapy's defaults or the project's settings module (``crawler.settings``,
or the module ``SCRAPY_SETTINGS_MODULE`` names) define it; an unknown one is refused with the
closest known name, so a typo (``DOWNLOAD_DELAYY``) never runs a crawl at the defaults. The
value is read as the type of the setting's current value (bool, int, float, JSON list/dict).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.errors import UsageError

_SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def closest_setting(name: str, known: Iterable[str]) -> str | None:
    """The known setting name most like ``name`` (a typo's intended name), if any is close."""
    names = list(known)
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    if not found:  # a prefix or a word left out: DELAY for DOWNLOAD_DELAY
        found = [n for n in names if name in n.split("_") or n.startswith(name)][:1]
    return found[0] if found else None


def check_known(name: str, settings: Settings) -> None:
    """Raise :class:`UsageError` naming the closest setting when ``name`` is not known."""
    if name in settings:
        return
    hint = closest_setting(name, settings)
    guess = f"did you mean {hint}? " if hint else ""
    raise UsageError(f"unknown setting {name}: {guess}(-s takes Scrapy's settings and the "
                     "crawler's, listed in crawler/settings.py)")


def parse_setting(pair: str, settings: Settings) -> tuple[str, Any]:
    """``NAME=VALUE`` for a known setting, the value checked against the type of its current
    value."""
    name, sep, raw = pair.partition("=")
    name = name.strip()
    if not sep or not _SETTING_NAME.match(name):
        raise UsageError(f"-s expects NAME=VALUE with an upper-case NAME, got {pair!r}")
    check_known(name, settings)
    current = settings.get(name)
    try:
        if isinstance(current, bool):
            low = raw.strip().lower()
            if low not in _TRUE | _FALSE:
                raise ValueError("expected true/false")
            return name, low in _TRUE
        if isinstance(current, int):
            return name, int(raw)
        if isinstance(current, float):
            return name, float(raw)
        if isinstance(current, dict | list) or hasattr(current, "copy_to_dict"):
            value = json.loads(raw)
            if not isinstance(value, dict | list):
                raise ValueError("expected a JSON object or list")
            return name, value
    except ValueError as exc:
        kind = type(current).__name__
        raise UsageError(f"bad value for {name}: {raw!r} ({kind} expected: {exc})") from exc
    return name, raw


def build_settings(overrides: list[str], extra: dict[str, Any]) -> Settings:
    """Project settings, then ``extra`` from named options, then ``-s`` overrides."""
    settings = get_project_settings()
    for name, value in extra.items():
        if value is not None:
            settings.set(name, value, priority="cmdline")
    for pair in overrides:
        name, value = parse_setting(pair, settings)
        settings.set(name, value, priority="cmdline")
    return settings
