"""annotator labels export|import FILE --project P"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project
from annotator.core.schema import load_schema, save_schema


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("labels", help="export or import the project's label schema (JSON)")
    lsub = p.add_subparsers(dest="labels_command", metavar="ACTION", required=True)
    e = lsub.add_parser("export", help="write the schema to a JSON file ('-' for standard output)")
    e.add_argument("file")
    add_project_arg(e)
    e.set_defaults(func=run_export)
    i = lsub.add_parser("import", help="add or update labels from a JSON schema file")
    i.add_argument("file")
    add_project_arg(i)
    i.set_defaults(func=run_import)
    ls = lsub.add_parser("list", help="print the labels")
    add_project_arg(ls)
    ls.set_defaults(func=run_list)


def run_export(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        schema = project.schema()
    if args.file == "-":
        import orjson

        sys.stdout.write(orjson.dumps(schema.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        save_schema(schema, args.file)
        print(f"wrote {len(schema.labels)} labels to {args.file}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    schema = load_schema(args.file)
    with open_project(args, create=True, write=True) as project:
        project.apply_schema(schema)
    print(f"{len(schema.labels)} labels imported from {args.file}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        for lab in project.labels():
            print(f"{lab.layer:<9} {lab.name:<12} {lab.hotkey or '':<3} {lab.color}  {lab.description[:60]}")
    return 0
