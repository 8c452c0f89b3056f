"""Read a file as text, with a sentence for every way that can fail."""

from __future__ import annotations

import codecs
from pathlib import Path

from annotator.core.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # one article; a larger file is refused with a message saying so


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def decode_bytes(data: bytes, where: str) -> str:
    """UTF-8 (BOM optional) or UTF-16/32 with a BOM; NUL bytes mean binary."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        enc = "utf-32"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        enc = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        enc, data = "utf-8", data[len(codecs.BOM_UTF8):]
    else:
        enc = "utf-8"
        if b"\x00" in data:
            raise InputError("looks like a binary file (it contains NUL bytes), not text", where)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"not valid {enc.upper()} text: byte {e.start} (line {line}) cannot be decoded; "
                         "save the file as UTF-8 and import it again", where) from None
    if "\x00" in text:
        raise InputError("contains NUL characters, which are not text", where)
    return text


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where) from None
    if size > max_bytes:
        raise InputError(f"is {human_size(size)}; one article may be at most {human_size(max_bytes)}", where)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where) from None
    return decode_bytes(data, where)
