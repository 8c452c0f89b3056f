"""annotator merge BUNDLE… --project P"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project
from annotator.services.bundles import SchemaConflict, merge_bundles


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge annotators' bundles into this (master) project",
                       description="Merge bundles written by 'annotator bundle export'. A bundle replaces its "
                                   "annotator's work in the project (and nobody else's); merging the same "
                                   "bundle again changes nothing; a bundle older than the one merged before "
                                   "for that annotator is refused. Label schemas are checked first: on a "
                                   "conflict nothing is written. Each bundle is merged whole or not at all.")
    p.add_argument("bundles", nargs="+", metavar="BUNDLE")
    add_project_arg(p)
    p.add_argument("--no-add-documents", dest="add_documents", action="store_false",
                   help="do not add documents the project lacks, even if a bundle carries their text")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_project(args, write=True) as project:
        try:
            report = merge_bundles(project, args.bundles, add_documents=args.add_documents)
        except SchemaConflict as e:
            print("annotator: label schemas conflict; nothing was merged:", file=sys.stderr)
            for c in e.conflicts:
                print(f"  {c}", file=sys.stderr)
            return 1
    for err in report.errors:
        print(f"error: {err}", file=sys.stderr)
    for r in report.results:
        stream = sys.stderr if r.action in ("failed", "older") else sys.stdout
        if not args.quiet or stream is sys.stderr:
            print(r.summary(), file=stream)
        for h, title in r.missing[:20]:
            print(f"  missing: {title or '(untitled)'} [{h}]", file=sys.stderr)
        if len(r.missing) > 20:
            print(f"  … and {len(r.missing) - 20} more missing documents", file=sys.stderr)
    if not args.quiet:
        print(report.summary().splitlines()[-1])
    return 0 if report.ok and all(r.action != "older" for r in report.results) else 1
