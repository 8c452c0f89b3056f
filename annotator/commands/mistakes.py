"""annotator mistakes (--gold | --merged | --annotator NAME) [--folds 4]: likely annotation mistakes

k-fold out-of-fold predictions; items ranked by how confidently the model disagrees with the
annotation (cleanlab's label quality). See docs/training.md.
"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.commands._training import add_fit_args, add_view_args, dumps, settings_of, view_of, write_out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mistakes", help="likely annotation mistakes, found by k-fold training (cleanlab)",
                       description="Train k models, each on all folds but one, and let each judge the fold it "
                                   "did not see: entity labels and stances the model confidently disagrees with, "
                                   "and entities it confidently finds where there is none, lowest label quality "
                                   "first.")
    add_view_args(p)
    add_project_arg(p)
    p.add_argument("--folds", "-k", type=int, default=4, help="number of folds (default 4)")
    add_fit_args(p, steps=400)
    p.add_argument("--top", type=int, default=50, help="show this many items (default 50; 0 for all)")
    p.add_argument("--all", action="store_true", help="also items the model agrees with (not flagged)")
    p.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.training.mistakes import find_mistakes

    if args.folds < 2:
        print("annotator: --folds is at least 2", file=sys.stderr)
        return 2
    with open_project(args) as project, progress_bar("training folds", unit="step") as progress:
        rep = find_mistakes(project, view_of(args), k=args.folds, seed=args.seed, settings=settings_of(args),
                            progress=progress)
    items = rep.items if args.all else rep.flagged()
    if args.top:
        items = items[:args.top]
    if args.fmt == "json":
        write_out(dumps({"view": rep.view, "folds": rep.folds, "documents": rep.documents,
                         "flagged": len(rep.flagged()), "items": [m.as_dict() for m in items]}), args.output)
        return 0
    lines = [f"{len(rep.flagged())} likely mistakes in {rep.view} ({rep.documents} documents, {rep.folds} folds)",
             f"{'quality':>7} {'kind':<7} {'doc':>5} {'where':>11}  {'given':<9} {'model says':<16} text"]
    for m in items:
        where = f"{m.start}-{m.end}" if m.kind != "stance" else ""
        says = f"{m.suggested} {100 * m.probability:.0f}%"
        lines.append(f"{m.quality:7.3f} {m.kind:<7} {m.document_id or '?':>5} {where:>11}  {m.given or '-':<9} "
                     f"{says:<16} {m.text[:50]}")
    write_out("\n".join(lines) + "\n", args.output)
    return 0
