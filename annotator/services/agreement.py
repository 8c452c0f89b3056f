"""Agreement for project leads: gathers annotations from a ``Project`` and computes every
figure the report and the dashboard show (no Qt).

* Any number of annotators. Only documents finished (status *done*) by at least two of them
  count, unless ``include_unfinished`` (then any annotator who touched a document counts).
* Span layers (``entity``, ``claim``): Krippendorff's unitizing alpha (all annotators, on the
  documents every one of them finished; and per pair), on request γ (Mathet et al. 2015; same
  documents, ``core.agreement.gamma``), span F1 exact/overlap, token-level
  Cohen's kappa (IO and BIO), the error split and the confusion matrix — per label, per pair,
  per document. The ``claim`` layer also gets agreement on the claims' ``stance`` attribute.
* ``stance`` (document categories): observed agreement, Cohen's kappa per pair, Fleiss' kappa,
  Krippendorff's alpha (nominal, missing values allowed).
* Every figure carries the number of items it rests on, and warnings where they are few or the
  label distribution is skewed. Undefined figures carry their reason.
* The main figures carry a 95 % bootstrap interval over documents (fixed seed, number of resamples
  shown) and the share of resamples below 0.667 and 0.8 (``core.agreement.bootstrap``).
* Categorical layers add Gwet's AC1 and Brennan–Prediger, which do not collapse when one label
  dominates (``core.agreement.chance``).
* :func:`gold_report`: each annotator against the adjudicated gold set, per label and over time.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from annotator.core.agreement import (
    NOT_ANNOTATED,
    CodingData,
    PairCounts,
    Result,
    Score,
    Undefined,
    align,
    cohen_kappa,
    compare,
    exact_matches,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    observed_agreement,
    token_tags,
    unitizing_alpha,
)
from annotator.core.agreement import bootstrap as bs
from annotator.core.agreement import gamma as gm
from annotator.core.agreement.bootstrap import Interval
from annotator.core.agreement.chance import brennan_prediger, gwet_ac, gwet_features, gwet_from_sums
from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD_ANNOTATOR as GOLD_NAME, SUGGESTION_ORIGINS
from annotator.core.model import Layer, Role, Status
from annotator.storage import Project
from annotator.storage import tokens as stored_tokens
from annotator.storage.agreement import status_times

LAYERS = ("entity", "claim", "stance")

# measure names, used verbatim in the dashboard and every report format
ALPHA_U = "Krippendorff's unitizing alpha (αu)"
GAMMA = "Mathet's gamma (γ)"
F1_EXACT = "Span F1 (exact)"
F1_OVERLAP = "Span F1 (overlap)"
TOKEN_KAPPA_IO = "Token Cohen's kappa (IO)"
TOKEN_KAPPA_BIO = "Token Cohen's kappa (BIO)"
OBSERVED = "Observed agreement"
COHEN = "Cohen's kappa"
FLEISS = "Fleiss' kappa"
ALPHA = "Krippendorff's alpha (nominal)"
AC1 = "Gwet's AC1"
BP = "Brennan–Prediger"

MIN_ITEMS = 30  # below this, a figure gets a "few items" warning
MIN_TOKENS = 200
MIN_BOOT_DOCS = 5
GAMMA_PRECISION = 0.01  # γ's shuffled corpora stop once their mean is known to ± 1 % (95 %), or at the cap  # fewer documents: no interval (a bootstrap of 3 documents has 10 distinct resamples)
SKEW = 0.9  # a most frequent value above this share gets a "skewed" warning
CLAIM_STANCE = "claim stance"

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class Figure:
    """One number of the report, where it applies, and what it rests on."""

    measure: str
    value: Result
    label: str | None = None  # None: all labels
    pair: tuple[str, str] | None = None  # None: all annotators
    document: int | None = None
    warnings: list[str] = field(default_factory=list)
    interval: Interval | None = None  # bootstrap over documents

    def to_dict(self) -> dict:
        return {"measure": self.measure, "label": self.label, "pair": list(self.pair) if self.pair else None,
                "document": self.document, **self.value.to_dict(), "warnings": list(self.warnings),
                "interval": self.interval.to_dict() if self.interval is not None else None}


@dataclass(slots=True)
class DocumentRow:
    """One document in the worst-first table."""

    document_id: int
    title: str
    annotators: list[str]
    score: Result  # the worst pair's figure (span layers: exact F1; stance: agreement)
    measure: str
    pair: tuple[str, str] | None  # the pair the score belongs to (None: all annotators of the document)
    disagreements: int = 0  # spans in an error of the worst pair / annotators off the majority
    compare: tuple[str, str] | None = None  # the two versions a click opens side by side

    def __post_init__(self) -> None:
        if self.compare is None:
            self.compare = self.pair

    def to_dict(self) -> dict:
        return {"document": self.document_id, "title": self.title, "annotators": self.annotators,
                "measure": self.measure, **self.score.to_dict(),
                "pair": list(self.pair) if self.pair else None, "disagreements": self.disagreements}


@dataclass(slots=True)
class AgreementReport:
    layer: str
    annotators: list[str]
    documents: int  # documents counted
    include_unfinished: bool
    main_measure: str  # what the heatmap shows
    measures: list[str]
    figures: list[Figure] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    confusion_labels: list[str] = field(default_factory=list)
    confusion: dict = field(default_factory=dict)  # pair or None -> matrix (list of lists)
    errors: dict = field(default_factory=dict)  # pair or None -> {kind: count}
    document_rows: list[DocumentRow] = field(default_factory=list)
    pair_documents: dict = field(default_factory=dict)  # pair -> [(document id, Result)], worst first
    progress: dict = field(default_factory=dict)  # annotator -> {status: count}
    warnings: list[str] = field(default_factory=list)
    resamples: int = 0
    seed: int = bs.SEED
    gamma: dict = field(default_factory=dict)  # how γ was computed (samples, seed, disorders …); empty: not asked

    def figure(self, measure: str, *, label: str | None = None, pair: tuple[str, str] | None = None
               ) -> Figure | None:
        if pair is not None and pair not in self.pairs():
            pair = (pair[1], pair[0])
        for f in self.figures:
            if f.measure == measure and f.label == label and f.pair == pair and f.document is None:
                return f
        return None

    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.annotators, 2))

    def to_dict(self) -> dict:
        return {
            "layer": self.layer, "annotators": self.annotators, "documents": self.documents,
            "include_unfinished": self.include_unfinished, "main_measure": self.main_measure,
            "measures": self.measures, "labels": self.labels, "warnings": self.warnings,
            "figures": [f.to_dict() for f in self.figures],
            "confusion": {"labels": self.confusion_labels,
                          "matrices": [{"pair": list(p) if p else None, "counts": m}
                                       for p, m in self.confusion.items()]},
            "errors": [{"pair": list(p) if p else None, **c} for p, c in self.errors.items()],
            "documents_worst_first": [r.to_dict() for r in self.document_rows],
            "progress": self.progress,
            "bootstrap": {"resamples": self.resamples, "seed": self.seed, "level": 0.95, "unit": "documents",
                          "thresholds": list(bs.THRESHOLDS)},
            "gamma": self.gamma or None,
        }


# ---------------------------------------------------------------------------------- warnings
def _warn(value: Result, values: Sequence | None = None) -> list[str]:
    out = []
    if not value.defined:
        return out
    floor = MIN_TOKENS if value.unit == "tokens" else MIN_ITEMS
    if value.items < floor:
        out.append(f"rests on only {value.items} {value.unit} (fewer than {floor}): treat as a rough guide")
    if values:
        counts = Counter(values)
        top, n = counts.most_common(1)[0]
        share = n / sum(counts.values())
        if share > SKEW and len(values) >= 2:
            out.append(f"skewed labels: {share:.0%} of values are {top!s}; chance-corrected figures swing "
                       f"with a few items (compare Gwet's AC1)")
    return out


# ---------------------------------------------------------------------------------- gathering
@dataclass(slots=True)
class _Doc:
    id: int
    title: str
    text: str
    annotators: list[str]


def _select(project: Project, layer: str, include_unfinished: bool, annotators: Sequence[str] | None,
            cancelled: Callable[[], bool] | None) -> tuple[list[str], dict[str, int], list[_Doc], dict]:
    people = [a for a in project.annotators() if a.role != Role.GOLD]
    if annotators:
        wanted = set(annotators)
        missing = wanted - {a.name for a in people}
        if missing:
            raise AnnotatorError(f"no annotator named {', '.join(sorted(missing))}")
        people = [a for a in people if a.name in wanted]
    ids = {a.name: a.id for a in people}
    by_id = {a.id: a.name for a in people}
    statuses = project.statuses()
    total_docs = project.count_documents()
    progress = {}
    for a in people:
        done = sum(1 for (d, aid), s in statuses.items() if aid == a.id and s == Status.DONE)
        started = sum(1 for (d, aid), s in statuses.items() if aid == a.id and s == Status.IN_PROGRESS)
        if a.role == Role.LEAD and done + started == 0:
            continue  # a lead who does not annotate has no work to do
        progress[a.name] = {"done": done, "in_progress": started, "todo": total_docs - done - started}
    per_doc: dict[int, list[str]] = defaultdict(list)
    for (d, aid), s in statuses.items():
        if aid in by_id and (s == Status.DONE or (include_unfinished and s != Status.TODO)):
            per_doc[d].append(by_id[aid])
    counted = sorted(d for d, names in per_doc.items() if len(names) >= 2)
    docs = []
    for doc in project.documents(ids=counted) if counted else []:
        if cancelled is not None and cancelled():
            raise AnnotatorError("cancelled")
        names = [n for n in ids if n in per_doc[doc.id]]
        docs.append(_Doc(doc.id, doc.title, doc.text, names))
    # keep annotators who count somewhere, in project order
    used = [n for n in ids if any(n in d.annotators for d in docs)]
    return used, ids, docs, progress


def compute(project: Project, layer: str = "entity", *, include_unfinished: bool = False,
            annotators: Sequence[str] | None = None, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None, include_suggestions: bool = False,
            resamples: int = bs.RESAMPLES, seed: int = bs.SEED, gamma_samples: int = 0,
            gamma_seed: int = gm.SEED) -> AgreementReport:
    """Every agreement figure for one layer (``entity``, ``claim`` or ``stance``). Machine
    suggestions nobody accepted yet (origin pattern/model) count only with ``include_suggestions``.
    ``resamples`` bootstrap replicates over documents give the intervals (0: none). Span layers add
    γ when ``gamma_samples`` > 0: its expected disorder is the mean of that many shuffled corpora."""
    if layer not in LAYERS:
        raise AnnotatorError(f"unknown layer {layer!r}; choose one of {', '.join(LAYERS)}")
    names, ids, docs, prog = _select(project, layer, include_unfinished, annotators, cancelled)
    boot = _Boot(resamples, seed)
    if layer == "stance":
        report = _stance(project, names, ids, docs, progress, cancelled, boot)
    else:
        report = _spans(project, Layer(layer), names, ids, docs, progress, cancelled,
                        skip_origins=() if include_suggestions else SUGGESTION_ORIGINS, boot=boot,
                        gamma=(gamma_samples, gamma_seed))
    report.resamples, report.seed = max(resamples, 0), seed
    report.include_unfinished = include_unfinished
    report.progress = prog
    if len(names) < 2:
        report.warnings.insert(0, "fewer than two annotators have finished a common document: agreement is "
                                  "undefined" + ("" if include_unfinished else
                                                 " (add --include-unfinished to count unfinished work)"))
    return report


@dataclass(slots=True)
class _Boot:
    resamples: int
    seed: int

    def __call__(self, features, statistic) -> Interval | None:
        """Documents that add nothing (not finished by the pair) are left out of the resampling."""
        if self.resamples <= 0:
            return None
        x = np.asarray(features, dtype=np.float64)
        x = x[np.any(x != 0, axis=1)]
        if len(x) < MIN_BOOT_DOCS:
            return None
        return bs.bootstrap(x, statistic, self.resamples, self.seed)


TOKEN_BATCH = 200  # documents whose tokens are read (or made and stored) in one transaction


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise AnnotatorError("cancelled")


def _spans(project: Project, layer: Layer, names: list[str], ids: dict[str, int], docs: list[_Doc],
           progress: Progress | None, cancelled: Callable[[], bool] | None,
           skip_origins: Sequence[str] = (), boot: _Boot | None = None,
           gamma: tuple[int, int] = (0, gm.SEED)) -> AgreementReport:
    boot = boot or _Boot(0, bs.SEED)
    labels = [lab for lab in project.labels(layer)]
    lab_name = {lab.id: lab.name for lab in labels}
    label_names = [lab.name for lab in labels]
    measures = [ALPHA_U] + ([GAMMA] if gamma[0] > 0 else []) + [F1_EXACT, F1_OVERLAP, TOKEN_KAPPA_IO, TOKEN_KAPPA_BIO]
    rep = AgreementReport(layer.value, names, len(docs), False, ALPHA_U, measures, labels=label_names)
    pairs = list(combinations(names, 2))
    pair_counts = {p: PairCounts() for p in pairs}
    tags = {p: ([], [], [], []) for p in pairs}  # IO a, IO b, BIO a, BIO b
    units_pair: dict = {p: ([], 0) for p in pairs}
    units_all: list = []
    length_all = 0
    claim_items: list[dict] = []
    claim_groups: list[int] = []
    f1_rows: dict = {p: [] for p in pairs}  # per document: exact matches, overlap matches, spans of both
    unit_docs_pair: dict = {p: [] for p in pairs}  # per document: (units of rater 0/1, length)
    unit_docs_all: list = []
    tag_groups: dict = {p: [] for p in pairs}  # document index of every token in tags[p]
    lang = project.language
    for n, doc in enumerate(docs):
        _check(cancelled)
        if progress is not None and n % 25 == 0:
            progress(n, len(docs), doc.title)
        spans_by: dict[str, list] = {a: [] for a in doc.annotators}
        attrs_by: dict[str, dict] = {a: {} for a in doc.annotators}
        who = {ids[a]: a for a in doc.annotators}
        for s in project.spans(doc.id):
            if s.annotator_id in who and s.label_id in lab_name and str(s.origin) not in skip_origins:
                a = who[s.annotator_id]
                spans_by[a].append((s.start, s.end, lab_name[s.label_id]))
                if layer == Layer.CLAIM and isinstance(s.attrs.get("stance"), str):
                    attrs_by[a][(s.start, s.end)] = s.attrs["stance"]
        if n % TOKEN_BATCH == 0:  # stored tokens (made and stored once if missing), a batch at a time
            toks = stored_tokens.token_indexes(project, {d.id: d.text for d in docs[n:n + TOKEN_BATCH]}, lang)
        tok = toks[doc.id]
        tag_io = {a: token_tags(tok.starts, tok.ends, spans_by[a]) for a in doc.annotators}
        tag_bio = {a: token_tags(tok.starts, tok.ends, spans_by[a], "BIO") for a in doc.annotators}
        worst: tuple | None = None
        for p in pairs:
            a, b = p
            if a not in spans_by or b not in spans_by:
                continue
            pc = compare(spans_by[a], spans_by[b])
            pair_counts[p].add(pc)
            t = tags[p]
            t[0].extend(tag_io[a])
            t[1].extend(tag_io[b])
            t[2].extend(tag_bio[a])
            t[3].extend(tag_bio[b])
            us, off = units_pair[p]
            us.extend((0, s + off, e + off, lab) for s, e, lab in spans_by[a])
            us.extend((1, s + off, e + off, lab) for s, e, lab in spans_by[b])
            units_pair[p] = (us, off + len(doc.text))
            unit_docs_pair[p].append(([(0, s, e, lab) for s, e, lab in spans_by[a]]
                                      + [(1, s, e, lab) for s, e, lab in spans_by[b]], len(doc.text)))
            f1_rows[p].append((n, sum(pc.exact.values()), sum(pc.overlap.values()),
                               sum(pc.n_a.values()) + sum(pc.n_b.values())))
            tag_groups[p].extend([n] * len(tag_io[a]))
            f1 = pc.f1("exact")
            rep.pair_documents.setdefault(p, []).append((doc.id, f1))
            key = f1.value if f1.defined else 2.0
            if worst is None or key < worst[0]:
                worst = (key, p, f1, sum(pc.errors.values()))
        if len(doc.annotators) == len(names):
            for r, a in enumerate(names):
                units_all.extend((r, s + length_all, e + length_all, lab) for s, e, lab in spans_by[a])
            length_all += len(doc.text)
            unit_docs_all.append(([(r, s, e, lab) for r, a in enumerate(names) for s, e, lab in spans_by[a]],
                                  len(doc.text)))
        if worst is not None:
            rep.document_rows.append(DocumentRow(doc.id, doc.title, list(doc.annotators), worst[2], F1_EXACT,
                                                 worst[1], worst[3]))
        if layer == Layer.CLAIM:
            keys = set().union(*(attrs_by[a].keys() for a in doc.annotators)) if doc.annotators else set()
            for k in sorted(keys):
                item = {a: attrs_by[a].get(k) for a in doc.annotators}
                if sum(v is not None for v in item.values()) >= 2:
                    claim_items.append(item)
                    claim_groups.append(n)
    if progress is not None:
        progress(len(docs), len(docs), "computing")
    _check(cancelled)

    # --- unitizing alpha: all annotators on documents all of them finished, then per pair
    if len(names) >= 2 and length_all == 0:
        reason = f"no document was finished by all {len(names)} annotators (see the pairwise figures)"
        rep.figures.append(Figure(ALPHA_U, Undefined(reason, 0, "spans")))
        for lab in label_names:
            rep.figures.append(Figure(ALPHA_U, Undefined(reason, 0, "spans"), label=lab))
    else:
        ua = unitizing_alpha(units_all, max(len(names), 1), length_all, categories=label_names)
        iv = None
        if ua.alpha.defined and len(names) >= 2:
            iv = boot(*bs.unitizing_features(unit_docs_all, len(names), label_names))
        rep.figures.append(Figure(ALPHA_U, ua.alpha, warnings=_warn(ua.alpha) + _merged(ua.merged), interval=iv))
        for lab in label_names:
            rep.figures.append(Figure(ALPHA_U, ua.per_category[lab], label=lab, warnings=_warn(ua.per_category[lab])))
    for p in pairs:
        us, length = units_pair[p]
        if length == 0:
            rep.figures.append(Figure(ALPHA_U, Undefined("no document finished by both", 0, "spans"), pair=p))
            continue
        ua = unitizing_alpha(us, 2, length, categories=label_names)
        iv = boot(*bs.unitizing_features(unit_docs_pair[p], 2, label_names)) if ua.alpha.defined else None
        rep.figures.append(Figure(ALPHA_U, ua.alpha, pair=p, warnings=_warn(ua.alpha), interval=iv))
        for lab in label_names:
            rep.figures.append(Figure(ALPHA_U, ua.per_category[lab], label=lab, pair=p))
    _check(cancelled)
    if gamma[0] > 0:
        _gamma_figures(rep, names, pairs, unit_docs_all, unit_docs_pair, gamma[0], gamma[1], boot, progress,
                       cancelled)

    # --- span F1, token kappa, error split, confusion
    pooled = PairCounts()
    for p in pairs:
        pooled.add(pair_counts[p])
    f1_features = {p: _doc_rows(f1_rows[p], len(docs), 3) for p in pairs}
    pooled_features = sum(f1_features.values()) if pairs else None
    for col, (mode, name) in enumerate((("exact", F1_EXACT), ("overlap", F1_OVERLAP))):
        if pairs:
            v = pooled.f1(mode)
            iv = boot(pooled_features[:, [col, 2]], bs.f1_from_sums) if v.defined else None
            rep.figures.append(Figure(name, v, warnings=_warn(v), interval=iv))
            for lab in label_names:
                v = pooled.f1(mode, lab)
                rep.figures.append(Figure(name, v, label=lab, warnings=_warn(v)))
        for p in pairs:
            v = pair_counts[p].f1(mode)
            iv = boot(f1_features[p][:, [col, 2]], bs.f1_from_sums) if v.defined else None
            rep.figures.append(Figure(name, v, pair=p, warnings=_warn(v), interval=iv))
            for lab in label_names:
                rep.figures.append(Figure(name, pair_counts[p].f1(mode, lab), label=lab, pair=p))
    all_io: tuple[list, list] = ([], [])
    all_bio: tuple[list, list] = ([], [])
    for p in pairs:
        t = tags[p]
        for (xa, xb), name, acc in (((t[0], t[1]), TOKEN_KAPPA_IO, all_io), ((t[2], t[3]), TOKEN_KAPPA_BIO, all_bio)):
            iv = None
            if not xa:
                v: Result = Undefined("no document finished by both", 0, "tokens")
            else:
                pd_ = _pair_data(xa, xb, "tokens")
                v = cohen_kappa(pd_)
                if v.defined:
                    k = len(pd_.categories)
                    iv = boot(bs.cohen_features(pd_.codes[:, 0], pd_.codes[:, 1], np.asarray(tag_groups[p]),
                                                len(docs), k), bs.cohen_from_sums)
            rep.figures.append(Figure(name, v, pair=p, warnings=_warn(v, xa + xb), interval=iv))
            acc[0].extend(xa)
            acc[1].extend(xb)
    if len(pairs) > 1:
        for (xa, xb), name in ((all_io, TOKEN_KAPPA_IO), (all_bio, TOKEN_KAPPA_BIO)):
            v = _mean([f.value for f in rep.figures if f.measure == name and f.pair is not None and f.label is None],
                      len(xa), "tokens")
            rep.figures.append(Figure(name, v, warnings=_warn(v, xa + xb)))
    elif len(pairs) == 1:
        for name in (TOKEN_KAPPA_IO, TOKEN_KAPPA_BIO):
            f = rep.figure(name, pair=pairs[0])
            rep.figures.append(Figure(name, f.value, warnings=list(f.warnings), interval=f.interval))
    conf_labels = label_names + [NOT_ANNOTATED]
    rep.confusion_labels = conf_labels
    index = {lab: i for i, lab in enumerate(conf_labels)}
    sym = np.zeros((len(conf_labels), len(conf_labels)), dtype=np.int64)
    for p in pairs:
        m = np.zeros_like(sym)
        for (la, lb), k in pair_counts[p].confusion.items():
            m[index[la], index[lb]] += k
        rep.confusion[p] = m.tolist()
        sym += m + m.T
        rep.errors[p] = {k: pair_counts[p].errors[k] for k in ("label", "boundary", "boundary+label", "only_a",
                                                             "only_b")}
    if pairs:
        rep.confusion[None] = sym.tolist()
        rep.errors[None] = {k: sum(rep.errors[p][k] for p in pairs) for k in rep.errors[pairs[0]]}
    if layer == Layer.CLAIM:
        scale = sorted({v for it in claim_items for v in it.values() if v is not None})
        _coding_figures(rep, names, claim_items, CLAIM_STANCE, "claims", claim_groups, len(docs), scale, boot)
    rep.document_rows.sort(key=lambda r: (r.score.value if r.score.defined else 2.0, -r.disagreements,
                                          r.document_id))
    _sort_pair_documents(rep)
    rep.warnings.extend(_general_warnings(rep))
    return rep


def _gamma_figures(rep: AgreementReport, names: list[str], pairs: list, docs_all: list, docs_pair: dict,
                   samples: int, seed: int, boot: _Boot, progress: Progress | None,
                   cancelled: Callable[[], bool] | None) -> None:
    """γ for all annotators (documents every one of them finished, as αu) and for each pair."""
    runs = [(None, docs_all, len(names))] + [(p, docs_pair[p], 2) for p in pairs]
    drawn: dict[str, int] = {}
    rep.gamma = {"samples": 0, "max_samples": samples, "precision": GAMMA_PRECISION, "seed": seed, "sampler": "shuffle",
                 "alpha": gm.DEFAULT.alpha, "beta": gm.DEFAULT.beta, "delta_empty": gm.DEFAULT.delta_empty,
                 "samples_by_pair": drawn}

    def tick(i: int, total: int) -> None:
        _check(cancelled)
        if progress is not None:
            progress(i, total, "γ: shuffled corpora")

    for k, (pair, docs, raters) in enumerate(runs):
        if raters < 2 or not docs:
            reason = ("no document finished by both" if pair else
                      f"no document was finished by all {len(names)} annotators (see the pairwise figures)"
                      if len(names) >= 2 else "γ needs at least two annotators")
            rep.figures.append(Figure(GAMMA, Undefined(reason, 0, "spans"), pair=pair))
            continue
        g = gm.gamma(docs, raters, samples=samples, seed=seed, precision=GAMMA_PRECISION,
                     on_sample=lambda i, k=k: tick(k * samples + i, len(runs) * samples))
        iv = boot(g.doc_features, gm.gamma_from_sums) if g.gamma.defined and g.doc_features is not None else None
        rep.figures.append(Figure(GAMMA, g.gamma, pair=pair, warnings=_warn(g.gamma), interval=iv))
        drawn[" × ".join(pair) if pair else "all"] = g.samples
        if pair is None:
            rep.gamma.update({"samples": g.samples, "observed_disorder": g.observed, "expected_disorder": g.expected,
                              "relative_spread": g.relative_spread, "unitary_alignments": g.alignments})


def _doc_rows(rows: list[tuple], n_docs: int, width: int) -> np.ndarray:
    """Per-document feature rows ``(document index, f1, f2, …)`` → a dense ``n_docs × width`` matrix."""
    out = np.zeros((n_docs, width))
    for r in rows:
        out[r[0]] += r[1:]
    return out


def _sort_pair_documents(rep: AgreementReport) -> None:
    for lst in rep.pair_documents.values():
        lst.sort(key=lambda x: (x[1].value if x[1].defined else 2.0, x[0]))


def _merged(n: int) -> list[str]:
    return [f"{n} overlapping spans of one label by one annotator were merged for αu"] if n else []


def _mean(values: list[Result], items: int, unit: str) -> Result:
    ok = [v.value for v in values if v.defined]
    if not ok:
        return Undefined("undefined for every pair", items, unit)
    return Score(float(np.mean(ok)), items, unit)


def _pair_data(xa: list, xb: list, unit: str) -> CodingData:
    cats = sorted(set(xa) | set(xb))
    index = {c: i for i, c in enumerate(cats)}
    codes = np.empty((len(xa), 2), dtype=np.int32)
    codes[:, 0] = [index[x] for x in xa]
    codes[:, 1] = [index[x] for x in xb]
    return CodingData.from_codes(codes, cats, [0, 1], unit)


def _coding_figures(rep: AgreementReport, names: list[str], items: list[dict], label: str | None,
                    unit: str, groups: Sequence[int], n_docs: int, scale: Sequence[str], boot: _Boot) -> CodingData:
    """Observed agreement, Cohen per pair, Fleiss, alpha, AC1 and Brennan–Prediger over category items
    (``groups[i]``: the document of item *i*, the unit of the bootstrap; ``scale``: every category a
    coder could choose, which AC1 and Brennan–Prediger count)."""
    data = CodingData.from_items(items, coders=names, categories=list(scale), unit=unit)
    k = len(data.categories)
    g = np.asarray(groups, dtype=np.int64)
    values = [v for it in items for v in it.values() if v is not None]

    def alpha_iv(d: CodingData) -> Interval | None:
        return boot(bs.grouped_counts(d.codes, g, n_docs, k), bs.alpha_from_sums)

    def gwet_iv(d: CodingData, which: str) -> Interval | None:
        n = d.counts()
        feats = np.zeros((n_docs, k + 3))
        np.add.at(feats, g, np.stack([gwet_features(n[[i]]) for i in range(len(n))]) if len(n) else feats[:0])
        return boot(feats, lambda s: gwet_from_sums(s, k, which))

    measures = ((OBSERVED, observed_agreement, None), (FLEISS, fleiss_kappa, None),
                (ALPHA, krippendorff_alpha_nominal, alpha_iv), (AC1, gwet_ac, lambda d: gwet_iv(d, "ac1")),
                (BP, brennan_prediger, lambda d: gwet_iv(d, "bp")))
    for name, fn, ivf in measures:
        v = fn(data) if len(names) >= 2 else Undefined("fewer than two annotators", 0, unit)
        if name == FLEISS and not v.defined and "different numbers" in (v.reason or ""):
            v = Undefined("not every item has the same number of ratings (some annotators did not finish "
                          "every document); see Krippendorff's alpha", v.items, unit)
        iv = ivf(data) if ivf is not None and v.defined else None
        rep.figures.append(Figure(name, v, label=label, warnings=_warn(v, values), interval=iv))
    for i, j in combinations(range(len(names)), 2):
        sub = data.select([i, j])
        p = (names[i], names[j])
        pv = [c for c in sub.codes.ravel() if c >= 0]
        for name, fn, ivf in ((OBSERVED, observed_agreement, None),
                              (COHEN, cohen_kappa, lambda d: boot(bs.cohen_features(d.codes[:, 0], d.codes[:, 1], g,
                                                                                     n_docs, k), bs.cohen_from_sums)),
                              (ALPHA, krippendorff_alpha_nominal, alpha_iv), (AC1, gwet_ac, lambda d: gwet_iv(d, "ac1")),
                              (BP, brennan_prediger, lambda d: gwet_iv(d, "bp"))):
            v = fn(sub)
            iv = ivf(sub) if ivf is not None and v.defined else None
            rep.figures.append(Figure(name, v, label=label, pair=p, warnings=_warn(v, pv), interval=iv))
    if len(names) == 2:
        f = rep.figure(COHEN, label=label, pair=(names[0], names[1]))
        rep.figures.append(Figure(COHEN, f.value, label=label, warnings=list(f.warnings), interval=f.interval))
    return data


def _stance(project: Project, names: list[str], ids: dict[str, int], docs: list[_Doc],
            progress: Progress | None, cancelled: Callable[[], bool] | None, boot: _Boot | None = None
            ) -> AgreementReport:
    boot = boot or _Boot(0, bs.SEED)
    labels = [lab for lab in project.labels(Layer.DOCUMENT) if (lab.group or "stance") == "stance"]
    lab_name = {lab.id: lab.name for lab in labels}
    label_names = [lab.name for lab in labels]
    measures = [ALPHA, FLEISS, COHEN, AC1, BP, OBSERVED]
    rep = AgreementReport("stance", names, len(docs), False, COHEN, measures, labels=label_names)
    items = []
    for n, doc in enumerate(docs):
        _check(cancelled)
        if progress is not None and n % 25 == 0:
            progress(n, len(docs), doc.title)
        who = {ids[a]: a for a in doc.annotators}
        item: dict = {a: None for a in doc.annotators}
        for dl in project.document_labels(doc.id):
            if dl.annotator_id in who and dl.label_id in lab_name:
                item[who[dl.annotator_id]] = lab_name[dl.label_id]
        items.append(item)
        vals = [v for v in item.values() if v is not None]
        for a, b in combinations(doc.annotators, 2):
            if item[a] is not None and item[b] is not None:
                rep.pair_documents.setdefault((a, b), []).append(
                    (doc.id, Score(float(item[a] == item[b]), 1, "documents")))
        if len(vals) >= 2:
            counts = Counter(vals)
            top = counts.most_common(1)[0][1]
            agree = observed_agreement(CodingData.from_items([item], coders=doc.annotators, unit="documents"))
            worst = None
            for a, b in combinations([a for a in doc.annotators if item[a] is not None], 2):
                if item[a] != item[b]:
                    worst = (a, b)
                    break
            # the score is every annotator's agreement on the document: it names no pair; a click
            # compares the first two who disagree
            rep.document_rows.append(DocumentRow(doc.id, doc.title, list(doc.annotators), agree,
                                                 OBSERVED + " (all annotators)", None, len(vals) - top,
                                                 compare=worst or (doc.annotators[0], doc.annotators[1])))
    if progress is not None:
        progress(len(docs), len(docs), "computing")
    data = _coding_figures(rep, names, items, None, "documents", range(len(items)), len(items), label_names, boot)
    # per label: the label against all others (binary alpha)
    for lab in label_names:
        binary = [{a: (None if v is None else v == lab) for a, v in it.items()} for it in items]
        v = krippendorff_alpha_nominal(CodingData.from_items(binary, coders=names, unit="documents"))
        if not any(v2 == lab for it in items for v2 in it.values()):
            v = Undefined(f"nobody chose {lab}", v.items, "documents")
        rep.figures.append(Figure(ALPHA, v, label=lab, warnings=_warn(v)))
    rep.confusion_labels = label_names + [NOT_ANNOTATED]
    index = {lab: i for i, lab in enumerate(rep.confusion_labels)}
    k = len(rep.confusion_labels)
    sym = np.zeros((k, k), dtype=np.int64)
    for i, j in combinations(range(len(names)), 2):
        m = np.zeros((k, k), dtype=np.int64)
        for it in items:
            if names[i] in it and names[j] in it:
                m[index[it[names[i]] or NOT_ANNOTATED], index[it[names[j]] or NOT_ANNOTATED]] += 1
        rep.confusion[(names[i], names[j])] = m.tolist()
        sym += m + m.T
    if len(names) >= 2:
        rep.confusion[None] = sym.tolist()
    del data
    rep.document_rows.sort(key=lambda r: (r.score.value if r.score.defined else 2.0, -r.disagreements,
                                          r.document_id))
    _sort_pair_documents(rep)
    rep.warnings.extend(_general_warnings(rep))
    return rep


def _general_warnings(rep: AgreementReport) -> list[str]:
    out = []
    if rep.documents < MIN_ITEMS:
        out.append(f"only {rep.documents} document{'s' if rep.documents != 1 else ''} finished by two or more "
                   f"annotators: every figure is a rough guide")
    return out


# ---------------------------------------------------------------------------------- comparison
@dataclass(slots=True)
class Comparison:
    """Two annotators' spans on one document, aligned, for a side-by-side view."""

    document_id: int
    title: str
    text: str
    a: str
    b: str
    spans_a: list[tuple[int, int, str]]
    spans_b: list[tuple[int, int, str]]
    kind_a: list[str]  # per span of A: agree / label / boundary / boundary+label / only_a
    kind_b: list[str]
    stance_a: str | None = None
    stance_b: str | None = None


