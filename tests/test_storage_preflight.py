"""Before a crawl: a missing bucket, bad or absent credentials, an unreachable store are one clear
line each (``preflight`` raises StorageError), and a good store passes without leftovers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from crawler.storage import StorageError, preflight
from crawler.storage.s3 import S3Location, StoreConfig
from tests.helpers.net import free_port


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    assert "testing-secret-never-logged" not in message
    return message


def test_good_store_passes_and_leaves_nothing(s3, bucket, moto_url):
    preflight(f"s3://{bucket}/some/prefix", {"S3_ENDPOINT_URL": moto_url})
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_endpoint_from_aws_endpoint_url_env(s3, bucket, moto_url, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    preflight(f"s3://{bucket}/p", {})
    with pytest.raises(StorageError) as exc:
        preflight(f"s3://{bucket}-missing/p", {})
    assert "does not exist" in _one_line(exc)


def test_missing_bucket(s3, moto_url):
    with pytest.raises(StorageError) as exc:
        preflight("s3://no-such-bucket-here/prefix", {"S3_ENDPOINT_URL": moto_url})
    message = _one_line(exc)
    assert "'no-such-bucket-here'" in message and "does not exist" in message
    assert "create it" in message


def test_unreachable_endpoint(aws_env):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StorageError) as exc:
        preflight("s3://bucket-x/p", {"S3_ENDPOINT_URL": url, "S3_CONNECT_TIMEOUT": 2})
    message = _one_line(exc)
    assert "cannot reach" in message and url in message


def test_no_credentials(moto_url, aws_env, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(StorageError) as exc:
        preflight("s3://bucket-x/p", {"S3_ENDPOINT_URL": moto_url})
    assert "no usable S3 credentials" in _one_line(exc)


def test_bad_uri_and_settings():
    with pytest.raises(StorageError, match="bad bucket name"):
        S3Location.parse("s3://Bad_Bucket/x")
    with pytest.raises(StorageError, match="S3_ADDRESSING_STYLE"):
        StoreConfig.from_settings({"S3_ADDRESSING_STYLE": "sideways"})


@pytest.fixture(scope="module")
def auth_store(tmp_path_factory):
    """A separate moto server that checks credentials (first 3 calls set up a user)."""
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"}
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="crawler")
        key = iam.create_access_key(UserName="crawler")["AccessKey"]
        iam.put_user_policy(UserName="crawler", PolicyName="s3", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                     aws_access_key_id=key["AccessKeyId"],
                     aws_secret_access_key=key["SecretAccessKey"]).create_bucket(Bucket="guarded")
        yield url, key["AccessKeyId"], key["SecretAccessKey"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_bad_credentials(auth_store, aws_env, monkeypatch):
    url, key_id, secret = auth_store
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    preflight("s3://guarded/p", {"S3_ENDPOINT_URL": url})  # the right ones work

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-never-logged")
    with pytest.raises(StorageError) as exc:
        preflight("s3://guarded/p", {"S3_ENDPOINT_URL": url})
    message = _one_line(exc)
    assert "rejected the credentials (SignatureDoesNotMatch)" in message

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000000")
    with pytest.raises(StorageError) as exc:
        preflight("s3://guarded/p", {"S3_ENDPOINT_URL": url})
    assert "rejected the credentials (InvalidAccessKeyId)" in _one_line(exc)
