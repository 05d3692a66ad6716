"""The crawl output is settled once: ``OUTPUT_URI`` read in one place, one ``CrawlOutput`` per
crawler that nothing replaces, the closing order in one table, and the results of a run on one
typed object (``crawler.outcome.CrawlResult``) instead of attributes set on Scrapy's crawler."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings

from crawler.crawl.output import CLOSE_ORDER, CrawlOutput, crawl_output, output_uri
from crawler.outcome import CrawlResult

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for package in ("crawler", "spiders", "pipelines")
           for p in sorted((ROOT / package).rglob("*.py"))]


def _fake_crawler(tmp_path: Path, **settings: object) -> SimpleNamespace:
    return SimpleNamespace(settings=Settings({"OUTPUT_URI": str(tmp_path), **settings}),
                           spidercls=SimpleNamespace(name="news"), spider=None)


@pytest.mark.parametrize("setting", ["OUTPUT_URI", "SPOOL_DIR"])
def test_the_output_settings_are_read_in_one_module(setting: str) -> None:
    reads = re.compile(r"""get\(\s*["']""" + setting + """["']""")
    readers = sorted(str(p.relative_to(ROOT)) for p in SOURCES if reads.search(p.read_text()))
    assert readers == ["crawler/crawl/output.py"]


def test_output_uri_has_one_default() -> None:
    assert output_uri(Settings()) == "out"
    assert output_uri(Settings({"OUTPUT_URI": "s3://b/p"})) == "s3://b/p"


def test_every_closer_names_a_stage_of_the_table() -> None:
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


def test_the_output_is_settled_once(tmp_path: Path) -> None:
    crawler = _fake_crawler(tmp_path, CRAWL_ID="20250101T000000Z-aaaa")
    out = crawl_output(crawler)
    assert out.root == tmp_path / "news" / "20250101T000000Z-aaaa" and out.uri == str(tmp_path)
    assert crawl_output(crawler) is out
    assert crawl_output(crawler, crawl_id=out.crawl_id) is out
    with pytest.raises(RuntimeError, match="already"):
        crawl_output(crawler, crawl_id="20250102T000000Z-bbbb")
    out.finish()


def test_a_resume_settles_the_output_on_the_resumed_crawl(tmp_path: Path) -> None:
    crawler = _fake_crawler(tmp_path)
    out = crawl_output(crawler, crawl_id="20250101T000000Z-aaaa")
    assert out.root == tmp_path / "news" / "20250101T000000Z-aaaa"
    assert out.crawl_id == "20250101T000000Z-aaaa"
    out.finish()


def test_results_come_back_on_one_typed_object(tmp_path: Path) -> None:
    setters = re.compile(r"crawler\.(crawl_manifest|crawl_report_path)\s*=")
    assert not [p.name for p in SOURCES if setters.search(p.read_text())]
    out = CrawlOutput(root=tmp_path, spider="news", crawl_id="c1", uri=str(tmp_path))
    result = CrawlResult(stats={"finish_reason": "finished"}, finish_reason="finished",
                         output=out)
    assert result.manifest is None and result.ended_well
    out.manifest, out.report_path = {"files": []}, tmp_path / "report.html"
    assert result.manifest == {"files": []} and result.report_path == tmp_path / "report.html"
    assert not CrawlResult(stats={}, finish_reason="shutdown").ended_well


def _attributes_set_on_crawlers(source: str) -> set[str]:
    """Names assigned as attributes of a Scrapy crawler (``crawler.x = …``,
    ``self.crawler.x = …``) in ``source``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
        for target in targets:
            if not isinstance(target, ast.Attribute):
                continue
            owner = target.value
            if (isinstance(owner, ast.Name) and owner.id == "crawler") or (
                    isinstance(owner, ast.Attribute) and owner.attr == "crawler"):
                found.add(target.attr)
    return found


def test_components_share_through_typed_parts_not_crawler_attributes() -> None:
    """The only attribute the project sets on Scrapy's crawler is its one crawl output; the
    components others need are fields of ``crawler.crawl.parts.CrawlParts``."""
    set_on_crawlers = {name: path.relative_to(ROOT).as_posix() for path in SOURCES
                       for name in _attributes_set_on_crawlers(path.read_text())}
    assert set(set_on_crawlers) <= {"crawl_output"}, set_on_crawlers
    assert _attributes_set_on_crawlers("self.crawler.shared_crawl = 1\ncrawler.x: int = 2") == \
        {"shared_crawl", "x"}


def test_parts_are_one_object_per_crawler() -> None:
    from crawler.crawl.parts import CrawlParts, parts

    crawler, other = SimpleNamespace(), SimpleNamespace()
    assert parts(crawler) is parts(crawler) and isinstance(parts(crawler), CrawlParts)
    parts(crawler).state = "state"  # type: ignore[assignment]
    assert parts(other).state is None
