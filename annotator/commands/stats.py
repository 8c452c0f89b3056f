"""annotator stats --project P"""

from __future__ import annotations

import argparse

import orjson

from annotator.commands._common import add_project_arg, open_project
from annotator.storage.counts import project_stats


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="counts of documents, labels in use and work per annotator",
                       description="A label counts what it is used for: spans for entity and claim labels, "
                                   "documents for document labels (stance). Pending machine suggestions "
                                   "are counted apart from spans.")
    add_project_arg(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        s = project_stats(project)
    if args.json:
        print(orjson.dumps(s, option=orjson.OPT_INDENT_2).decode())
        return 0
    size = f", file {s['size_bytes'] / 1e6:.1f} MB" if s["size_bytes"] else ""
    print(f"project     {s['path']}")
    print(f"documents   {s['documents']:,} ({s['characters']:,} characters{size})")
    print("\nlabel                layer         used  suggested")
    for lab in s["labels"]:
        used = lab["document_labels"] if lab["layer"] == "document" else lab["spans"]
        unit = "docs" if lab["layer"] == "document" else "spans"
        print(f"{lab['name']:<20} {lab['layer']:<10} {used:>7,} {unit:<5} {lab['suggestions']:>6,}")
    print("\nannotator            role          spans  suggested  doc labels  links   done")
    for a in s["annotators"]:
        print(f"{a['name']:<20} {a['role']:<10} {a['spans']:>8,} {a['suggestions']:>10,} {a['document_labels']:>11,} "
              f"{a['claim_links']:>6,} {a['done']:>6,}")
    return 0
