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
