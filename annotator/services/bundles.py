"""Bundles: one annotator's work in one file, and merging bundles into a master project.

An annotator who works offline exports a *bundle*: everything they own in the project, with
every document named by its content hash (not by a local id, which differs between copies of a
project) and every label by layer and name. Optionally the bundle carries the texts too.

What a bundle carries (version 2):

- spans (with attributes and origin: pending suggestions stay suggestions), document labels,
  statuses and relations (a claim's claimant);
- claim links between the annotator's own claims, with kind, origin, confirmation and recorded
  conflicts, and the stories their documents belong to;
- suggestion decisions: the suggestions the annotator rejected, so a pre-annotation run in the
  master does not bring them back;
- for the adjudicated set (annotator ``gold``, the lead's review): the gold spans with their
  provenance, the gold stance, and every document's review record (rejected regions and who
  rejected them, the stance's provenance).

What it cannot carry is reported when it is written (``ExportReport.not_carried``: links to
other annotators' claims, assignments) and when it is merged (``BundleResult.not_merged``:
work on documents the master does not have); nothing is dropped quietly.

The lead merges any number of bundles into the master project:

- A bundle is a snapshot of the annotator's whole work. Merging it replaces that
  annotator's work in the master (and nobody else's).
- Merging the same work again changes nothing (the bundle's digest is remembered per
  annotator in the project settings). A bundle older than the one already merged for that
  annotator is refused, so a stale file cannot undo newer work.
- Documents the master does not have are reported, or added when the bundle carries
  their text. A story is added when the master lacks it; one the master groups otherwise is
  left as the master has it (reported).
- Label schemas are compared first: a label the bundle uses that the master lacks (or has
  in another layer or category), another stance target, or a claim stance the master does
  not know is reported, and then *nothing* is written, for any bundle.
- Each bundle is merged in one transaction: whole, or not at all.
- A master that does not exist yet is created from the first bundle's schema
  (:func:`create_master`), stance target and claim stances included.
- A version 1 bundle (before claim links, stories and decisions were carried) still merges;
  the merge says what it could not bring.

File format: gzip-compressed JSON (plain JSON is read too), ``format: "annotator-bundle"``,
``version: 2`` (1 is read too). Offsets are code-point indices into the document text, end
exclusive, as everywhere else. The database side lives in ``annotator.storage.work``; review
records and suggestion decisions are read and written through ``annotator.services.review``
and ``annotator.services.preannotate``.
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

from annotator.core import private_files
from annotator.core.errors import AnnotatorError, InputError, ProjectError
from annotator.core.model import GOLD_ANNOTATOR, Layer, Origin, Role, Status
from annotator.core.schema import Schema, schema_from_dict
from annotator.core.text import content_hash
from annotator.services import preannotate as _pa
from annotator.services import review as _review
from annotator.storage import Project
from annotator.storage import work as _work
from annotator.storage.work import Cancelled

FORMAT = "annotator-bundle"
VERSION = 2
READABLE = (1, 2)
SUFFIX = ".annbundle"

Progress = Callable[[int, int, str], None]

__all__ = ["Cancelled", "SchemaConflict", "create_master", "export_bundle", "merge_bundles", "read_bundle"]


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
    claim_links: int = 0
    stories: int = 0
    review_records: int = 0
    rejected_suggestions: int = 0
    not_carried: list[str] = field(default_factory=list)

    def summary(self) -> str:
        extra = [f"{self.claim_links} claim links", f"{self.stories} stories"]
        if self.review_records:
            extra.append(f"{self.review_records} review records")
        if self.rejected_suggestions:
            extra.append(f"{self.rejected_suggestions} rejected suggestions")
        text = (f"wrote {self.path}: {self.annotator}'s work on {self.documents} document"
                f"{'s' if self.documents != 1 else ''} ({self.spans} spans, {self.labels} document labels, "
                f"{self.relations} relations, {', '.join(extra)}{', with texts' if self.with_text else ''})")
        for line in self.not_carried:
            text += f"\n  not in the bundle: {line}"
        return text


def _digest(payload: dict[str, Any]) -> str:
    """Digest of the work itself (not of texts, not of the export time): equal work, equal digest."""
    work = {
        "annotator": payload["annotator"]["name"],
        "schema": payload["schema"],
        "documents": [{k: d.get(k) for k in ("hash", "status", "spans", "labels")} for d in payload["documents"]],
        "relations": payload["relations"],
    }
    if payload.get("version", 1) >= 2:
        work.update({k: payload.get(k) for k in ("claim_links", "stories", "review", "suggestion_decisions")})
    return hashlib.blake2b(orjson.dumps(work, option=orjson.OPT_SORT_KEYS), digest_size=20).hexdigest()


def export_bundle(project: Project, annotator: str, out: str | Path, *, with_text: bool = False,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ExportReport:
    """Write ``annotator``'s work to ``out`` (see the module docstring for what it carries)."""
    out = Path(out)
    schema = project.schema().to_dict()
    who = project.annotator(annotator)
    rejected = sorted(_pa.rejected(project, who.id)) if who is not None else []
    records = _review.records(project) if annotator == GOLD_ANNOTATOR else {}
    snap = _work.read_work(project, annotator, with_text=with_text, cancelled=cancelled,
                           also_documents=sorted({k[0] for k in rejected} | set(records)))
    hashes = {did: d["hash"] for did, d in zip(snap.document_ids, snap.documents)}
    labels = {lab.id: lab for lab in project.labels()}
    decisions = [{"hash": hashes[d], "start": st, "end": en, "layer": labels[lid].layer.value,
                  "label": labels[lid].name} for d, st, en, lid in rejected if d in hashes and lid in labels]
    payload: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "annotator": {"name": snap.annotator.name, "role": snap.annotator.role},
        "exported_at": time.time(),
        "schema": schema,
        "documents": snap.documents,
        "relations": snap.relations,
        "claim_links": snap.claim_links,
        "stories": snap.stories,
        "review": {hashes[d]: rec for d, rec in sorted(records.items()) if d in hashes}
        if annotator == GOLD_ANNOTATOR else None,
        "suggestion_decisions": {"rejected": decisions},
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
    return ExportReport(out, snap.annotator.name, len(snap.documents), snap.span_count, snap.label_count,
                        len(snap.relations), with_text, len(snap.claim_links), len(snap.stories),
                        len(payload["review"] or {}), len(decisions), snap.not_carried)


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
    version: int = VERSION
    claim_links: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, dict[str, Any]] | None = None  # hash -> review record (the adjudicated set's bundle)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # rejected suggestions

    @property
    def span_count(self) -> int:
        return sum(len(d["spans"]) for d in self.documents)


