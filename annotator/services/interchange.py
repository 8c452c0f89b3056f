"""Load annotations made elsewhere (Prodigy, doccano, brat, CoNLL, a ``.spacy`` file, the CSV
and native exports) into a project, as an annotator's work or as pre-annotations.

- Documents are matched by content hash after the documented normalisation (CRLF to LF,
  NFC; spans move with the text); a document the project lacks is added.
- ``mode="work"``: spans keep the origin the file gives (native, CSV) or ``manual``, and the
  document gets the file's status, or ``done`` when the format has none (native keeps "none").
  ``mode="pre"``: every span is stored with origin ``import`` and statuses are left alone,
  so the annotator reviews them.
- An annotator who already has annotations on a document keeps them: the document is
  reported and left out, unless ``replace`` (then theirs are deleted first).
- Labels are matched by name (in the layer the file gives, else entity before claim);
  unknown ones are refused unless ``add_labels`` (native files bring their schema along).
- Each batch of documents is one transaction: an interrupted import leaves whole documents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.article import extract_title
from annotator.core.errors import InputError
from annotator.core.model import GOLD_ANNOTATOR, Layer, Origin, Role, Status
from annotator.core.schema import label_name_problem, shown_label
from annotator.core.text import content_hash, normalise, normalise_spans
from annotator.formats.records import Record
from annotator.formats.units import propose
from annotator.services.exporting import interchange
from annotator.services.importing import Cancelled
from annotator.storage import Project
from annotator.storage.labels import ensure_label
from annotator.storage import annotation_files as store

BATCH = 500
Progress = Callable[[int, int, str], None]


@dataclass
class InterchangeReport:
    added: int = 0
    matched: int = 0
    spans: int = 0
    relations: int = 0
    document_labels: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    stories: int = 0
    claim_links: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"{self.added + self.matched} documents ({self.added} new)", f"{self.spans} spans",
                 f"{self.relations} relations", f"{self.document_labels} document labels"]
        if self.stories or self.claim_links:
            parts.append(f"{self.stories} stories, {self.claim_links} claim links")
        if self.skipped:
            parts.append(f"{len(self.skipped)} left out (annotations there already)")
        if self.errors:
            parts.append(f"{len(self.errors)} errors")
        return ", ".join(parts) + f" ({self.seconds:.1f} s)"


class _Loader:
    def __init__(self, project: Project, annotator: str | None, mode: str, replace: bool, add_labels: bool,
                 default_status: str | None, header_labels: Iterable[dict[str, Any]] = ()) -> None:
        if mode not in ("work", "pre"):
            raise ValueError("mode is 'work' or 'pre'")
        self.p = project
        self.annotator = annotator
        self.mode = mode
        self.replace = replace
        self.add_labels = add_labels
        self.default_status = default_status
        self.header = {h["name"]: h for h in header_labels}
        self.annotators: dict[str, int] = {}
        self._labels()

    def _labels(self) -> None:
        self.by_layer: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, tuple[str, int]] = {}
        for lab in reversed(self.p.labels()):
            self.by_layer[(str(lab.layer), lab.name)] = lab.id
            if lab.layer != Layer.DOCUMENT:
                self.by_name[lab.name] = (str(lab.layer), lab.id)

    def annotator_id(self, rec: Record) -> int:
        name = self.annotator or rec.annotator or "imported"
        if name not in self.annotators:
            if name == GOLD_ANNOTATOR:
                self.annotators[name] = self.p.gold().id
            else:
                self.annotators[name] = self.p.ensure_annotator(name, Role.ANNOTATOR).id
        return self.annotators[name]

    def _label(self, name: str, layer: str, where: str) -> int:
        if layer and (layer, name) in self.by_layer:
            return self.by_layer[(layer, name)]
        if not layer and name in self.by_name:
            return self.by_name[name][1]
        if not self.add_labels:
            raise InputError(f"unknown label {shown_label(name)}{f' ({layer})' if layer else ''}; add it to the "
                             "project or import with --add-labels", where)
        h = self.header.get(name, {})
        layer = layer or h.get("layer") or "entity"
        problem = label_name_problem(name)
        if problem:
            raise InputError(problem, where)
        ensure_label(self.p, name, Layer(layer), h.get("color") or "#cccccc")  # insert-or-get: safe beside other writers
        self._labels()
        return self.by_layer[(layer, name)]

    def resolve(self, rec: Record) -> tuple[Record, list[int], list[tuple[str, int]]]:
        """Normalised record, span label ids, document label (group, id)s; raises InputError."""
        where = rec.where
        label_ids = [self._label(s.label, s.layer, where) for s in rec.spans]
        cat_ids = [(g, self._label(v, "document", where)) for g, v in sorted(rec.cats.items())]
        if rec.text:
            try:
                text, new, moved = normalise_spans(rec.text, [(s.start, s.end) for s in rec.spans])
            except ValueError as e:
                raise InputError(str(e), where) from None
            for i in moved:
                s = rec.spans[i]
                rec.problems.append(InputError(
                    f"span {s.label} [{s.start}, {s.end}) {rec.text[s.start:s.end]!r} has an edge inside a character "
                    f"that Unicode NFC composes: stored as {text[new[i][0]:new[i][1]]!r}", where))
            for s, (a, b) in zip(rec.spans, new):
                s.start, s.end = a, b
            rec.text = text
        for s in rec.spans:
            if rec.text and not rec.text[s.start:s.end].strip():
                raise InputError(f"span {s.label} [{s.start}, {s.end}) covers only white space", where)
        return rec, label_ids, cat_ids

    def flush(self, batch: list[tuple[Record, list[int], list[tuple[str, int]]]], report: InterchangeReport) -> None:
        with self.p.write() as c:
            for rec, label_ids, cat_ids in batch:
                aid = self.annotator_id_cached(rec)
                if rec.text:
                    h = content_hash(rec.text)
                    did = store.document_id_by_hash(c, h)
                else:
                    found = store.document_by_hash(c, rec.content_hash)
                    if found is None:
                        report.errors.append(InputError(f"no document with hash {rec.content_hash} in the project "
                                                        "(a CSV of spans carries no text: import the texts first)",
                                                        rec.where))
                        continue
                    did, text = found
                    texts = rec.meta.pop("_span_texts", [])
                    bad = [(s, t) for s, t in zip(rec.spans, texts)
                           if s.end > len(text) or (t is not None and text[s.start:s.end] != t)]
                    if bad:
                        s, t = bad[0]
                        checks = [(s.start, s.end, t) for s, t in zip(rec.spans, texts) if t is not None]
                        report.errors.append(InputError(
                            f"span {s.label} [{s.start}, {s.end}) says {t!r} but the document has "
                            f"{text[s.start:s.end]!r} there ({len(bad)} of {len(rec.spans)} spans differ); "
                            "document left out" + propose(text, checks, "codepoints"), rec.where))
                        continue
                if did is None:
                    did = store.insert_document(c, text=rec.text, title=(rec.title or extract_title(rec.text)).strip(),
                                                source=rec.source, url=rec.url, published=rec.published,
                                                content_hash=h, meta=rec.meta)
                    report.added += 1
                else:
                    report.matched += 1
                if store.has_work(c, did, aid):
                    if not self.replace:
                        report.skipped.append(f"{rec.where}: document {did} has annotations by this annotator")
                        report.matched -= 1
                        continue
                    store.clear_work(c, did, aid)
                report.document_ids.append(did)
                ids = []
                for s, lid in zip(rec.spans, label_ids):
                    origin = str(Origin.IMPORT) if self.mode == "pre" else _origin(s.origin)
                    ids.append(store.insert_span(c, did, aid, lid, s.start, s.end, s.attrs, origin))
                for r in rec.relations:
                    store.insert_relation(c, aid, ids[r.head], ids[r.tail], r.kind)
                for _, lid in cat_ids:
                    store.insert_document_label(c, did, aid, lid)
                report.spans += len(ids)
                report.relations += len(rec.relations)
                report.document_labels += len(cat_ids)
                status = rec.status or self.default_status
                if self.mode == "work" and status:
                    store.put_status(c, did, aid, str(Status(status)))

    def annotator_id_cached(self, rec: Record) -> int:
        name = self.annotator or rec.annotator or "imported"
        return self.annotators[name]


def _origin(value: str) -> str:
    try:
        return str(Origin(value))
    except ValueError:
        return str(Origin.MANUAL)


def import_annotations(project: Project, path: str | Path, fmt: str, *, annotator: str | None = None,
                       mode: str = "work", replace: bool = False, add_labels: bool = False,
                       progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
                       **options: Any) -> InterchangeReport:
    """Read ``path`` in format ``fmt`` (spacy, prodigy, doccano, conll, brat, csv, native) and store
    its annotations as ``annotator``'s (default: the name the file gives, else "imported")."""
    t0 = time.perf_counter()
    path = Path(path)
    ic = interchange(fmt)
    report = InterchangeReport()
    header: list[dict[str, Any]] = []
    name = fmt if fmt != "csv" else "spans_csv"
    if name == "native":
        from annotator.formats.native import read_header

        try:
            header = read_header(path).get("labels", [])
        except InputError as e:
            report.errors.append(e)
            return report
    cats: dict[str, list[str]] = {}
    for lab in project.labels(Layer.DOCUMENT):
        cats.setdefault(lab.group or "stance", []).append(lab.name)
    options.setdefault("categories", {g: tuple(v) for g, v in cats.items()})
    options.setdefault("language", project.language)
    loader = _Loader(project, annotator, mode, replace, add_labels,
                     None if name == "native" else str(Status.DONE), header)
    batch: list = []
    claim_extras: list[tuple[str, int, dict[str, Any]]] = []  # (document hash, annotator id, extra)
    n = 0
    for rec in ic.read(path, **options):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if isinstance(rec, InputError):
            report.errors.append(rec)
            continue
        try:
            batch.append(loader.resolve(rec))
            aid = loader.annotator_id(rec)
        except InputError as e:
            report.errors.append(e)
            continue
        finally:
            report.errors.extend(rec.problems)  # what the reader left out of this record, per line
        if rec.extra:
            claim_extras.append((content_hash(normalise(rec.text)), aid, rec.extra))
        n += 1
        if len(batch) >= BATCH:
            loader.flush(batch, report)
            batch = []
            if progress:
                progress(n, 0, f"{n:,} documents")
    loader.flush(batch, report)
    if claim_extras:
        _import_claim_extras(project, claim_extras, report)
    report.seconds = time.perf_counter() - t0
    return report


