"""annotator agreement --project P [--layer entity|claim|stance] [--format table|json|csv|html]"""

from __future__ import annotations

import argparse
import sys

import orjson

from annotator.commands._common import add_project_arg, open_project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement", help="inter-annotator agreement: αu, span F1, kappas, alpha, with item counts",
        description="Agreement between annotators on documents at least two of them finished. Every figure "
                    "is printed with the number of items it rests on; undefined figures say why.")
    add_project_arg(p)
    p.add_argument("--layer", choices=("entity", "claim", "stance"), default="entity",
                   help="span layer (entity, claim) or document stance (default: entity)")
    p.add_argument("--format", choices=("table", "json", "csv", "html"), default="table", dest="fmt",
                   help="output format (default: table)")
    p.add_argument("--include-unfinished", action="store_true",
                   help="count documents an annotator has started but not marked done")
    p.add_argument("--include-suggestions", action="store_true",
                   help="count machine suggestions nobody has accepted yet (origin pattern/model)")
    p.add_argument("--annotator", action="append", dest="annotators", metavar="NAME",
                   help="only these annotators (repeat the option); default: everyone")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services import agreement

    with open_project(args) as project:
        report = agreement.compute(project, args.layer, include_unfinished=args.include_unfinished,
                                   annotators=args.annotators,
                                   include_suggestions=getattr(args, "include_suggestions", False))
    if args.fmt == "json":
        out = orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
    elif args.fmt == "csv":
        out = agreement.to_csv(report)
    elif args.fmt == "html":
        out = agreement.to_html(report)
    else:
        out = agreement.to_table(report)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(out)
    else:
        sys.stdout.write(out)
    for w in report.warnings if args.fmt != "table" else []:
        print(f"annotator: warning: {w}", file=sys.stderr)
    return 0
