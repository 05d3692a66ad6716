"""The browser's processes, read from ``/proc``: who they are and how much memory they hold.

Linux only (elsewhere every function answers "nothing found"). The Playwright driver is a child
of the crawler; Chromium and its zygotes, renderers and utility processes are the driver's
descendants. Their memory is summed as PSS (proportional set size, ``smaps_rollup``), so pages
shared between Chromium's processes count once; RSS is the fallback where PSS is not readable.
"""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def children_map() -> dict[int, list[int]]:
    """Parent pid → child pids of every live process."""
    tree: dict[int, list[int]] = {}
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int, tree: dict[int, list[int]] | None = None) -> list[int]:
    """Every live process below ``pid``."""
    tree = children_map() if tree is None else tree
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> str:
    """A process's command line, arguments joined by spaces ('' when it is gone)."""
    try:
        return (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(
            "utf-8", "replace")
    except OSError:
        return ""


def driver_pids(parent: int | None = None) -> list[int]:
    """The Playwright drivers this process (or ``parent``) started."""
    parent = os.getpid() if parent is None else parent
    return [pid for pid in children_map().get(parent, []) if "run-driver" in cmdline(pid)]


def memory_kb(pid: int) -> int:
    """A process's PSS in kB (RSS when PSS is not readable; 0 when it is gone)."""
    try:
        for line in (_PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_memory_mb(root: int, include_root: bool = True) -> float:
    """Memory of ``root`` and all its descendants in MB (PSS, see :func:`memory_kb`)."""
    pids = descendants(root) + ([root] if include_root else [])
    return sum(memory_kb(pid) for pid in pids) / 1024
