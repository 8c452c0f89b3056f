"""The one list of formats: article readers (``annotator import``) and interchange formats
(``annotator export`` / ``import-annotations`` and File → Export…), and the registry that format
modules add themselves to.

Format modules import this module (never the other way round): :func:`load` imports them by
name, so the package has no import cycle.
"""

from __future__ import annotations

import importlib
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


@dataclass(frozen=True)
class InterchangeFormat:
    """An export/import-annotations format as users name and see it."""

    name: str  # on the command line: --format NAME
    module: str  # annotator.formats.<module> registers it
    title: str  # in File → Export…
    default_name: str  # the file (or folder) an export suggests
    registered: str = ""  # the name its module registers (when not ``name``)

    @property
    def key(self) -> str:
        return self.registered or self.name


# Article readers: files of documents (and spans) for `annotator import`.
ARTICLE_READERS = ("plaintext", "html", "jsonl", "csvfile", "archive")

# Interchange formats, in the order the CLI and the export dialog list them.
INTERCHANGE = (
    InterchangeFormat("spacy", "spacy_docbin", "spaCy DocBin (.spacy)", "train.spacy"),
    InterchangeFormat("prodigy", "prodigy", "Prodigy tasks (JSONL)", "prodigy.jsonl"),
    InterchangeFormat("doccano", "doccano", "doccano sequence labelling (JSONL)", "doccano.jsonl"),
    InterchangeFormat("conll", "conll", "CoNLL IOB2 (entities)", "entities.conll"),
    InterchangeFormat("brat", "brat", "brat standoff (folder)", "brat"),
    InterchangeFormat("csv", "spans_csv", "Spans as CSV (spreadsheets)", "spans.csv", "spans_csv"),
    InterchangeFormat("native", "native", "Native JSONL (keeps everything)", "project.annotator.jsonl"),
)
INTERCHANGE_NAMES = tuple(f.name for f in INTERCHANGE)

REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    REGISTRY[fmt.name] = fmt
    return fmt


def load(modules: tuple[str, ...]) -> None:
    """Import format modules by name (each registers itself); a module missing from a slim build is skipped."""
    for mod in modules:
        try:
            importlib.import_module(f"annotator.formats.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"annotator.formats.{mod}":
                raise


def readers() -> dict[str, Format]:
    load(ARTICLE_READERS)
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


def interchange_format(name: str) -> InterchangeFormat | None:
    return next((f for f in INTERCHANGE if name in (f.name, f.key)), None)
