"""A demo project for the agreement dashboard and report screenshots (and for trying them by hand):
60 news reports, three annotators who disagree in the usual ways, a lead who does not annotate, and a
gold set for 40 of the documents. Chen starts sloppy and improves, so "against gold over time" shows it.

    .venv/bin/python benchmarks/agreement_demo.py OUT.annotator [--docs 60] [--seed 3]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from annotator.core.model import Layer, NewDocument, Origin, Role, Status
from annotator.core.schema import load_schema
from annotator.services.importing import import_documents
from annotator.services.sample import default_schema_path
from annotator.storage import Project

LABELS = {"Karsk": "GPE", "Ostrava": "GPE", "Velmora": "GPE", "Tuesday": "DATE", "Monday": "DATE",
          "Defence Ministry": "ORG", "United Nations": "ORG", "Red Cross": "ORG", "Anna Novak": "PERSON",
          "Petr Dvorak": "PERSON", "Karskian": "NORP", "10,000": "CARDINAL", "2,000": "CARDINAL"}
SENTENCES = [
    "{a} said on {d} that {n} troops had crossed into {g}.",
    "The {o} in {g} denied the report on {d}.",
    "{p} of the {o} told reporters that {n} soldiers were killed near {g}.",
    "{k} officials met the {o} in {g2} on {d}.",
    "According to {p}, the fighting around {g} continued overnight.",
]


def _text(rng: random.Random, i: int) -> str:
    pick = lambda keys: rng.choice(keys)  # noqa: E731
    g = [k for k, v in LABELS.items() if v == "GPE"]
    out = []
    for _ in range(rng.randint(4, 7)):
        out.append(rng.choice(SENTENCES).format(
            a=pick(["Anna Novak", "Petr Dvorak"]), p=pick(["Anna Novak", "Petr Dvorak"]), d=pick(["Tuesday", "Monday"]),
            n=pick(["10,000", "2,000"]), g=pick(g), g2=pick(g), o=pick(["Defence Ministry", "United Nations", "Red Cross"]),
            k="Karskian"))
    return f"Report {i + 1}\n\n" + " ".join(out)


def build(path: Path, docs: int = 60, seed: int = 3) -> Project:
    rng = random.Random(seed)
    project = Project.create(path)
    project.apply_schema(load_schema(default_schema_path()))
    import_documents(project, [NewDocument(_text(rng, i), title=f"Border report {i + 1}") for i in range(docs)])
    people = {n: project.ensure_annotator(n) for n in ("alice", "bo", "chen")}
    lead = project.ensure_annotator("lena", Role.LEAD)
    del lead  # the lead reviews; she annotates nothing and must not show up in the progress chart
    gold = project.gold()
    labels = {lab.name: lab.id for lab in project.labels(Layer.ENTITY)}
    stance = {lab.name: lab.id for lab in project.labels(Layer.DOCUMENT)}
    pattern = re.compile("|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)))
    rows = []
    for n, doc in enumerate(project.documents()):
        truth = [(m.start(), m.end(), LABELS[m.group()]) for m in pattern.finditer(doc.text)]
        true_stance = "AGAINST" if rng.random() < 0.12 else "NONE"
        for name, a in people.items():
            # error rate per span: chen improves from 45 % to 8 % over the documents
            err = {"alice": 0.07, "bo": 0.15, "chen": 0.45 - 0.37 * n / max(docs - 1, 1)}[name]
            if name == "chen" and n >= docs - 6:
                continue  # chen has not finished the last few
            for s, e, lab in truth:
                r = rng.random()
                if r < err * 0.35:
                    continue  # missed
                if r < err * 0.6:
                    lab = rng.choice([x for x in ("GPE", "LOC", "ORG", "NORP") if x != lab])  # label
                elif r < err:
                    e = min(len(doc.text), e + rng.choice((1, 4)))  # boundary
                rows.append((doc.id, a.id, labels[lab], s, e, {}, Origin.MANUAL))
            st = true_stance if rng.random() > err / 2 else rng.choice(["FAVOR", "AGAINST", "NONE"])
            project.set_document_label(doc.id, a.id, "stance", stance[st])
            project.set_status(doc.id, a.id, Status.DONE)
        if n < int(docs * 2 / 3):
            rows.extend((doc.id, gold.id, labels[lab], s, e, {}, Origin.MANUAL) for s, e, lab in truth)
            project.set_document_label(doc.id, gold.id, "stance", stance[true_stance])
            project.set_status(doc.id, gold.id, Status.DONE)
    project.add_spans(rows)
    return project


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    if args.out.exists():
        args.out.unlink()
    build(args.out, args.docs, args.seed).close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
