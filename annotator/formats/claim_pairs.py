"""Claim pairs JSON Lines: one line per pair of claims from different articles, for training
claim-matching and stance (agree / disagree) models.

Every line::

    {"id": "alice:12:34", "label": "same" | "supports" | "contradicts" | "unrelated",
     "annotator": "alice", "origin": "manual" | "suggestion" | "import" | null,
     "confirmed": true, "story": {"id": 1, "title": "…"} | null,
     "a": {"text", "start", "end", "claimant", "stance", "context",
           "document": {"id", "title", "source", "published", "hash"}},
     "b": {…},
     "figures": [{"quantity": "troops", "a": {…interval…}, "b": {…}}]}

``label`` "supports" is directed: ``a`` supports ``b``. "unrelated" lines (negatives) are claim
pairs in the same story that the annotator saw and did not link. ``start``/``end`` are code-point
offsets into the document text, end exclusive; ``text`` is exactly ``document_text[start:end]``.
Keys are sorted and lines ordered by (story, a, b), so the same project gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.formats.registry import Format, register

LABELS = ("same", "supports", "contradicts", "unrelated")
OPTS = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def check(record: dict[str, Any]) -> None:
    if record.get("label") not in LABELS:
        raise InputError(f"label must be one of {', '.join(LABELS)}, not {record.get('label')!r}")
    for side in ("a", "b"):
        c = record.get(side)
        if not isinstance(c, dict) or not isinstance(c.get("text"), str) or not c["text"]:
            raise InputError(f"claim {side!r} needs a non-empty text")


def write_pairs(records: Iterable[dict[str, Any]], path: Path, *, force: bool = False) -> int:
    """Write records to ``path`` atomically (temporary file, then rename); returns the count."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists (use --force to overwrite)")
    tmp = path.with_name(f".{path.name}.part")
    n = 0
    try:
        with tmp.open("wb") as fh:
            for rec in records:
                check(rec)
                fh.write(orjson.dumps(rec, option=OPTS))
                n += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


def read_pairs(path: Path) -> Iterator[dict[str, Any] | InputError]:
    with Path(path).open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = orjson.loads(line)
                check(rec)
            except orjson.JSONDecodeError as e:
                yield InputError(f"not valid JSON ({e.msg})", f"{path}:{n}")
            except InputError as e:
                yield InputError(e.message, f"{path}:{n}")
            else:
                yield rec


register(Format("claim-pairs", (".pairs.jsonl",), "claim pairs JSONL (claim matching / stance training)",
                writer=write_pairs))
