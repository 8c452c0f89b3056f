"""brat standoff (a folder of ``NAME.txt`` + ``NAME.ann``, and ``annotation.conf``), both ways.

- ``NAME`` is the first 16 hex digits of the document's content hash.
- ``.txt`` is the stored text, UTF-8, written byte for byte (``\\n`` line ends on every
  platform: brat counts every character, so a ``\\r`` added on the way would shift every
  offset after it). Offsets in ``.ann`` are characters (code points) of that text, as
  brat's Python server counts them.
- Spans: ``T1<TAB>LABEL START END<TAB>TEXT``. A span that crosses a line break is written
  as brat's discontinuous fragments (``START END;START END``), split at the line breaks;
  reading takes the first start and the last end.
- Span attributes: a string value without white space is a brat attribute
  (``A1<TAB>stance T3 supports``); any other value is an ``AnnotatorNotes`` line whose
  text is ``key: <JSON value>`` (``#1<TAB>AnnotatorNotes T3<TAB>claimant: "two officials"``).
- Relations: ``R1<TAB>claimant Arg1:T3 Arg2:T5``.
- The document's stance has no place in brat; it is reported as not carried.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.text import content_hash
from annotator.formats import Format, register
from annotator.formats._interchange import Interchange, check_offsets, open_text
from annotator.formats.decoding import decode_bytes
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record

_WORD = re.compile(r"\S+")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) split at line breaks, each piece without its surrounding white space."""
    out = []
    pos = start
    for piece in text[start:end].split("\n"):
        a, b = pos, pos + len(piece)
        stripped = piece.strip()
        if stripped:
            a += len(piece) - len(piece.lstrip())
            b -= len(piece) - len(piece.rstrip())
            out.append((a, b))
        pos += len(piece) + 1
    # the outer ends stay exact (a span may start or end with white space in principle)
    if out:
        out[0] = (start, out[0][1])
        out[-1] = (out[-1][0], end)
    else:
        out = [(start, end)]
    return out


class BratWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.dir = path
        path.mkdir(parents=True)
        self.ctx = ctx
        self.seen: dict[str, int] = {}
        self.entities: set[str] = set()
        self.relations: set[str] = set()
        self.attributes: dict[str, set[str]] = {}

    def write(self, rec: Record) -> list[Issue]:
        name = (rec.content_hash or content_hash(rec.text))[:16]
        k = self.seen.get(name, 0)
        self.seen[name] = k + 1
        if k:
            name = f"{name}-{k}"
        with open_text(self.dir / f"{name}.txt") as fh:
            fh.write(rec.text)
        lines = []
        n_attr = n_note = 0
        for i, s in enumerate(rec.spans, start=1):
            self.entities.add(s.label)
            frags = fragments(rec.text, s.start, s.end)
            where = ";".join(f"{a} {b}" for a, b in frags)
            shown = " ".join(rec.text[a:b] for a, b in frags).replace("\n", " ").replace("\t", " ")
            lines.append(f"T{i}\t{s.label} {where}\t{shown}")
            for key in sorted(s.attrs):
                v = s.attrs[key]
                if isinstance(v, str) and _WORD.fullmatch(v):
                    n_attr += 1
                    self.attributes.setdefault(key, set()).add(v)
                    lines.append(f"A{n_attr}\t{key} T{i} {v}")
                else:
                    n_note += 1
                    lines.append(f"#{n_note}\tAnnotatorNotes T{i}\t{key}: {orjson.dumps(v).decode()}")
        for j, r in enumerate(rec.relations, start=1):
            self.relations.add(r.kind)
            lines.append(f"R{j}\t{r.kind} Arg1:T{r.head + 1} Arg2:T{r.tail + 1}")
        with open_text(self.dir / f"{name}.ann") as fh:
            fh.write("".join(line + "\n" for line in lines))
        return [Issue("not-carried", rec.where, v, 0, 0, f"document {g}") for g, v in sorted(rec.cats.items())]

    def close(self) -> None:
        layers = {lab["name"]: lab["layer"] for lab in self.ctx.labels}
        ents = sorted(self.entities | {n for n, layer in layers.items() if layer != "document"})
        conf = ["[entities]", *ents, "", "[relations]"]
        conf += [f"{kind}\tArg1:<ENTITY>, Arg2:<ENTITY>" for kind in sorted(self.relations)]
        conf += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
        conf += [f"{key}\tArg:<ENTITY>, Value:{'|'.join(sorted(vals))}" for key, vals in sorted(self.attributes.items())]
        with open_text(self.dir / "annotation.conf") as fh:
            fh.write("\n".join(conf) + "\n")


def _parse_ann(ann: str, text: str, where: str) -> Record:
    spans: list[RecSpan] = []
    ids: dict[str, int] = {}
    rels: list[RecRelation] = []
    pending: list[tuple[str, str, Any]] = []
    for n, line in enumerate(ann.split("\n"), start=1):
        if not line.strip():
            continue
        at = f"{where}:{n}"
        parts = line.split("\t")
        tag = parts[0]
        try:
            if tag.startswith("T"):
                label, _, offsets = parts[1].partition(" ")
                frags = [tuple(int(x) for x in f.split()) for f in offsets.split(";")]
                ids[tag] = len(spans)
                spans.append(RecSpan(frags[0][0], frags[-1][1], label, ""))
            elif tag.startswith("A") or tag.startswith("M"):
                bits = parts[1].split()
                pending.append((bits[1], bits[0], bits[2] if len(bits) > 2 else True))
            elif tag.startswith("#"):
                kind, _, target = parts[1].partition(" ")
                key, _, value = parts[2].partition(": ")
                if kind == "AnnotatorNotes":
                    try:
                        pending.append((target, key, orjson.loads(value)))
                    except orjson.JSONDecodeError:
                        pending.append((target, "note", parts[2]))
            elif tag.startswith("R"):
                kind, a1, a2 = parts[1].split()[:3]
                rels.append(RecRelation(ids[a1.split(":", 1)[1]], ids[a2.split(":", 1)[1]], kind))
        except (IndexError, ValueError, KeyError):
            raise InputError(f"cannot read this line: {line[:80]!r}", at) from None
    for target, key, value in pending:
        if target in ids:
            spans[ids[target]].attrs[key] = value
    rec = Record(text, spans=spans, relations=rels, where=where)
    check_offsets(rec, where)
    return rec.canonical()


def read(path: Path, **_: object) -> Iterator[Record | InputError]:
    anns = sorted(path.rglob("*.ann")) if path.is_dir() else [path.with_suffix(".ann")]
    if not anns:
        yield InputError("has no .ann files", str(path))
    for ann in anns:
        txt = ann.with_suffix(".txt")
        try:
            text = decode_bytes(txt.read_bytes(), str(txt))  # UTF-8 (BOM optional), UTF-16/32 with a BOM
            body = decode_bytes(ann.read_bytes(), str(ann))
        except OSError as e:
            yield InputError(f"cannot read: {e.strerror}", str(txt if not txt.exists() else ann))
            continue
        except InputError as e:
            yield e
            continue
        except UnicodeDecodeError:
            yield InputError("is not UTF-8", str(ann))
            continue
        try:
            yield _parse_ann(body, text, str(ann))
        except InputError as e:
            yield e


register(Format("brat", (".ann",), "brat standoff (.txt + .ann)",
                writer=Interchange(BratWriter, read, "", directory=True)))