def _check_span_ref(docs: list[dict[str, Any]], ref: Any) -> None:
    di, si = ref
    if not (isinstance(di, int) and isinstance(si, int)) or di < 0 or si < 0:
        raise IndexError(f"bad span reference {ref!r}")
    docs[di]["spans"][si]  # noqa: B018  (index check)


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
    version = data.get("version")
    if version not in READABLE:
        raise InputError(f"bundle version {version!r}; this annotator reads versions "
                         f"{', '.join(map(str, READABLE))}. Update annotator.", where)
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
                _check_span_ref(docs, end)
        links = data.get("claim_links") or [] if version >= 2 else []
        for ln in links:
            _check_span_ref(docs, ln["source"])
            _check_span_ref(docs, ln["target"])
            if ln["kind"] not in ("same", "supports", "contradicts"):
                raise ValueError(f"claim link kind {ln['kind']!r}")
        stories = data.get("stories") or [] if version >= 2 else []
        for st in stories:
            if not isinstance(st["title"], str) or not all(isinstance(h, str) for h in st["documents"]):
                raise ValueError("a story without a title or with a bad document list")
        review = data.get("review") if version >= 2 else None
        if review is not None and not all(isinstance(k, str) and isinstance(v, dict) for k, v in review.items()):
            raise ValueError("review records must be objects by document hash")
        rejected = (data.get("suggestion_decisions") or {}).get("rejected") or [] if version >= 2 else []
        for x in rejected:
            if not (isinstance(x["hash"], str) and isinstance(x["start"], int) and isinstance(x["end"], int)):
                raise ValueError("a rejected suggestion without hash or offsets")
            Layer(x["layer"])
        schema = schema_from_dict(data["schema"], f"{where}: schema")
        digest = _digest(data)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        raise InputError(f"damaged bundle ({type(e).__name__}: {e})", where) from None
    if digest != data.get("digest"):
        raise InputError("damaged bundle (its content does not match its digest)", where)
    return Bundle(where, who["name"].strip(), Role(who.get("role", "annotator")), float(data["exported_at"]),
                  schema, docs, rels, digest, version, links, stories, review, rejected)


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
    for x in bundle.rejected:
        used.setdefault((x["layer"], x["label"]), None)
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
    claim_links: int = 0
    stories_added: int = 0
    review_records: int = 0
    rejected_suggestions: int = 0
    replaced_spans: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (hash, title)
    not_merged: list[str] = field(default_factory=list)  # work the master could not take, as sentences
    notes: list[str] = field(default_factory=list)  # what was left as the master has it
    message: str = ""

    def summary(self) -> str:
        name = Path(self.path).name
        if self.action == "unchanged":
            return f"{name}: {self.annotator}: already merged, nothing changed"
        if self.action in ("older", "failed"):
            return f"{name}: {self.annotator}: {self.message}"
        text = (f"{name}: {self.annotator}: {self.documents} documents, {self.spans} spans, "
                f"{self.labels} document labels, {self.statuses} statuses, {self.relations} relations, "
                f"{self.claim_links} claim links")
        if self.review_records:
            text += f", {self.review_records} review records"
        if self.rejected_suggestions:
            text += f", {self.rejected_suggestions} rejected suggestions"
        if self.replaced_spans:
            text += f" (replaced {self.replaced_spans} earlier spans)"
        if self.added_documents:
            text += f"; added {self.added_documents} documents"
        if self.stories_added:
            text += f"; added {self.stories_added} stor{'y' if self.stories_added == 1 else 'ies'}"
        if self.missing:
            text += f"; {len(self.missing)} documents not in the project, skipped"
        for line in self.not_merged:
            text += f"\n  not merged: {line}"
        for line in self.notes:
            text += f"\n  note: {line}"
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
        """Everything in every bundle is in the project now (notes aside)."""
        return (not self.errors and not self.missing and all(r.action != "failed" for r in self.results)
                and not any(r.not_merged for r in self.results))

    def summary(self) -> str:
        lines = [r.summary() for r in self.results]
        lines += [f"error: {e}" for e in self.errors]
        merged = sum(r.action == "merged" for r in self.results)
        lines.append(f"{merged} bundle{'s' if merged != 1 else ''} merged ({self.seconds:.1f} s)")
        return "\n".join(lines)


