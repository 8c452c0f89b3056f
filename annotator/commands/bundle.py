"""annotator bundle export --annotator NAME --out FILE [--with-text] --project P
annotator bundle show FILE"""

from __future__ import annotations

import argparse
import time

from annotator.commands._common import add_project_arg, open_project
from annotator.services.bundles import export_bundle, read_bundle


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bundle", help="export one annotator's work as a bundle file (for 'annotator merge')",
                       description="A bundle holds one annotator's spans, document labels, statuses, "
                                   "relations, claim links, stories and rejected suggestions (and, for the "
                                   "adjudicated set 'gold', the lead's review records), with documents named by "
                                   "content hash, so a lead can merge it into a master project that was built "
                                   "separately. What it cannot carry is printed.")
    bsub = p.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    e = bsub.add_parser("export", help="write an annotator's work to a bundle file")
    e.add_argument("--annotator", "-a", required=True, help="whose work to export")
    e.add_argument("--out", "-o", required=True, help="bundle file to write (e.g. alice.annbundle)")
    e.add_argument("--with-text", action="store_true",
                   help="include the document texts, so documents the master lacks can be added")
    add_project_arg(e)
    e.set_defaults(func=run_export)
    s = bsub.add_parser("show", help="print what a bundle holds")
    s.add_argument("file")
    s.set_defaults(func=run_show)


def run_export(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        report = export_bundle(project, args.annotator, args.out, with_text=args.with_text)
    print(report.summary())
    return 0


def run_show(args: argparse.Namespace) -> int:
    b = read_bundle(args.file)
    with_text = sum(d.get("text") is not None for d in b.documents)
    print(f"annotator:  {b.annotator} ({b.role})")
    print(f"exported:   {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(b.exported_at))}")
    print(f"documents:  {len(b.documents)} ({with_text} with text)")
    print(f"spans:      {b.span_count}")
    print(f"relations:  {len(b.relations)}")
    print(f"version:    {b.version}")
    if b.version >= 2:
        print(f"claim links: {len(b.claim_links)}")
        print(f"stories:    {len(b.stories)}")
        print(f"rejected suggestions: {len(b.rejected)}")
        if b.review is not None:
            print(f"review records: {len(b.review)}")
    print(f"schema:     {b.schema.name} ({len(b.schema.labels)} labels)")
    print(f"digest:     {b.digest}")
    return 0
