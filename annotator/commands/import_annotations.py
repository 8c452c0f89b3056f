"""annotator import-annotations PATH --format F [--as NAME] [--pre] --project P"""

from __future__ import annotations

import argparse
import sys

from annotator.formats.registry import INTERCHANGE_NAMES
from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.formats.units import UNITS

FORMATS = INTERCHANGE_NAMES  # the one list: annotator.formats.registry


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-annotations", help="load annotations made elsewhere (spaCy, Prodigy, doccano, CoNLL, brat, CSV, native)",
        description="Load annotations as an annotator's work (default) or as pre-annotations to review (--pre). "
                    "Documents are matched by their text; missing ones are added (a CSV of spans needs them "
                    "there already). An annotator's existing work on a document is kept unless --replace.")
    p.add_argument("path", metavar="PATH", help="a file (a folder for brat or sharded .spacy)")
    p.add_argument("--format", "-f", required=True, choices=FORMATS)
    add_project_arg(p)
    p.add_argument("--as", dest="as_annotator", metavar="NAME",
                   help="store as this annotator's (default: the name in the file, else 'imported')")
    p.add_argument("--pre", action="store_true", help="pre-annotations: origin 'import', statuses untouched")
    p.add_argument("--replace", action="store_true", help="replace the annotator's existing work on a document")
    p.add_argument("--add-labels", action="store_true", help="create labels the project does not have yet")
    p.add_argument("--offsets", choices=UNITS, default=None,
                   help="doccano: the unit the file's offsets count (default utf16, as doccano's front end "
                        "counts; codepoints or graphemes for files from other tools)")
    p.add_argument("--utf16", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.interchange import import_annotations

    project = open_project(args, create=True, write=True)
    try:
        if args.offsets and args.format != "doccano":
            print("annotator: --offsets applies to --format doccano only", file=sys.stderr)
            return 2
        extra = {"offsets": args.offsets} if args.offsets else {}
        with progress_bar("importing annotations", unit="doc") as progress:
            report = import_annotations(project, args.path, args.format, annotator=args.as_annotator,
                                        mode="pre" if args.pre else "work", replace=args.replace,
                                        add_labels=args.add_labels, progress=progress, **extra)
    finally:
        project.close()
    for err in report.errors:
        print(f"error: {err}", file=sys.stderr)
    for note in report.skipped:
        print(f"note: {note} (use --replace)", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return 1 if report.errors else 0
