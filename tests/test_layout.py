"""The crawl folder: prepared by every worker of a distributed crawl, at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

from crawler.crawl.output import CrawlOutput, is_running


def test_workers_preparing_one_crawl_folder_at_once_do_not_trip_over_each_other(
        tmp_path: Path) -> None:
    root = tmp_path / "vsedelo" / "20260101T000000Z-race"
    errors: list[BaseException] = []
    start = threading.Barrier(8)
    outs: list[CrawlOutput] = []

    def worker() -> None:
        out = CrawlOutput(root=root, spider="vsedelo", crawl_id=root.name, uri=str(tmp_path))
        outs.append(out)
        start.wait()
        for _ in range(300):
            try:
                out.prepare()
            except OSError as exc:  # one worker's write probe removed under another's
                errors.append(exc)
                return

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # .running: the crawl is being written (crawler ls says "in progress")
    assert sorted(p.name for p in root.iterdir()) == [".running", "articles", "indexes", "warc"]
    assert is_running(root)
    for out in outs[:-1]:
        out.finish()
    assert is_running(root) and (root / ".running").exists()  # one worker still writes
    outs[-1].finish()
    assert not is_running(root)
    assert sorted(p.name for p in root.iterdir()) == ["articles", "indexes", "warc"]
