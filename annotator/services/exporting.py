"""Export a project's annotations as training data (spaCy, Prodigy, doccano, CoNLL, brat,
CSV, native JSONL). See docs/formats.md for every rule.

- **View**: one annotator's work, the gold set (``project.gold()``), or a *merged* view:
  for each document, the annotators (not gold) who worked on it vote, and a span (same
  start, end, layer, label), a relation or a document label is kept when a strict majority
  of them made it. A claim's attributes are the most common among the votes for it.
- **Documents**: those the view has worked on (a span, a document label, or a status other
  than todo); ``all_documents`` adds the untouched ones (they would teach "no entities").
- **Split**: fractions such as (0.8, 0.1, 0.1) give ``train``/``dev``/``test``; documents are
  shuffled with ``random.Random(seed)`` and cut by largest remainder, per stance when
  ``stratify`` (so each part keeps the stance mix), in id order before shuffling.
- **Streaming**: documents are read and written in batches; memory stays bounded apart from
  the writer's own buffer (spaCy's ``DocBin``; use ``shard_docs`` for huge projects).
- **Files**: everything is written under a temporary name next to the target and renamed
  into place when complete (``os.replace``); a cancelled or failed export leaves nothing. An
  existing target is refused unless ``force``.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core import heap, private_files
from annotator.core.errors import AnnotatorError
from annotator.core.model import Layer, Role, Status
from annotator.formats.registry import INTERCHANGE, REGISTRY, load
from annotator.formats._interchange import Interchange
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record
from annotator.services.importing import Cancelled
from annotator.storage import Project
from annotator.storage import tokens as stored_tokens
from annotator.storage import views

ALIASES = {f.name: f.key for f in INTERCHANGE if f.name != f.key}  # the CSV of spans registers as "spans_csv"
SPLIT_NAMES = ("train", "dev", "test")
BATCH = 500

Progress = Callable[[int, int, str], None]


class ExportError(AnnotatorError):
    pass


class OutputExists(ExportError):
    pass


def load_formats() -> dict[str, Interchange]:
    load(tuple(f.module for f in INTERCHANGE))
    return {k: v.writer for k, v in REGISTRY.items() if isinstance(v.writer, Interchange)}


def interchange(name: str) -> Interchange:
    fmts = load_formats()
    name = ALIASES.get(name, name)
    if name not in fmts:
        raise ExportError(f"unknown format {name!r} (known: {', '.join(sorted(fmts))})")
    return fmts[name]


@dataclass
class View:
    name: str
    annotator_ids: list[int]
    merged: bool = False
    # machine suggestions nobody accepted yet (origin pattern/model, docs/preannotation.md)
    include_suggestions: bool = False


def select_view(project: Project, *, annotator: str | None = None, gold: bool = False,
                merged: bool = False) -> View:
    if sum((annotator is not None, gold, merged)) != 1:
        raise ExportError("choose exactly one of an annotator, the gold set, or the merged view")
    if gold:
        g = project.gold()
        return View(g.name, [g.id])
    if merged:
        ids = [a.id for a in project.annotators() if a.role != Role.GOLD]
        return View("merged", ids, merged=True)
    a = project.annotator(annotator or "")
    if a is None:
        names = ", ".join(x.name for x in project.annotators(include_gold=True)) or "none"
        raise ExportError(f"no annotator {annotator!r} in this project (there are: {names})")
    return View(a.name, [a.id])


@dataclass
class ExportReport:
    path: Path | None = None
    documents: int = 0
    spans: int = 0
    per_split: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, kind: str) -> int:
        return sum(1 for i in self.issues if i.kind == kind)

    def summary(self) -> str:
        parts = [f"{self.documents} document{'s' if self.documents != 1 else ''}", f"{self.spans} spans"]
        if self.per_split:
            parts.append(" / ".join(f"{k} {v}" for k, v in self.per_split.items()))
        for kind, what in (("snapped", "snapped to tokens"), ("skipped", "skipped (not on tokens)"),
                           ("overlap", "overlapping entities left out of doc.ents"),
                           ("not-carried", "not carried by the format")):
            n = self.count(kind)
            if n:
                parts.append(f"{n} {what}")
        return f"exported to {self.path}: " + ", ".join(parts) + f" ({self.seconds:.1f} s)"


# ---------------------------------------------------------------------------- reading a view
class _Labels:
    def __init__(self, project: Project) -> None:
        self.by_id = {lab.id: lab for lab in project.labels()}


def worked_documents(project: Project, view: View) -> list[int]:
    """Ids of documents the view's annotators have worked on, in id order."""
    return views.worked_document_ids(project, view.annotator_ids, include_suggestions=view.include_suggestions)


