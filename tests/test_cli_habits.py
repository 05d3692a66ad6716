"""Habits from Scrapy and one naming scheme across subcommands: ``-a NAME=VALUE``, ``crawler
list``, ``--out`` for every output, S3 options wherever S3 is touched, old spellings as hidden
aliases, a help text on every option."""

from __future__ import annotations

import argparse

import pytest

from crawler.commands.cli import _parser
from tests.helpers.cli import FAST, run_cli
from tests.helpers.crawls import crawl_dir, crawl_id_of, crawl_site, read_records
from tests.helpers.s3moto import AWS_ENV


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_of_every_command_has_help():
    missing = []
    for name, sub in _subparsers(_parser()).items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
                continue
            if not (action.help or "").strip():
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing


def test_one_option_name_for_where_output_goes():
    commands = _subparsers(_parser())
    for name in ("crawl", "demo", "report", "wacz", "extract"):
        options = {o for a in commands[name]._actions if a.help != argparse.SUPPRESS
                   for o in a.option_strings}
        assert "--out" in options and "--output" not in options and "-o" not in options, name
    parse = _parser().parse_args
    assert parse(["wacz", "c", "--out", "a.wacz"]).out == "a.wacz"
    assert parse(["wacz", "c", "-o", "b.wacz"]).out == "b.wacz"  # the old spellings still work
    assert parse(["wacz", "c", "--output", "c.wacz"]).out == "c.wacz"
    assert "--output" not in commands["wacz"].format_help()
    assert parse(["crawl", "news", "-L", "info"]).log_level == "INFO"  # Scrapy's -L


def test_s3_options_wherever_s3_is_touched():
    commands = _subparsers(_parser())
    for name in ("crawl", "replay", "reextract", "ls", "verify", "upload"):
        options = {o for a in commands[name]._actions for o in a.option_strings}
        assert {"--endpoint-url", "--region", "--addressing-style"} <= options, name


def test_list_shows_spiders_with_descriptions(tmp_path):
    result = run_cli("list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert set(lines) == {"news", "vsedelo"}
    assert "--url" in lines["news"] and "vsedelo.com" in lines["vsedelo"]


def test_crawl_takes_spider_arguments_as_scrapy_does(small_site, tmp_path):
    site, server = small_site
    truth = sorted(site.ground_truth(base_url=server.url.rstrip("/")),
                   key=lambda t: t["published"])
    since = truth[-4]["published"]
    result = run_cli("crawl", "news", "-a", f"url={server.url}", "-a", f"since={since}",
                     "--out", str(tmp_path), *FAST, "-s", "MONITOR_MIN_ARTICLES=0")
    assert result.returncode == 0, result.stderr[-3000:]
    records = read_records(crawl_dir(tmp_path))
    assert records and len(records) < len(truth)
    manifest = (crawl_dir(tmp_path) / "manifest.json").read_text()
    assert f'"since": "{since[:10]}' in manifest or since[:16] in manifest


@pytest.mark.parametrize(("args", "wanted"), [
    (["-a", "url=http://127.0.0.1:9/", "-a", "depth=3"],
     "spider 'news' takes no argument 'depth'; its arguments: more_urls, since, url"),
    (["-a", "url"], "-a expects NAME=VALUE"),
    (["-a", "url=http://127.0.0.1:9/", "--url", "http://127.0.0.1:8/"], "disagree"),
    (["--url", "http://127.0.0.1:9/", "-o", "items.json"], "-o is Scrapy's feed export"),
    (["--url", "http://127.0.0.1:9/", "--logfile", "/nonexistent/dir/log"],
     "cannot write the log file"),
    (["--url", "http://127.0.0.1:9/", "--log-format", "xml"], "invalid choice: 'xml'"),
])
def test_bad_spider_and_log_options_exit_2(args, wanted, tmp_path):
    result = run_cli("crawl", "news", *args, "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert wanted in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "o").exists()


def test_crawl_to_s3_with_the_endpoint_option(s3, bucket, moto_url, tmp_path):
    """--endpoint-url names the store: nothing in the environment points at moto. The second
    crawl's report compares it with the first, found in the store."""
    import json

    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    ids = []
    with start_server(FixtureSite(articles=3, seed=4)) as server:
        for _ in range(2):
            result = crawl_site(server.url, f"s3://{bucket}/ep", "--endpoint-url", moto_url,
                                "--region", "us-east-1", "-s", f"SPOOL_DIR={tmp_path / 'spool'}",
                                env=dict(AWS_ENV))
            ids.append(crawl_id_of(result))
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="ep/")["Contents"]]
    assert any(k.endswith("/manifest.json") for k in keys)
    (report,) = [k for k in keys if k.endswith(f"{ids[1]}/report.json")]
    compared = json.loads(s3.get_object(Bucket=bucket, Key=report)["Body"].read())["compared"]
    assert compared["previous"]["crawl_id"] == ids[0]
    listed = run_cli("ls", f"s3://{bucket}/ep", "--endpoint-url", moto_url, env=dict(AWS_ENV))
    assert listed.returncode == 0 and "complete" in listed.stdout