def compare_document(project: Project, document_id: int, a: str, b: str, layer: str = "entity") -> Comparison:
    doc = project.document(document_id)
    ann = {x.name: x.id for x in project.annotators(include_gold=True)}
    if a not in ann or b not in ann:
        raise AnnotatorError(f"no annotator named {a if a not in ann else b}")
    stance = {}
    for dl in project.document_labels(document_id):
        stance[dl.annotator_id] = project.label(dl.label_id).name
    sa: list = []
    sb: list = []
    if layer != "stance":
        labs = {lab.id: lab.name for lab in project.labels(Layer(layer))}
        for s in project.spans(document_id):
            if s.label_id in labs:
                if s.annotator_id == ann[a]:
                    sa.append((s.start, s.end, labs[s.label_id]))
                elif s.annotator_id == ann[b]:
                    sb.append((s.start, s.end, labs[s.label_id]))
    ka = ["only_a"] * len(sa)
    kb = ["only_b"] * len(sb)
    for i, j, kind in align(sa, sb):
        if i is not None:
            ka[i] = kind
        if j is not None:
            kb[j] = kind
    return Comparison(document_id, doc.title, doc.text, a, b, sa, sb, ka, kb, stance.get(ann[a]), stance.get(ann[b]))


# ---------------------------------------------------------------------------------- reports
COLUMNS = ["layer", "measure", "label", "annotator_a", "annotator_b", "value", "items", "unit", "undefined_reason",
           "warnings", "ci_low", "ci_high", "resamples", "p_below_0.667", "p_below_0.8", "gamma_samples", "gamma_seed"]