def _setting_key(annotator: str) -> str:
    return f"bundle:{annotator}"


def create_master(path: str | Path, paths: Sequence[str | Path]) -> tuple[Project, str]:
    """A new master project at ``path`` with the label schema (stance target and claim stances
    included) of the first readable bundle; returns it and that bundle's file name."""
    errors = []
    for p in paths:
        try:
            b = read_bundle(p)
        except InputError as e:
            errors.append(str(e))
            continue
        return Project.create(path, b.schema), Path(b.path).name
    raise ProjectError(f"{path}: no such project file, and no readable bundle to create it from"
                       + "".join(f"\n  {e}" for e in errors))


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

    def decisions(c, ids: _work.MergeIds, out: _work.WriteResult) -> None:  # noqa: ANN001
        """Review records and suggestion decisions, in the merge's transaction."""
        if b.version < 2:
            out.notes.append("a version 1 bundle carries no claim links, stories, review decisions or "
                             "suggestion decisions; the project's rejected suggestions for this annotator "
                             "were kept" + (f", and {out.replaced_links} claim links went with the replaced spans"
                                            if out.replaced_links else ""))
            return
        if b.review is not None:
            recs = {ids.documents[h]: rec for h, rec in b.review.items() if h in ids.documents}
            lost = len(b.review) - len(recs)
            if lost:
                out.not_merged.append(f"review records of {lost} document{'s' if lost != 1 else ''} the project "
                                      "does not have")
            _review.replace_records(project, recs, conn=c)
            res.review_records = len(recs)
        keys, lost = set(), 0
        for x in b.rejected:
            doc, lab = ids.documents.get(x["hash"]), ids.labels.get((x["layer"], x["label"]))
            if doc is None or lab is None:
                lost += 1
            else:
                keys.add((doc, x["start"], x["end"], lab))
        if lost:
            out.not_merged.append(f"{lost} rejected suggestion{'s' if lost != 1 else ''} in documents the project "
                                  "does not have")
        _pa.set_rejected(project, ids.annotator_id, keys, conn=c)
        res.rejected_suggestions = len(keys)

    work = {"documents": b.documents, "relations": b.relations, "claim_links": b.claim_links,
            "stories": b.stories}
    try:
        out = _work.replace_work(
            project, b.annotator, b.role, work, record_key=_setting_key(b.annotator),
            record={"digest": b.digest, "exported_at": b.exported_at, "file": Path(b.path).name,
                    "merged_at": time.time()},
            add_documents=add_documents, texts=texts, cancelled=cancelled, extra=decisions)
    except ValueError as e:
        raise InputError(str(e), b.path) from None
    res.action = out.action
    if out.action == "older":
        prev = out.previous or {}
        res.message = (f"older than the bundle already merged for {b.annotator} (exported "
                       f"{_when(prev.get('exported_at', 0))}); not merged")
        return res
    for name in ("documents", "added_documents", "spans", "labels", "statuses", "relations", "claim_links",
                 "stories_added", "replaced_spans", "missing", "not_merged", "notes"):
        setattr(res, name, getattr(out, name))
    return res


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(ts)))
