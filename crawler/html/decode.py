"""Bytes to text: sniff what is not HTML, then pick the charset (BOM, HTTP, meta, detection).

A declared single-byte charset loses to UTF-8 when the bytes are valid UTF-8 with non-ASCII
characters (servers often mislabel pages); a declared charset that cannot decode the bytes is
skipped. Bad input never raises: it comes back with a ``skip_reason``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

MAX_HTML_BYTES = 8 * 1024 * 1024
_SNIFF = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00asm",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0",
    b"wOFF",
    b"wOF2",
    b"\x00\x00\x01\x00",
)
# WHATWG: browsers read these labels as windows-1252 / windows-1251.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-cp1251": "cp1251",
    "win-1251": "cp1251",
    "cp-1251": "cp1251",
    "windows1251": "cp1251",
    "win1251": "cp1251",
    "x-user-defined": "cp1252",
    "utf8": "utf-8",
    "unicode": "utf-8",
}
_TEXTUAL = bytes([9, 10, 11, 12, 13, *range(32, 256)])  # bytes that may occur in text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Decoded:
    """Decoded page text, the charset used and why, or why the bytes are not a page."""

    text: str | None
    charset: str | None = None
    charset_source: str | None = None
    skip_reason: str | None = None


def codec_name(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_binary(data: bytes) -> str | None:
    """``"pdf"`` or ``"binary"`` when the bytes are clearly not an HTML page."""
    head = data[:_SNIFF].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_BINARY_MAGIC):
        return "binary"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with a BOM
    sample = data[:_SNIFF]
    controls = len(sample.translate(None, _TEXTUAL))
    if sample.count(0) > 8 or controls > len(sample) * 0.05:
        return "binary"
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """The text when the bytes are UTF-8 apart from a few stray bytes (replaced), else None."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return text if good >= 20 * bad else None


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(("cp", "iso8859", "koi8", "mac", "latin", "windows"))


def _try(data: bytes, codec: str, source: str) -> Decoded | None:
    if codec != "utf-8" and _is_single_byte(codec) and not data.isascii() and (
        mostly := _mostly_utf8(data)
    ):
        return Decoded(mostly, "utf-8", f"{source}-overridden-by-utf8")
    try:
        return Decoded(data.decode(codec), codec, source)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(
    data: bytes | str, http_charset: str | None = None, *, max_bytes: int = MAX_HTML_BYTES
) -> Decoded:
    """Decode a page body; str input only loses an XML declaration lxml would refuse."""
    if isinstance(data, str):
        if len(data) > max_bytes:
            return Decoded(None, skip_reason="too_large")
        if not data.strip():
            return Decoded(None, skip_reason="empty")
        if data.lstrip().startswith("%PDF"):
            return Decoded(None, skip_reason="pdf")
        return Decoded(clean_text(data), None, "str")
    if len(data) > max_bytes:
        return Decoded(None, skip_reason="too_large")
    if not data.strip():
        return Decoded(None, skip_reason="empty")
    if reason := sniff_binary(data):
        return Decoded(None, skip_reason=reason)
    result = _decode(data, http_charset)
    return Decoded(clean_text(result.text or ""), result.charset, result.charset_source)


def _decode(data: bytes, http_charset: str | None) -> Decoded:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), codec.replace("-sig", ""), "bom")
    for label, source in ((http_charset, "http"), (_meta_charset(data), "meta")):
        named = codec_name(label)
        if named and (found := _try(data, named, source)):
            return found
    if mostly := _mostly_utf8(data):
        return Decoded(mostly, "utf-8", "utf-8")
    detected = _detect(data)
    if detected and (found := _try(data, detected, "detected")):
        return found
    return Decoded(
        data.decode(detected or "utf-8", errors="replace"), detected or "utf-8", "fallback"
    )


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[: _SNIFF * 4])
    return m.group(1).decode("ascii", "ignore") if m else None


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return codec_name(best.encoding) if best else None


def clean_text(text: str) -> str:
    """Drop an XML declaration and control characters (lxml refuses both in str input)."""
    text = _XML_DECL.sub("", text, count=1)
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text
