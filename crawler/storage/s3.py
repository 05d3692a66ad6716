"""S3 addresses, client configuration and one-line explanations of object-store errors.

Credentials come only from boto3's standard chain (environment, shared files, instance roles);
nothing here reads, stores or prints them. Endpoints are shown without any user:password part.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from crawler.crawl.output import is_remote
from crawler.typed_settings import SettingsReader

MiB = 1024 * 1024
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
ADDRESSING_STYLES = ("auto", "path", "virtual")
_UNAVAILABLE = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout",
                "ReadTimeoutError", "ConnectTimeoutError"}


class StorageError(Exception):
    """A problem with the object store, in one line that says what to do about it."""


def is_s3_uri(uri: str | None) -> bool:
    """True for ``s3://…`` (``crawler.crawl.output.is_remote``)."""
    return is_remote(uri)


@dataclass(frozen=True)
class S3Location:
    """A bucket and a key prefix (no leading or trailing slash; may be empty)."""

    bucket: str
    prefix: str = ""

    @classmethod
    def parse(cls, uri: str) -> S3Location:
        """``s3://bucket/some/prefix`` → location; raises StorageError for a malformed URI."""
        if not is_s3_uri(uri):
            raise StorageError(f"not an s3:// URI: {uri!r}")
        bucket, _, prefix = uri[len("s3://"):].partition("/")
        if not _BUCKET.match(bucket):
            raise StorageError(f"bad bucket name {bucket!r} in {uri}: use s3://bucket/prefix "
                               "(3-63 lower-case letters, digits, dots, dashes)")
        return cls(bucket, prefix.strip("/"))

    def key(self, *parts: str) -> str:
        """The object key of ``parts`` joined under the prefix."""
        return "/".join(p.strip("/") for p in (self.prefix, *parts) if p and p.strip("/"))

    def uri(self, *parts: str) -> str:
        return f"s3://{self.bucket}/{self.key(*parts)}".rstrip("/")

    def child(self, *parts: str) -> S3Location:
        return S3Location(self.bucket, self.key(*parts))


@dataclass(frozen=True)
class StoreConfig:
    """How to reach the store: endpoint (None: boto3's default and ``AWS_ENDPOINT_URL``), region,
    addressing style, timeouts, the integrity checksum algorithm ("" for none) and multipart
    sizes for boto3's transfer manager."""

    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str = "auto"
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    checksum: str = "SHA256"
    multipart_threshold: int = 64 * MiB
    multipart_chunksize: int = 16 * MiB
    max_concurrency: int = 4

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> StoreConfig:
        """Read the ``S3_*`` settings (see docs/storage.md); an empty one takes its default."""
        read = SettingsReader(settings)
        style = read.text("S3_ADDRESSING_STYLE").lower()
        if style not in ADDRESSING_STYLES:
            raise StorageError(f"S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}"
                               f", got {style!r}")
        checksum = read.text("S3_CHECKSUM")
        checksum = "" if checksum.lower() in ("none", "off", "false") else checksum
        if checksum not in ("", "SHA256"):
            raise StorageError(f"S3_CHECKSUM must be SHA256 or none, got {checksum!r}")
        return cls(
            endpoint_url=read.optional("S3_ENDPOINT_URL"),
            region=read.optional("S3_REGION"),
            addressing_style=style,
            connect_timeout=read.float("S3_CONNECT_TIMEOUT"),
            read_timeout=read.float("S3_READ_TIMEOUT"),
            checksum=checksum,
            multipart_threshold=read.int("S3_MULTIPART_THRESHOLD"),
            multipart_chunksize=read.int("S3_MULTIPART_CHUNKSIZE"),
            max_concurrency=read.int("S3_MAX_CONCURRENCY"),
        )

    def client(self, max_attempts: int = 3, pool: int = 10) -> Any:
        """A boto3 S3 client with ``pool`` connections; botocore makes ``max_attempts`` attempts
        ("standard" retry mode) before an error reaches the caller."""
        config = Config(
            max_pool_connections=pool,
            s3={"addressing_style": self.addressing_style},
            retries={"mode": "standard", "total_max_attempts": max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            request_checksum_calculation="when_supported" if self.checksum else "when_required",
            response_checksum_validation="when_supported" if self.checksum else "when_required",
        )
        try:
            return boto3.session.Session().client(
                "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config)
        except ProfileNotFound as exc:
            raise StorageError(_no_profile(exc)) from None
        except ValueError as exc:  # an endpoint URL botocore cannot use
            raise StorageError(f"bad S3 endpoint {safe_url(str(self.endpoint_url))}: {exc}; "
                               "fix S3_ENDPOINT_URL / AWS_ENDPOINT_URL") from None

    def configured_endpoint(self) -> str | None:
        """The endpoint set by S3_ENDPOINT_URL or the AWS_ENDPOINT_URL(_S3) environment."""
        return (self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3")
                or os.environ.get("AWS_ENDPOINT_URL") or None)

    def transfer_config(self) -> TransferConfig:
        """boto3's transfer manager settings: multipart above the threshold."""
        return TransferConfig(multipart_threshold=self.multipart_threshold,
                              multipart_chunksize=self.multipart_chunksize,
                              max_concurrency=self.max_concurrency)

    def describe(self, client: Any = None) -> str:
        """The endpoint for messages, without credentials in it."""
        url = self.endpoint_url or (client.meta.endpoint_url if client is not None else None)
        return safe_url(url) if url else "the default AWS endpoint"


def _no_profile(exc: BaseException) -> str:
    return f"{exc}: set AWS_PROFILE to a profile of the AWS config files, or unset it"


def safe_url(url: str) -> str:
    """``url`` without a ``user:password@`` part."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def error_code(exc: BaseException) -> str:
    """The S3 error code of a ClientError (``NoSuchBucket``, ``404``…), else the class name."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or
                   exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "ClientError")
    return type(exc).__name__


def is_not_found(exc: BaseException) -> bool:
    return isinstance(exc, ClientError) and error_code(exc) in ("404", "NoSuchKey", "NotFound")


def explain(exc: BaseException, loc: S3Location, where: str) -> str:
    """A one-line description of ``exc`` with what to do about it; ``where`` names the endpoint."""
    code = error_code(exc)
    bucket = f"bucket {loc.bucket!r} at {where}"
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ("no usable S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or AWS_PROFILE, or use an instance role")
    if isinstance(exc, ProfileNotFound):
        return _no_profile(exc)
    if code in ("NoSuchBucket", "404", "NotFound"):
        return f"{bucket} does not exist: create it or fix the s3:// output"
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
                "TokenRefreshRequired", "AuthorizationHeaderMalformed", "InvalidClientTokenId"):
        return (f"the store at {where} rejected the credentials ({code}): check "
                "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE and the region")
    if code in ("AccessDenied", "403", "AllAccessDisabled"):
        return (f"access denied to {bucket} ({code}): the credentials need s3:PutObject, "
                "s3:GetObject and s3:ListBucket on it")
    if code == "PermanentRedirect":
        return f"{bucket} is in another region: set S3_REGION (or AWS_REGION) to its region"
    if isinstance(exc, BotoConnectionError):
        return (f"cannot reach the object store at {where} ({type(exc).__name__}): "
                "check S3_ENDPOINT_URL / AWS_ENDPOINT_URL and the network")
    if code in _UNAVAILABLE or code.startswith("5"):
        return f"the object store at {where} is unavailable ({code})"
    if isinstance(exc, ClientError | BotoCoreError):
        return f"object store error for {bucket}: {code}"
    return f"object store error at {where}: {type(exc).__name__}: {exc}"
