"""annotator merge BUNDLE… --project P"""

from __future__ import annotations

import argparse
import os
import sys

from pathlib import Path

from annotator.commands._common import add_project_arg, open_project
from annotator.services.bundles import SchemaConflict, create_master, merge_bundles
from annotator.storage import postgres


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge annotators' bundles into this (master) project",
                       description="Merge bundles written by 'annotator bundle export'. A bundle replaces its "
                                   "annotator's work in the project (and nobody else's); merging the same "
                                   "bundle again changes nothing; a bundle older than the one merged before "
                                   "for that annotator is refused. Label schemas are checked first: on a "
                                   "conflict nothing is written. Each bundle is merged whole or not at all. "
                                   "A --project file that does not exist yet is created with the first "
                                   "bundle's label schema. Whatever the project cannot take is reported "
                                   "(exit 1).")
    p.add_argument("bundles", nargs="+", metavar="BUNDLE")
    add_project_arg(p)
    p.add_argument("--no-add-documents", dest="add_documents", action="store_false",
                   help="do not add documents the project lacks, even if a bundle carries their text")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def _open_or_create(args: argparse.Namespace):
    target = getattr(args, "project", None)
    if target and not postgres.is_url(target) and not os.path.lexists(target):  # (a dangling link is refused)
        project, source = create_master(Path(target), args.bundles)
        print(f"annotator: created master project {project.path} with the label schema of {source}", file=sys.stderr)
        return project
    return open_project(args, write=True)  # a read-only master is refused before any work


def run(args: argparse.Namespace) -> int:
    with _open_or_create(args) as project:
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
        if args.quiet and stream is sys.stdout:
            for line in r.not_merged:
                print(f"  not merged: {line}", file=sys.stderr)
        for h, title in r.missing[:20]:
            print(f"  missing: {title or '(untitled)'} [{h}]", file=sys.stderr)
        if len(r.missing) > 20:
            print(f"  … and {len(r.missing) - 20} more missing documents", file=sys.stderr)
    if not args.quiet:
        print(report.summary().splitlines()[-1])
    return 0 if report.ok and all(r.action != "older" for r in report.results) else 1
