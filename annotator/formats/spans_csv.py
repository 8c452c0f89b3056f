"""Spans as CSV, for spreadsheets, both ways.

One row per span (and one per document label), UTF-8 with a byte-order mark so Excel
opens it as UTF-8; fields quoted as needed (a span's text may hold line breaks)::

    document,title,annotator,layer,label,start,end,start_utf16,end_utf16,text,attrs,origin,id,links

- ``document`` is the content hash of the text (how reading finds the document again).
- ``start``/``end``: code points (Python); ``start_utf16``/``end_utf16``: the same in UTF-16
  units, which Excel's ``MID``/``LEN`` and JavaScript count.
- ``attrs``: JSON object; ``id``: the span's number within its document; ``links``: JSON
  list of ``[kind, id]`` relations from this span.
- A document label row has layer ``document``, its group in ``attrs`` and no offsets.
- Every document has one row with layer ``status`` and its status (or nothing) as label, so a
  document annotated as having no spans is still in the file.

Reading needs the documents in the project already (the CSV has no full text); each row's
``text`` is checked against the document.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson

from annotator.core.errors import InputError
from annotator.core.offsets import OffsetMap
from annotator.formats.registry import Format, register
from annotator.formats._interchange import Interchange
from annotator.formats.decoding import open_input
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record

COLUMNS = ["document", "title", "annotator", "layer", "label", "start", "end", "start_utf16", "end_utf16", "text",
           "attrs", "origin", "id", "links"]


class CsvWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = path.open("w", encoding="utf-8-sig", newline="")
        self.out = csv.writer(self.fh, lineterminator="\r\n")
        self.out.writerow(COLUMNS)

    def write(self, rec: Record) -> list[Issue]:
        om = OffsetMap(rec.text)
        links: dict[int, list] = {}
        for r in rec.relations:
            links.setdefault(r.head, []).append([r.kind, r.tail])
        for i, s in enumerate(rec.spans):
            self.out.writerow([rec.content_hash, rec.title, rec.annotator, s.layer, s.label, s.start, s.end,
                               om.to_utf16(s.start), om.to_utf16(s.end), rec.text[s.start:s.end],
                               orjson.dumps(s.attrs, option=orjson.OPT_SORT_KEYS).decode(), s.origin, i,
                               orjson.dumps(links.get(i, [])).decode()])
        self.out.writerow([rec.content_hash, rec.title, rec.annotator, "status", rec.status or "", "", "", "", "",
                           "", "{}", "", "", "[]"])
        for group, label in sorted(rec.cats.items()):
            self.out.writerow([rec.content_hash, rec.title, rec.annotator, "document", label, "", "", "", "", "",
                               orjson.dumps({"group": group}).decode(), "", "", "[]"])
        return []

    def close(self) -> None:
        self.fh.close()


def read(path: Path, **_: object) -> Iterator[Record | InputError]:
    """Records without text (``text`` is ""): ``meta["_span_texts"]`` holds each span's text for
    the check against the project's document."""
    by_doc: dict[tuple[str, str], Record] = {}
    ids: dict[tuple[str, str], dict[int, int]] = {}
    links: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
    with open_input(path) as fh:  # UTF-8 (BOM optional), UTF-16/32 with a BOM
        rows = csv.DictReader(fh)
        missing = {"document", "layer", "label", "start", "end"} - set(rows.fieldnames or [])
        if missing:
            yield InputError(f"needs the columns {', '.join(sorted(missing))}", str(path))
            return
        for n, row in enumerate(rows, start=2):
            where = f"{path}:{n}"
            key = (row["document"], row.get("annotator") or "")
            rec = by_doc.get(key)
            if rec is None:
                rec = by_doc[key] = Record("", title=row.get("title") or "", content_hash=row["document"],
                                           annotator=row.get("annotator") or "", where=where,
                                           meta={"_span_texts": []})
                ids[key], links[key] = {}, []
            try:
                attrs = orjson.loads(row.get("attrs") or "{}")
                if row["layer"] == "status":
                    rec.status = row["label"] or None
                    continue
                if row["layer"] == "document":
                    rec.cats[attrs.get("group", "stance")] = row["label"]
                    continue
                span = RecSpan(int(row["start"]), int(row["end"]), row["label"], row["layer"], attrs,
                               row.get("origin") or "manual")
                if row.get("id", "") != "":
                    ids[key][int(row["id"])] = len(rec.spans)
                for kind, tail in orjson.loads(row.get("links") or "[]"):
                    links[key].append((len(rec.spans), kind, int(tail)))
            except (ValueError, TypeError, orjson.JSONDecodeError):
                yield InputError("start/end must be whole numbers, attrs and links JSON", where)
                continue
            rec.spans.append(span)
            rec.meta["_span_texts"].append(row.get("text"))
    for key, rec in by_doc.items():
        for head, kind, tail in links[key]:
            if tail in ids[key]:
                rec.relations.append(RecRelation(head, ids[key][tail], kind))
        yield rec


register(Format("spans_csv", (".spans.csv",), "spans as CSV (spreadsheets)",
                writer=Interchange(CsvWriter, read, ".csv")))
