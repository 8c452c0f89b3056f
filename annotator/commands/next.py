"""annotator next --model NAME [--annotator NAME] [--top N]: what to annotate next

Documents ordered by the model's uncertainty (active learning), most uncertain first; with
--annotator, only documents that annotator has not finished (their assignments when they
have any). See docs/training.md.
"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.commands._training import dumps


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("next", help="documents to annotate next, the model's most uncertain first",
                       description="Run a trained model (with textcat and/or spancat) on the documents and order "
                                   "them by how unsure it is (stance margin, span scores near the threshold).")
    add_project_arg(p)
    p.add_argument("--model", "-m", default="latest", help="model name (default: the newest)")
    p.add_argument("--annotator", "-a", metavar="NAME", help="only documents this annotator has not finished")
    p.add_argument("--top", type=int, default=20, help="show this many (default 20; 0 for all)")
    p.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.training.store import get_model
    from annotator.services.training.uncertainty import rank_documents

    with open_project(args) as project:
        model = get_model(project, args.model)
        aid = ids = None
        if args.annotator:
            who = project.annotator(args.annotator)
            if who is None:
                print(f"annotator: no annotator {args.annotator!r} in this project", file=sys.stderr)
                return 2
            aid = who.id
            ids = project.assignments(aid) or None
        with progress_bar("scoring", unit="doc") as progress:
            ranked = rank_documents(project, model, annotator_id=aid, document_ids=ids, progress=progress)
    if args.top:
        ranked = ranked[:args.top]
    if args.fmt == "json":
        sys.stdout.write(dumps([{"id": u.document_id, "title": u.title, "uncertainty": u.uncertainty,
                                 "stance": u.stance, "stance_probability": u.stance_probability} for u in ranked]))
        return 0
    print(f"{'id':>6} {'uncert.':>7}  {'stance':<14} title")
    for u in ranked:
        st = f"{u.stance} {100 * u.stance_probability:.0f}%" if u.stance else "-"
        print(f"{u.document_id:>6} {u.uncertainty:7.3f}  {st:<14} {u.title[:60]}")
    return 0
