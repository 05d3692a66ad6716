"""The garbage-collector tuning: the start-up heap frozen while crawling, thresholds raised, and
both back as they were when the engine stops."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.engine.gctune import THRESHOLDS, GcTuning


def test_freezes_and_restores() -> None:
    before = gc.get_threshold()
    tuning = GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING": True}))
    try:
        tuning.engine_started()
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 1000  # what the process held when the engine started
        kept = object(), []  # a cycle made while crawling is still collected
        cycle: list = [kept]
        cycle.append(cycle)
        del cycle
        assert gc.collect() > 0
    finally:
        tuning.engine_stopped()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_switched_off() -> None:
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING": False}))


def test_crawlers_of_one_process_share_the_tuning() -> None:
    """The first crawler to start tunes the collector, the last to stop restores it: a site of
    a run that ends first does not unfreeze the heap under the others still crawling."""
    before = gc.get_threshold()
    first, second = (GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING": True}))
                     for _ in range(2))
    try:
        first.engine_started()
        full = gc.get_stats()[2]["collections"]
        second.engine_started()
        assert gc.get_stats()[2]["collections"] == full  # no second full collection
        first.engine_stopped()
        assert gc.get_threshold() == THRESHOLDS and gc.get_freeze_count() > 1000
    finally:
        first.engine_stopped()
        second.engine_stopped()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