def _canonical(rows: list, by_id: dict[int, Any]) -> tuple[list[RecSpan], dict[int, int]]:
    """One record's spans in canonical order (``Record.canonical``: start, end, layer, label,
    attributes; equal ones in id order, the order the span index yields them in) and each span
    id's index in that order. ``rows``: ``views.SpanRow`` tuples; ``by_id``: label id -> (name, layer)."""
    empty = b"{}"
    keyed = []
    for row in rows:
        lab = by_id[row[3]]
        attrs = row[6]
        keyed.append((row[4], row[5], lab[1], lab[0], orjson.dumps(attrs, option=orjson.OPT_SORT_KEYS)
                      if attrs else empty, row[0], row))
    keyed.sort()
    spans = [RecSpan(k[0], k[1], k[3], k[2], k[6][6], k[6][7]) for k in keyed]
    return spans, {k[5]: i for i, k in enumerate(keyed)}


def load_records(project: Project, view: View, doc_ids: Sequence[int], labels: _Labels | None = None,
                 names: dict[int, str] | None = None) -> list[Record]:
    """The view's records for these documents (one query per table), each in canonical order."""
    labels = labels or _Labels(project)
    if names is None:
        names = {a.id: a.name for a in project.annotators(include_gold=True)}
    aids = view.annotator_ids
    ids = list(doc_ids)
    rows = views.view_rows(project, ids, aids, include_suggestions=view.include_suggestions)
    docs, spans, rels, dls, sts = rows.docs, rows.spans, rows.relations, rows.labels, rows.statuses
    by_id = {i: (lab.name, str(lab.layer)) for i, lab in labels.by_id.items()}
    # per (document, annotator): spans, relations, cats, status
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    for r in spans:
        grouped[(r[1], r[2])].append(r)
    by: dict[tuple[int, int], Record] = {}
    span_at: dict[int, tuple[tuple[int, int], int]] = {}

    def rec_for(d: int, a: int) -> Record:
        key = (d, a)
        if key not in by:
            by[key] = Record("", annotator=names.get(a, str(a)))
        return by[key]

    for key, group in grouped.items():
        rec = rec_for(*key)
        rec.spans, index = _canonical(group, by_id)
        for sid, i in index.items():
            span_at[sid] = (key, i)
    touched = set()
    for r in rels:
        if r.head_span_id in span_at and r.tail_span_id in span_at:
            key, h = span_at[r.head_span_id]
            _, t = span_at[r.tail_span_id]
            by[key].relations.append(RecRelation(h, t, r.kind))
            touched.add(key)
    for key in touched:
        by[key].relations.sort(key=lambda r: (r.head, r.tail, r.kind))
    for r in dls:
        lab = labels.by_id[r.label_id]
        rec_for(r.document_id, r.annotator_id).cats[lab.group or "stance"] = lab.name
    for r in sts:
        rec_for(r.document_id, r.annotator_id).status = r.status
    workers = _workers_of(spans, dls, sts) if view.merged else {}
    out = []
    for d in docs:
        if view.merged:
            rec = merge([by[(d.id, a)] for a in sorted(workers.get(d.id, ())) if (d.id, a) in by])
        else:
            rec = by.get((d.id, aids[0])) or Record("", annotator=view.name)
        rec.text, rec.title, rec.source, rec.url, rec.published = d.text, d.title, d.source, d.url, d.published
        rec.meta, rec.content_hash = d.meta, d.content_hash
        rec.annotator = view.name
        out.append(rec)
    # -- claims across articles (docs/claims.md): stories and claim links ride along in
    #    Record.extra (only the native format writes them); one annotator's or gold's view only
    if not view.merged:
        from annotator.storage.claims import export_extras

        extras = export_extras(project, aids, ids)
        for d, rec in zip(docs, out):
            rec.extra.update(extras.get(d.id, {}))
    return out


