"""The benchmark scripts run as documented: none shadows a standard module, each starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers.cli import ROOT

BENCH = ROOT / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if not p.name.startswith("_"))


def test_no_module_in_bench_shadows_the_standard_library():
    """Python puts a script's folder first on ``sys.path``: a ``bench/queue.py`` is what every
    ``import queue`` in a benchmark (and in the libraries it uses) gets."""
    names = {p.stem for p in BENCH.glob("*.py")}
    assert not names & sys.stdlib_module_names, names & sys.stdlib_module_names


@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script_starts(script):
    """``--help`` imports everything the script imports, as ``.venv/bin/python bench/X.py``
    does, from the repository's root."""
    result = subprocess.run([sys.executable, f"bench/{script}", "--help"], cwd=ROOT, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("usage:"), result.stdout[:500]


def test_request_queue_quick_run(tmp_path):
    """The one benchmark that takes a second: run for real, results written elsewhere."""
    out = tmp_path / "queue.json"
    result = subprocess.run([sys.executable, "bench/request_queue.py", "--requests", "100",
                             "--rounds", "1", "--out", str(out)], cwd=ROOT, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "spilling / pickle_disk" in result.stdout and out.is_file()


def test_documented_bench_commands_exist():
    """Every ``bench/<name>.py`` the README and docs name is there."""
    import re

    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {m for t in texts for m in re.findall(r"bench/(\w+)\.py", t.read_text())}
    assert named and named <= {p.stem for p in BENCH.glob("*.py")}, named
