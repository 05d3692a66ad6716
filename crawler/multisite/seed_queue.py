"""The run's seeds shared by its processes: each takes the next site when it has room for one.

Sharding is by demand, not by a fixed split: a process that drew three small sites takes more
while another is still on a big one. The queue is two files in the run folder: ``plan.json``
(the seeds and what every process needs to crawl them) and ``queue.next`` (the index of the
next seed), advanced under an exclusive ``flock``, so each seed goes to exactly one process.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crawler.multisite.seeds import Seed

PLAN_FILE, NEXT_FILE = "plan.json", "queue.next"


@dataclass(frozen=True)
class RunPlan:
    """What every process of a run needs: the run id, its seeds, the settings given on the
    command line (JSON values), and how to run."""

    run_id: str
    seeds: tuple[Seed, ...]
    settings: dict[str, Any]
    resume: bool = False
    sites_at_once: int = 8

    def write(self, folder: Path) -> None:
        data = {**asdict(self), "seeds": [asdict(s) for s in self.seeds]}
        path = folder / PLAN_FILE
        part = path.with_name(PLAN_FILE + ".part")
        part.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(part, path)

    @classmethod
    def read(cls, folder: Path) -> RunPlan:
        data = json.loads((folder / PLAN_FILE).read_text(encoding="utf-8"))
        seeds = tuple(_seed(s) for s in data.pop("seeds"))
        return cls(seeds=seeds, **data)


def _seed(data: Mapping[str, Any]) -> Seed:
    values = dict(data)
    for name in ("more_urls", "merged_lines"):
        values[name] = tuple(values.get(name) or ())
    return Seed(**values)


class SeedQueue:
    """The next seed of a run's plan, for one of its processes (``next()``: None when none
    is left)."""

    def __init__(self, folder: Path, seeds: Sequence[Seed]) -> None:
        self.path = folder / NEXT_FILE
        self.seeds = seeds
        self.path.touch(exist_ok=True)

    def next(self) -> Seed | None:
        with open(self.path, "r+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            text = handle.read().strip()
            index = int(text) if text else 0
            if index >= len(self.seeds):
                return None
            handle.seek(0)
            handle.truncate()
            handle.write(str(index + 1))
            handle.flush()
            os.fsync(handle.fileno())
        return self.seeds[index]
