"""Qt-free readers and writers, one module per format, and a registry of them.

A reader is ``read(path, **options) -> Iterator[NewDocument | InputError]``: it yields an
error for a bad record and goes on with the next, so one bad line does not sink a file.
A writer is defined by the export service (see ``annotator.services.exporting``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import NewDocument

Reader = Callable[..., Iterator[NewDocument | InputError]]


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    description: str
    reader: Reader | None = None
    writer: Any = None


REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    REGISTRY[fmt.name] = fmt
    return fmt


def _load_builtin() -> None:
    from annotator.formats import archive, csvfile, html, jsonl, plaintext  # noqa: F401


def readers() -> dict[str, Format]:
    _load_builtin()
    return {k: v for k, v in REGISTRY.items() if v.reader is not None}


def reader_for(path: Path, name: str | None = None) -> Format | None:
    fmts = readers()
    if name:
        if name not in fmts:
            raise InputError(f"unknown input format {name!r} (known: {', '.join(sorted(fmts))})")
        return fmts[name]
    suffix = path.name.lower()
    for fmt in fmts.values():
        if any(suffix.endswith(ext) for ext in fmt.extensions):
            return fmt
    return None
