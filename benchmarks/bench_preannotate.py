"""Pre-annotation throughput on N generated news articles (~3 KB each), against spaCy's
``Matcher``/``PhraseMatcher`` alone over the same texts, measured in the same run.

Rules: a phrase pattern per place and organisation of the generator (GPE, ORG), 440 names as
phrases (PERSON), token patterns for months with an optional day (DATE) and numbers (CARDINAL).
Ours is everything ``annotator preannotate`` does after loading the rules: reading documents
from SQLite in batches, tokenising, matching, keeping the longest match per label, skipping
spans the annotator already has, and storing the suggestions (one transaction per batch). The
baseline has the texts in memory and only tokenises (``make_doc``) and runs both matchers.

    python benchmarks/bench_preannotate.py [--docs 1000] [--repeat 2]

Target: documents per second >= 0.5 x spaCy's matchers alone.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import FIRST, LAST, MONTHS, ORGS, PLACES, cached_project, fresh_copy  # noqa: E402
from _report import emit  # noqa: E402

from annotator.services import preannotate as pa  # noqa: E402
from annotator.storage import Project  # noqa: E402


def rules() -> list[pa.Rule]:
    out = [pa.Rule("GPE", p, "bench:places") for p in PLACES]
    out += [pa.Rule("ORG", o.removeprefix("the "), "bench:orgs") for o in ORGS]
    out += [pa.Rule("PERSON", f"{f} {l}", "bench:names") for f in FIRST for l in LAST]
    date = ({"LOWER": {"IN": [m.lower() for m in MONTHS]}}, {"IS_DIGIT": True, "OP": "?"})
    out.append(pa.Rule("DATE", pa._token_pattern(list(date), "bench"), "bench:date"))
    out.append(pa.Rule("CARDINAL", pa._token_pattern([{"LIKE_NUM": True}], "bench"), "bench:num"))
    return out


def baseline(texts: list[str], rs: list[pa.Rule]) -> tuple[float, int]:
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank("en")
    m, pm = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab)
    phrases: dict[str, list] = {}
    for r in rs:
        if r.is_phrase:
            phrases.setdefault(r.label, []).append(nlp.make_doc(r.pattern))
        else:
            m.add(r.label, [r.tokens()])
    for lab, docs in phrases.items():
        pm.add(lab, docs)
    gc.collect()
    t0 = time.perf_counter()
    n = 0
    for t in texts:
        d = nlp.make_doc(t)
        n += len(m(d)) + len(pm(d))
    return time.perf_counter() - t0, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=2, help="best of this many runs, each side")
    args = ap.parse_args()
    src = cached_project(args.docs)
    rs = rules()
    with tempfile.TemporaryDirectory() as tmp:
        with Project.open(src) as p:
            texts = [d.text for d in p.documents()]
        base_s, base_matches = min(baseline(texts, rs) for _ in range(args.repeat))
        ours_s = float("inf")
        report = None
        for i in range(args.repeat):
            (Path(tmp) / str(i)).mkdir()
            path = fresh_copy(src, Path(tmp) / str(i))  # no suggestions yet in every run
            with Project.open(path) as p:
                sg = pa.make_suggester(p, rs)
                who = p.ensure_annotator("bench-bot")
                gc.collect()
                t0 = time.perf_counter()
                report = pa.run(p, sg, who.id)
                ours_s = min(ours_s, time.perf_counter() - t0)
        assert report is not None and report.documents == len(texts)
        n = len(texts)
        print(f"{n:,} documents, {sum(map(len, texts)) / n:,.0f} characters each on average; {len(rs)} rules; "
              f"{report.suggestions:,} suggestions stored ({report.existing:,} already tagged), "
              f"spaCy's matchers found {base_matches:,} raw matches")
        emit("preannotate_docs_per_s", n / ours_s, "docs/s", baseline=n / base_s,
             baseline_label="spaCy Matcher+PhraseMatcher alone", better="higher", target=0.5, target_on="ratio",
             note=f"{n:,} articles, read from and written to SQLite")
        emit("preannotate_suggestions_per_s", report.suggestions / ours_s, "suggestions/s",
             baseline=base_matches / base_s, baseline_label="spaCy raw matches/s", better="higher",
             note="ours: stored suggestions (longest per label, not already tagged); baseline: raw matches")


if __name__ == "__main__":
    main()