def _iv_cells(iv: Interval | None) -> dict:
    if iv is None:
        return {"ci_low": "", "ci_high": "", "resamples": "", "p_below_0.667": "", "p_below_0.8": ""}
    return {"ci_low": f"{iv.low:.4f}", "ci_high": f"{iv.high:.4f}", "resamples": iv.resamples,
            "p_below_0.667": f"{iv.below.get(0.667, float('nan')):.3f}",
            "p_below_0.8": f"{iv.below.get(0.8, float('nan')):.3f}"}


def rows(report: AgreementReport) -> list[dict]:
    """The report's figures as flat rows (CSV and the text table use these)."""
    out = []
    for f in report.figures:
        out.append({"layer": report.layer, "measure": f.measure, "label": f.label or "(all)",
                    "annotator_a": f.pair[0] if f.pair else "(all)", "annotator_b": f.pair[1] if f.pair else "(all)",
                    "value": "" if not f.value.defined else f"{f.value.value:.4f}", "items": f.value.items,
                    "unit": f.value.unit, "undefined_reason": f.value.reason or "", "warnings": "; ".join(f.warnings),
                    **_iv_cells(f.interval),
                    "gamma_samples": report.gamma["samples_by_pair"].get(" × ".join(f.pair) if f.pair else "all", "")
                    if f.measure == GAMMA and f.label is None else "",
                    "gamma_seed": report.gamma.get("seed", "") if f.measure == GAMMA else ""})
    return out


