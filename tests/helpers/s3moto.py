"""Test credentials for moto's S3 server on 127.0.0.1 (its fixtures are in tests/conftest.py).

Nothing leaves the loopback interface: AWS config files and the instance metadata service are
switched off.
"""

from __future__ import annotations

import os

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
