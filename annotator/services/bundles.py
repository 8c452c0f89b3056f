"""Bundles: one annotator's work in one file, and merging bundles into a master project.

An annotator who works offline exports a *bundle*: their spans, document labels, statuses
and relations, with every document named by its content hash (not by a local id, which
differs between copies of a project). Optionally the bundle carries the texts too.

The lead merges any number of bundles into the master project:

- A bundle is a snapshot of the annotator's whole work. Merging it replaces that
  annotator's work in the master (and nobody else's).
- Merging the same work again changes nothing (the bundle's digest is remembered per
  annotator in the project settings). A bundle older than the one already merged for that
  annotator is refused, so a stale file cannot undo newer work.
- Documents the master does not have are reported, or added when the bundle carries
  their text.
- Label schemas are compared first: a label the bundle uses that the master lacks (or has
  in another layer or category), another stance target, or a claim stance the master does
  not know is reported, and then *nothing* is written, for any bundle.
- Each bundle is merged in one transaction: whole, or not at all.

File format: gzip-compressed JSON (plain JSON is read too), ``format: "annotator-bundle"``,
``version: 1``. Offsets are code-point indices into the document text, end exclusive, as
everywhere else.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, delete, insert, select

from annotator.core import private_files
from annotator.core.errors import AnnotatorError, InputError, ProjectError
from annotator.core.model import Layer, Origin, Role, Status
from annotator.core.schema import Schema, schema_from_dict
from annotator.core.text import content_hash
from annotator.storage import Project
from annotator.storage.project import AS, DL, ST, A, D, L, R, S, SE  # noqa: F401

FORMAT = "annotator-bundle"
VERSION = 1
SUFFIX = ".annbundle"
_CHUNK = 900  # stay under SQLite's bound-parameter limit

Progress = Callable[[int, int, str], None]


class Cancelled(Exception):
    pass


class SchemaConflict(AnnotatorError):
    """Bundles whose labels do not fit the master project; nothing was written."""

    def __init__(self, conflicts: list[str]) -> None:
        self.conflicts = conflicts
        super().__init__("label schemas conflict; nothing was merged:\n" + "\n".join(f"  {c}" for c in conflicts))


# ---------------------------------------------------------------------------------------- export
@dataclass
class ExportReport:
    path: Path
    annotator: str
    documents: int = 0
    spans: int = 0
    labels: int = 0
    relations: int = 0
    with_text: bool = False

    def summary(self) -> str:
        return (f"wrote {self.path}: {self.annotator}'s work on {self.documents} document"
                f"{'s' if self.documents != 1 else ''} ({self.spans} spans, {self.labels} document labels, "
                f"{self.relations} relations{', with texts' if self.with_text else ''})")


def _digest(payload: dict[str, Any]) -> str:
    """Digest of the work itself (not of texts, not of the export time): equal work, equal digest."""
    work = {
        "annotator": payload["annotator"]["name"],
        "schema": payload["schema"],
        "documents": [{k: d.get(k) for k in ("hash", "status", "spans", "labels")} for d in payload["documents"]],
        "relations": payload["relations"],
    }
    return hashlib.blake2b(orjson.dumps(work, option=orjson.OPT_SORT_KEYS), digest_size=20).hexdigest()


def _chunks(seq: Sequence[Any]):
    for i in range(0, len(seq), _CHUNK):
        yield seq[i:i + _CHUNK]


def export_bundle(project: Project, annotator: str, out: str | Path, *, with_text: bool = False,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ExportReport:
    """Write ``annotator``'s work to ``out`` (one consistent read transaction)."""
    out = Path(out)
    schema = project.schema().to_dict()
    with project.read() as c:
        who = c.execute(select(A).where(A.c.name == annotator)).first()
        if who is None:
            names = ", ".join(r.name for r in c.execute(select(A.c.name).order_by(A.c.id))) or "none"
            raise ProjectError(f"no annotator named {annotator!r} in this project (annotators: {names})")
        aid = who.id
        labels = {r.id: r for r in c.execute(select(L))}
        statuses = dict(c.execute(select(ST.c.document_id, ST.c.status).where(ST.c.annotator_id == aid)).all())
        spans = c.execute(select(S).where(S.c.annotator_id == aid)
                          .order_by(S.c.document_id, S.c.start, S.c.end, S.c.id)).all()
        doclabels = c.execute(select(DL).where(DL.c.annotator_id == aid).order_by(DL.c.document_id, DL.c.id)).all()
        relations = c.execute(select(R).where(R.c.annotator_id == aid).order_by(R.c.id)).all()
        doc_ids = sorted(set(statuses) | {s.document_id for s in spans} | {d.document_id for d in doclabels})
        cols = [D.c.id, D.c.content_hash, D.c.title]
        if with_text:
            cols += [D.c.text, D.c.source, D.c.url, D.c.published, D.c.meta]
        docs: dict[int, Any] = {}
        for chunk in _chunks(doc_ids):
            if cancelled is not None and cancelled():
                raise Cancelled()
            docs.update((r.id, r) for r in c.execute(select(*cols).where(D.c.id.in_(chunk))))

    entries: list[dict[str, Any]] = []
    index: dict[int, int] = {}
    for i, did in enumerate(doc_ids):
        row = docs[did]
        index[did] = i
        entry: dict[str, Any] = {"hash": row.content_hash, "title": row.title, "status": statuses.get(did),
                                 "spans": [], "labels": []}
        if with_text:
            entry.update(text=row.text, source=row.source, url=row.url, published=row.published,
                         meta=dict(row.meta or {}))
        entries.append(entry)
    span_pos: dict[int, tuple[int, int]] = {}
    for s in spans:
        lab = labels[s.label_id]
        e = entries[index[s.document_id]]
        span_pos[s.id] = (index[s.document_id], len(e["spans"]))
        e["spans"].append({"layer": lab.layer, "label": lab.name, "start": s.start, "end": s.end,
                           "attrs": dict(s.attrs or {}), "origin": s.origin})
    for d in doclabels:
        lab = labels[d.label_id]
        entries[index[d.document_id]]["labels"].append(
            {"layer": lab.layer, "label": lab.name, "group": lab.group, "attrs": dict(d.attrs or {})})
    rels = []
    for r in relations:
        if r.head_span_id in span_pos and r.tail_span_id in span_pos:
            rels.append({"head": list(span_pos[r.head_span_id]), "tail": list(span_pos[r.tail_span_id]),
                         "kind": r.kind})
    payload: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "annotator": {"name": who.name, "role": who.role},
        "exported_at": time.time(),
        "schema": schema,
        "documents": entries,
        "relations": rels,
    }
    payload["digest"] = _digest(payload)
    data = gzip.compress(orjson.dumps(payload), compresslevel=6, mtime=0)
    private_files.make_dir(out.parent)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    private_files.write_file(tmp, data)  # 0600: someone's work, private from the first byte
    tmp.replace(out)  # never a half-written bundle under the real name
    if progress:
        progress(1, 1, str(out))
    return ExportReport(out, who.name, len(entries), len(spans), len(doclabels), len(rels), with_text)


