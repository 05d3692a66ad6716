"""One crawler process of a run with ``--processes N``: ``python -m crawler.commands.run_shard
RUN_FOLDER INDEX`` (started by :mod:`crawler.multisite.coordinator`, not by users).

It reads the run's plan, takes sites from the run's queue as it has room for them and crawls
them (:class:`crawler.multisite.site_crawls.SiteCrawls`), writing each site's entry into the
run folder. The run's first process (:mod:`crawler.multisite.coordinator`) started it and
waits for it; it ends when that process dies (a parent-death signal).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or not args[1].isdigit():
        print("usage: python -m crawler.commands.run_shard RUN_FOLDER INDEX", file=sys.stderr)
        return 2
    folder, worker = Path(args[0]), int(args[1])
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    from crawler.commands.run import lock_and_resume
    from crawler.multisite.coordinator import SiteRecorder
    from crawler.multisite.run_document import SITES_FOLDER
    from crawler.multisite.seed_queue import RunPlan, SeedQueue
    from crawler.multisite.site_crawls import SiteCrawls

    plan = RunPlan.read(folder)
    settings = get_project_settings()
    for name, value in plan.settings.items():
        settings.set(name, value, priority="cmdline")
    recorder = SiteRecorder(folder / SITES_FOLDER, len(plan.seeds))
    SiteCrawls(settings, SeedQueue(folder, plan.seeds), plan.run_id, recorder,
               at_once=plan.sites_at_once, resume=plan.resume, worker=worker,
               lock_site=lock_and_resume).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
