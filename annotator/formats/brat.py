"""brat standoff (a folder of ``NAME.txt`` + ``NAME.ann``, and ``annotation.conf``), both ways.

Follows brat v1.3 (``server/src/annotation.py``), which reads ``.txt`` whole with
``codecs.open(..., "utf-8")`` and ``.ann`` line by line through the same reader:

- Offsets count the characters (code points) of the ``.txt`` exactly as decoded: a UTF-8
  byte-order mark is character 0 and a ``\\r`` of a CRLF is a character. Reading removes
  the BOM (every offset moves one to the left) and normalises line ends, spans moving with
  the text.
- A ``T`` line's text (``T1<TAB>LABEL START END<TAB>TEXT``) must equal the text at its
  fragments joined by one space, as brat checks. A mismatch refuses the document with
  file:line, proposing the offset unit that explains every span when one does.
- ``.ann`` lines end where ``str.splitlines`` breaks (brat's codecs reader): ``\\n``, ``\\r``,
  U+0085, U+2028, U+2029, ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``. A ``T`` line's text can
  hold none of them, so a span containing one is written as brat's discontinuous fragments
  (``START END;START END``) split around the breaks; everything else (tabs too) is
  written as it is.
- Discontinuous spans: fragments separated only by white space read back as the one
  stretch they cover (that is what our export writes). Fragments with other text between
  them (``T1 LOC 0 5;16 23`` over "North and South America") cannot be one span here: the
  line is refused, with anything that refers to it, and the rest of the document is read.

Writing, per document: ``NAME`` is the first 16 hex digits of the content hash; ``.txt`` is
the stored text, UTF-8 without BOM, byte for byte (``\\n`` line ends on every platform).

- Spans: ``T`` lines. Span attributes: a string value without white space is a brat
  attribute (``A1<TAB>stance T3 supports``); a ``norm`` attribute (a list of ``{"type",
  "db", "id", "text"}``) is brat normalisations (``N1<TAB>Reference T3 Wikipedia:534366<TAB>
  Barack Obama``); any other value is an ``AnnotatorNotes`` line ``key: <JSON value>``.
- Relations: ``R1<TAB>claimant Arg1:T3 Arg2:T5``.
- The document's stance has no place in brat; it is reported as not carried.

Reading takes lines in any order: ``T``, ``R``, ``A``/``M``, ``N`` (into ``norm``), ``#``
(``AnnotatorNotes``). Events (``E``), equivalences (``*``) and anything else are reported
per line and left out; the rest of the document is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.text import content_hash
from annotator.formats.registry import Format, register
from annotator.formats._interchange import Interchange, check_offsets, open_text
from annotator.formats.decoding import bom_encoding, decode_bytes
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record
from annotator.formats.units import propose

_WORD = re.compile(r"\S+")
# where str.splitlines, and so brat's line reader, ends a line
BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
DISCONT_SEP = " "


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) as brat fragments: the stretches between line-break characters."""
    out = []
    pos = start
    for m in BREAKS.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def surface(text: str, frags: list[tuple[int, int]]) -> str:
    return DISCONT_SEP.join(text[a:b] for a, b in frags)


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
        issues: list[Issue] = []
        n_attr = n_note = n_norm = 0
        t_of: dict[int, str] = {}
        n_t = 0
        for i, s in enumerate(rec.spans):
            frags = fragments(rec.text, s.start, s.end)
            if not frags:
                issues.append(Issue("skipped", rec.where, s.label, s.start, s.end, "only line breaks: not in brat"))
                continue
            if (frags[0][0], frags[-1][1]) != (s.start, s.end):
                issues.append(Issue("snapped", rec.where, s.label, s.start, s.end,
                                    f"-> [{frags[0][0]}, {frags[-1][1]}): a brat span cannot start or end "
                                    "with a line break"))
            n_t += 1
            tid = t_of[i] = f"T{n_t}"
            self.entities.add(s.label)
            where = ";".join(f"{a} {b}" for a, b in frags)
            lines.append(f"{tid}\t{s.label} {where}\t{surface(rec.text, frags)}")
            for key in sorted(s.attrs):
                v = s.attrs[key]
                if key == "norm" and _is_norm(v):
                    for nm in v:
                        n_norm += 1
                        lines.append(f"N{n_norm}\t{nm['type']} {tid} {nm['db']}:{nm['id']}\t{nm.get('text', '')}")
                elif isinstance(v, str) and _WORD.fullmatch(v):
                    n_attr += 1
                    self.attributes.setdefault(key, set()).add(v)
                    lines.append(f"A{n_attr}\t{key} {tid} {v}")
                else:
                    n_note += 1
                    lines.append(f"#{n_note}\tAnnotatorNotes {tid}\t{key}: {orjson.dumps(v).decode()}")
        for j, r in enumerate(rec.relations, start=1):
            if r.head not in t_of or r.tail not in t_of:
                issues.append(Issue("skipped", rec.where, r.kind, rec.spans[r.head].start, rec.spans[r.tail].end,
                                    "relation: one of its spans is not in brat"))
                continue
            self.relations.add(r.kind)
            lines.append(f"R{j}\t{r.kind} Arg1:{t_of[r.head]} Arg2:{t_of[r.tail]}")
        with open_text(self.dir / f"{name}.ann") as fh:
            fh.write("".join(line + "\n" for line in lines))
        issues += [Issue("not-carried", rec.where, v, 0, 0, f"document {g}") for g, v in sorted(rec.cats.items())]
        return issues

    def close(self) -> None:
        layers = {lab["name"]: lab["layer"] for lab in self.ctx.labels}
        ents = sorted(self.entities | {n for n, layer in layers.items() if layer != "document"})
        conf = ["[entities]", *ents, "", "[relations]"]
        conf += [f"{kind}\tArg1:<ENTITY>, Arg2:<ENTITY>" for kind in sorted(self.relations)]
        conf += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
        conf += [f"{key}\tArg:<ENTITY>, Value:{'|'.join(sorted(vals))}" for key, vals in sorted(self.attributes.items())]
        with open_text(self.dir / "annotation.conf") as fh:
            fh.write("\n".join(conf) + "\n")