def _workers_of(spans: Iterable[Any], dls: Iterable[Any], sts: Iterable[Any]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for r in spans:
        out[r[1]].add(r[2])
    for r in dls:
        out[r.document_id].add(r.annotator_id)
    for r in sts:
        if r.status != str(Status.TODO):
            out[r.document_id].add(r.annotator_id)
    return out


def _attrs_key(a: dict[str, Any]) -> bytes:
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS)


def _vote_attrs(versions: Sequence[RecSpan]) -> dict[str, Any]:
    """Each attribute (a claim's stance, …) by its own vote among those who marked the span: the
    most frequent value, ties to the smaller serialisation; an attribute nobody set is left out.
    (Voting on whole attribute dicts would let one differing key outvote agreement on the others;
    the claimant is a relation and is voted on with the relations.)"""
    out: dict[str, Any] = {}
    for k in sorted({k for s in versions for k in s.attrs}):
        votes = Counter(_attrs_key(s.attrs.get(k)) for s in versions)
        best = min(votes, key=lambda v: (-votes[v], v))
        value = orjson.loads(best)
        if value is not None:
            out[k] = value
    return out


def merge(parts: Sequence[Record]) -> Record:
    """Strict-majority merge of several annotators' records of one document."""
    n = len(parts)
    out = Record("", annotator="merged")
    if not n:
        return out
    votes: dict[tuple, list[RecSpan]] = defaultdict(list)
    for rec in parts:
        for key in {(s.start, s.end, s.layer, s.label) for s in rec.spans}:
            votes[key].append(next(s for s in rec.spans if (s.start, s.end, s.layer, s.label) == key))
    index: dict[tuple, int] = {}
    for key in sorted(votes):
        vs = votes[key]
        if 2 * len(vs) > n:
            origin = Counter(s.origin for s in vs).most_common(1)[0][0]
            index[key] = len(out.spans)
            out.spans.append(RecSpan(key[0], key[1], key[3], key[2], _vote_attrs(vs), origin))
    rel_votes: Counter = Counter()
    for rec in parts:
        keys = [(s.start, s.end, s.layer, s.label) for s in rec.spans]
        rel_votes.update({(keys[r.head], keys[r.tail], r.kind) for r in rec.relations})
    for (h, t, kind), v in sorted(rel_votes.items()):
        if 2 * v > n and h in index and t in index:
            out.relations.append(RecRelation(index[h], index[t], kind))
    groups = {g for rec in parts for g in rec.cats}
    for g in sorted(groups):
        c = Counter(rec.cats[g] for rec in parts if g in rec.cats)
        label, v = min(c.items(), key=lambda kv: (-kv[1], kv[0]))
        if 2 * v > n:
            out.cats[g] = label
    if all(rec.status == str(Status.DONE) for rec in parts):
        out.status = str(Status.DONE)
    return out.canonical()


def stance_of(project: Project, view: View, doc_ids: Sequence[int]) -> dict[int, str]:
    """Each document's stance under the view (for stratified splits)."""
    out: dict[int, str] = {}
    labels = _Labels(project)
    for i in range(0, len(doc_ids), BATCH):
        for rec_id, rec in zip(doc_ids[i:i + BATCH], load_records(project, view, doc_ids[i:i + BATCH], labels)):
            out[rec_id] = rec.cats.get("stance", "")
    return out


