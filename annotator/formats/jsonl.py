"""JSON Lines as Prodigy and doccano write it: one object per line with ``text``.

Optional keys: ``title``, ``meta`` (a dict; ``meta.title``/``meta.source``/``meta.url``/
``meta.published`` are used), ``spans`` (Prodigy: ``[{"start", "end", "label"}]``), ``label``
or ``entities`` (doccano: ``[[start, end, "LABEL"], …]`` or dicts with ``start_offset``/
``end_offset``/``label``). Offsets in the file are code points into ``text`` as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.model import NewDocument, NewSpan, Origin
from annotator.formats import Format, register
from annotator.formats.decoding import MAX_BYTES, Utf8Lines, decode_bytes, human_size

MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024


def _spans(obj: dict[str, Any], text: str, where: str) -> list[NewSpan]:
    raw: list[Any] = []
    if isinstance(obj.get("spans"), list):
        raw = obj["spans"]
    elif isinstance(obj.get("entities"), list):
        raw = obj["entities"]
    elif isinstance(obj.get("label"), list) and all(isinstance(x, (list, tuple)) for x in obj["label"]):
        raw = obj["label"]
    out: list[NewSpan] = []
    for i, s in enumerate(raw):
        if isinstance(s, (list, tuple)) and len(s) >= 3:
            start, end, label = s[0], s[1], s[2]
            attrs: dict[str, Any] = {}
        elif isinstance(s, dict):
            start = s.get("start", s.get("start_offset"))
            end = s.get("end", s.get("end_offset"))
            label = s.get("label")
            attrs = {k: v for k, v in s.items() if k in ("attrs", "claimant", "stance")}
            attrs = attrs.get("attrs", attrs) if isinstance(attrs.get("attrs"), dict) else attrs
        else:
            raise InputError(f"span {i} is neither [start, end, label] nor an object", where)
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise InputError(f"span {i} needs whole-number start and end", where)
        if not isinstance(label, str) or not label:
            raise InputError(f"span {i} needs a label", where)
        if start > end:
            raise InputError(f"span {i} ({label}) is reversed: start {start} > end {end}", where)
        if start < 0 or end > len(text):
            raise InputError(f"span {i} ({label}) [{start}, {end}) lies outside the text (length {len(text)})", where)
        if start == end:
            raise InputError(f"span {i} ({label}) is empty", where)
        out.append(NewSpan(start, end, label, attrs, Origin.IMPORT))
    return out


def parse_record(obj: Any, where: str) -> NewDocument:
    if not isinstance(obj, dict):
        raise InputError("each line must be a JSON object", where)
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError("has no \"text\" string", where)
    if not text.strip():
        raise InputError("\"text\" is empty", where)
    if "\x00" in text:
        raise InputError("\"text\" contains NUL characters", where)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    title = obj.get("title") or meta.get("title")
    return NewDocument(
        text=text,
        title=str(title) if title else None,
        source=(obj.get("source") or meta.get("source")) or None,
        url=(obj.get("url") or meta.get("url")) or None,
        published=(obj.get("published") or meta.get("published") or meta.get("date")) or None,
        meta=dict(meta),
        spans=_spans(obj, text, where),
        origin=where,
    )


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with Utf8Lines(path) as fh:  # UTF-16/32 with a BOM too (re-encoded line by line)
        for n, line in enumerate(fh, start=1):
            yield n, line


def read(path: Path, max_bytes: int = MAX_BYTES, **_: object) -> Iterator[NewDocument | InputError]:
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        yield InputError(f"cannot read: {e.strerror}", where)
        return
    if size == 0:
        yield InputError("is empty; nothing to import", where)
        return
    if size > MAX_FILE_BYTES:
        yield InputError(f"is {human_size(size)}; split it into files under {human_size(MAX_FILE_BYTES)}", where)
        return
    any_line = False
    try:
        yield from _read_lines(path, where, max_bytes)
    except InputError as e:  # the file cannot be decoded past this line
        yield e


def _read_lines(path: Path, where: str, max_bytes: int) -> Iterator[NewDocument | InputError]:
    any_line = False
    for n, raw in iter_lines(path):
        at = f"{where}:{n}"
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        any_line = True
        if len(raw) > max_bytes:
            yield InputError(f"line is {human_size(len(raw))}; one article may be at most {human_size(max_bytes)}", at)
            continue
        try:
            line = decode_bytes(raw, at)
            obj = orjson.loads(line)
        except InputError as e:
            yield e
            continue
        except orjson.JSONDecodeError as e:
            yield InputError(f"not valid JSON ({e.msg} at column {e.colno})"
                             + (" — the line may be truncated" if not raw.rstrip().endswith(b"}") else ""), at)
            continue
        try:
            yield parse_record(obj, at)
        except InputError as e:
            yield e
    if not any_line:
        yield InputError("has only blank lines; nothing to import", where)


register(Format("jsonl", (".jsonl", ".ndjson", ".jsonl.txt"), "JSON Lines (Prodigy / doccano)", reader=read))
