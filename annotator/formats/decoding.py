"""Read a file as text, with a sentence for every way that can fail."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from annotator.core.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # one article; a larger file is refused with a message saying so


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def decode_bytes(data: bytes, where: str, *, nul_ok: bool = False) -> str:
    """UTF-8 (BOM optional) or UTF-16/32 with a BOM; NUL bytes mean binary (``nul_ok``: the
    caller refuses them record by record, with their line)."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        enc = "utf-32"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        enc = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        enc, data = "utf-8", data[len(codecs.BOM_UTF8):]
    else:
        enc = "utf-8"
        if b"\x00" in data and not nul_ok:
            raise InputError("looks like a binary file (it contains NUL bytes), not text", where)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"not valid {enc.upper()} text: byte {e.start} (line {line}) cannot be decoded; "
                         "save the file as UTF-8 and import it again", where) from None
    if "\x00" in text and not nul_ok:
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


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte order mark says (``utf-32``/``utf-16``/``utf-8-sig``), or None."""
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return "utf-32"  # (before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return None


def _sniff(path: Path) -> str | None:
    with path.open("rb") as fh:
        return bom_encoding(fh.read(4))


def open_input(path: Path) -> IO[str]:
    """Open a text file for reading: UTF-8 (BOM optional), or UTF-16/32 as its BOM says.
    Lines end at ``\n`` only; nothing is translated (``newline=""``)."""
    return path.open(encoding=_sniff(path) or "utf-8-sig", newline="")


class Utf8Lines:
    """A file read as UTF-8 byte lines whatever its BOM says, for readers that split lines as
    bytes (JSON Lines): a UTF-16/32 file is decoded and each line handed on re-encoded as UTF-8.
    A decoding error is an ``InputError`` naming the file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        enc = _sniff(path)
        self._text = path.open(encoding=enc, newline="\n") if enc in ("utf-16", "utf-32") else None
        self._bin = None if self._text is not None else path.open("rb")
        self._line = 0

    def readline(self) -> bytes:
        return next(iter(self), b"")

    def __iter__(self) -> Iterator[bytes]:
        while True:
            if self._bin is not None:
                line = self._bin.readline()
            else:
                try:
                    line = self._text.readline().encode("utf-8", "surrogatepass")
                except UnicodeError as e:
                    raise InputError(f"not valid {self._text.encoding.upper()} text ({e.reason}); save the file as "
                                     "UTF-8 and import it again", f"{self.path}:{self._line + 1}") from None
            if not line:
                return
            self._line += 1
            yield line

    def close(self) -> None:
        (self._bin or self._text).close()

    def __enter__(self) -> Utf8Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
