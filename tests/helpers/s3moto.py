"""Fixtures for storage tests: moto's S3 server on 127.0.0.1 and real boto3 clients for it.

Import the fixtures into a test module (``from tests.helpers.s3moto import *``). Nothing leaves the
loopback interface: AWS config files and the instance metadata service are switched off.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.helpers.s3proxy import FaultProxy

__all__ = ["aws_env", "bucket", "fault_proxy", "moto_url", "s3"]

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-never-logged",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    # a safety net: a client built without an endpoint talks to a closed loopback port
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
}
CLEARED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_REGION",
           "CRAWLER_SPOOL")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's S3 API over HTTP on a free loopback port, for the whole session."""
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
