"""Shared fixtures: the fixture news site on loopback, a real redis-server, and no distributed
worker left running after its test. Plain helpers are in ``tests/helpers``."""

from __future__ import annotations

import pytest

from tests.helpers.redisd import redis_server
from tests.helpers.workers import kill_started_workers


@pytest.fixture(scope="session")
def small_site():
    """A 30-article fixture site served on 127.0.0.1 for the whole session."""
    from crawler.fixture import FixtureSite
    from crawler.fixture.server import start_server

    site = FixtureSite(articles=30, seed=7)
    with start_server(site) as server:
        yield site, server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server on loopback for one test module; yields its URL."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(autouse=True)
def kill_leftover_workers():
    """A test that fails before it waited for its distributed workers (``start_worker``) leaves
    none running: each is its own process group (extraction workers too), killed here."""
    yield
    kill_started_workers()