def gamma_note(report: AgreementReport) -> str:
    """How γ was computed, in one sentence (empty when it was not asked for)."""
    g = report.gamma
    if not g:
        return ""
    text = (f"γ: expected disorder = mean of {g['samples']:,} shuffled corpora (Mathet et al. 2015 §5.2; "
            f"at most {g['max_samples']:,}, fewer once known to ± {g['precision']:.0%}), seed {g['seed']}")
    if "expected_disorder" in g:
        spread = g.get("relative_spread")
        text += (f"; observed disorder {g['observed_disorder']:.4f}, expected {g['expected_disorder']:.4f}"
                 + (f" (± {spread:.1%} at 95 %)" if spread is not None and math.isfinite(spread) else "")
                 + f"; {g['unitary_alignments']:,} unitary alignments; dissimilarity α = {g['alpha']:g}, "
                   f"β = {g['beta']:g}, Δ∅ = {g['delta_empty']:g}")
    return text


def to_csv(report: AgreementReport) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows(report))
    return buf.getvalue()


def _fmt(v: Result) -> str:
    return f"{v.value:.3f}" if v.defined else "undefined"


def to_table(report: AgreementReport) -> str:
    lines = [f"Agreement on layer '{report.layer}': {len(report.annotators)} annotators "
             f"({', '.join(report.annotators) or 'none'}), {report.documents} documents"
             + (" (unfinished work included)" if report.include_unfinished else " finished by two or more")]
    if report.resamples:
        lines.append(f"95 % intervals: bootstrap over documents, {report.resamples:,} resamples, seed {report.seed}; "
                     f"P<.667 / P<.8 = share of resamples below Krippendorff's thresholds")
    if report.gamma:
        lines.append(gamma_note(report))
    for w in report.warnings:
        lines.append(f"warning: {w}")
    lines.append("")
    header = (f"{'measure':<36} {'label':<16} {'pair':<22} {'value':>9} {'95% interval':>17} {'P<.667':>7} "
              f"{'P<.8':>6} {'items':>14}  notes")
    lines.append(header)
    lines.append("-" * len(header))
    for f in report.figures:
        pair = f"{f.pair[0]} × {f.pair[1]}" if f.pair else "all"
        note = f.value.reason or ""
        if f.warnings:
            note = "; ".join(([note] if note else []) + f.warnings)
        iv = f.interval
        ivs = (iv.format(), f"{iv.below[0.667]:.2f}", f"{iv.below[0.8]:.2f}") if iv is not None else ("", "", "")
        lines.append(f"{f.measure:<36} {(f.label or 'all'):<16} {pair:<22} {_fmt(f.value):>9} {ivs[0]:>17} "
                     f"{ivs[1]:>7} {ivs[2]:>6} {f.value.items:>7,} {f.value.unit:<6}  {note}".rstrip())
    if report.errors.get(None):
        e = report.errors[None]
        lines += ["", "Disagreements (all pairs): " + ", ".join(f"{k} {v}" for k, v in e.items())]
    if report.document_rows:
        lines += ["", "Documents, worst first:"]
        for r in report.document_rows[:20]:
            pair = f"{r.pair[0]} × {r.pair[1]}, " if r.pair else ""
            lines.append(f"  #{r.document_id:<6} {_fmt(r.score):>9}  {r.measure} ({pair}"
                         f"{r.disagreements} disagreements)  {r.title}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- the HTML report
ERROR_NAMES = {"label": "same span, other label", "boundary": "same label, other boundaries",
               "boundary+label": "other boundaries and label", "only_a": "marked by the first only",
               "only_b": "marked by the second only"}
ERROR_COLORS = {"label": "#e8590c", "boundary": "#fab005", "boundary+label": "#ae3ec9", "only_a": "#1c7ed6",
                "only_b": "#74c0fc"}
EXPLAIN = {
    ALPHA_U: "Krippendorff's unitizing alpha: agreement on where spans are and what label they have, character by "
             "character; 1 is perfect, 0 is what chance would give.",
    GAMMA: "Mathet's gamma: spans are first paired up across annotators, so a near miss costs a little and a span "
           "only one annotator marked costs a lot; 1 is perfect, 0 is what shuffled annotations would give.",
    F1_EXACT: "Share of spans both annotators marked with the same start, end and label.",
    F1_OVERLAP: "Share of spans both annotators marked with the same label, overlapping by at least one character.",
    TOKEN_KAPPA_IO: "Cohen's kappa over the words of the texts, each word tagged with its span's label or none.",
    TOKEN_KAPPA_BIO: "As above, with the first word of a span told apart from the rest.",
    ALPHA: "Krippendorff's alpha for labels; handles any number of annotators and missing values.",
    FLEISS: "Fleiss' kappa; needs the same number of annotators on every document.",
    COHEN: "Cohen's kappa between two annotators.",
    AC1: "Gwet's AC1: like kappa, but its chance term does not blow up when one label dominates.",
    BP: "Brennan–Prediger: chance agreement taken as 1 / number of labels.",
    OBSERVED: "Share of agreeing pairs of annotators, without any correction for chance.",
}


def _color(v: float | None) -> str:
    """Red (≤ 0) through yellow (0.5) to green (1); grey for undefined."""
    if v is None:
        return "#e9ecef"
    t = max(0.0, min(1.0, v))
    a, b, u = ((224, 49, 49), (252, 196, 25), t / 0.5) if t < 0.5 else ((252, 196, 25), (47, 158, 68), (t - 0.5) / 0.5)
    return "#%02x%02x%02x" % tuple(int(a[i] + (b[i] - a[i]) * u) for i in range(3))


def _svg_intervals(rows_: list[tuple[str, Result, Interval | None]], width: int = 640) -> str:
    """A forest plot: one row per figure, the value as a dot, the 95 % interval as a line, the .667 and
    .8 thresholds as dashed lines. Scale from min(0, lowest) to 1."""
    e = html.escape
    lows = [iv.low for _n, v, iv in rows_ if iv is not None] + [v.value for _n, v, _iv in rows_ if v.defined]
    lo = min([0.0] + lows)
    left, right, rh = int(min(340, max(230, 6.6 * max((len(n) for n, _v, _i in rows_), default=0) + 12))), 16, 24
    h = rh * len(rows_) + 30
    sx = lambda x: left + (x - lo) / (1.0 - lo) * (width - left - right)  # noqa: E731
    out = [f"<svg class='chart' viewBox='0 0 {width} {h}' width='{width}' height='{h}' role='img' "
           f"xmlns='http://www.w3.org/2000/svg'>"]
    for t, col in ((0.667, "#e67700"), (0.8, "#2b8a3e")):
        out.append(f"<line x1='{sx(t):.1f}' x2='{sx(t):.1f}' y1='4' y2='{h - 22}' stroke='{col}' "
                   f"stroke-dasharray='4 3'/><text x='{sx(t):.1f}' y='{h - 8}' font-size='10' text-anchor='middle' "
                   f"fill='{col}'>{t:g}</text>")
    for x in sorted({lo, 0.0, 0.5, 1.0}):
        out.append(f"<line x1='{sx(x):.1f}' x2='{sx(x):.1f}' y1='4' y2='{h - 22}' stroke='#dee2e6'/>"
                   f"<text x='{sx(x):.1f}' y='{h - 8}' font-size='10' text-anchor='middle' fill='#495057'>{x:g}</text>")
    for i, (name, v, iv) in enumerate(rows_):
        y = 14 + i * rh
        out.append(f"<text x='{left - 8}' y='{y + 4}' font-size='12' text-anchor='end'>{e(name)}</text>")
        if not v.defined:
            out.append(f"<text x='{left + 4}' y='{y + 4}' font-size='11' fill='#868e96'>undefined</text>")
            continue
        if iv is not None:
            out.append(f"<line x1='{sx(iv.low):.1f}' x2='{sx(iv.high):.1f}' y1='{y}' y2='{y}' stroke='#343a40' "
                       f"stroke-width='2'/>")
            for x in (iv.low, iv.high):
                out.append(f"<line x1='{sx(x):.1f}' x2='{sx(x):.1f}' y1='{y - 5}' y2='{y + 5}' stroke='#343a40' "
                           f"stroke-width='2'/>")
        out.append(f"<circle cx='{sx(v.value):.1f}' cy='{y}' r='5' fill='{_color(v.value)}' stroke='#212529'/>")
    out.append("</svg>")
    return "".join(out)


def _svg_heatmap(report: AgreementReport, measure: str) -> str:
    e = html.escape
    names = report.annotators
    cell, left, top = 78, 110, 28
    w, h = left + cell * len(names) + 4, top + cell * len(names) * 0.6 + 4
    ch = cell * 0.6
    out = [f"<svg class='chart' viewBox='0 0 {w:.0f} {h:.0f}' width='{w:.0f}' height='{h:.0f}' "
           f"xmlns='http://www.w3.org/2000/svg'>"]
    for j, b in enumerate(names):
        out.append(f"<text x='{left + j * cell + cell / 2:.0f}' y='18' font-size='12' text-anchor='middle'>{e(b)}</text>")
    for i, a in enumerate(names):
        y = top + i * ch
        out.append(f"<text x='{left - 8}' y='{y + ch / 2 + 4:.0f}' font-size='12' text-anchor='end'>{e(a)}</text>")
        for j, b in enumerate(names):
            x = left + j * cell
            if a == b:
                out.append(f"<rect x='{x + 1}' y='{y + 1:.0f}' width='{cell - 2}' height='{ch - 2:.0f}' fill='#f1f3f5'/>")
                continue
            f = report.figure(measure, pair=(a, b))
            v = f.value if f is not None else Undefined("", 0)
            out.append(f"<rect x='{x + 1}' y='{y + 1:.0f}' width='{cell - 2}' height='{ch - 2:.0f}' "
                       f"fill='{_color(v.value if v.defined else None)}'/>")
            txt = f"{v.value:.2f}" if v.defined else "n/a"
            sub = f.interval.format(2) if f is not None and f.interval is not None else f"n={v.items}"
            out.append(f"<text x='{x + cell / 2:.0f}' y='{y + ch / 2:.0f}' font-size='13' font-weight='bold' "
                       f"text-anchor='middle'>{txt}</text><text x='{x + cell / 2:.0f}' y='{y + ch / 2 + 13:.0f}' "
                       f"font-size='9' text-anchor='middle'>{e(sub)}</text>")
    out.append("</svg>")
    return "".join(out)


def _svg_bars(items: list[tuple[str, list[tuple[str, Result]]]], series: list[str], width: int = 640) -> str:
    """Grouped horizontal bars, one group per label, one bar per series; negative values drawn from 0."""
    e = html.escape
    colors = ["#1971c2", "#f08c00", "#2f9e44"]
    left, bh = 170, 12
    gh = bh * len(series) + 10
    h = gh * len(items) + 40
    sx = lambda x: left + max(0.0, min(1.0, x)) * (width - left - 40)  # noqa: E731
    out = [f"<svg class='chart' viewBox='0 0 {width} {h}' width='{width}' height='{h}' "
           f"xmlns='http://www.w3.org/2000/svg'>"]
    for x in (0, 0.25, 0.5, 0.75, 1.0):
        out.append(f"<line x1='{sx(x):.1f}' x2='{sx(x):.1f}' y1='0' y2='{h - 34}' stroke='#e9ecef'/>"
                   f"<text x='{sx(x):.1f}' y='{h - 22}' font-size='10' text-anchor='middle'>{x:g}</text>")
    for i, (lab, vals) in enumerate(items):
        y0 = i * gh + 4
        out.append(f"<text x='{left - 8}' y='{y0 + gh / 2:.0f}' font-size='12' text-anchor='end'>{e(lab)}</text>")
        for k, (_s, v) in enumerate(vals):
            y = y0 + k * bh
            if v.defined:
                out.append(f"<rect x='{left}' y='{y}' width='{sx(v.value) - left:.1f}' height='{bh - 2}' "
                           f"fill='{colors[k % 3]}'/><text x='{sx(v.value) + 4:.1f}' y='{y + bh - 3}' "
                           f"font-size='9'>{v.value:.2f} (n={v.items})</text>")
            else:
                out.append(f"<text x='{left + 4}' y='{y + bh - 3}' font-size='9' fill='#868e96'>undefined</text>")
    lx = left
    for k, name in enumerate(series):
        out.append(f"<rect x='{lx}' y='{h - 12}' width='10' height='10' fill='{colors[k % 3]}'/>"
                   f"<text x='{lx + 14}' y='{h - 3}' font-size='11'>{e(name)}</text>")
        lx += 20 + 7 * len(name)
    out.append("</svg>")
    return "".join(out)


def _svg_errors(report: AgreementReport, width: int = 640) -> str:
    e = html.escape
    pairs = [p for p in report.pairs() if p in report.errors]
    left, bh = 170, 20
    h = bh * len(pairs) + 48
    total = max((sum(report.errors[p].values()) for p in pairs), default=1) or 1
    out = [f"<svg class='chart' viewBox='0 0 {width} {h}' width='{width}' height='{h}' "
           f"xmlns='http://www.w3.org/2000/svg'>"]
    for i, p in enumerate(pairs):
        y = i * bh + 2
        out.append(f"<text x='{left - 8}' y='{y + 14}' font-size='12' text-anchor='end'>{e(p[0])} × {e(p[1])}</text>")
        x = float(left)
        for kind, n in report.errors[p].items():
            w = n / total * (width - left - 20)
            if n:
                out.append(f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='{bh - 4}' fill='{ERROR_COLORS[kind]}'>"
                           f"<title>{e(ERROR_NAMES[kind])}: {n}</title></rect>")
                if w > 18:
                    out.append(f"<text x='{x + w / 2:.1f}' y='{y + 12}' font-size='10' text-anchor='middle' "
                               f"fill='white'>{n}</text>")
            x += w
    lx, ly = 10, h - 30
    for kind, name in ERROR_NAMES.items():
        if lx + 13 + 5.6 * len(name) > width:
            lx, ly = 10, ly + 15
        out.append(f"<rect x='{lx}' y='{ly}' width='10' height='10' fill='{ERROR_COLORS[kind]}'/>"
                   f"<text x='{lx + 13}' y='{ly + 9}' font-size='10'>{e(name)}</text>")
        lx += 24 + int(5.6 * len(name))
    out.append("</svg>")
    return "".join(out)


def _confusion_html(report: AgreementReport) -> str:
    e = html.escape
    m = report.confusion.get(None)
    labels = report.confusion_labels
    if not m:
        return "<p class='muted'>No confusion matrix: fewer than two annotators.</p>"
    keep = [i for i in range(len(labels)) if sum(m[i]) + sum(row[i] for row in m) > 0]
    if not keep:
        return "<p class='muted'>Nobody marked anything.</p>"
    vmax = max(m[i][j] for i in keep for j in keep) or 1
    name = lambda i: "not marked" if labels[i] == NOT_ANNOTATED else labels[i]  # noqa: E731
    out = ["<table class='confusion'><tr><th></th>" + "".join(f"<th>{e(name(j))}</th>" for j in keep) + "</tr>"]
    for i in keep:
        cells = []
        for j in keep:
            v = m[i][j]
            t = v / vmax
            bg = f"rgb({int(255 - 200 * t)},{int(255 - 140 * t)},255)"
            style = f"background:{bg};" + ("color:white;" if t > 0.6 else "") + ("font-weight:bold;" if i == j else "")
            cells.append(f"<td style='{style}'>{v or ''}</td>")
        out.append(f"<tr><th>{e(name(i))}</th>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _unused_labels(report: AgreementReport) -> list[str]:
    """Labels nobody used on the counted documents."""
    if report.layer == "stance":
        m = report.confusion.get(None)
        if not m:
            return []
        idx = {lab: i for i, lab in enumerate(report.confusion_labels)}
        return [lab for lab in report.labels if sum(m[idx[lab]]) + sum(r[idx[lab]] for r in m) == 0]
    used = set()
    for f in report.figures:
        if f.measure == F1_EXACT and f.label is not None and f.pair is None and f.value.defined:
            used.add(f.label)
    return [lab for lab in report.labels if lab not in used]


def _section(report: AgreementReport, top: int = 15) -> str:
    e = html.escape
    unused = set(_unused_labels(report))
    main = report.main_measure if report.layer != "stance" else ALPHA
    parts = [f"<section class='layer'><h2>Layer “{e(report.layer)}”</h2>",
             f"<p>{len(report.annotators)} annotators ({e(', '.join(report.annotators)) or 'none'}), "
             f"{report.documents} documents finished by two or more"
             + (" (unfinished work included)" if report.include_unfinished else "") + ".</p>"]
    if report.warnings:
        parts.append("<ul class='warn'>" + "".join(f"<li>{e(w)}</li>" for w in report.warnings) + "</ul>")
    if report.gamma:
        parts.append(f"<p class='meta small'>{e(gamma_note(report))}.</p>")
    # summary: every all-annotator figure with its interval
    summ = [(m, report.figure(m)) for m in report.measures]
    summ = [(m, f) for m, f in summ if f is not None]
    if report.layer == "claim":
        summ += [(f"claim stance: {m}", report.figure(m, label=CLAIM_STANCE)) for m in (ALPHA, AC1)
                 if report.figure(m, label=CLAIM_STANCE) is not None]
    parts.append("<h3>Summary</h3>")
    parts.append(_svg_intervals([(m, f.value, f.interval) for m, f in summ]))
    parts.append("<table class='figures'><tr><th>Measure</th><th>Value</th><th>95 % interval</th>"
                 "<th>P(below .667)</th><th>P(below .8)</th><th>Rests on</th><th>What it means</th></tr>")
    for m, f in summ:
        iv = f.interval
        parts.append(f"<tr><td>{e(m)}</td><td class='num'><b>{e(_fmt(f.value))}</b></td>"
                     f"<td class='num'>{e(iv.format()) if iv else '—'}</td>"
                     f"<td class='num'>{f'{iv.below[0.667]:.0%}' if iv else '—'}</td>"
                     f"<td class='num'>{f'{iv.below[0.8]:.0%}' if iv else '—'}</td>"
                     f"<td class='num'>{f.value.items:,} {e(f.value.unit)}</td>"
                     f"<td class='small'>{e(f.value.reason or EXPLAIN.get(m.split(': ')[-1], ''))}"
                     + "".join(f"<br><span class='warnc'>⚠ {e(w)}</span>" for w in f.warnings) + "</td></tr>")
    parts.append("</table>")
    skewed = any("skewed" in w for _m, f in summ for w in f.warnings)
    if skewed:
        parts.append("<p class='note'><b>Why kappa and AC1 differ here.</b> One label makes up most of the "
                     "answers. Kappa-type measures estimate chance agreement from how often each label is used; "
                     "with one dominant label, chance agreement is close to 1, so a few disagreements pull kappa and "
                     "alpha far down although annotators agree almost always (the “kappa paradox”). Gwet's AC1 and "
                     "Brennan–Prediger estimate chance differently and stay high. Read them side by side; neither "
                     "is wrong.</p>")
    # heatmap
    if len(report.annotators) >= 2:
        parts.append(f"<div class='keep'><h3>Annotator × annotator — {e(main)}</h3>")
        parts.append(_svg_heatmap(report, main) + "</div>")
    # per label
    used = [lab for lab in report.labels if lab not in unused]
    if report.layer == "stance":
        series = [ALPHA]
        items = [(lab, [(ALPHA, report.figure(ALPHA, label=lab).value)]) for lab in used]
    else:
        series = [ALPHA_U, F1_OVERLAP]
        items = [(lab, [(m, report.figure(m, label=lab).value) for m in series]) for lab in used]
    if items:
        parts.append("<div class='keep'><h3>Per label</h3>" + _svg_bars(items, series) + "</div>")
    if unused:
        parts.append(f"<p class='muted'>Not used by anyone on these documents (no figure): {e(', '.join(sorted(unused)))}.</p>")
    # confusion and errors
    parts.append("<div class='keep'><h3>Confusion matrix (all pairs, both directions)</h3>" + _confusion_html(report)
                 + "</div>")
    if report.errors.get(None) and any(report.errors[None].values()):
        parts.append("<div class='keep'><h3>Kinds of disagreement</h3>" + _svg_errors(report) + "</div>")
    # documents
    if report.document_rows:
        parts.append(f"<div class='keep'><h3>Documents with the most disagreement (first {min(top, len(report.document_rows))} "
                     f"of {len(report.document_rows)})</h3><table class='docs'><tr><th>Document</th><th>Score</th>"
                     "<th>Measure</th><th>Annotators</th><th>Disagreements</th></tr>")
        for d in report.document_rows[:top]:
            who = f"{d.pair[0]} × {d.pair[1]}" if d.pair else ", ".join(d.annotators)
            parts.append(f"<tr><td>{e(d.title)} <span class='muted'>#{d.document_id}</span></td>"
                         f"<td class='num' style='background:{_color(d.score.value if d.score.defined else None)}'>"
                         f"{e(_fmt(d.score))}</td><td>{e(d.measure)}</td><td>{e(who)}</td>"
                         f"<td class='num'>{d.disagreements}</td></tr>")
        parts.append("</table></div>")
    # every figure, unused labels left out
    parts.append("<details><summary>Every figure of this layer</summary><table class='figures'><tr><th>Measure</th>"
                 "<th>Label</th><th>Annotators</th><th>Value</th><th>95 % interval</th><th>Rests on</th>"
                 "<th>Notes</th></tr>")
    for f in report.figures:
        if f.label in unused:
            continue
        who = f"{f.pair[0]} × {f.pair[1]}" if f.pair else "all"
        notes = "; ".join(([f.value.reason] if f.value.reason else []) + f.warnings)
        parts.append(f"<tr><td>{e(f.measure)}</td><td>{e(f.label or 'all labels')}</td><td>{e(who)}</td>"
                     f"<td class='num'>{e(_fmt(f.value))}</td>"
                     f"<td class='num'>{e(f.interval.format()) if f.interval else ''}</td>"
                     f"<td class='num'>{f.value.items:,} {e(f.value.unit)}</td><td class='small'>{e(notes)}</td></tr>")
    parts.append("</table></details></section>")
    return "\n".join(parts)


CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 10.5pt; color: #212529; max-width: 190mm;
       margin: 0 auto; padding: 8px; }
h1 { font-size: 18pt; margin: 0 0 4px; } h2 { font-size: 14pt; border-bottom: 2px solid #343a40; margin-top: 18px; }
h3 { font-size: 11.5pt; margin: 14px 0 4px; }
table { border-collapse: collapse; margin: 4px 0; } td, th { border: 1px solid #ced4da; padding: 2px 6px; }
th { background: #f1f3f5; text-align: left; } td.num { text-align: right; white-space: nowrap; }
.small { font-size: 8.5pt; } .muted { color: #868e96; } .warn li, .warnc { color: #b35c00; }
.note { background: #fff9db; border-left: 4px solid #fab005; padding: 6px 10px; }
.meta { color: #495057; } svg.chart { display: block; max-width: 100%; height: auto; }
table.confusion td { text-align: center; min-width: 34px; }
.keep, table, svg { break-inside: avoid; page-break-inside: avoid; }
section.layer { break-before: auto; }
details > summary { cursor: pointer; color: #1971c2; margin-top: 10px; }
@media print { details > * { display: block; } details > summary { display: none; } body { max-width: none; } }
"""


def to_html(reports: AgreementReport | Sequence[AgreementReport], title: str = "Agreement report") -> str:
    """A self-contained document (inline CSS and SVG, no script, prints on A4): per layer a summary
    of the main figures with their intervals, the annotator × annotator heatmap, per-label bars, the
    confusion matrix, the kinds of disagreement, the worst documents, and every figure."""
    e = html.escape
    reports = [reports] if isinstance(reports, AgreementReport) else list(reports)
    first = reports[0]
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = ["<!doctype html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(title)}</h1>",
             f"<p class='meta'>{len(first.annotators)} annotators ({e(', '.join(first.annotators)) or 'none'}); "
             f"layers: {e(', '.join(r.layer for r in reports))}; generated {now}.</p>"]
    if first.resamples:
        parts.append(f"<p class='meta small'>Intervals: 95 % bootstrap over documents (Hayes &amp; Krippendorff 2007), "
                     f"{first.resamples:,} resamples, seed {first.seed}. “P(below .667)” is the share of resamples "
                     f"below .667, the level under which Krippendorff advises against drawing conclusions; .8 is "
                     f"his level for reliable data.</p>")
    # one line per layer: the main figure and its interval
    parts.append("<table class='figures'><tr><th>Layer</th><th>Main figure</th><th>Value</th><th>95 % interval</th>"
                 "<th>P(below .667)</th><th>Documents</th></tr>")
    for r in reports:
        m = r.main_measure if r.layer != "stance" else ALPHA
        f = r.figure(m)
        if f is None:
            continue
        iv = f.interval
        parts.append(f"<tr><td><b>{e(r.layer)}</b></td><td>{e(m)}</td>"
                     f"<td class='num' style='background:{_color(f.value.value if f.value.defined else None)}'>"
                     f"<b>{e(_fmt(f.value))}</b></td><td class='num'>{e(iv.format()) if iv else '—'}</td>"
                     f"<td class='num'>{f'{iv.below[0.667]:.0%}' if iv else '—'}</td>"
                     f"<td class='num'>{r.documents}</td></tr>")
    parts.append("</table>")
    for r in reports:
        parts.append(_section(r))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------- against gold
@dataclass(slots=True)
class GoldScore:
    """One annotator against the gold set: exact-match precision, recall and F1 (label None: all)."""

    annotator: str
    label: str | None
    tp: int
    predicted: int
    gold: int
    documents: int

    @property
    def precision(self) -> Result:
        return Score(self.tp / self.predicted, self.predicted, "spans") if self.predicted else \
            Undefined("the annotator marked nothing here", 0, "spans")

    @property
    def recall(self) -> Result:
        return Score(self.tp / self.gold, self.gold, "spans") if self.gold else \
            Undefined("the gold set has nothing here", 0, "spans")

    @property
    def f1(self) -> Result:
        n = self.predicted + self.gold
        return Score(2.0 * self.tp / n, n, "spans") if n else Undefined("neither has anything here", 0, "spans")

    def to_dict(self) -> dict:
        return {"annotator": self.annotator, "label": self.label, "tp": self.tp, "predicted": self.predicted,
                "gold": self.gold, "documents": self.documents, "precision": self.precision.value,
                "recall": self.recall.value, "f1": self.f1.value}


@dataclass(slots=True)
class GoldPoint:
    """One time bucket of one annotator's work: the documents they finished in it."""

    bucket: str  # "2024-W07" or "docs 1–20"
    start: float  # epoch seconds of the first document finished in the bucket
    scores: dict = field(default_factory=dict)  # label or None -> GoldScore


@dataclass(slots=True)
class GoldReport:
    layer: str
    by: str  # "week" or "N documents"
    documents: int  # documents with a reviewed gold version
    annotators: list[str]
    labels: list[str]
    scores: list[GoldScore] = field(default_factory=list)
    timeline: dict = field(default_factory=dict)  # annotator -> [GoldPoint] in time order
    warnings: list[str] = field(default_factory=list)

    def score(self, annotator: str, label: str | None = None) -> GoldScore | None:
        for s in self.scores:
            if s.annotator == annotator and s.label == label:
                return s
        return None

    def to_dict(self) -> dict:
        return {"layer": self.layer, "by": self.by, "documents": self.documents, "annotators": self.annotators,
                "labels": self.labels, "warnings": self.warnings, "scores": [s.to_dict() for s in self.scores],
                "timeline": {a: [{"bucket": p.bucket, "start": p.start,
                                  "scores": [s.to_dict() for s in p.scores.values()]} for p in pts]
                             for a, pts in self.timeline.items()}}


def _items_of(project: Project, layer: str, doc_id: int, labels: dict[int, str], skip: Sequence[str]
              ) -> dict[int, list]:
    """annotator id → ``(start, end, label)``; a document label counts as the span (0, 0, label)."""
    out: dict[int, list] = defaultdict(list)
    if layer == "stance":
        for dl in project.document_labels(doc_id):
            if dl.label_id in labels:
                out[dl.annotator_id].append((0, 0, labels[dl.label_id]))
    else:
        for s in project.spans(doc_id):
            if s.label_id in labels and str(s.origin) not in skip:
                out[s.annotator_id].append((s.start, s.end, labels[s.label_id]))
    return out


def gold_report(project: Project, layer: str = "entity", *, by: str | int = "week",
                annotators: Sequence[str] | None = None, include_suggestions: bool = False,
                cancelled: Callable[[], bool] | None = None) -> GoldReport:
    """Each annotator against the adjudicated gold set (documents the lead marked reviewed), per
    label, and over time: by ISO week in which the annotator finished the document, or every ``by``
    documents in the order they finished them. Spans match exactly (start, end, label); a stance
    matches when it is the same label."""
    if layer not in LAYERS:
        raise AnnotatorError(f"unknown layer {layer!r}; choose one of {', '.join(LAYERS)}")
    if isinstance(by, int) and by < 1:
        raise AnnotatorError("--every must be at least 1 document")
    gold = project.annotator(GOLD_NAME)
    people = [a for a in project.annotators() if a.role != Role.GOLD]
    if annotators:
        missing = set(annotators) - {a.name for a in people}
        if missing:
            raise AnnotatorError(f"no annotator named {', '.join(sorted(missing))}")
        people = [a for a in people if a.name in set(annotators)]
    if layer == "stance":
        labs = [lab for lab in project.labels(Layer.DOCUMENT) if (lab.group or "stance") == "stance"]
    else:
        labs = project.labels(Layer(layer))
    lab_name = {lab.id: lab.name for lab in labs}
    label_names = [lab.name for lab in labs]
    rep = GoldReport(layer, "week" if by == "week" else f"{by} documents", 0, [], label_names)
    if gold is None:
        rep.warnings.append("there is no gold set yet: review documents first (annotator review)")
        return rep
    times = status_times(project, [gold.id] + [a.id for a in people])
    reviewed = sorted(d for (d, aid), (st, _t) in times.items() if aid == gold.id and st == Status.DONE)
    rep.documents = len(reviewed)
    if not reviewed:
        rep.warnings.append("no document has been reviewed into the gold set yet")
        return rep
    skip = () if include_suggestions else SUGGESTION_ORIGINS
    finished: dict[str, list[tuple[float, int]]] = {a.name: [] for a in people}
    per_doc: dict[tuple[str, int], dict] = {}
    for d in reviewed:
        _check(cancelled)
        items = _items_of(project, layer, d, lab_name, skip)
        g = items.get(gold.id, [])
        for a in people:
            st = times.get((d, a.id))
            if st is None or st[0] != Status.DONE:
                continue
            mine = items.get(a.id, [])
            per_doc[(a.name, d)] = {"tp": exact_matches(mine, g), "pred": Counter(x[2] for x in mine),
                                    "gold": Counter(x[2] for x in g)}
            finished[a.name].append((st[1], d))
    rep.annotators = [a.name for a in people if finished[a.name]]

    def scores(name: str, docs: list[int]) -> dict:
        tp, pred, gl = Counter(), Counter(), Counter()
        for d in docs:
            c = per_doc[(name, d)]
            tp.update(c["tp"])
            pred.update(c["pred"])
            gl.update(c["gold"])
        out = {None: GoldScore(name, None, sum(tp.values()), sum(pred.values()), sum(gl.values()), len(docs))}
        for lab in label_names:
            out[lab] = GoldScore(name, lab, tp[lab], pred[lab], gl[lab], len(docs))
        return out

    for name in rep.annotators:
        done = sorted(finished[name])
        rep.scores.extend(scores(name, [d for _t, d in done]).values())
        buckets: list[tuple[str, list]] = []
        if by == "week":
            for t, d in done:
                y, w, _ = _dt.datetime.fromtimestamp(t, _dt.timezone.utc).isocalendar()
                key = f"{y}-W{w:02d}"
                if not buckets or buckets[-1][0] != key:
                    buckets.append((key, []))
                buckets[-1][1].append((t, d))
        else:
            for i in range(0, len(done), by):
                chunk = done[i:i + by]
                buckets.append((f"docs {i + 1}–{i + len(chunk)}", chunk))
        rep.timeline[name] = [GoldPoint(key, chunk[0][0], scores(name, [d for _t, d in chunk]))
                              for key, chunk in buckets]
    if rep.documents < MIN_ITEMS:
        rep.warnings.append(f"only {rep.documents} reviewed document{'s' if rep.documents != 1 else ''}: "
                            f"every figure is a rough guide")
    return rep


def gold_table(rep: GoldReport) -> str:
    lines = [f"Against gold on layer '{rep.layer}': {rep.documents} reviewed documents, by {rep.by}"]
    lines += [f"warning: {w}" for w in rep.warnings]
    lines += ["", f"{'annotator':<14} {'label':<16} {'precision':>9} {'recall':>9} {'F1':>9} {'gold':>7} {'docs':>6}"]
    for s in rep.scores:
        if s.label is not None and not (s.gold or s.predicted):
            continue
        lines.append(f"{s.annotator:<14} {(s.label or 'all'):<16} {_fmt(s.precision):>9} {_fmt(s.recall):>9} "
                     f"{_fmt(s.f1):>9} {s.gold:>7} {s.documents:>6}")
    for name, pts in rep.timeline.items():
        lines += ["", f"{name} over time (F1, all labels):"]
        for p in pts:
            s = p.scores[None]
            lines.append(f"  {p.bucket:<16} {_fmt(s.f1):>9}  ({s.documents} documents)")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- confusion drill-down
@dataclass(frozen=True, slots=True)
class Case:
    """One aligned pair of spans behind a confusion-matrix cell."""

    document_id: int
    title: str
    a: str
    b: str
    span_a: tuple[int, int, str] | None
    span_b: tuple[int, int, str] | None
    kind: str
    text_a: str
    text_b: str


def confusion_cases(project: Project, report: AgreementReport, label_a: str, label_b: str,
                    pair: tuple[str, str] | None = None, limit: int = 500) -> list[Case]:
    """The spans behind the confusion cell (``label_a`` of the first annotator, ``label_b`` of the second;
    ``(not annotated)`` for a span the other did not mark), on the documents the report counted. With
    ``pair`` None every pair is searched in both directions, as the all-pairs matrix counts them."""
    if report.layer == "stance":
        return _stance_cases(project, report, label_a, label_b, pair, limit)
    pairs = [pair] if pair is not None else report.pairs() + [(b, a) for a, b in report.pairs()]
    labs = {lab.id: lab.name for lab in project.labels(Layer(report.layer))}
    ann = {a.name: a.id for a in project.annotators()}
    out: list[Case] = []
    counted = {p: {d for d, _v in lst} for p, lst in report.pair_documents.items()}
    for doc_id in sorted(set().union(*counted.values()) if counted else set()):
        spans = [s for s in project.spans(doc_id) if s.label_id in labs and str(s.origin) not in SUGGESTION_ORIGINS]
        doc = None
        for a, b in pairs:
            if doc_id not in counted.get((a, b), counted.get((b, a), set())):
                continue
            sa = [(s.start, s.end, labs[s.label_id]) for s in spans if s.annotator_id == ann.get(a)]
            sb = [(s.start, s.end, labs[s.label_id]) for s in spans if s.annotator_id == ann.get(b)]
            for i, j, kind in align(sa, sb):
                la = sa[i][2] if i is not None else NOT_ANNOTATED
                lb = sb[j][2] if j is not None else NOT_ANNOTATED
                if (la, lb) != (label_a, label_b):
                    continue
                doc = doc or project.document(doc_id)
                x = sa[i] if i is not None else None
                y = sb[j] if j is not None else None
                out.append(Case(doc_id, doc.title, a, b, x, y, kind, doc.text[x[0]:x[1]] if x else "",
                                doc.text[y[0]:y[1]] if y else ""))
                if len(out) >= limit:
                    return out
    return out


def _stance_cases(project: Project, report: AgreementReport, label_a: str, label_b: str,
                  pair: tuple[str, str] | None, limit: int) -> list[Case]:
    pairs = [pair] if pair is not None else report.pairs() + [(b, a) for a, b in report.pairs()]
    ann = {a.name: a.id for a in project.annotators()}
    out = []
    for r in report.document_rows:
        labels = {dl.annotator_id: project.label(dl.label_id).name for dl in project.document_labels(r.document_id)}
        for a, b in pairs:
            if a not in r.annotators or b not in r.annotators:
                continue
            la, lb = labels.get(ann[a], NOT_ANNOTATED), labels.get(ann[b], NOT_ANNOTATED)
            if (la, lb) == (label_a, label_b):
                out.append(Case(r.document_id, r.title, a, b, None, None, "agree" if la == lb else "label", la, lb))
                if len(out) >= limit:
                    return out
    return out
