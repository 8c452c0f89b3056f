"""JSON Lines as Prodigy and doccano write it: one object per line with ``text``.

Optional keys: ``title``, ``meta`` (a dict; ``meta.title``/``meta.source``/``meta.url``/
``meta.published`` are used), ``spans`` (Prodigy: ``[{"start", "end", "label"}]``), ``label``
or ``entities`` (doccano: ``[[start, end, "LABEL"], …]`` or dicts with ``start_offset``/
``end_offset``/``label``). Offsets count the unit of the tool that wrote the line: Prodigy's
``spans`` code points, doccano's ``label``/``entities`` UTF-16 code units (its front end is
JavaScript); ``offsets=`` (CLI ``--offsets utf16|codepoints|graphemes``) sets one unit for
every line. A span's ``text``, when given, must match the text at its offsets (else the line
is refused, proposing the unit that explains every span). Only Prodigy ``accept`` answers
bring spans; a ``reject``/``ignore`` task's text is imported without them, reported.
Document categories and relations are not read here (``import-annotations`` reads them);
a line that has them is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.model import NewDocument, NewSpan, Origin
from annotator.formats.registry import Format, register
from annotator.formats.decoding import MAX_BYTES, Utf8Lines, decode_bytes, human_size
from annotator.formats.units import NAMES, Units, propose

MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024


def _spans(obj: dict[str, Any], text: str, where: str, offsets: str | None) -> list[NewSpan]:
    raw: list[Any] = []
    unit = offsets or "codepoints"
    if isinstance(obj.get("spans"), list):
        raw = obj["spans"]  # Prodigy: code points (its server is Python)
    elif isinstance(obj.get("entities"), list) or isinstance(obj.get("label"), list) \
            or isinstance(obj.get("labels"), list):
        unit = offsets or "utf16"  # doccano: its front end counts UTF-16 units
        label = obj.get("label") if isinstance(obj.get("label"), list) else obj.get("labels")
        if isinstance(label, list) and not all(isinstance(x, str) for x in label):
            raw = list(label)
        if isinstance(obj.get("entities"), list):
            raw = raw + obj["entities"]
    units = Units(text, unit)
    out: list[NewSpan] = []
    checks: list[tuple[int, int, str]] = []
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
        if start == end:
            raise InputError(f"span {i} ({label}) is empty", where)
        surface = s.get("text") if isinstance(s, dict) and isinstance(s.get("text"), str) else None
        try:
            a, b = units.to_cp(start), units.to_cp(end)
        except ValueError as e:
            hint = propose(text, [(start, end, surface)], unit, option="--offsets") if surface is not None else (
                f" (offsets counted in {NAMES[unit]}; choose another unit with --offsets)")
            raise InputError(f"span {i} ({label}) [{start}, {end}): {e}{hint}", where) from None
        if surface is not None:
            checks.append((start, end, surface))
        out.append(NewSpan(a, b, label, attrs, Origin.IMPORT))
    bad = [(a, b, t) for a, b, t in checks if text[units.to_cp(a):units.to_cp(b)] != t]
    if bad:
        a, b, t = bad[0]
        raise InputError(f"span [{a}, {b}) says {t!r} but the text there is {text[units.to_cp(a):units.to_cp(b)]!r}"
                         f" ({len(bad)} of {len(checks)} spans differ; offsets read as {NAMES[unit]})"
                         + propose(text, checks, unit, option="--offsets"), where)
    return out


def parse_record(obj: Any, where: str, offsets: str | None = None) -> tuple[NewDocument, list[InputError]]:
    """The document of one line, and what of the line it does not carry (reported per line)."""
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
    notes: list[InputError] = []
    answer = obj.get("answer", "accept")
    if answer != "accept":  # Prodigy: a rejected or ignored task's spans are not annotations
        spans: list[NewSpan] = []
        if obj.get("spans"):
            notes.append(InputError(f"answer is {answer!r}: its {len(obj['spans'])} span(s) are not annotations "
                                    "and were left out (the text is imported)", where))
    else:
        spans = _spans(obj, text, where, offsets)
    left = [k for k in ("relations", "cats", "accept") if obj.get(k)]
    label = obj.get("label")
    if isinstance(label, list) and label and all(isinstance(x, str) for x in label):
        left.append("label (document categories)")
    if left:
        notes.append(InputError(f"{', '.join(left)} not imported by 'annotator import' (articles and spans only); "
                                "use 'annotator import-annotations' for them", where))
    return NewDocument(
        text=text,
        title=str(title) if title else None,
        source=(obj.get("source") or meta.get("source")) or None,
        url=(obj.get("url") or meta.get("url")) or None,
        published=(obj.get("published") or meta.get("published") or meta.get("date")) or None,
        meta=dict(meta),
        spans=spans,
        origin=where,
    ), notes


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with Utf8Lines(path) as fh:  # UTF-16/32 with a BOM too (re-encoded line by line)
        for n, line in enumerate(fh, start=1):
            yield n, line


def read(path: Path, max_bytes: int = MAX_BYTES, offsets: str | None = None, **_: object
         ) -> Iterator[NewDocument | InputError]:
    where = str(path)
    if offsets is not None:
        Units("", offsets)  # an unknown unit fails before any line
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
    try:
        yield from _read_lines(path, where, max_bytes, offsets)
    except InputError as e:  # the file cannot be decoded past this line
        yield e


def _read_lines(path: Path, where: str, max_bytes: int, offsets: str | None
                ) -> Iterator[NewDocument | InputError]:
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
            doc, notes = parse_record(obj, at, offsets)
        except InputError as e:
            yield e
            continue
        yield doc
        yield from notes
    if not any_line:
        yield InputError("has only blank lines; nothing to import", where)


register(Format("jsonl", (".jsonl", ".ndjson", ".jsonl.txt"), "JSON Lines (Prodigy / doccano)", reader=read))
