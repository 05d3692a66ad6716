"""Digests of local files that S3 reports back: sha256, composite (multipart) sha256, ETag md5.

S3 stores a multipart object's checksum as the sha256 of the concatenated binary sha256 of each
part ("composite"), and its ETag as the md5 of the concatenated part md5s plus ``-<parts>``. To
compare a stored object with the local file we recompute the same values from the file.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def _per_part(path: Path, part_size: int, algo: Callable[[], Any]) -> list[bytes]:
    """The binary digest of each ``part_size`` piece of the file."""
    digests: list[bytes] = []
    with open(path, "rb") as f:
        while True:
            digest, read, left = algo(), 0, part_size
            while left and (chunk := f.read(min(_CHUNK, left))):
                digest.update(chunk)
                read += len(chunk)
                left -= len(chunk)
            if not read:
                return digests
            digests.append(digest.digest())


def _file_hex(path: Path, algorithm: str) -> str:
    """Hex digest of a whole file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_hex(path: Path) -> str:
    """Hex sha256 of a whole file."""
    return _file_hex(path, "sha256")


def b64_of_hex(hex_digest: str) -> str:
    """The base64 form S3 uses for checksums, of a hex digest."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")


def composite_sha256(path: Path, part_size: int) -> str:
    """S3's composite checksum (base64, without the ``-N`` suffix) for parts of ``part_size``."""
    parts = _per_part(path, part_size, hashlib.sha256)
    return base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode("ascii")


def multipart_etag(path: Path, part_size: int) -> str:
    """The ETag S3 gives a multipart upload of ``path`` in parts of ``part_size``."""
    parts = _per_part(path, part_size, hashlib.md5)
    return f"{hashlib.md5(b''.join(parts)).hexdigest()}-{len(parts)}"


def md5_hex(path: Path) -> str:
    """Hex md5 of a whole file (the ETag of a single-part upload without KMS encryption)."""
    return _file_hex(path, "md5")
