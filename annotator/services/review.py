"""Review and adjudication: turn several annotators' work on a document into one gold set.

No Qt. The gold set is the work of the special annotator ``project.gold()`` (role GOLD), so
every export reads it with ``--gold``. See docs/review.md.

- **Candidates**: every distinct (layer, start, end, label, claim attributes) that an annotator
  of the document marked, with the names of those who marked it. Document labels (stance) are
  candidates too, one per label chosen.
- **Regions**: overlapping candidates of one layer (entity / claim) form a region; a region is a
  *disagreement* unless every annotator marked exactly the same one candidate. Its kind is
  ``label`` (same offsets, other labels), ``boundary`` (same label, other offsets),
  ``boundary+label``, ``attributes`` (same span, other claim stance/claimant) or ``missing``
  (one version, not everyone marked it). The document stance is one more region (``stance``).
- **Threshold**: a candidate is *agreed* when enough annotators marked it: ``all``,
  ``majority`` (more than half) or ``N`` (at least N). Agreed candidates are pre-accepted by
  :func:`accept_agreed`; a region is resolved once the gold set has a span in it (or the stance)
  or the lead rejected it.
- **Provenance**: a gold span carries ``attrs["provenance"] = {"agreed": [names], "adjudicator":
  name, "at": ISO time, "decision": "auto" | "accept" | "edit"}``; the gold stance's provenance
  and rejected regions are the document's review record (table ``review_state``).
- **Operations** (:func:`accept`, :func:`accept_agreed`, :func:`edit`, :func:`reject`,
  :func:`set_reviewed`) each apply and return one typed :class:`~annotator.core.changes.Change`
  (one transaction); ``project.apply(change.inverse())`` undoes it, ``project.apply(change)``
  redoes it.
- A claim's claimant is its ``claimant`` relation; a claim candidate's claimant is the entity's
  text and offsets (``claimant``, ``claimant_at``), so versions compare across annotators.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.changes import Change, Edit, ReviewState, StatusRow
from annotator.core.errors import AnnotatorError
from annotator.core.model import (
    CLAIMANT,
    GOLD_ANNOTATOR,
    SUGGESTION_ORIGINS,
    Annotator,
    DocumentLabelData,
    Label,
    Layer,
    Origin,
    RelationData,
    Role,
    SpanData,
    Status,
)
from annotator.storage import Project

STANCE = "stance"
CLAIM_ATTRS = ("stance", "claimant", "claimant_at")  # what makes two claims on the same text different versions
BOUNDARY, LABEL, BOTH, ATTRIBUTES, MISSING, STANCE_KIND = (
    "boundary", "label", "boundary+label", "attributes", "missing", "stance")


class ReviewError(AnnotatorError):
    pass


# ---------------------------------------------------------------------------- threshold
@dataclass(frozen=True)
class Threshold:
    """How many of the document's annotators must agree for a candidate to be pre-accepted."""

    rule: str = "majority"  # "all" | "majority" | "count"
    count: int = 0

    @classmethod
    def parse(cls, text: str | int | Threshold) -> Threshold:
        if isinstance(text, Threshold):
            return text
        t = str(text).strip().lower()
        if t in ("all", "majority"):
            return cls(t)
        if t.isdigit() and int(t) >= 1:
            return cls("count", int(t))
        raise ReviewError(f"threshold must be 'all', 'majority' or a number of annotators, not {text!r}")

    def met(self, support: int, total: int) -> bool:
        if total <= 0 or support <= 0:
            return False
        if self.rule == "all":
            return support == total
        if self.rule == "majority":
            return 2 * support > total
        return support >= min(self.count, total)  # N of M; fewer than N annotators: all of them

    def __str__(self) -> str:
        return str(self.count) if self.rule == "count" else self.rule


# ---------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Candidate:
    """One version of a span (or of the document stance) and who made it."""

    layer: Layer
    start: int
    end: int
    label_id: int
    label: str
    attrs: tuple[tuple[str, Any], ...]  # claim stance/claimant; () for entities and stance
    annotators: tuple[str, ...]

    @property
    def support(self) -> int:
        return len(self.annotators)

    def key(self) -> tuple:
        return (str(self.layer), self.start, self.end, self.label_id, self.attrs)

    def describe(self, text: str = "") -> str:
        who = ", ".join(self.annotators)
        if self.layer == Layer.DOCUMENT:
            return f"stance {self.label} — {who}"
        extra = ", ".join(f"{k}: {v}" for k, v in self.attrs if v and not k.endswith("_at"))
        quote = text[self.start:self.end] if text else ""
        if len(quote) > 60:
            quote = quote[:57] + "…"
        return f"{self.label} “{quote}” [{self.start}, {self.end})" + (f" ({extra})" if extra else "") + f" — {who}"


