"""Shared fixtures: the fixture news site on loopback, moto's S3 server and boto3 clients for it,
a real redis-server, and no distributed worker left running after its test. Plain helpers are in
``tests/helpers``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.helpers.redisd import redis_server
from tests.helpers.s3moto import AWS_ENV, CLEARED
from tests.helpers.s3proxy import FaultProxy
from tests.helpers.workers import kill_started_workers


@pytest.fixture(scope="session")
def small_site():
    """A 30-article fixture site served on 127.0.0.1 for the whole session."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    site = FixtureSite(articles=30, seed=7)
    with start_server(site) as server:
        yield site, server


# --- object storage: moto's S3 API over HTTP on loopback -----------------------------------------
@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's S3 API over HTTP on a free loopback port, for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Test credentials in the environment (boto3's standard chain), nothing else AWS."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    return dict(AWS_ENV)


@pytest.fixture
def s3(moto_url: str, aws_env: dict[str, str]):
    """A real boto3 S3 client talking HTTP to moto."""
    import boto3

    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture
def bucket(s3) -> str:
    """A new, empty bucket for one test."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def fault_proxy(moto_url: str) -> Iterator[FaultProxy]:
    """A proxy in front of moto that a test can switch to failing and back."""
    host, _, port = moto_url.removeprefix("http://").partition(":")
    proxy = FaultProxy(host, int(port))
    yield proxy
    proxy.close()


# --- distributed crawls --------------------------------------------------------------------------
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
