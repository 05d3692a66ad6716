"""One crawl context per crawler, settled before any component: the output (``OUTPUT_URI``
read in one place, local or S3 decided once, this process's file names), the crawl id a resume
settles, the closing order in one table, the parts components share, and the results of a run
on one typed object (``crawler.commands.run.CrawlResult``), with nothing set on Scrapy's
crawler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.commands.run import CrawlResult
from crawler.crawl.context import CrawlContext
from crawler.crawl.naming import FileNames
from crawler.crawl.output import CLOSE_ORDER, CrawlOutput, is_remote
from crawler.crawl.parts import CrawlParts
from crawler.typed_settings import CrawlSettings
from tests.helpers.context import context_crawler

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for package in ("crawler", "spiders", "pipelines")
           for p in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize("setting", ["OUTPUT_URI", "SPOOL_DIR"])
def test_the_output_settings_are_read_in_one_module(setting: str) -> None:
    reads = re.compile(r"""(get|str|text|bool|int|float|list|optional)\(\s*["']""" + setting
                       + """["']""")
    readers = sorted(str(p.relative_to(ROOT)) for p in SOURCES if reads.search(p.read_text()))
    assert readers == ["crawler/typed_settings.py"]


def test_the_output_has_one_default() -> None:
    assert CrawlSettings.from_settings(Settings()).output_uri == "out"
    assert CrawlSettings.from_settings({}).output_uri == "out"
    assert is_remote(CrawlSettings.from_settings(Settings({"OUTPUT_URI": "s3://b/p"})).output_uri)
    assert not is_remote("out") and not is_remote(None)


def test_every_closer_names_a_stage_of_the_table() -> None:
    import ast

    calls = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_closer":
                calls.append((path.name, node))
    assert len(calls) >= 7
    for name, call in calls:
        assert not call.keywords and len(call.args) == 2, name
        stage = call.args[1]
        assert isinstance(stage, ast.Constant) and stage.value in CLOSE_ORDER, name


def test_closers_run_in_the_table_order(tmp_path: Path) -> None:
    out = CrawlOutput(root=tmp_path, spider="news", crawl_id="c1", uri=str(tmp_path))
    ran: list[str] = []
    for stage in reversed(list(CLOSE_ORDER)):
        out.add_closer(lambda stage=stage: ran.append(stage), stage)
    out.close_writers()
    assert [CLOSE_ORDER[s] for s in ran] == sorted(CLOSE_ORDER.values())
    assert ran.index("articles") < ran.index("warc") < ran.index("monitors") < ran.index("report")
    with pytest.raises(KeyError):
        out.add_closer(lambda: None, "sometime")


def test_the_context_settles_the_crawl_before_any_component(tmp_path: Path) -> None:
    crawler = context_crawler(tmp_path, CRAWL_ID="20250101T000000Z-aaaa")
    context = CrawlContext.of(crawler)
    out = context.output
    assert crawler.addons.addons[-1] is context  # an add-on: built before the extensions
    assert out.root == tmp_path / "default" / "20250101T000000Z-aaaa" and out.uri == str(tmp_path)
    assert (out.root / "warc").is_dir() and not out.remote and not context.distributed
    assert CrawlContext.of(crawler) is context and context.crawl_id == out.crawl_id
    out.finish()


def test_every_component_gets_the_one_context(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"OUTPUT_URI": str(tmp_path), "STATE_ENABLED": False})
    with pytest.raises(RuntimeError, match="no crawl context"):  # not in ADDONS
        CrawlContext.of(crawler)


def test_a_resume_settles_the_crawl_id_on_the_unfinished_crawl(tmp_path: Path) -> None:
    (tmp_path / "default" / "20250101T000000Z-aaaa" / "warc").mkdir(parents=True)
    crawler = context_crawler(tmp_path, RESUME=True, STATE_ENABLED=True)
    context = CrawlContext.of(crawler)
    assert context.crawl_id == "20250101T000000Z-aaaa"
    assert context.resume == tmp_path / "default" / "20250101T000000Z-aaaa"
    assert context.lock is not None and context.lock.held  # the site's, under which it settled
    context.release_lock()
    context.output.finish()


def test_a_worker_names_its_files_once(tmp_path: Path) -> None:
    out = CrawlContext.of(context_crawler(tmp_path, WORKER_ID="w 1", WARC_PREFIX="x")).output
    names = out.names
    assert names == FileNames(prefix="x", worker="w_1")
    assert names.articles_part(3) == "articles-w_1-00003.jsonl.gz"
    assert names.index("c") == "x-c-w_1.cdxj" and names.report == "report-w_1"
    assert names.facts == "site-facts-w_1.json"
    assert names.kind_of("warc/x-20250101000000000-00000-h-w_1.warc.gz") == "warc"
    assert names.kind_of("articles/articles-w_1-00003.jsonl.gz") == "articles"
    assert out.names_of("w_2").kind_of("articles/articles-w_1-00003.jsonl.gz") is None
    single = FileNames(prefix="x")
    assert single.articles_part(1) == "articles-00001.jsonl.gz" and single.report == "report"
    out.finish()


def test_parts_are_shared_by_class() -> None:
    parts = CrawlParts()

    class State:
        pass

    class Special(State):
        pass

    special = parts.add(Special())
    assert parts.get(State) is special and parts.get(Special) is special
    assert parts.get(int) is None
    with pytest.raises(RuntimeError, match="already"):
        parts.add(Special())
    with pytest.raises(RuntimeError, match="no int"):
        parts.require(int)


def test_results_come_back_on_one_typed_object(tmp_path: Path) -> None:
    out = CrawlOutput(root=tmp_path, spider="news", crawl_id="c1", uri=str(tmp_path))
    result = CrawlResult(stats={"finish_reason": "finished"}, finish_reason="finished",
                         output=out)
    assert result.manifest is None and result.ended_well
    out.manifest, out.report_path = {"files": []}, tmp_path / "report.html"
    assert result.manifest == {"files": []} and result.report_path == tmp_path / "report.html"
    assert not CrawlResult(stats={}, finish_reason="shutdown").ended_well


def test_nothing_is_set_on_the_crawler(tmp_path: Path) -> None:
    """The context is Scrapy's add-on instance: a crawler carries no attribute of ours."""
    plain = set(vars(get_crawler(settings_dict={"OUTPUT_URI": str(tmp_path)})))
    crawler = context_crawler(tmp_path)
    assert set(vars(crawler)) == plain
    CrawlContext.of(crawler).output.finish()
