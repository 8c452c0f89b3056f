"""doccano's JSONL, both ways.

Export is doccano's sequence-labelling format, one line per document::

    {"text": "...", "label": [[start, end, "LABEL"], ...], "cats": ["FAVOR"], "meta": {...}}

``label`` holds every span layer (enable "Allow overlapping spans" in doccano for claims
that contain entities); ``cats`` is doccano's key for document categories. doccano has no
place for span attributes or relations in this format: they are reported as not carried.
Offsets are code points (Python ``str`` indices), as doccano's Python backend counts.

Reading also accepts doccano's relation-extraction export (``entities`` as objects with
``id``/``start_offset``/``end_offset``/``label`` and ``relations`` with ``from_id``/
``to_id``/``type``). Files written by old doccano front ends that counted UTF-16 units can
be read with ``utf16=True``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.offsets import OffsetMap
from annotator.formats import Format, register
from annotator.formats._interchange import Interchange, check_offsets
from annotator.formats.prodigy import iter_jsonl
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record

KNOWN_META = ("title", "source", "url", "published", "hash", "annotator", "status")


class DoccanoWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = path.open("wb")

    def write(self, rec: Record) -> list[Issue]:
        obj: dict[str, Any] = {"text": rec.text, "label": [[s.start, s.end, s.label] for s in rec.spans]}
        if rec.cats:
            obj["cats"] = [rec.cats[g] for g in sorted(rec.cats)]
        meta = {"title": rec.title, "source": rec.source, "url": rec.url, "published": rec.published,
                "hash": rec.content_hash, "annotator": rec.annotator, "status": rec.status, **rec.meta}
        obj["meta"] = {k: v for k, v in meta.items() if v is not None and v != ""}
        self.fh.write(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))
        issues = [Issue("not-carried", rec.where, s.label, s.start, s.end, f"attributes {s.attrs}")
                  for s in rec.spans if s.attrs]
        issues += [Issue("not-carried", rec.where, r.kind, rec.spans[r.head].start, rec.spans[r.tail].end,
                         "relation") for r in rec.relations]
        return issues

    def close(self) -> None:
        self.fh.close()


def from_line(obj: Any, where: str, categories: dict[str, tuple[str, ...]] | None = None,
              utf16: bool = False) -> Record:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError("a line needs a \"text\" string", where)
    text = obj["text"]
    conv = OffsetMap(text).from_utf16 if utf16 else (lambda x: x)
    raw = obj.get("label") if isinstance(obj.get("label"), list) else obj.get("entities") or []
    spans: list[RecSpan] = []
    ids: dict[Any, int] = {}
    for i, s in enumerate(raw):
        try:
            if isinstance(s, dict):
                start, end, label = s["start_offset"], s["end_offset"], s["label"]
                if "id" in s:
                    ids[s["id"]] = len(spans)
            else:
                start, end, label = s[0], s[1], s[2]
            spans.append(RecSpan(conv(int(start)), conv(int(end)), str(label), ""))
        except (KeyError, IndexError, TypeError, ValueError):
            raise InputError(f"span {i} is neither [start, end, label] nor an entity object", where) from None
    rels = [RecRelation(ids[r["from_id"]], ids[r["to_id"]], str(r.get("type", "")))
            for r in obj.get("relations") or [] if r.get("from_id") in ids and r.get("to_id") in ids]
    owner = {n: g for g, names in (categories or {}).items() for n in names}
    cats = {owner.get(c, "stance"): str(c) for c in obj.get("cats") or [] if isinstance(c, str)}
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    rec = Record(text, title=str(meta.get("title") or ""), source=meta.get("source"), url=meta.get("url"),
                 published=meta.get("published"), meta={k: v for k, v in meta.items() if k not in KNOWN_META},
                 content_hash=str(meta.get("hash") or ""), annotator=str(meta.get("annotator") or ""),
                 status=meta.get("status"), cats=cats, spans=spans, relations=rels, where=where)
    check_offsets(rec, where)
    return rec.canonical()


def read(path: Path, categories: dict[str, tuple[str, ...]] | None = None, utf16: bool = False, **_: object
         ) -> Iterator[Record | InputError]:
    for item in iter_jsonl(path):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield from_line(item[1], item[0], categories, utf16)
        except InputError as e:
            yield e


register(Format("doccano", (".doccano.jsonl",), "doccano sequence labelling (JSONL)",
                writer=Interchange(DoccanoWriter, read, ".jsonl")))
