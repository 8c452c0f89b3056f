"""annotator stories group|list|suggest|flags|export-pairs|agreement --project P

Stories are articles about one event; claims in them are linked across articles
(same / supports / contradicts). See docs/claims.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from annotator.commands._common import add_project_arg, open_project
from annotator.core.errors import ProjectError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stories", help="group articles into stories; suggest and export claim links")
    ssub = p.add_subparsers(dest="stories_command", metavar="ACTION", required=True)

    g = ssub.add_parser("group", help="group articles about the same event (hand-edited stories are kept)")
    add_project_arg(g)
    g.add_argument("--threshold", type=float, default=None,
                   help="similarity (0-1) above which articles are one story (default 0.1)")
    g.set_defaults(func=run_group)

    ls = ssub.add_parser("list", help="list stories and their articles")
    add_project_arg(ls)
    ls.add_argument("--json", action="store_true", help="print JSON Lines instead of a table")
    ls.set_defaults(func=run_list)

    s = ssub.add_parser("suggest", help="suggest claim links in a story for one annotator")
    add_project_arg(s)
    s.add_argument("story", type=int, help="story id (see 'annotator stories list')")
    s.add_argument("--annotator", required=True, help="whose claims to compare")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true", help="print JSON Lines")
    s.set_defaults(func=run_suggest)

    f = ssub.add_parser("flags", help="conflicting figures between claims of a story")
    add_project_arg(f)
    f.add_argument("story", type=int)
    f.add_argument("--annotator", required=True)
    f.set_defaults(func=run_flags)

    e = ssub.add_parser("export-pairs", help="write claim pairs as JSON Lines (claim matching / stance training)")
    add_project_arg(e)
    e.add_argument("output", type=Path)
    e.add_argument("--annotator", action="append", help="only this annotator's links (repeatable)")
    e.add_argument("--story", type=int, help="only this story")
    e.add_argument("--no-negatives", action="store_true", help="leave out unlinked pairs (label 'unrelated')")
    e.add_argument("--force", action="store_true", help="overwrite the output file")
    e.set_defaults(func=run_export)

    a = ssub.add_parser("agreement", help="pairwise F1 on claim links between annotators")
    add_project_arg(a)
    a.add_argument("--annotator", action="append", help="compare only these annotators (repeatable)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=run_agreement)


def _annotator(project, name: str):
    a = project.annotator(name)
    if a is None:
        raise ProjectError(f"no annotator {name!r} in this project")
    return a


def run_group(args: argparse.Namespace) -> int:
    from annotator.services.stories import GROUP_THRESHOLD, group_stories

    with open_project(args, write=True) as project:
        made = group_stories(project, threshold=args.threshold if args.threshold is not None else GROUP_THRESHOLD)
        for s in made:
            print(f"story {s.id}: {s.title} — documents {', '.join(map(str, s.document_ids))}")
        print(f"{len(made)} automatic stor{'y' if len(made) == 1 else 'ies'}", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from annotator.storage.claims import ClaimStore

    with open_project(args) as project:
        stories = ClaimStore(project).stories()
        titles = {d.id: d.title for d in project.summaries([i for s in stories for i in s.document_ids])}
    for s in stories:
        if args.json:
            sys.stdout.write(orjson.dumps({"id": s.id, "title": s.title, "origin": s.origin,
                                           "documents": list(s.document_ids)},
                                          option=orjson.OPT_APPEND_NEWLINE).decode())
            continue
        print(f"{s.id:>4}  {s.title}  ({s.origin}, {len(s.document_ids)} articles)")
        for d in s.document_ids:
            print(f"        {d:>5}  {titles.get(d, '')}")
    return 0


def run_suggest(args: argparse.Namespace) -> int:
    from annotator.services.stories import suggestions

    with open_project(args) as project:
        a = _annotator(project, args.annotator)
        for s in suggestions(project, args.story, a.id)[: args.limit]:
            if args.json:
                sys.stdout.write(orjson.dumps({
                    "a": s.a.span_id, "b": s.b.span_id, "kind": str(s.kind), "score": round(s.score, 4),
                    "text_similarity": round(s.text_similarity, 4), "entity_overlap": round(s.entity_overlap, 4),
                    "a_text": s.a.text, "b_text": s.b.text, "conflicts": [c.to_json() for c in s.conflicts],
                }, option=orjson.OPT_APPEND_NEWLINE | orjson.OPT_SORT_KEYS).decode())
            else:
                print(f"{s.score:.2f}  {s.kind:<11}  [{s.a.span_id}] {s.a.text}\n"
                      f"{'':19}[{s.b.span_id}] {s.b.text}")
                for c in s.conflicts:
                    print(f"{'':19}conflicting figures: {c.describe()}")
    return 0


def run_flags(args: argparse.Namespace) -> int:
    from annotator.services.stories import story_board

    with open_project(args) as project:
        board = story_board(project, args.story, _annotator(project, args.annotator).id)
    n = sum(len(cs) for cs in board.claims.values())
    claims = f"{n} claim{'s' if n != 1 else ''}"
    if not board.flags:
        print(f"no conflicting figures among {claims}")
        return 0
    for f in board.flags:
        state = "confirmed" if f.confirmed else "to confirm"
        print(f"[{f.a.span_id}] ↔ [{f.b.span_id}]  {f.describe()}  ({state})")
    confirmed = sum(f.confirmed for f in board.flags)
    print(f"{len(board.flags)} pair{'s' if len(board.flags) != 1 else ''} of conflicting figures among {claims} "
          f"({confirmed} confirmed)")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from annotator.services.stories import export_pairs

    if args.output.exists() and not args.force:
        print(f"annotator: {args.output} exists (use --force to overwrite)", file=sys.stderr)
        return 2
    with open_project(args) as project:
        n = export_pairs(project, args.output, annotators=args.annotator, story_id=args.story,
                         negatives=not args.no_negatives, force=args.force)
    print(f"wrote {n} claim pair{'s' if n != 1 else ''} to {args.output}", file=sys.stderr)
    return 0


def run_agreement(args: argparse.Namespace) -> int:
    from annotator.services.stories import link_agreement

    with open_project(args) as project:
        res = link_agreement(project, args.annotator)
    if args.json:
        print(orjson.dumps(res, option=orjson.OPT_INDENT_2).decode())
        return 0
    print("annotator a      annotator b      links a  links b   F1    F1 (any kind)")
    for p in res["pairs"]:
        if p["f1"] is None:
            print(f"{p['a']:<16} {p['b']:<16} {p['links_a']:>7} {p['links_b']:>8}  undefined ({p['undefined_reason']})")
            continue
        print(f"{p['a']:<16} {p['b']:<16} {p['links_a']:>7} {p['links_b']:>8}  {p['f1']:.3f}  {p['f1_unlabelled']:.3f}")
    if res["mean_f1"] is not None:
        print(f"mean F1 over pairs with links: {res['mean_f1']:.3f}")
    else:
        print("no annotator linked any claims: link agreement is undefined")
    return 0
