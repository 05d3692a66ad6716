"""A misbehaving store loses nothing: files wait in the spool while a fault-injecting proxy in
front of moto refuses, answers 503 or hangs, and are uploaded and verified once it is back."""

from __future__ import annotations

import threading

import pytest

from crawler.commands import storage_commands as commands
from crawler.storage.jobs import jobs_for
from crawler.storage.objects import ObjectStore
from crawler.storage.s3 import S3Location, StoreConfig
from crawler.storage.spool import read_target
from crawler.storage.uploader import Uploader
from tests.helpers.storage import make_spooled_crawl, object_keys, run_storage_command
from tests.helpers.waiting import wait_until

EXPECTED_ERROR = {"refuse": "cannot reach the object store", "503": "is unavailable (503)",
                  "hang": "is unavailable (ReadTimeoutError)"}


def _through(proxy, bucket: str, **kw) -> Uploader:
    config = StoreConfig(endpoint_url=proxy.url, connect_timeout=1, read_timeout=1)
    store = ObjectStore(config.client(max_attempts=1), S3Location(bucket), config)
    return Uploader(store, workers=2, backoff_base=0.05, backoff_max=0.3, **kw)


def _spooled(crawl_dir) -> list[str]:
    return sorted(p.relative_to(crawl_dir).as_posix() for p in crawl_dir.rglob("*")
                  if p.is_file() and not p.name.startswith("."))


@pytest.mark.parametrize("fault", ["refuse", "503", "hang"])
def test_files_wait_in_spool_until_store_returns(fault, s3, bucket, moto_url, fault_proxy,
                                                 tmp_path, capsys):
    uri = f"s3://{bucket}/arch"
    out = make_spooled_crawl(tmp_path, uri, moto_url)
    before = _spooled(out.root)
    fault_proxy.set_mode(fault)
    uploader = _through(fault_proxy, bucket)
    for job in jobs_for(out.root, read_target(out.root)):
        uploader.submit(job)
    wait_until(lambda: uploader.counts.retries >= 6, "retries against the failing store")
    assert EXPECTED_ERROR[fault] in uploader.last_error
    assert object_keys(s3, bucket) == set()
    assert _spooled(out.root) == before  # nothing dropped, nothing removed
    assert uploader.pending_bytes == sum((out.root / p).stat().st_size for p in before)

    fault_proxy.set_mode("up")
    assert uploader.wait(60)
    assert uploader.pending_jobs() == [] and uploader.counts.uploaded_files == 4
    assert not out.root.exists()
    assert run_storage_command("verify", f"{uri}/news/{out.crawl_id}", "--endpoint-url",
                               moto_url) == 0
    assert "OK: " in capsys.readouterr().out


def test_stopped_while_down_then_upload_command_finishes(s3, bucket, moto_url, fault_proxy,
                                                         tmp_path, capsys):
    uri = f"s3://{bucket}/arch"
    out = make_spooled_crawl(tmp_path, uri, moto_url)
    uploader = _through(fault_proxy, bucket)
    jobs = jobs_for(out.root, read_target(out.root))
    # the first files get through, then the store goes away
    uploader.submit(jobs[0])
    wait_until(uploader.idle, "the first upload")
    fault_proxy.set_mode("refuse")
    for job in jobs[1:]:
        uploader.submit(job)
    wait_until(lambda: uploader.counts.retries >= 3, "retries")
    uploader.stop()  # the crawl ended with the store still down
    waiting = [j.relpath for j in uploader.pending_jobs()]
    assert waiting[-1] == "manifest.json" and len(waiting) == 3
    assert _spooled(out.root) == sorted(waiting)
    assert not [k for k in object_keys(s3, bucket) if k.endswith("manifest.json")]

    fault_proxy.set_mode("up")
    assert run_storage_command("upload", str(tmp_path), "--endpoint-url", fault_proxy.url) == 0
    assert f"complete: {uri}/news/{out.crawl_id}" in capsys.readouterr().out
    assert run_storage_command("verify", f"{uri}/news/{out.crawl_id}", "--endpoint-url",
                               moto_url) == 0


def test_upload_command_gives_up_with_a_list_when_store_stays_down(bucket, moto_url,
                                                                  fault_proxy, tmp_path,
                                                                  capsys, monkeypatch):
    out = make_spooled_crawl(tmp_path, f"s3://{bucket}/arch", moto_url)
    # preflight passes, then every later request gets 503
    calls = {"n": 0}
    real_preflight = commands.preflight

    def preflight_then_fail(uri, settings):
        real_preflight(uri, settings)
        calls["n"] += 1
        fault_proxy.set_mode("503")

    monkeypatch.setattr(commands, "preflight", preflight_then_fail)
    code = run_storage_command("upload", str(out.root), "--endpoint-url", fault_proxy.url,
                               "--timeout", "2")
    assert code == 1 and calls["n"] == 1
    printed = capsys.readouterr().out
    assert f"not finished: s3://{bucket}/arch/news/{out.crawl_id}: 4 files wait" in printed
    assert "  waiting: manifest.json" in printed
    assert out.manifest_path.exists()


def test_spool_limit_calls_full_then_room(s3, bucket, moto_url, fault_proxy, tmp_path):
    out = make_spooled_crawl(tmp_path, f"s3://{bucket}/arch", moto_url)
    events: list[tuple[str, int]] = []
    lock = threading.Lock()

    def note(name):
        def record(size: int) -> None:
            with lock:
                events.append((name, size))
        return record

    fault_proxy.set_mode("refuse")
    uploader = _through(fault_proxy, bucket, spool_max_bytes=5000, on_full=note("full"),
                        on_room=note("room"))
    jobs = jobs_for(out.root, read_target(out.root))
    for job in jobs:
        uploader.submit(job)
    assert [name for name, _ in events] == ["full"] and events[0][1] > 5000
    fault_proxy.set_mode("up")
    assert uploader.wait(60)
    assert [name for name, _ in events] == ["full", "room"]
    assert events[1][1] <= 4000
    keys = sorted(object_keys(s3, bucket))
    assert len(keys) == 4 and f"arch/news/{out.crawl_id}/manifest.json" in keys
