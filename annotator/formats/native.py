"""The native interchange format: JSON Lines that keep everything (see docs/formats.md).

Line 1 is a header ``{"format": "annotator-native", "version": 1, "language", "view",
"labels": [...]}``; every other line is one document::

    {"annotator", "cats": {"stance": "FAVOR"}, "hash", "meta", "published",
     "relations": [{"head": 0, "kind": "claimant", "tail": 2}], "source", "status",
     "spans": [{"attrs", "end", "label", "layer", "origin", "start"}], "text", "title", "url"}

Keys are sorted, spans in canonical order (start, end, layer, label, attrs), relations
point into ``spans`` by index, and the file is UTF-8 with ``\\n`` line ends, so the same
project state always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.formats.registry import Format, register
from annotator.formats._interchange import Interchange, check_offsets
from annotator.formats.decoding import Utf8Lines
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record

MAGIC = "annotator-native"
VERSION = 1
OPTS = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
EXTRA_KEYS = ("stories", "claim_links")  # present only when the document has them


def header(ctx: ExportContext) -> dict[str, Any]:
    return {"format": MAGIC, "version": VERSION, "language": ctx.language, "view": ctx.view,
            "labels": list(ctx.labels)}


def to_json(rec: Record) -> dict[str, Any]:
    return {
        "text": rec.text, "title": rec.title, "source": rec.source, "url": rec.url, "published": rec.published,
        "meta": rec.meta, "hash": rec.content_hash, "annotator": rec.annotator, "status": rec.status,
        "cats": rec.cats,
        "spans": [{"start": s.start, "end": s.end, "label": s.label, "layer": s.layer, "attrs": s.attrs,
                   "origin": s.origin} for s in rec.spans],
        "relations": [{"head": r.head, "tail": r.tail, "kind": r.kind} for r in rec.relations],
        **{k: v for k, v in rec.extra.items() if k in EXTRA_KEYS},  # stories, claim links (docs/claims.md)
    }


class NativeWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = path.open("wb")
        self.fh.write(orjson.dumps(header(ctx), option=OPTS))

    def write(self, rec: Record) -> list[Issue]:
        self.fh.write(orjson.dumps(to_json(rec), option=OPTS))
        return []

    def close(self) -> None:
        self.fh.close()


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def from_json(obj: Any, where: str) -> Record:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError("a document line needs a \"text\" string", where)
    spans = []
    for i, s in enumerate(obj.get("spans") or []):
        try:
            spans.append(RecSpan(int(s["start"]), int(s["end"]), str(s["label"]), str(s.get("layer", "entity")),
                                 dict(s.get("attrs") or {}), str(s.get("origin", "manual"))))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"span {i} needs start, end and label", where) from None
    rels = []
    for i, r in enumerate(obj.get("relations") or []):
        try:
            rels.append(RecRelation(int(r["head"]), int(r["tail"]), str(r["kind"])))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"relation {i} needs head, tail and kind", where) from None
    rec = Record(obj["text"], title=_str(obj.get("title")) or "", source=_str(obj.get("source")),
                 url=_str(obj.get("url")), published=_str(obj.get("published")),
                 meta=dict(obj.get("meta") or {}), content_hash=_str(obj.get("hash")) or "",
                 annotator=_str(obj.get("annotator")) or "", status=_str(obj.get("status")),
                 cats={str(k): str(v) for k, v in (obj.get("cats") or {}).items()}, spans=spans, relations=rels,
                 where=where, extra={k: obj[k] for k in EXTRA_KEYS if k in obj})
    check_offsets(rec, where)
    return rec.canonical()


def read_header(path: Path) -> dict[str, Any]:
    with Utf8Lines(path) as fh:
        first = fh.readline()
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        obj = None
    if not isinstance(obj, dict) or obj.get("format") != MAGIC:
        raise InputError(f"not an {MAGIC} file (the first line must be its header)", f"{path}:1")
    if int(obj.get("version", 0)) > VERSION:
        raise InputError(f"written by a newer version (format version {obj.get('version')})", f"{path}:1")
    return obj


def read(path: Path, **_: object) -> Iterator[Record | InputError]:
    try:
        read_header(path)
    except InputError as e:
        yield e
        return
    with Utf8Lines(path) as fh:  # UTF-16/32 with a BOM too
        fh.readline()
        for n, line in enumerate(fh, start=2):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                yield from_json(orjson.loads(line), where)
            except orjson.JSONDecodeError as e:
                yield InputError(f"not valid JSON ({e.msg})", where)
            except InputError as e:
                yield e


register(Format("native", (".annotator.jsonl",), "annotator native JSONL (keeps everything)",
                writer=Interchange(NativeWriter, read, ".annotator.jsonl")))