def assign_splits(doc_ids: Sequence[int], fractions: Sequence[float], seed: int,
                  strata: dict[int, str] | None = None) -> dict[int, str]:
    """Seeded split: per stratum (sorted), shuffle the sorted ids and cut by largest remainder."""
    if not 2 <= len(fractions) <= 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-6:
        raise ExportError("a split is 2 or 3 fractions that add up to 1, e.g. 0.8,0.1,0.1")
    names = SPLIT_NAMES[:len(fractions)]
    groups: dict[str, list[int]] = defaultdict(list)
    for d in doc_ids:
        groups[(strata or {}).get(d, "")].append(d)
    rng = random.Random(seed)
    out: dict[int, str] = {}
    for key in sorted(groups):
        members = sorted(groups[key])
        rng.shuffle(members)
        exact = [f * len(members) for f in fractions]
        counts = [int(x) for x in exact]
        for i in sorted(range(len(exact)), key=lambda i: (-(exact[i] - counts[i]), i))[:len(members) - sum(counts)]:
            counts[i] += 1
        pos = 0
        for name, k in zip(names, counts):
            for d in members[pos:pos + k]:
                out[d] = name
            pos += k
    return out


# ---------------------------------------------------------------------------- writing
@dataclass
class ExportOptions:
    fmt: str
    out: Path
    annotator: str | None = None
    gold: bool = False
    merged: bool = False
    split: Sequence[float] | None = None
    seed: int = 0
    stratify: bool = False
    align: str = "expand"
    force: bool = False
    all_documents: bool = False
    shard_docs: int = 0
    language: str | None = None
    suggestions: bool = False  # also export machine suggestions not accepted yet
    offsets: str = "utf16"  # doccano: the unit offsets count (annotator.formats.units)


def context(project: Project, view: View, align: str, shard_docs: int = 0, language: str | None = None
            ) -> ExportContext:
    labs = project.labels()
    cats: dict[str, list[str]] = defaultdict(list)
    for lab in labs:
        if lab.layer == Layer.DOCUMENT:
            cats[lab.group or "stance"].append(lab.name)
    return ExportContext(
        language=language or project.language, align=align, view=view.name,
        labels=tuple({"name": lab.name, "layer": str(lab.layer), "color": lab.color, "hotkey": lab.hotkey,
                      "description": lab.description, "group": lab.group} for lab in labs),
        categories={g: tuple(v) for g, v in cats.items()}, shard_docs=shard_docs)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    elif p.exists() or p.is_symlink():
        p.unlink()


def _fsync_tree(p: Path) -> None:
    """Flush a written file (or every file of a folder) to disk before it is renamed into place,
    so that a power cut cannot leave an empty or short file under the final name."""
    files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
    for f in files:
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:  # not possible on every platform (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_stale(out: Path) -> None:
    """Clean up after an export killed part-way next to ``out``: its temporary output is
    removed; a previous export it had moved aside (``.NAME.old-PID``, only for folders, between
    two renames) is put back under ``out`` if nothing took its place, else removed."""
    for prefix in (f".{out.name}.tmp-", f".{out.name}.old-"):
        for p in sorted(out.parent.glob(prefix + "*")):
            pid = p.name[len(prefix):]
            if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
                if prefix.endswith(".old-") and not (out.exists() or out.is_symlink()):
                    os.replace(p, out)
                    _fsync_dir(out.parent)
                else:
                    _remove(p)


def _replace(tmp: Path, out: Path, force: bool) -> None:
    _fsync_tree(tmp)
    if (out.exists() or out.is_symlink()) and not force:
        raise OutputExists(f"{out} exists; use --force to overwrite it")
    if tmp.is_file() and not (out.is_dir() and not out.is_symlink()):
        os.replace(tmp, out)  # one atomic rename: the old file, or the new one, never neither
    elif out.exists() or out.is_symlink():
        # a folder cannot replace a folder in one rename: move the old one aside first; a kill
        # between the two renames is repaired by the next export to ``out`` (_sweep_stale)
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
        try:
            os.replace(tmp, out)
        except OSError:
            os.replace(old, out)
            raise
        _remove(old)
    else:
        os.replace(tmp, out)
    _fsync_dir(out.parent)


