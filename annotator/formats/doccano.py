"""doccano's JSONL (doccano 1.8), both ways.

Export is doccano's sequence-labelling format, one line per document::

    {"text": "...", "label": [[start, end, "LABEL"], ...], "cats": ["FAVOR"], "meta": {...}}

``label`` holds every span layer (enable "Allow overlapping spans" in doccano for claims
that contain entities); ``cats`` is doccano's key for document categories. doccano has no
place for span attributes or relations in this format: they are reported as not carried.

**Offsets count UTF-16 code units** by default: doccano's front end measures selections with
JavaScript string indices and its backend stores them as given (doccano issue #2290), so a
text with an emoji before a span has offsets one higher per emoji than Python's. Other front
ends count code points or grapheme clusters: ``offsets="codepoints"|"graphemes"`` (CLI
``--offsets``). A position inside a surrogate pair or a grapheme cluster is refused, never
rounded. Export in grapheme clusters snaps an edge inside a cluster outwards and reports it.

Reading takes every shape doccano 1.x exports (``backend/data_export``):

- sequence labelling: ``{"id", "text", "label": [[start, end, "LABEL"]], "Comments": []}``
  (``labels`` in releases before 1.6);
- relation projects: ``{"id", "text", "entities": [{"id", "label", "start_offset",
  "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}], "Comments": []}``;
- intent detection and slot filling: ``{"id", "text", "entities": [[start, end, "LABEL"]],
  "cats": ["INTENT"]}``; text classification: ``{"id", "text", "label": ["A", "B"]}``.

Example metadata (doccano spreads it over the top level) becomes the document's ``meta``.
A relation whose end is not among the entities, a second category of a one-label group and
non-empty ``Comments`` are reported per line (not stored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.formats.registry import Format, register
from annotator.formats._interchange import Interchange, assign_cats, check_offsets
from annotator.formats.prodigy import iter_jsonl
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record
from annotator.formats.units import NAMES, Units

KNOWN_META = ("title", "source", "url", "published", "hash", "annotator", "status")


class DoccanoWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = path.open("wb")
        self.unit = ctx.offsets
        Units("", self.unit)

    def write(self, rec: Record) -> list[Issue]:
        units = Units(rec.text, self.unit)
        issues: list[Issue] = []
        label = []
        for s in rec.spans:
            a, b = s.start, s.end
            if self.unit == "graphemes":
                a, b = units.cluster_around(a)[0], units.cluster_around(b)[1]
                if (a, b) != (s.start, s.end):
                    issues.append(Issue("snapped", rec.where, s.label, s.start, s.end,
                                        f"-> [{a}, {b}) {rec.text[a:b]!r}: an edge inside a grapheme cluster"))
            label.append([units.from_cp(a), units.from_cp(b), s.label])
        obj: dict[str, Any] = {"text": rec.text, "label": label}
        if rec.cats:
            obj["cats"] = [rec.cats[g] for g in sorted(rec.cats)]
        meta = {"title": rec.title, "source": rec.source, "url": rec.url, "published": rec.published,
                "hash": rec.content_hash, "annotator": rec.annotator, "status": rec.status, **rec.meta}
        obj["meta"] = {k: v for k, v in meta.items() if v is not None and v != ""}
        self.fh.write(orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE))
        issues += [Issue("not-carried", rec.where, s.label, s.start, s.end, f"attributes {s.attrs}")
                   for s in rec.spans if s.attrs]
        issues += [Issue("not-carried", rec.where, r.kind, rec.spans[r.head].start, rec.spans[r.tail].end,
                         "relation") for r in rec.relations]
        return issues

    def close(self) -> None:
        self.fh.close()


_RECORD_KEYS = {"id", "text", "label", "labels", "entities", "relations", "cats", "Comments", "meta"}


def _hint(unit: str) -> str:
    other = "codepoints" if unit != "codepoints" else "utf16"
    return f" (this file may not count {NAMES[unit]}: try --offsets {other})"


def from_line(obj: Any, where: str, categories: dict[str, tuple[str, ...]] | None = None,
              offsets: str = "utf16") -> Record:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError("a line needs a \"text\" string", where)
    text = obj["text"]
    units = Units(text, offsets)
    label = obj.get("label") if "label" in obj else obj.get("labels")
    names: list[Any] = []
    raw: list[Any] = []
    if isinstance(label, list) and label and all(isinstance(x, str) for x in label):
        names = list(label)  # text classification: label is a list of category names
    elif isinstance(label, list):
        raw = label
    if isinstance(obj.get("entities"), list):
        raw = raw + obj["entities"]
    spans: list[RecSpan] = []
    ids: dict[Any, int] = {}
    for i, s in enumerate(raw):
        try:
            if isinstance(s, dict):
                start, end, lab = s["start_offset"], s["end_offset"], s["label"]
            else:
                start, end, lab = s[0], s[1], s[2]
            if not isinstance(lab, str) or not lab:
                raise TypeError
        except (KeyError, IndexError, TypeError):
            raise InputError(f"span {i} is neither [start, end, label] nor an entity object", where) from None
        try:
            a, b = units.to_cp(start), units.to_cp(end)
        except ValueError as e:
            raise InputError(f"span {i} ({lab}) [{start}, {end}): {e}{_hint(offsets)}", where) from None
        if a >= b:
            raise InputError(f"span {i} ({lab}) [{start}, {end}) is empty or reversed", where)
        if isinstance(s, dict) and "id" in s:
            ids[s["id"]] = len(spans)
        spans.append(RecSpan(a, b, lab, ""))
    problems: list[InputError] = []
    rels = []
    for j, r in enumerate(obj.get("relations") or []):
        if not isinstance(r, dict) or r.get("from_id") not in ids or r.get("to_id") not in ids:
            problems.append(InputError(f"relation {j} ({r.get('type') if isinstance(r, dict) else r!r}) points at "
                                       "an entity id that is not in \"entities\": left out", where))
            continue
        rels.append(RecRelation(ids[r["from_id"]], ids[r["to_id"]], str(r.get("type", ""))))
    names += [c for c in obj.get("cats") or [] if isinstance(c, str)]
    cats = assign_cats(names, categories, where, problems)
    if obj.get("Comments"):
        problems.append(InputError(f"{len(obj['Comments'])} doccano comment(s) have no place in the project: "
                                   "left out", where))
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    meta.update({k: v for k, v in obj.items() if k not in _RECORD_KEYS})
    rec = Record(text, title=str(meta.get("title") or ""), source=meta.get("source"), url=meta.get("url"),
                 published=meta.get("published"), meta={k: v for k, v in meta.items() if k not in KNOWN_META},
                 content_hash=str(meta.get("hash") or ""), annotator=str(meta.get("annotator") or ""),
                 status=meta.get("status"), cats=cats, spans=spans, relations=rels, where=where,
                 problems=problems)
    check_offsets(rec, where)
    return rec.canonical()


def read(path: Path, categories: dict[str, tuple[str, ...]] | None = None, offsets: str = "utf16", **_: object
         ) -> Iterator[Record | InputError]:
    Units("", offsets)  # an unknown unit fails here, before any line
    for item in iter_jsonl(path):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield from_line(item[1], item[0], categories, offsets)
        except InputError as e:
            yield e


register(Format("doccano", (".doccano.jsonl",), "doccano sequence labelling (JSONL)",
                writer=Interchange(DoccanoWriter, read, ".jsonl")))
