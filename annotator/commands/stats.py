"""annotator stats --project P"""

from __future__ import annotations

import argparse

import orjson

from annotator.commands._common import add_project_arg, open_project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="counts of documents, spans per label and work per annotator")
    add_project_arg(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        s = project.stats()
    if args.json:
        print(orjson.dumps(s, option=orjson.OPT_INDENT_2).decode())
        return 0
    print(f"project     {s['path']}")
    print(f"documents   {s['documents']:,} ({s['characters']:,} characters, file {s['size_bytes'] / 1e6:.1f} MB)")
    print("\nlabel                layer      spans")
    for lab in s["labels"]:
        print(f"{lab['name']:<20} {lab['layer']:<10} {lab['spans']:>6,}")
    print("\nannotator            role       spans   done")
    for a in s["annotators"]:
        print(f"{a['name']:<20} {a['role']:<10} {a['spans']:>6,} {a['done']:>6,}")
    return 0