def export(project: Project, opts: ExportOptions, *, progress: Progress | None = None,
           cancelled: Callable[[], bool] | None = None) -> ExportReport:
    # the collector paused: an export's rows and records are plain acyclic data freed by reference
    # counting, and its passes over the tens of thousands made per batch cost as much as reading them
    with heap.paused():
        return _export(project, opts, progress=progress, cancelled=cancelled)


def _export(project: Project, opts: ExportOptions, *, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None) -> ExportReport:
    t0 = time.perf_counter()
    fmt = interchange(opts.fmt)
    if opts.align not in ("expand", "contract", "skip"):
        raise ExportError("--align is expand, contract or skip")
    out = Path(opts.out).expanduser().absolute()
    if out.parent.is_dir():
        _sweep_stale(out)  # first: an export killed between its renames gets its previous output back
    if (out.exists() or out.is_symlink()) and not opts.force:
        raise OutputExists(f"{out} exists; use --force to overwrite it")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder")
    view = select_view(project, annotator=opts.annotator, gold=opts.gold, merged=opts.merged)
    view.include_suggestions = opts.suggestions
    if opts.all_documents:
        doc_ids = project.document_ids()
    else:
        doc_ids = worked_documents(project, view)
    ctx = dataclasses.replace(context(project, view, opts.align, opts.shard_docs, opts.language), offsets=opts.offsets)
    splits: dict[int, str] | None = None
    if opts.split:
        strata = stance_of(project, view, doc_ids) if opts.stratify else None
        splits = assign_splits(doc_ids, list(opts.split), opts.seed, strata)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    _remove(tmp)
    report = ExportReport(path=out)
    writers: dict[str | None, Any] = {}
    total = len(doc_ids)

    def target(split: str | None) -> Path:
        if split is None:
            return tmp
        if fmt.directory or opts.shard_docs and fmt.suffix == ".spacy":
            return tmp / split
        return tmp / f"{split}{fmt.suffix}"

    try:
        # private from the start (people's work): a folder 0700 that nobody else can enter, or
        # a file created 0600 that the writer then fills; every file 0600 before the rename
        if splits is not None:
            private_files.make_dir(tmp)
            for name in SPLIT_NAMES[:len(opts.split or ())]:
                writers[name] = fmt.writer(target(name), ctx)
                report.per_split[name] = 0
        else:
            if not (fmt.directory or opts.shard_docs and fmt.suffix == ".spacy"):
                private_files.create_file(tmp)
            writers[None] = fmt.writer(tmp, ctx)
            if tmp.is_dir():
                os.chmod(tmp, private_files.DIR_MODE)
        labels = _Labels(project)
        names = {a.id: a.name for a in project.annotators(include_gold=True)}
        if progress:
            progress(0, total, "")
        for i in range(0, total, BATCH):
            if cancelled is not None and cancelled():
                raise Cancelled()
            chunk = doc_ids[i:i + BATCH]
            recs = load_records(project, view, chunk, labels, names)
            if fmt.token_aligned:  # tokens stored with the documents (made and stored once if missing)
                blobs = stored_tokens.blobs(project, dict(zip(chunk, (r.text for r in recs))), ctx.language,
                                            save=ctx.language == project.language)
                for d, rec in zip(chunk, recs):
                    rec.tokens = blobs[d]
            for d, rec in zip(chunk, recs):
                rec.where = f"document {d}" + (f" ({rec.title[:40]})" if rec.title else "")
                split = splits[d] if splits is not None else None
                report.issues.extend(writers[split].write(rec))
                report.documents += 1
                report.spans += len(rec.spans)
                if split is not None:
                    report.per_split[split] += 1
            if progress:
                progress(min(i + BATCH, total), total, f"{min(i + BATCH, total):,} of {total:,} documents")
        for w in writers.values():
            w.close()
        writers.clear()
        private_files.make_private(tmp)
        _replace(tmp, out, opts.force)
    except BaseException:
        for w in writers.values():
            try:
                w.close()
            except Exception:  # noqa: BLE001  (the original error is what matters)
                pass
        _remove(tmp)
        raise
    report.seconds = time.perf_counter() - t0
    return report
