"""Headless review and assignment.

``annotator assign --project P --annotators a,b,c --overlap 0.2 --seed N``
``annotator review queue --project P [--threshold all|majority|N] [--min-annotators N] [--format table|json]``
``annotator review auto-accept --project P [--threshold …] [--adjudicator NAME] [--mark-reviewed]``
"""

from __future__ import annotations

import argparse
import sys

import orjson

from annotator.commands._common import add_project_arg, open_project


def _threshold_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threshold", default="majority",
                   help="how many annotators must agree for a version to be pre-accepted: all, majority "
                        "(more than half) or a number N (default: majority)")
    p.add_argument("--include-unfinished", action="store_true",
                   help="also review annotators who have the document in progress, not done")


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("assign", help="assign documents to annotators, with overlap for double annotation",
                       description="Every not yet assigned document goes to one annotator; a fraction (--overlap) "
                                   "goes to two, spread over every pair, so agreement can be measured. The "
                                   "documents are shuffled with --seed, so the same seed gives the same plan.")
    add_project_arg(a)
    a.add_argument("--annotators", required=True, help="comma-separated annotator names")
    a.add_argument("--overlap", type=float, default=0.2, help="fraction of documents given to two annotators")
    a.add_argument("--seed", type=int, default=0, help="shuffle seed (default: 0)")
    a.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    a.set_defaults(func=run_assign)

    r = sub.add_parser("review", help="review queue and pre-acceptance of agreed annotations (gold set)",
                       description="The gold set is what 'annotator export --gold' writes.")
    rs = r.add_subparsers(dest="review_command", metavar="{queue,auto-accept}", required=True)
    q = rs.add_parser("queue", help="documents to review, most unresolved disagreements first")
    add_project_arg(q)
    _threshold_args(q)
    q.add_argument("--min-annotators", type=int, default=2,
                   help="flag documents finished by fewer annotators (default: 2)")
    q.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    q.set_defaults(func=run_queue)
    aa = rs.add_parser("auto-accept", help="put every version that meets the threshold into the gold set")
    add_project_arg(aa)
    _threshold_args(aa)
    aa.add_argument("--adjudicator", default="auto", help="name recorded in the provenance (default: auto)")
    aa.add_argument("--mark-reviewed", action="store_true",
                    help="mark documents with nothing left to decide as reviewed")
    aa.set_defaults(func=run_auto_accept)


def run_assign(args: argparse.Namespace) -> int:
    from annotator.services import review

    names = [n.strip() for n in args.annotators.split(",") if n.strip()]
    with open_project(args, write=True) as project:
        plan = review.assign(project, names, overlap=args.overlap, seed=args.seed)
    if args.fmt == "json":
        sys.stdout.write(orjson.dumps(plan, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        counts: dict[int, int] = {}
        for docs in plan.values():
            for d in docs:
                counts[d] = counts.get(d, 0) + 1
        for name, docs in plan.items():
            print(f"{name}: {len(docs)} documents")
        print(f"{len(counts)} documents assigned, {sum(1 for c in counts.values() if c > 1)} to two annotators")
    return 0


def run_queue(args: argparse.Namespace) -> int:
    from annotator.services import review

    with open_project(args) as project:
        q = review.review_queue(project, threshold=args.threshold, min_annotators=args.min_annotators,
                                include_unfinished=args.include_unfinished)
    if args.fmt == "json":
        out = {"reviewed": q.reviewed, "total": len(q.items), "min_annotators": q.min_annotators,
               "documents": [{"id": i.document_id, "title": i.title, "annotators": list(i.annotators),
                              "disagreements": i.disagreements, "unresolved": i.unresolved,
                              "reviewed": i.reviewed, "flagged": i.flagged} for i in q.items]}
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    print(f"{'id':>6}  {'open':>4}  {'dis.':>4}  {'state':<9}  {'annotators':<24}  title")
    for i in q.items:
        state = "reviewed" if i.reviewed else ("FLAGGED" if i.flagged else "to review")
        print(f"{i.document_id:>6}  {i.unresolved:>4}  {i.disagreements:>4}  {state:<9}  "
              f"{', '.join(i.annotators)[:24]:<24}  {i.title[:60]}")
    print(q.progress())
    return 0


def run_auto_accept(args: argparse.Namespace) -> int:
    from annotator.services import review

    with open_project(args, write=True) as project:
        got = review.auto_accept(project, threshold=args.threshold, adjudicator=args.adjudicator,
                                 include_unfinished=args.include_unfinished, mark_reviewed=args.mark_reviewed)
    print(f"pre-accepted {got['spans']} spans and {got['stances']} stances in {got['documents']} documents "
          f"(threshold: {args.threshold})")
    return 0
