"""The annotations are checked: mypy (configured in pyproject.toml) passes over crawler/,
spiders/ and pipelines/. CI runs it with the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_passes_over_the_package(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, f"mypy found problems:\n{run.stdout}{run.stderr}"
    assert "no issues found" in run.stdout
