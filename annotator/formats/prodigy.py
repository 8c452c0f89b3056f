"""Prodigy's task format (JSON Lines), both ways.

One task per document, as Prodigy's ``ner_manual``/``spans_manual`` plus ``choice`` (in
``blocks``) would save it::

    {"text", "meta": {...}, "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label"}],
     "relations": [{"head", "child", "head_span", "child_span", "label"}],
     "options": [{"id": "FAVOR", "text": "FAVOR"}, ...], "accept": ["FAVOR"],
     "answer": "accept", "_input_hash", "_task_hash"}

``tokens`` come from the project's blank spaCy tokenizer; ``token_end`` is inclusive, as in
Prodigy. All span layers are in ``spans`` (Prodigy's ``spans_manual`` allows overlaps); a
span's attributes (a claim's stance and claimant) go in an extra ``attrs`` key, which
Prodigy keeps and ignores. ``_input_hash``/``_task_hash`` are 32-bit murmurhashes of the
sorted JSON of the input (``text``) and of the task (``spans``, ``accept``), in the manner
of Prodigy's ``set_hashes``; Prodigy recomputes its own on ``db-in`` if asked.

Reading (Prodigy 1.x task format, as ``db-out`` writes it): offsets are the character
offsets (``start``/``end``, code points: Prodigy's server is Python); tokens are not needed.
A span's own ``text``, when present, must match the text at its offsets (else the task is
refused, proposing the unit that explains every span). Only tasks whose ``answer`` is
``accept`` become annotations; ``reject`` and ``ignore`` are reported and left out. The
annotator is ``meta.annotator`` (our export), else ``_annotator_id``, else ``_session_id``.
Choice tasks give their ``accept``ed options as document labels, a binary textcat task its
``label``; a second label of a one-label group is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.formats.registry import Format, register
from annotator.formats._interchange import (Interchange, StoredTokens, align, align_stored, assign_cats, blank,
                                           check_offsets, make_doc)
from annotator.formats.decoding import Utf8Lines
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record
from annotator.formats.units import propose

OPTS = orjson.OPT_APPEND_NEWLINE


def _hash(obj: Any, prefix: str = "") -> int:
    from murmurhash import hash as mhash

    return mhash(prefix + orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode())


def _meta(rec: Record) -> dict[str, Any]:
    meta = {"title": rec.title, "source": rec.source, "url": rec.url, "published": rec.published,
            "hash": rec.content_hash, "annotator": rec.annotator, "status": rec.status}
    return {k: v for k, v in meta.items() if v}


class ProdigyWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = path.open("wb")
        self.ctx = ctx
        self._nlp: Any = None

    @property
    def nlp(self) -> Any:  # spaCy, only for a record without stored tokens
        if self._nlp is None:
            self._nlp = blank(self.ctx.language)
        return self._nlp

    def task(self, rec: Record) -> tuple[dict[str, Any], list[Issue]]:
        stored = StoredTokens.of(rec)
        aligned: list[tuple[int, Any]]
        if stored is not None:  # the tokens stored with the document: no Doc to build
            text = rec.text
            tokens = [{"text": text[a:b], "start": a, "end": b, "id": i, "ws": w}
                      for i, (a, b, w) in enumerate(zip(stored.starts, stored.ends, stored.spaces))]
            aligned, issues = align_stored(stored, rec, self.ctx.align)
        else:
            doc = make_doc(self.nlp, rec)
            aligned, issues = align(doc, rec, self.ctx.align)
            tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
                       "ws": bool(t.whitespace_)} for t in doc]
        by_index: dict[int, dict[str, Any]] = {}
        spans = []
        for i, sp in aligned:
            s = rec.spans[i]
            d: dict[str, Any] = {"start": sp.start_char, "end": sp.end_char, "token_start": sp.start,
                                 "token_end": sp.end - 1, "label": s.label}
            if s.attrs:
                d["attrs"] = s.attrs
            by_index[i] = d
            spans.append(d)
        rels = []
        for r in rec.relations:
            if r.head in by_index and r.tail in by_index:
                h, t = by_index[r.head], by_index[r.tail]
                strip = ("start", "end", "token_start", "token_end", "label")
                rels.append({"head": h["token_end"], "child": t["token_end"],
                             "head_span": {k: h[k] for k in strip}, "child_span": {k: t[k] for k in strip},
                             "label": r.kind})
        task: dict[str, Any] = {"text": rec.text, "meta": _meta(rec), "tokens": tokens, "spans": spans}
        if rels:
            task["relations"] = rels
        if "stance" in self.ctx.categories:
            task["options"] = [{"id": c, "text": c} for c in self.ctx.categories["stance"]]
            task["accept"] = [rec.cats["stance"]] if "stance" in rec.cats else []
        task["answer"] = "accept"
        inp = _hash([["text", rec.text]])
        task["_input_hash"] = inp
        task["_task_hash"] = _hash([["accept", task.get("accept", [])], ["spans", spans]], str(inp))
        return task, issues

    def write(self, rec: Record) -> list[Issue]:
        task, issues = self.task(rec)
        self.fh.write(orjson.dumps(task, option=OPTS))
        return issues

    def close(self) -> None:
        self.fh.close()


ANSWERS = ("accept", "reject", "ignore")


def answer_of(obj: dict[str, Any], where: str) -> str:
    """A task's answer; a task without one (not annotated yet) counts as accepted input."""
    answer = obj.get("answer", "accept")
    if answer not in ANSWERS:
        raise InputError(f"answer {answer!r} is none of {', '.join(ANSWERS)}", where)
    return answer


