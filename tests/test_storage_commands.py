"""``crawler verify``, ``crawler ls`` and ``crawler upload`` (crawler.commands.storage_commands)
against a local folder and moto's S3 server over HTTP."""

from __future__ import annotations

import argparse
import os

import pytest

from crawler.commands import storage_commands as commands
from crawler.errors import UsageError
from crawler.storage.jobs import jobs_for
from crawler.storage.objects import ObjectStore
from crawler.storage.s3 import S3Location, StoreConfig
from crawler.storage.spool import read_target
from crawler.storage.uploader import Uploader
from tests.helpers.storage import make_spooled_crawl, run_storage_command


def _upload(moto_url: str, bucket: str, crawl_dir) -> None:
    config = StoreConfig(endpoint_url=moto_url)
    uploader = Uploader(ObjectStore(config.client(), S3Location(bucket), config), keep=True)
    for job in jobs_for(crawl_dir, read_target(crawl_dir)):
        uploader.submit(job)
    assert uploader.wait(60) and not uploader.pending_jobs()


def test_not_our_command():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("crawl")
    commands.add_commands(sub)
    assert commands.dispatch(parser.parse_args(["crawl"])) is None


def test_help_texts(capsys):
    for name in commands.COMMANDS:
        with pytest.raises(SystemExit):
            run_storage_command(name, "--help")
        assert "usage: crawler " + name in capsys.readouterr().out


def test_verify_local_detects_missing_and_corrupted(tmp_path, capsys):
    out = make_spooled_crawl(tmp_path, "s3://unused-bucket/p", None)
    assert run_storage_command("verify", str(out.root)) == 0
    assert "OK:" in capsys.readouterr().out
    warc = next(out.warc_dir.iterdir())
    warc.write_bytes(b"X" + warc.read_bytes()[1:])
    next(out.index_dir.iterdir()).unlink()
    assert run_storage_command("verify", str(out.root)) == 1
    printed = capsys.readouterr().out
    assert f"corrupted: warc/{warc.name}" in printed
    assert "missing: indexes/" in printed
    with pytest.raises(UsageError):
        run_storage_command("verify", str(tmp_path / "nope"))


def test_verify_s3_detects_missing_and_corrupted(s3, bucket, moto_url, tmp_path, capsys):
    uri = f"s3://{bucket}/arch"
    out = make_spooled_crawl(tmp_path, uri, moto_url, crawl_id="20250101T000000Z-abcd")
    _upload(moto_url, bucket, out.root)
    crawl_uri = f"{uri}/news/{out.crawl_id}"
    for quick in ((), ("--quick",)):
        assert run_storage_command("verify", crawl_uri, "--endpoint-url", moto_url, *quick) == 0
        assert "OK: " + crawl_uri in capsys.readouterr().out

    warc = next(out.warc_dir.iterdir())
    prefix = f"arch/news/{out.crawl_id}/"
    s3.put_object(Bucket=bucket, Key=prefix + f"warc/{warc.name}",
                  Body=os.urandom(warc.stat().st_size))  # same size, other bytes
    s3.delete_object(Bucket=bucket, Key=prefix + f"indexes/{next(out.index_dir.iterdir()).name}")
    for quick in ((), ("--quick",)):
        assert run_storage_command("verify", crawl_uri, "--endpoint-url", moto_url, *quick) == 1
        printed = capsys.readouterr().out
        assert f"corrupted: warc/{warc.name}" in printed
        assert "missing: indexes/" in printed and "FAILED (2 problems)" in printed

    assert run_storage_command("verify", f"{uri}/news/nothing-here", "--endpoint-url",
                               moto_url) == 1
    assert "no manifest.json" in capsys.readouterr().out


def test_ls_local_and_s3(s3, bucket, moto_url, tmp_path, capsys):
    uri = f"s3://{bucket}/arch"
    done = make_spooled_crawl(tmp_path, uri, moto_url, crawl_id="20250101T000000Z-aaaa")
    half = make_spooled_crawl(tmp_path, uri, moto_url, crawl_id="20250102T000000Z-bbbb",
                              manifest=False)
    for crawl in (done, half):
        _upload(moto_url, bucket, crawl.root)
    listings = []
    for target, extra in ((str(tmp_path), ()), (uri, ("--endpoint-url", moto_url))):
        assert run_storage_command("ls", target, *extra) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split() == ["SITE", "CRAWL-ID", "FINISHED", "ARTICLES", "PAGES",
                                    "WARC-BYTES", "STATUS"]
        rows = {line.split()[1]: line.split() for line in lines[1:]}
        assert rows["20250101T000000Z-aaaa"][3:6] == ["20", "31", "4000"]
        assert rows["20250101T000000Z-aaaa"][6:] == ["complete", "(finished)"]
        assert rows["20250102T000000Z-bbbb"][3:5] == ["-", "-"]
        listings.append([row[:6] for row in rows.values()])
        # no manifest: a local folder that nothing writes was abandoned; a store cannot tell
        state = " ".join(rows["20250102T000000Z-bbbb"][6:])
        assert state.startswith("abandoned (no manifest" if target == str(tmp_path)
                                else "in progress or abandoned (no manifest"), state
    assert listings[0] == listings[1]
    # a site folder or a single crawl folder works too
    assert run_storage_command("ls", f"{uri}/news/20250101T000000Z-aaaa", "--endpoint-url",
                               moto_url) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert run_storage_command("ls", str(tmp_path / "news")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_upload_command_finishes_a_spool_and_is_idempotent(s3, bucket, moto_url, tmp_path,
                                                          capsys):
    uri = f"s3://{bucket}/arch"
    out = make_spooled_crawl(tmp_path, uri, moto_url)
    assert run_storage_command("upload", str(tmp_path), "--keep") == 0
    assert f"complete: {uri}/news/{out.crawl_id}" in capsys.readouterr().out
    # again: all verified present, nothing re-sent
    assert run_storage_command("upload", str(out.root)) == 0
    printed = capsys.readouterr().out
    assert "uploaded 0 files (0 bytes), 4 already in the store" in printed
    assert not out.root.exists()
    assert run_storage_command("verify", f"{uri}/news/{out.crawl_id}", "--endpoint-url",
                               moto_url) == 0
    with pytest.raises(UsageError, match="holds no spooled"):
        run_storage_command("upload", str(tmp_path))


def test_upload_command_reports_missing_bucket(s3, moto_url, tmp_path):
    make_spooled_crawl(tmp_path, "s3://gone-bucket/arch", moto_url)
    with pytest.raises(UsageError, match="does not exist"):
        run_storage_command("upload", str(tmp_path))