# ---------------------------------------------------------------------------------------- reading
@dataclass
class Bundle:
    path: str
    annotator: str
    role: Role
    exported_at: float
    schema: Schema
    documents: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    digest: str

    @property
    def span_count(self) -> int:
        return sum(len(d["spans"]) for d in self.documents)


def read_bundle(path: str | Path) -> Bundle:
    """Read and check a bundle file; a damaged or foreign file raises ``InputError``."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where) from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = orjson.loads(raw)
    except (OSError, EOFError, orjson.JSONDecodeError) as e:
        raise InputError(f"not an annotator bundle (cannot decode it: {e})", where) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError("not an annotator bundle", where)
    if data.get("version") != VERSION:
        raise InputError(f"bundle version {data.get('version')!r}; this annotator reads version {VERSION}. "
                         "Update annotator.", where)
    try:
        who = data["annotator"]
        docs = data["documents"]
        rels = data["relations"]
        if not isinstance(who.get("name"), str) or not who["name"].strip():
            raise ValueError("no annotator name")
        for i, d in enumerate(docs):
            if not isinstance(d.get("hash"), str):
                raise ValueError(f"documents[{i}] has no hash")
            if d.get("status") is not None:
                Status(d["status"])
            for s in d["spans"]:
                if not (isinstance(s["start"], int) and isinstance(s["end"], int) and 0 <= s["start"] < s["end"]):
                    raise ValueError(f"documents[{i}]: span [{s['start']}, {s['end']}) is empty or negative")
                Layer(s["layer"])
                Origin(s.get("origin", "import"))
            for lab in d["labels"]:
                Layer(lab["layer"])
            if d.get("text") is not None:
                if content_hash(d["text"]) != d["hash"]:
                    raise ValueError(f"documents[{i}]: the text does not match its hash")
                if any(s["end"] > len(d["text"]) for s in d["spans"]):
                    raise ValueError(f"documents[{i}]: a span ends after the text")
        for r in rels:
            for end in (r["head"], r["tail"]):
                di, si = end
                docs[di]["spans"][si]  # noqa: B018  (index check)
        schema = schema_from_dict(data["schema"], f"{where}: schema")
        digest = _digest(data)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        raise InputError(f"damaged bundle ({type(e).__name__}: {e})", where) from None
    if digest != data.get("digest"):
        raise InputError("damaged bundle (its content does not match its digest)", where)
    return Bundle(where, who["name"].strip(), Role(who.get("role", "annotator")), float(data["exported_at"]),
                  schema, docs, rels, digest)


# ---------------------------------------------------------------------------------------- checks
def schema_conflicts(project: Project, bundle: Bundle) -> list[str]:
    """Reasons the bundle's labels do not fit the project (empty: it fits)."""
    where = Path(bundle.path).name
    mine = {(lab.layer.value, lab.name): lab for lab in project.labels()}
    by_name: dict[str, list[str]] = {}
    for layer, name in mine:
        by_name.setdefault(name, []).append(layer)
    out: list[str] = []
    used: dict[tuple[str, str], str | None] = {}
    claim_stances: set[str] = set()
    has_doc_labels = False
    for d in bundle.documents:
        for s in d["spans"]:
            used.setdefault((s["layer"], s["label"]), None)
            st = (s.get("attrs") or {}).get("stance")
            if s["layer"] == Layer.CLAIM.value and isinstance(st, str):
                claim_stances.add(st)
        for lab in d["labels"]:
            used[(lab["layer"], lab["label"])] = lab.get("group")
            has_doc_labels = True
    for (layer, name), group in sorted(used.items()):
        have = mine.get((layer, name))
        if have is None:
            other = by_name.get(name)
            if other:
                out.append(f"{where}: label {name!r} is a {layer} label in the bundle but a "
                           f"{' and '.join(other)} label in the project")
            else:
                out.append(f"{where}: label {name!r} ({layer}) is used in the bundle but is not in the project's "
                           "schema (add it with 'annotator labels import')")
        elif layer == Layer.DOCUMENT.value and group is not None and have.group != group:
            out.append(f"{where}: document label {name!r} belongs to category {group!r} in the bundle "
                       f"but to {have.group!r} in the project")
    target = project.get_setting("stance_target", "")
    if has_doc_labels and target and bundle.schema.stance_target != target:  # a project without one adopts it
        out.append(f"{where}: the bundle's stance target is {bundle.schema.stance_target!r}, "
                   f"the project's is {target!r}")
    known = set(project.get_setting("claim_stances", ["supports", "refutes", "neutral"]))
    unknown = sorted(claim_stances - known)
    if unknown:
        out.append(f"{where}: claim stance{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                   f"not in the project's ({', '.join(sorted(known))})")
    return out


# ---------------------------------------------------------------------------------------- merge
@dataclass
class BundleResult:
    path: str
    annotator: str
    action: str = ""  # merged | unchanged | older | failed
    documents: int = 0
    added_documents: int = 0
    spans: int = 0
    labels: int = 0
    statuses: int = 0
    relations: int = 0
    replaced_spans: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (hash, title)
    message: str = ""

    def summary(self) -> str:
        name = Path(self.path).name
        if self.action == "unchanged":
            return f"{name}: {self.annotator}: already merged, nothing changed"
        if self.action in ("older", "failed"):
            return f"{name}: {self.annotator}: {self.message}"
        text = (f"{name}: {self.annotator}: {self.documents} documents, {self.spans} spans, "
                f"{self.labels} document labels, {self.statuses} statuses, {self.relations} relations")
        if self.replaced_spans:
            text += f" (replaced {self.replaced_spans} earlier spans)"
        if self.added_documents:
            text += f"; added {self.added_documents} documents"
        if self.missing:
            text += f"; {len(self.missing)} documents not in the project, skipped"
        return text


@dataclass
class MergeReport:
    results: list[BundleResult] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def missing(self) -> int:
        return sum(len(r.missing) for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing and all(r.action != "failed" for r in self.results)

    def summary(self) -> str:
        lines = [r.summary() for r in self.results]
        lines += [f"error: {e}" for e in self.errors]
        merged = sum(r.action == "merged" for r in self.results)
        lines.append(f"{merged} bundle{'s' if merged != 1 else ''} merged ({self.seconds:.1f} s)")
        return "\n".join(lines)


def _setting_key(annotator: str) -> str:
    return f"bundle:{annotator}"


def merge_bundles(project: Project, paths: Sequence[str | Path], *, add_documents: bool = True,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> MergeReport:
    """Merge bundle files into ``project``; see the module docstring for the rules.

    Raises ``SchemaConflict`` (nothing written) if any bundle's labels do not fit. Bundles
    that cannot be read are reported in ``errors`` and the others are merged. On cancel,
    bundles merged so far stay (each is whole) and ``Cancelled`` is raised.
    """
    t0 = time.perf_counter()
    report = MergeReport()
    bundles: list[Bundle] = []
    for i, p in enumerate(paths):
        if progress:
            progress(i, len(paths) * 2, f"reading {Path(p).name}")
        try:
            bundles.append(read_bundle(p))
        except InputError as e:
            report.errors.append(e)
    conflicts = [c for b in bundles for c in schema_conflicts(project, b)]
    targets = {b.schema.stance_target for b in bundles if b.schema.stance_target}
    if not project.get_setting("stance_target", "") and len(targets) > 1:
        conflicts.append("the bundles name different stance targets: " + ", ".join(map(repr, sorted(targets))))
    if conflicts:
        raise SchemaConflict(conflicts)
    if not project.get_setting("stance_target", "") and targets:
        project.set_setting("stance_target", next(iter(targets)))  # a new master takes the bundles' target
    # for one annotator, only the newest bundle of the run counts
    newest: dict[str, Bundle] = {}
    for b in bundles:
        if b.annotator not in newest or (b.exported_at, b.digest) > (newest[b.annotator].exported_at,
                                                                      newest[b.annotator].digest):
            newest[b.annotator] = b
    # a document one bundle lacks the text of can come from another bundle of the same run
    texts = {d["hash"]: d for b in bundles for d in b.documents if d.get("text") is not None}
    for i, b in enumerate(bundles):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress:
            progress(len(paths) + i, len(paths) * 2, f"merging {Path(b.path).name}")
        best = newest[b.annotator]
        if b is not best:
            same = b.digest == best.digest
            report.results.append(BundleResult(
                b.path, b.annotator, "unchanged" if same else "older",
                message=f"superseded by the newer {Path(best.path).name} in this merge; not merged"))
            continue
        try:
            report.results.append(_merge_one(project, b, add_documents, cancelled, texts))
        except (InputError, ProjectError) as e:
            report.results.append(BundleResult(b.path, b.annotator, "failed", message=str(e)))
    report.seconds = time.perf_counter() - t0
    if progress:
        progress(len(paths) * 2, len(paths) * 2, "done")
    return report


def _merge_one(project: Project, b: Bundle, add_documents: bool, cancelled: Callable[[], bool] | None,
               texts: dict[str, dict[str, Any]] | None = None) -> BundleResult:
    res = BundleResult(b.path, b.annotator)
    key = _setting_key(b.annotator)
    with project.write() as c:
        prev = c.execute(select(SE.c.value).where(SE.c.key == key)).scalar()
        if prev is not None:
            if prev.get("digest") == b.digest:
                res.action = "unchanged"
                return res
            if float(prev.get("exported_at", 0)) > b.exported_at:
                res.action = "older"
                res.message = (f"older than the bundle already merged for {b.annotator} (exported "
                               f"{_when(prev.get('exported_at', 0))}); not merged")
                return res
        aid = _ensure_annotator(c, b.annotator, b.role)
        labels = {(r.layer, r.name): r.id for r in c.execute(select(L.c.id, L.c.layer, L.c.name))}
        hashes = [d["hash"] for d in b.documents]
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(hashes):
            found.update((r.content_hash, (r.id, r.length))
                         for r in c.execute(select(D.c.content_hash, D.c.id, D.c.length)
                                            .where(D.c.content_hash.in_(chunk))))
        texts = texts or {}
        new_docs = [d if d.get("text") is not None else texts.get(d["hash"], d)
                    for d in b.documents if d["hash"] not in found]
        addable = [d for d in new_docs if add_documents and d.get("text") is not None]
        res.missing = [(d["hash"], d.get("title") or "") for d in new_docs if not (add_documents and d.get("text") is not None)]
        if addable:
            now = time.time()
            seen: set[str] = set()
            rows = []
            for d in addable:
                if d["hash"] in seen:
                    continue
                seen.add(d["hash"])
                rows.append(dict(text=d["text"], title=d.get("title") or "", source=d.get("source"),
                                 url=d.get("url"), published=d.get("published"), content_hash=d["hash"],
                                 meta=d.get("meta") or {}, length=len(d["text"]), created_at=now))
            _bulk_insert(c, D, rows)
            for chunk in _chunks([r["content_hash"] for r in rows]):
                found.update((r.content_hash, (r.id, r.length))
                             for r in c.execute(select(D.c.content_hash, D.c.id, D.c.length)
                                                .where(D.c.content_hash.in_(chunk))))
            res.added_documents = len(rows)

        # the snapshot replaces this annotator's work, and only theirs
        res.replaced_spans = len(c.execute(select(S.c.id).where(S.c.annotator_id == aid)).all())
        c.execute(delete(R).where(R.c.annotator_id == aid))
        c.execute(delete(S).where(S.c.annotator_id == aid))
        c.execute(delete(DL).where(DL.c.annotator_id == aid))
        c.execute(delete(ST).where(ST.c.annotator_id == aid))

        now = time.time()
        span_rows: list[dict[str, Any]] = []
        span_keys: list[tuple[int, int]] = []
        label_rows: list[dict[str, Any]] = []
        status_rows: list[dict[str, Any]] = []
        for di, d in enumerate(b.documents):
            hit = found.get(d["hash"])
            if hit is None:
                continue
            doc_id, length = hit
            res.documents += 1
            if d.get("status") is not None:
                status_rows.append(dict(document_id=doc_id, annotator_id=aid, status=d["status"], updated_at=now))
            for si, s in enumerate(d["spans"]):
                if s["end"] > length:
                    raise InputError(f"damaged bundle: a span of {d.get('title') or d['hash']!r} ends at "
                                     f"{s['end']}, after the text (length {length})", b.path)
                span_rows.append(dict(document_id=doc_id, annotator_id=aid, label_id=labels[(s["layer"], s["label"])],
                                      start=s["start"], end=s["end"], attrs=s.get("attrs") or {},
                                      origin=s.get("origin", "import"), created_at=now, updated_at=now))
                span_keys.append((di, si))
            for lab in d["labels"]:
                label_rows.append(dict(document_id=doc_id, annotator_id=aid, label_id=labels[(lab["layer"], lab["label"])],
                                       attrs=lab.get("attrs") or {}, updated_at=now))
        _bulk_insert(c, ST, status_rows)
        _bulk_insert(c, DL, label_rows)
        # spans that relations point at need their new ids; the rest go in as one bulk insert
        linked = {tuple(e) for r in b.relations for e in (r["head"], r["tail"])}
        span_ids: dict[tuple[int, int], int] = {}
        bulk = [row for k, row in zip(span_keys, span_rows) if k not in linked]
        _bulk_insert(c, S, bulk)
        for k, row in zip(span_keys, span_rows):
            if k in linked:
                span_ids[k] = c.execute(insert(S).values(**row)).inserted_primary_key[0]
        rel_rows = []
        for r in b.relations:
            head, tail = span_ids.get(tuple(r["head"])), span_ids.get(tuple(r["tail"]))
            if head is not None and tail is not None:
                rel_rows.append(dict(annotator_id=aid, head_span_id=head, tail_span_id=tail, kind=r["kind"], attrs={}))
        _bulk_insert(c, R, rel_rows)
        res.spans, res.labels, res.statuses, res.relations = (len(span_rows), len(label_rows), len(status_rows),
                                                              len(rel_rows))
        Project._set_setting(c, key, {"digest": b.digest, "exported_at": b.exported_at,
                                      "file": Path(b.path).name, "merged_at": time.time()})
        if cancelled is not None and cancelled():
            raise Cancelled()  # rolls this bundle back
        res.action = "merged"
    return res


def _bulk_insert(c: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    # executemany on both backends: multi-row VALUES statements were 3x slower on PostgreSQL
    # (SQLAlchemy compiles every row's parameters into the statement)
    if rows:
        c.execute(insert(table), rows)


def _ensure_annotator(c: Connection, name: str, role: Role) -> int:
    aid = c.execute(select(A.c.id).where(A.c.name == name)).scalar()
    if aid is None:
        aid = c.execute(insert(A).values(name=name, role=str(role))).inserted_primary_key[0]
    return aid


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(ts)))