@dataclass
class Region:
    """Overlapping candidates of one layer (or the stance): agreed, or a disagreement."""

    layer: Layer
    start: int
    end: int
    candidates: list[Candidate]  # most support first, then by position
    kind: str | None  # None when everyone marked the same one candidate
    agreed: Candidate | None  # the candidate meeting the threshold, if exactly one does
    resolved: bool = False
    rejected: bool = False
    gold: list[SpanData] = field(default_factory=list)  # gold spans inside the region

    @property
    def is_disagreement(self) -> bool:
        return self.kind is not None

    def key(self) -> list:
        return [str(self.layer), self.start, self.end]

    def who_said_what(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self.candidates:
            for a in c.annotators:
                out.setdefault(a, []).append(c.label if c.layer == Layer.DOCUMENT
                                             else f"{c.label} [{c.start}, {c.end})")
        return out


@dataclass
class DocumentReview:
    document_id: int
    text: str
    annotators: list[str]  # whose work is reviewed (finished, unless include_unfinished)
    threshold: Threshold
    regions: list[Region]
    gold: list[SpanData]
    gold_stance: str | None
    reviewed: bool

    @property
    def disagreements(self) -> list[Region]:
        return [r for r in self.regions if r.is_disagreement]

    @property
    def unresolved(self) -> list[Region]:
        return [r for r in self.regions if not r.resolved]

    @property
    def agreed(self) -> list[Candidate]:
        return [r.agreed for r in self.regions if r.agreed is not None]


# ---------------------------------------------------------------------------- reading
def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def record(project: Project, document_id: int) -> dict[str, Any]:
    """The document's review record: ``{"rejected": [[layer, start, end], ...], "stance": provenance}``."""
    return dict(project.review_states([document_id]).get(document_id, {}))


def records(project: Project) -> dict[int, dict[str, Any]]:
    """Every document's review record (documents without one are left out)."""
    from annotator.storage import edits

    return edits.all_review_states(project)


def replace_records(project: Project, recs: dict[int, dict[str, Any]], *, conn=None) -> None:  # noqa: ANN001
    """Replace every document's review record by ``recs`` (a merged bundle of the adjudicated
    set brings the lead's decisions); ``conn``: an open write transaction to do it in."""
    from annotator.storage import edits

    edits.replace_review_states(project, recs, conn=conn)


def _attrs_key(label: Label, attrs: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    if label.layer != Layer.CLAIM:
        return ()
    return tuple((k, attrs.get(k)) for k in CLAIM_ATTRS)


def reviewed_annotators(project: Project, document_id: int, *, include_unfinished: bool = False
                        ) -> list[Annotator]:
    """Annotators (not gold) whose work on the document is reviewed: those who marked it done,
    or with ``include_unfinished`` also those with the document in progress."""
    want = {Status.DONE, Status.IN_PROGRESS} if include_unfinished else {Status.DONE}
    return [a for a in project.annotators() if a.role != Role.GOLD
            and project.status(document_id, a.id) in want]


def _kind(cands: list[Candidate]) -> str:
    if len(cands) == 1:
        return MISSING
    offsets = {(c.start, c.end) for c in cands}
    labels = {c.label_id for c in cands}
    if len(offsets) == 1 and len(labels) == 1:
        return ATTRIBUTES
    if len(offsets) == 1:
        return LABEL
    if len(labels) == 1:
        return BOUNDARY
    return BOTH


def _regions(layer: Layer, cands: list[Candidate], n: int, threshold: Threshold) -> list[Region]:
    cands = sorted(cands, key=lambda c: (c.start, -c.end, c.label_id))
    groups: list[list[Candidate]] = []
    end = -1
    for c in cands:
        if groups and c.start < end:
            groups[-1].append(c)
            end = max(end, c.end)
        else:
            groups.append([c])
            end = c.end
    out = []
    for g in groups:
        g.sort(key=lambda c: (-c.support, c.start, c.end, c.label))
        unanimous = len(g) == 1 and g[0].support == n
        met = [c for c in g if threshold.met(c.support, n)]
        out.append(Region(layer, min(c.start for c in g), max(c.end for c in g), g,
                          None if unanimous else _kind(g), met[0] if len(met) == 1 else None))
    return out


@dataclass
class _Inputs:
    """What one document's review is computed from (read in bulk by :func:`_load`)."""

    statuses: dict[int, Status] = field(default_factory=dict)  # annotator id -> status (gold included)
    spans: list[SpanData] = field(default_factory=list)  # every annotator's, gold included
    stances: list[tuple[int, int]] = field(default_factory=list)  # (annotator id, label id)
    record: dict[str, Any] = field(default_factory=dict)


def _claim_view(spans: Sequence[SpanData], relations: Sequence[RelationData], text: str) -> list[SpanData]:
    """Claims with their claimant written into attrs as text and offsets (what versions compare on)."""
    by_id = {s.id: s for s in spans}
    claimant = {r.head_span_id: by_id.get(r.tail_span_id) for r in relations if r.kind == CLAIMANT}
    out = []
    for s in spans:
        ent = claimant.get(s.id)
        if ent is not None:
            s = SpanData(s.id, s.document_id, s.annotator_id, s.label_id, s.start, s.end,
                         {**s.attrs, "claimant": text[ent.start:ent.end] if text else None,
                          "claimant_at": (ent.start, ent.end)}, s.origin)
        out.append(s)
    return out


def _load(project: Project, doc_ids: Sequence[int], texts: dict[int, str] | None = None) -> dict[int, _Inputs]:
    """Spans, stance labels, statuses and review records of these documents, in bulk."""
    ids = list(doc_ids)
    out = {d: _Inputs() for d in ids}
    # unaccepted machine suggestions (origin pattern/model, docs/preannotation.md) are nobody's version
    spans = project.spans_in(ids, exclude_origins=SUGGESTION_ORIGINS)
    rels = project.relations_in(ids, CLAIMANT)
    by_doc: dict[int, list[SpanData]] = defaultdict(list)
    for sp in spans:
        by_doc[sp.document_id].append(sp)
    for d, ss in by_doc.items():
        text = (texts or {}).get(d)
        if text is None:
            text = project.document(d).text
        out[d].spans = _claim_view(ss, rels, text)
    for dl in project.document_labels_in(ids):
        out[dl.document_id].stances.append((dl.annotator_id, dl.label_id))
    for (d, a), st in project.statuses_in(ids).items():
        out[d].statuses[a] = st
    for d, rec in project.review_states(ids).items():
        out[d].record = dict(rec)
    return out


def _build(document_id: int, text: str, inp: _Inputs, labels: dict[int, Label], people: list[Annotator],
           gold_id: int, threshold: Threshold, include_unfinished: bool,
           annotators: Sequence[str] | None) -> DocumentReview:
    want = {Status.DONE, Status.IN_PROGRESS} if include_unfinished else {Status.DONE}
    if annotators is not None:
        wanted = set(annotators)
        who = [a for a in people if a.name in wanted]
    else:
        who = [a for a in people if a.role != Role.GOLD and inp.statuses.get(a.id, Status.TODO) in want]
    names = {a.id: a.name for a in who}
    votes: dict[tuple, list[str]] = defaultdict(list)
    gold: list[SpanData] = []
    for s in inp.spans:
        if s.annotator_id == gold_id:
            gold.append(s)
        if s.annotator_id not in names or str(s.origin) in SUGGESTION_ORIGINS:
            continue  # pending machine suggestions are nobody's decision yet
        lab = labels[s.label_id]
        k = (lab.layer, s.start, s.end, s.label_id, _attrs_key(lab, s.attrs))
        if names[s.annotator_id] not in votes[k]:
            votes[k].append(names[s.annotator_id])
    stance_votes: dict[int, list[str]] = defaultdict(list)
    gold_stance = None
    for aid, lid in inp.stances:
        if labels[lid].group != STANCE:
            continue
        if aid in names:
            stance_votes[lid].append(names[aid])
        if aid == gold_id:
            gold_stance = labels[lid].name
    n = len(who)
    regions: list[Region] = []
    for layer in (Layer.ENTITY, Layer.CLAIM):
        cands = [Candidate(layer, st, en, lid, labels[lid].name, at, tuple(v))
                 for (lay, st, en, lid, at), v in votes.items() if lay == layer]
        regions += _regions(layer, cands, n, threshold)
    regions.sort(key=lambda r: (r.start, r.end, str(r.layer)))
    if stance_votes:
        cands = sorted((Candidate(Layer.DOCUMENT, 0, 0, lid, labels[lid].name, (), tuple(v))
                        for lid, v in stance_votes.items()), key=lambda c: (-c.support, labels[c.label_id].position))
        unanimous = len(cands) == 1 and cands[0].support == n
        met = [c for c in cands if threshold.met(c.support, n)]
        regions.append(Region(Layer.DOCUMENT, 0, 0, cands, None if unanimous else STANCE_KIND,
                              met[0] if len(met) == 1 else None))
    # resolution: gold spans inside a region, the gold stance, rejections
    rejected = {tuple(k) for k in inp.record.get("rejected", [])}
    for r in regions:
        if r.layer == Layer.DOCUMENT:
            r.resolved = gold_stance is not None or tuple(r.key()) in rejected
            r.rejected = gold_stance is None and tuple(r.key()) in rejected
            continue
        r.gold = [s for s in gold if labels[s.label_id].layer == r.layer and s.start < r.end and r.start < s.end]
        r.rejected = not r.gold and tuple(r.key()) in rejected
        r.resolved = bool(r.gold) or r.rejected
    return DocumentReview(document_id, text, [a.name for a in who], threshold, regions, gold, gold_stance,
                          inp.statuses.get(gold_id) == Status.DONE)


def _gold_id(project: Project) -> int:
    g = project.annotator(GOLD_ANNOTATOR)  # a read; project.gold() creates it (a write) only when needed
    return g.id if g is not None else project.gold().id


def review_document(project: Project, document_id: int, *, threshold: Threshold | str = "majority",
                    include_unfinished: bool = False, annotators: Sequence[str] | None = None) -> DocumentReview:
    """Every reviewed annotator's spans and stance merged into candidates, grouped into regions."""
    doc = project.document(document_id)
    labels = {lab.id: lab for lab in project.labels()}
    return _build(document_id, doc.text, _load(project, [document_id], {document_id: doc.text})[document_id], labels,
                  project.annotators(include_gold=True), _gold_id(project), Threshold.parse(threshold),
                  include_unfinished, annotators)


# ---------------------------------------------------------------------------- operations
def _provenance(agreed: Sequence[str], adjudicator: str, decision: str) -> dict[str, Any]:
    return {"agreed": list(agreed), "adjudicator": adjudicator, "at": _now(), "decision": decision}


def _gold_stance_edits(project: Project, document_id: int, gold_id: int, label_id: int | None
                       ) -> tuple[Edit[DocumentLabelData], ...]:
    from annotator.storage import edits

    return edits.document_label_change(project, document_id, gold_id, STANCE, label_id)


def _record_edit(project: Project, document_id: int, update: Callable[[dict], None]
                 ) -> tuple[Edit[ReviewState], ...]:
    before = record(project, document_id)
    after = {k: (list(v) if isinstance(v, list) else v) for k, v in before.items()}
    update(after)
    if after == before:
        return ()
    return (Edit(ReviewState(document_id, before) if before else None,
                 ReviewState(document_id, after) if after else None),)


def _unreject(rec: dict, region_key: list) -> None:
    rec["rejected"] = [k for k in rec.get("rejected", []) if list(k) != list(region_key)]
    if not rec["rejected"]:
        del rec["rejected"]


def _gold_in_region(project: Project, document_id: int, gold_id: int, region: Region) -> list[int]:
    labels = {lab.id: lab for lab in project.labels()}
    return [s.id for s in project.spans(document_id, gold_id)
            if s.start < region.end and region.start < s.end and labels[s.label_id].layer == region.layer]


def _gold_span(document_id: int, gold_id: int, placeholder: int, start: int, end: int, label_id: int,
               attrs: dict[str, Any], entities: dict[tuple[int, int], int]
               ) -> tuple[SpanData, tuple[Edit[RelationData], ...]]:
    """A gold span from a candidate's version; a claim's claimant (text and offsets) becomes the
    claimant relation to gold's entity at those offsets, or stays a name if gold has none there."""
    attrs = dict(attrs)
    at = attrs.pop("claimant_at", None)
    rels: tuple[Edit[RelationData], ...] = ()
    if at is not None and tuple(at) in entities:
        attrs.pop("claimant", None)
        rels = (Edit(None, RelationData(-1 - placeholder, gold_id, -placeholder, entities[tuple(at)], CLAIMANT)),)
    if attrs.get("claimant") is None:
        attrs.pop("claimant", None)
    return SpanData(-placeholder, document_id, gold_id, label_id, start, end, attrs, Origin.ADJUDICATION), rels


def _replace_region(project: Project, document_id: int, region: Region,
                    new: list[tuple[int, int, int, dict]], record_update: Callable[[dict], None]) -> Change:
    """Gold spans of the region are replaced by ``new`` (start, end, label_id, attrs): one change."""
    g = project.gold()
    gone = project.removal_of(_gold_in_region(project, document_id, g.id, region))
    gone_ids = {e.before.id for e in gone.spans}
    entities = {(s.start, s.end): s.id for s in project.spans(document_id, g.id)
                if s.id not in gone_ids and project.label(s.label_id).layer == Layer.ENTITY}
    spans: list[Edit[SpanData]] = []
    rels: list[Edit[RelationData]] = []
    for i, (st, en, lid, attrs) in enumerate(new):
        span, r = _gold_span(document_id, g.id, 2 * i + 1, st, en, lid, attrs, entities)
        spans.append(Edit(None, span))
        rels += r
    added = Change(spans=tuple(spans), relations=tuple(rels),
                   statuses=_touch(project, document_id, g.id) if new else (),
                   reviews=_record_edit(project, document_id, record_update))
    return project.apply(gone.then(added))


def _touch(project: Project, document_id: int, gold_id: int) -> tuple[Edit[StatusRow], ...]:
    if (document_id, gold_id) in project.statuses_in([document_id]):
        return ()
    return (Edit(None, StatusRow(document_id, gold_id, Status.IN_PROGRESS)),)


def _candidate_attrs(c: Candidate) -> dict[str, Any]:
    return dict(c.attrs)


def accept(project: Project, document_id: int, region: Region, candidate: Candidate, adjudicator: str,
           *, decision: str = "accept") -> Change:
    """The candidate becomes the gold version of its region (replacing what gold had there)."""
    if region.layer == Layer.DOCUMENT:
        g = project.gold()
        prov = _provenance(candidate.annotators, adjudicator, decision)
        return project.apply(Change(
            document_labels=_gold_stance_edits(project, document_id, g.id, candidate.label_id),
            reviews=_record_edit(project, document_id,
                                 lambda rec: (rec.__setitem__("stance", prov), _unreject(rec, region.key()))),
            text="Accept stance"))
    attrs = _candidate_attrs(candidate)
    attrs["provenance"] = _provenance(candidate.annotators, adjudicator, decision)
    return _replace_region(project, document_id, region, [(candidate.start, candidate.end, candidate.label_id, attrs)],
                           lambda rec: _unreject(rec, region.key()))


def accept_agreed(project: Project, review: DocumentReview, adjudicator: str) -> Change:
    """Pre-accept every unresolved region whose candidate meets the threshold (one change)."""
    g = project.gold()
    doc = review.document_id
    entities = {(s.start, s.end): s.id for s in project.spans(doc, g.id)
                if project.label(s.label_id).layer == Layer.ENTITY}
    spans: list[Edit[SpanData]] = []
    rels: list[Edit[RelationData]] = []
    stance: tuple = ()
    reviews: tuple = ()
    i = 0
    # entities first: a claim accepted in the same step links its claimant to gold's new entity
    for r in sorted(review.regions, key=lambda r: r.layer != Layer.ENTITY):
        if r.resolved or r.agreed is None:
            continue
        c = r.agreed
        if r.layer == Layer.DOCUMENT:
            stance = _gold_stance_edits(project, doc, g.id, c.label_id)
            prov = _provenance(c.annotators, adjudicator, "auto")
            reviews = _record_edit(project, doc, lambda rec, p=prov: rec.__setitem__("stance", p))
            continue
        attrs = _candidate_attrs(c)
        attrs["provenance"] = _provenance(c.annotators, adjudicator, "auto")
        i += 1
        span, rs = _gold_span(doc, g.id, 2 * i + 1, c.start, c.end, c.label_id, attrs, entities)
        spans.append(Edit(None, span))
        rels += rs
        if r.layer == Layer.ENTITY:
            entities.setdefault((span.start, span.end), span.id)  # a placeholder id until applied
    if not (spans or stance or reviews):
        return Change()
    return project.apply(Change(spans=tuple(spans), relations=tuple(rels), document_labels=stance, reviews=reviews,
                                statuses=_touch(project, doc, g.id), text="Accept agreed"))


def edit(project: Project, document_id: int, region: Region, start: int, end: int, label_id: int,
         adjudicator: str, attrs: dict[str, Any] | None = None) -> Change:
    """The lead's own version of a region: [start, end) with ``label_id``. Provenance lists the
    annotators who marked exactly that version (often none)."""
    label = project.label(label_id)
    agreed: tuple[str, ...] = ()
    base: dict[str, Any] = {}
    for c in region.candidates:
        if (c.start, c.end, c.label_id) == (start, end, label_id):
            agreed = c.annotators
            base = _candidate_attrs(c)
            break
    if label.layer == Layer.CLAIM and not base:
        base = {"stance": None}
    base.update(attrs or {})
    base["provenance"] = _provenance(agreed, adjudicator, "edit")
    return _replace_region(project, document_id, region, [(start, end, label_id, base)],
                           lambda rec: _unreject(rec, region.key()))


def reject(project: Project, document_id: int, region: Region, adjudicator: str) -> Change:
    """Nothing of this region goes into gold (gold spans there are removed); recorded as rejected."""
    g = project.gold()

    def upd(rec: dict) -> None:
        keys = [list(k) for k in rec.get("rejected", []) if list(k) != region.key()]
        rec["rejected"] = keys + [region.key()]
        rec.setdefault("rejected_by", {})
        rec["rejected_by"] = dict(rec["rejected_by"], **{":".join(map(str, region.key())):
                                                        {"adjudicator": adjudicator, "at": _now()}})
    if region.layer == Layer.DOCUMENT:
        return project.apply(Change(document_labels=_gold_stance_edits(project, document_id, g.id, None),
                                    reviews=_record_edit(project, document_id, upd), text="Reject"))
    return _replace_region(project, document_id, region, [], upd)


def set_reviewed(project: Project, document_id: int, done: bool = True) -> Change:
    """Mark the document reviewed (the gold annotator's status DONE), or back to in progress."""
    from annotator.storage import edits

    g = project.gold()
    return edits.set_status(project, document_id, g.id, Status.DONE if done else Status.IN_PROGRESS,
                            text="Mark reviewed" if done else "Mark not reviewed")


def auto_accept(project: Project, *, threshold: Threshold | str = "majority", adjudicator: str = "auto",
                include_unfinished: bool = False, document_ids: Sequence[int] | None = None,
                mark_reviewed: bool = False) -> dict[str, int]:
    """Headless pre-acceptance over many documents. Returns counts."""
    spans = stances = docs = 0
    for doc_id in (document_ids if document_ids is not None else project.document_ids()):
        rev = review_document(project, doc_id, threshold=threshold, include_unfinished=include_unfinished)
        if not rev.annotators:
            continue
        ch = accept_agreed(project, rev, adjudicator)
        spans += sum(e.added for e in ch.spans)
        stances += any(e.added for e in ch.document_labels)
        docs += not ch.empty
        if mark_reviewed and not review_document(project, doc_id, threshold=threshold,
                                                 include_unfinished=include_unfinished).unresolved:
            set_reviewed(project, doc_id)
    return {"documents": docs, "spans": spans, "stances": stances}


# ---------------------------------------------------------------------------- queue
@dataclass(frozen=True)
class QueueItem:
    document_id: int
    title: str
    annotators: tuple[str, ...]
    disagreements: int
    unresolved: int
    regions: int
    reviewed: bool
    flagged: bool  # finished by fewer than ``min_annotators``


@dataclass
class Queue:
    items: list[QueueItem]
    min_annotators: int

    @property
    def reviewed(self) -> int:
        return sum(i.reviewed for i in self.items)

    @property
    def flagged(self) -> list[QueueItem]:
        return [i for i in self.items if i.flagged]

    def progress(self) -> str:
        n = len(self.items)
        return (f"{self.reviewed} of {n} document{'s' if n != 1 else ''} reviewed"
                + (f", {len(self.flagged)} finished by fewer than {self.min_annotators} annotators"
                   if self.flagged else ""))


def review_queue(project: Project, *, threshold: Threshold | str = "majority", min_annotators: int = 2,
                 include_unfinished: bool = False, cancelled: Callable[[], bool] | None = None,
                 batch: int = 500) -> Queue:
    """Documents that at least one annotator finished: not yet reviewed first, most unresolved
    disagreements first, then by share of disagreeing regions, then id. Reviewed ones last."""
    threshold = Threshold.parse(threshold)
    want = {Status.DONE, Status.IN_PROGRESS} if include_unfinished else {Status.DONE}
    gold_id = _gold_id(project)
    labels = {lab.id: lab for lab in project.labels()}
    people = project.annotators(include_gold=True)
    doc_ids = sorted({d for (d, a), st in project.statuses().items() if st in want and a != gold_id})
    items = []
    for i in range(0, len(doc_ids), batch):
        if cancelled is not None and cancelled():
            raise ReviewError("cancelled")
        chunk = doc_ids[i:i + batch]
        inputs = _load(project, chunk)
        titles = {s.id: s.title for s in project.summaries(chunk)}
        for doc_id in chunk:
            rev = _build(doc_id, "", inputs[doc_id], labels, people, gold_id, threshold, include_unfinished, None)
            if not rev.annotators:
                continue
            items.append(QueueItem(doc_id, titles.get(doc_id, str(doc_id)), tuple(rev.annotators),
                                   len(rev.disagreements), sum(1 for r in rev.disagreements if not r.resolved),
                                   len(rev.regions), rev.reviewed, len(rev.annotators) < min_annotators))
    items.sort(key=lambda i: (i.reviewed, -i.unresolved, -(i.disagreements / max(i.regions, 1)), i.document_id))
    return Queue(items, min_annotators)


# ---------------------------------------------------------------------------- assignment
def plan_assignment(document_ids: Sequence[int], annotators: Sequence[str], overlap: float, seed: int
                    ) -> dict[str, list[int]]:
    """Give every document to one annotator, and ``round(overlap · N)`` of them to two, so
    agreement can be measured. Documents are shuffled with ``random.Random(seed)``; loads stay
    within one document of each other and double-annotated documents are spread over every pair."""
    names = list(dict.fromkeys(annotators))
    if not names:
        raise ReviewError("name at least one annotator")
    if not 0.0 <= overlap <= 1.0:
        raise ReviewError("overlap is a fraction between 0 and 1")
    if overlap > 0 and len(names) < 2:
        raise ReviewError("double annotation needs at least two annotators")
    docs = list(document_ids)
    rng = random.Random(seed)
    rng.shuffle(docs)
    n_double = round(overlap * len(docs))
    load = dict.fromkeys(names, 0)
    pair_use: dict[tuple[str, str], int] = defaultdict(int)
    order = {n: i for i, n in enumerate(names)}
    plan: dict[str, list[int]] = {n: [] for n in names}
    for i, d in enumerate(docs):
        if i < n_double:
            pairs = [(a, b) for a in names for b in names if order[a] < order[b]]
            a, b = min(pairs, key=lambda p: (load[p[0]] + load[p[1]], max(load[p[0]], load[p[1]]),
                                             pair_use[p], order[p[0]], order[p[1]]))
            pair_use[(a, b)] += 1
            chosen = [a, b]
        else:
            chosen = [min(names, key=lambda n: (load[n], order[n]))]
        for n in chosen:
            load[n] += 1
            plan[n].append(d)
    return plan


def assign(project: Project, annotators: Sequence[str], *, overlap: float = 0.2, seed: int = 0,
           document_ids: Sequence[int] | None = None, only_unassigned: bool = True) -> dict[str, list[int]]:
    """Plan and store assignments (annotators are created if missing). ``only_unassigned`` leaves
    documents already assigned to someone alone. Returns the plan."""
    ids = list(document_ids) if document_ids is not None else project.document_ids()
    people = {n: project.ensure_annotator(n) for n in annotators}
    if only_unassigned:
        taken = {d for a in project.annotators() for d in project.assignments(a.id)}
        ids = [d for d in ids if d not in taken]
    plan = plan_assignment(ids, list(people), overlap, seed)
    for name, docs in plan.items():
        project.assign(people[name].id, docs)
    return plan


def my_queue(project: Project, annotator_id: int) -> list[tuple[int, Status]]:
    """An annotator's assigned documents, in assignment order, with their status."""
    st = project.statuses(annotator_id)
    return [(d, st.get((d, annotator_id), Status.TODO)) for d in project.assignments(annotator_id)]