def annotator_of(obj: dict[str, Any]) -> str:
    """Who made the task: our own export's ``meta.annotator``, else Prodigy's ``_annotator_id``
    (``DATASET-SESSION`` on a multi-user server), else ``_session_id``."""
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    for value in (meta.get("annotator"), obj.get("_annotator_id"), obj.get("_session_id")):
        if isinstance(value, str) and value:
            return value
    return ""


def check_surface(text: str, checks: list[tuple[int, int, str]], where: str) -> None:
    """Raise if a span's own ``text`` differs from the text at its offsets (code points),
    proposing the one unit that explains every span of the task when there is one."""
    bad = [(a, b, t) for a, b, t in checks if text[a:b] != t]
    if not bad:
        return
    a, b, t = bad[0]
    raise InputError(f"span [{a}, {b}) says {t!r} but the text there is {text[a:b]!r}"
                     + (f" ({len(bad)} of {len(checks)} spans differ)" if len(bad) > 1 else "")
                     + propose(text, checks, "codepoints"), where)


def from_task(obj: Any, where: str, categories: dict[str, tuple[str, ...]] | None = None) -> Record:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError("a task needs a \"text\" string", where)
    answer = answer_of(obj, where)
    if answer != "accept":
        raise InputError(f"answer is {answer!r}: only accepted tasks are annotations; left out", where)
    text = obj["text"]
    spans: list[RecSpan] = []
    checks: list[tuple[int, int, str]] = []
    index: dict[tuple[int, int, str], int] = {}
    for i, s in enumerate(obj.get("spans") or []):
        try:
            span = RecSpan(int(s["start"]), int(s["end"]), str(s["label"]), "", dict(s.get("attrs") or {}))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"span {i} needs start, end and label", where) from None
        if not 0 <= span.start < span.end <= len(text):
            hint = propose(text, [(span.start, span.end, s["text"])], "codepoints") \
                if isinstance(s.get("text"), str) else ""
            raise InputError(f"span {i} ({span.label}) [{span.start}, {span.end}) is empty or lies outside "
                             f"the text (length {len(text)}){hint}", where)
        if isinstance(s.get("text"), str):
            checks.append((span.start, span.end, s["text"]))
        index[(span.start, span.end, span.label)] = len(spans)
        spans.append(span)
    check_surface(text, checks, where)
    problems: list[InputError] = []
    rels = []
    for j, r in enumerate(obj.get("relations") or []):
        try:
            h, c = r["head_span"], r["child_span"]
            hk, ck = (h["start"], h["end"], h["label"]), (c["start"], c["end"], c["label"])
        except (KeyError, TypeError):
            raise InputError("a relation needs head_span and child_span", where) from None
        if hk in index and ck in index:
            rels.append(RecRelation(index[hk], index[ck], str(r.get("label", ""))))
        else:
            problems.append(InputError(f"relation {j} ({r.get('label')}) joins spans that are not in \"spans\": "
                                       "left out", where))
    names = [str(a) for a in obj.get("accept") or []]
    if not obj.get("options") and isinstance(obj.get("label"), str) and obj["label"]:
        names.append(obj["label"])  # a binary textcat task: the accepted label applies
    cats = assign_cats(names, categories, where, problems)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    known = ("title", "source", "url", "published", "hash", "annotator", "status")
    rec = Record(text, title=str(meta.get("title") or ""), source=meta.get("source"), url=meta.get("url"),
                 published=meta.get("published"), meta={k: v for k, v in meta.items() if k not in known},
                 content_hash=str(meta.get("hash") or ""), annotator=annotator_of(obj),
                 status=meta.get("status"), cats=cats, spans=spans, relations=rels, where=where,
                 problems=problems)
    check_offsets(rec, where)
    return rec.canonical()


def iter_jsonl(path: Path) -> Iterator[tuple[str, Any] | InputError]:
    with Utf8Lines(path) as fh:  # UTF-16/32 with a BOM too
        for n, line in enumerate(fh, start=1):
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                yield f"{path}:{n}", orjson.loads(line)
            except orjson.JSONDecodeError as e:
                yield InputError(f"not valid JSON ({e.msg})", f"{path}:{n}")


def read(path: Path, categories: dict[str, tuple[str, ...]] | None = None, **_: object
         ) -> Iterator[Record | InputError]:
    for item in iter_jsonl(path):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield from_task(item[1], item[0], categories)
        except InputError as e:
            yield e


register(Format("prodigy", (".prodigy.jsonl",), "Prodigy tasks (JSONL)",
                writer=Interchange(ProdigyWriter, read, ".jsonl", token_aligned=True)))