def _import_claim_extras(project: Project, extras: list[tuple[str, int, dict[str, Any]]],
                         report: InterchangeReport) -> None:
    """Stories and claim links from a native file (docs/claims.md), once every document and span
    of the file is stored: a link's target may be in a later line. Spans are found by document
    hash and offsets; what is already there is not added twice."""
    from annotator.storage.claims import ClaimStore

    store = ClaimStore(project)
    doc_of: dict[str, int | None] = {}

    def doc_id(h: str) -> int | None:
        if h not in doc_of:
            doc_of[h] = project.document_by_hash(h)
        return doc_of[h]

    stories: dict[Any, tuple[str, str, list[int]]] = {}
    for h, _aid, extra in extras:
        d = doc_id(h)
        for st in extra.get("stories", ()):
            title, origin, members = stories.setdefault(st.get("id"), (st.get("title", ""), st.get("origin", "manual"), []))
            if d is not None and d not in members:
                members.append(d)
    existing = {(st.title, tuple(sorted(st.document_ids))) for st in store.stories()}
    for title, origin, members in stories.values():
        if members and (title, tuple(sorted(members))) not in existing:
            store.create_story(title, members, origin=origin)
            report.stories += 1
    claims: dict[tuple[int, int], dict[tuple[int, int], int]] = {}

    def claim_at(d: int, aid: int, start: int, end: int) -> int | None:
        if (d, aid) not in claims:
            claims[(d, aid)] = {(sp.start, sp.end): sp.id for sp in store.claim_spans([d], aid)}
        return claims[(d, aid)].get((start, end))

    for h, aid, extra in extras:
        d = doc_id(h)
        for link in extra.get("claim_links", ()):
            tgt = link.get("target", {})
            td = doc_id(tgt.get("hash", ""))
            src_id = claim_at(d, aid, link["start"], link["end"]) if d is not None else None
            tgt_id = claim_at(td, aid, tgt.get("start"), tgt.get("end")) if td is not None else None
            if src_id is None or tgt_id is None:
                report.errors.append(InputError(
                    f"claim link [{link['start']}, {link['end']}) → [{tgt.get('start')}, {tgt.get('end')}) left out: "
                    "one of its claims is not in the project", f"document {d}"))
                continue
            if store.link_between(aid, src_id, tgt_id) is not None:
                continue
            store.add_link(aid, src_id, tgt_id, link["kind"], origin=link.get("origin", "manual"),
                           confirmed=bool(link.get("confirmed")), attrs=link.get("attrs") or {})
            report.claim_links += 1