def _is_norm(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(
        isinstance(x, dict) and all(isinstance(x.get(k), str) and _WORD.fullmatch(x[k]) for k in ("type", "db", "id"))
        and ":" not in x["db"] and BREAKS.search(str(x.get("text", ""))) is None for x in v)


_T_LINE = re.compile(r"T\S*")
_INT = re.compile(r"-?\d+")


def _parse_ann(ann: str, text: str, where: str) -> tuple[Record | None, list[InputError]]:
    """Parse one .ann against its .txt as brat decodes it (BOM included). Returns the record
    (``None`` when the document is refused) and the errors (refused lines or document)."""
    lines = ann.splitlines()
    bom = 1 if text.startswith("\ufeff") else 0
    errors: list[InputError] = []
    spans: list[RecSpan] = []
    ids: dict[str, int] = {}
    dropped: set[str] = set()
    mismatched: list[tuple[str, tuple[int, int, str], str]] = []  # (where, raw fragments, surface)
    raw_frags: list[tuple[list[tuple[int, int]], str]] = []
    # pass 1: text-bound annotations, wherever they are in the file
    for n, line in enumerate(lines, start=1):
        at = f"{where}:{n}"
        tid, tab, tail = line.partition("\t")
        if not line.strip() or not _T_LINE.fullmatch(tid):
            continue
        head, tab2, shown = tail.partition("\t")
        label, _, offs = head.partition(" ")
        try:
            frags = []
            for f in offs.split(";"):
                a, b = f.split()
                if not (_INT.fullmatch(a) and _INT.fullmatch(b)):
                    raise ValueError
                frags.append((int(a), int(b)))
        except ValueError:
            errors.append(InputError(f"cannot read this text-bound line: {line[:80]!r} "
                                     "(expected 'ID<TAB>TYPE START END<TAB>TEXT'): left out", at))
            dropped.add(tid)
            continue
        if not label or tid in ids or tid in dropped:
            errors.append(InputError(f"{tid}: {'no type' if not label else 'a second annotation with this id'}: "
                                     "left out", at))
            dropped.add(tid)
            continue
        bad = [(a, b) for a, b in frags if not 0 <= a <= b <= len(text)]
        if bad:
            errors.append(InputError(f"{tid} fragment [{bad[0][0]}, {bad[0][1]}) lies outside the text "
                                     f"({len(text)} characters): left out", at))
            dropped.add(tid)
            continue
        spanlen = sum(b - a for a, b in frags) + len(DISCONT_SEP) * (len(frags) - 1)
        want = surface(text, frags)
        if tab2 and shown[:spanlen] != want:
            mismatched.append((at, frags, shown[:spanlen] if len(shown) >= spanlen else shown))
            ids[tid] = -1
            continue
        order = sorted(frags)
        gaps = [text[b:c] for (_, b), (c, _) in zip(order, order[1:])]
        if any(g.strip() for g in gaps) or any(c < b for (_, b), (c, _) in zip(order, order[1:])):
            errors.append(InputError(
                f"{tid} ({label}) is discontinuous: {' … '.join(repr(text[a:b]) for a, b in order)}, leaving out "
                f"{' … '.join(repr(g) for g in gaps if g.strip())}; a span here is one stretch of text, and "
                "the stretch covering both would say something else: left out", at))
            dropped.add(tid)
            continue
        a, b = order[0][0], order[-1][1]
        a, b = max(a - bom, 0), b - bom
        if a >= b:
            errors.append(InputError(f"{tid} covers no text: left out", at))
            dropped.add(tid)
            continue
        ids[tid] = len(spans)
        raw_frags.append((order, tid))
        spans.append(RecSpan(a, b, label, ""))
    if mismatched:
        checks = [(f[0][0], f[-1][1], s) for _, f, s in mismatched if len(f) == 1]
        hint = _brat_proposal(text, checks)
        for at, frags, shown in mismatched:
            errors.append(InputError(f"text-bound annotation says {shown!r} but the .txt has {surface(text, frags)!r} "
                                     f"at {';'.join(f'{a} {b}' for a, b in frags)}{hint}", at))
        errors.append(InputError(f"{len(mismatched)} span(s) do not match the .txt (brat counts every character "
                                 "of the .txt, a byte-order mark and each \\r included): document refused", where))
        return None, errors
    rels: list[RecRelation] = []

    def target(ref: str, at: str, what: str) -> int | None:
        if ref in ids:
            return ids[ref]
        why = ("was left out" if ref in dropped else
               "is an event or other annotation with no place here" if ref[:1] in "ER*#N" else "is not in the file")
        errors.append(InputError(f"{what} refers to {ref}, which {why}: the {what.split()[0]} is left out", at))
        return None

    # pass 2: everything that points at the spans
    for n, line in enumerate(lines, start=1):
        at = f"{where}:{n}"
        if not line.strip():
            continue
        aid, _, tail = line.partition("\t")
        if _T_LINE.fullmatch(aid):
            continue
        head, _, rest = tail.partition("\t")
        bits = head.split()
        kind = aid[:1]
        try:
            if kind == "R":
                rtype, a1, a2 = bits[0], bits[1].split(":", 1)[1], bits[2].split(":", 1)[1]
                h, t = target(a1, at, f"relation {aid}"), target(a2, at, f"relation {aid}")
                if h is not None and t is not None:
                    rels.append(RecRelation(h, t, rtype))
            elif kind in ("A", "M"):
                i = target(bits[1], at, f"attribute {aid}")
                if i is not None:
                    spans[i].attrs[bits[0]] = bits[2] if len(bits) > 2 else True
            elif kind == "N":
                db, _, ref = bits[2].partition(":")
                if not ref:
                    raise IndexError
                i = target(bits[1], at, f"normalisation {aid}")
                if i is not None:
                    spans[i].attrs.setdefault("norm", []).append({"type": bits[0], "db": db, "id": ref, "text": rest})
            elif kind == "#":
                i = target(bits[1], at, f"note {aid}")
                if i is None:
                    continue
                if bits[0] != "AnnotatorNotes":
                    spans[i].attrs[f"#{bits[0]}"] = rest
                    continue
                key, sep, value = rest.partition(": ")
                try:
                    if not sep or not _WORD.fullmatch(key):
                        raise orjson.JSONDecodeError("not key: JSON", rest, 0)
                    spans[i].attrs[key] = orjson.loads(value)
                except orjson.JSONDecodeError:
                    spans[i].attrs["note"] = rest
            elif kind == "E":
                errors.append(InputError(f"event {aid} ({head}): events have no place in this project; left out "
                                         "(its trigger is kept as a span)", at))
            elif kind == "*":
                errors.append(InputError(f"equivalence {head!r}: equivalence sets have no place in this project; "
                                         "left out", at))
            else:
                errors.append(InputError(f"cannot read this line: {line[:80]!r}: left out", at))
        except IndexError:
            errors.append(InputError(f"cannot read this line: {line[:80]!r}: left out", at))
    rec = Record(text[bom:], spans=spans, relations=rels, where=where)
    check_offsets(rec, where)
    return rec.canonical(), errors


def _brat_proposal(text: str, checks: list[tuple[int, int, str]]) -> str:
    """Which other counting explains every single-fragment span: the text without its BOM,
    with CRLF as one character, or other units."""
    if not checks:
        return ""
    variants: list[tuple[str, str]] = []
    if text.startswith("\ufeff"):
        variants.append(("the .txt without its byte-order mark (brat counts the BOM as character 0)", text[1:]))
    if "\r" in text:
        variants.append(("the .txt with CRLF line ends counted as one character (brat counts the \\r)",
                         text.replace("\r\n", "\n")))
    fits = [name for name, t in variants if all(t[a:b] == s for a, b, s in checks if 0 <= a <= b <= len(t))
            and all(b <= len(t) for a, b, _ in checks)]
    if len(fits) == 1:
        return f"; every span reads right if its offsets count {fits[0]}"
    return propose(text, checks, "codepoints")


def _decode(data: bytes, where: str, utf8: str) -> str:
    """UTF-8 as brat reads it (``utf8``: "utf-8" keeps a BOM as character 0, "utf-8-sig" drops
    it), or UTF-16/32 as its BOM says (the BOM marks the encoding and is no character); NUL
    characters are refused. A UTF-8 file that does not decode raises ``UnicodeDecodeError``."""
    if bom_encoding(data[:4]) in ("utf-16", "utf-32"):
        return decode_bytes(data, where)
    text = data.decode(utf8)
    if "\x00" in text:
        raise InputError("contains NUL characters, which are not text", where)
    return text


def read(path: Path, **_: object) -> Iterator[Record | InputError]:
    anns = sorted(path.rglob("*.ann")) if path.is_dir() else [path.with_suffix(".ann")]
    if not anns:
        yield InputError("has no .ann files", str(path))
    for ann in anns:
        txt = ann.with_suffix(".txt")
        try:
            text_bytes, ann_bytes = txt.read_bytes(), ann.read_bytes()
        except OSError as e:
            yield InputError(f"cannot read: {e.strerror}", str(txt if not txt.exists() else ann))
            continue
        try:
            text = _decode(text_bytes, str(txt), "utf-8")  # as brat: a UTF-8 BOM is character 0
            body = _decode(ann_bytes, str(ann), "utf-8-sig")
        except InputError as e:  # UTF-16/32 that does not decode, or NUL characters
            yield e
            continue
        except UnicodeDecodeError as e:
            bad = txt if e.object is text_bytes else ann
            yield InputError(f"is not UTF-8 (byte {e.start}); brat reads UTF-8 only", str(bad))
            continue
        try:
            rec, errors = _parse_ann(body, text, str(ann))
        except InputError as e:
            yield e
            continue
        if rec is None:
            yield from errors
        else:
            rec.problems = errors
            yield rec


register(Format("brat", (".ann",), "brat standoff (.txt + .ann)",
                writer=Interchange(BratWriter, read, "", directory=True)))
