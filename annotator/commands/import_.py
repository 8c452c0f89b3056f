"""annotator import PATH… --project P"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.services.importing import ImportStopped, import_paths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import articles (.txt files, folders, JSONL, CSV)",
                       description="Import articles. Folders are searched for .txt, .jsonl and .csv files. "
                                   "Text is stored with CRLF turned into LF and Unicode NFC; documents "
                                   "already in the project (same text) are skipped. Bad records are "
                                   "reported with file and line, and the rest still imports.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_project_arg(p)
    p.add_argument("--format", choices=["text", "jsonl", "csv"], help="read every file in this format "
                                                                      "(default: by file name)")
    p.add_argument("--text-column", help="CSV: the column with the article text (default: 'text')")
    p.add_argument("--as", dest="as_annotator", default="imported",
                   help="store spans found in the input as this annotator's work (default: 'imported')")
    p.add_argument("--add-labels", action="store_true", help="create labels the project does not have yet")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = open_project(args, create=True, write=True)
    try:
        with progress_bar("importing") as progress:
            report = import_paths(project, args.paths, fmt=args.format, text_column=args.text_column,
                                  annotator=args.as_annotator, add_labels=args.add_labels, progress=progress)
    except ImportStopped as e:  # the refusals so far, what was stored, then the one sentence (exit 3)
        for err in e.report.errors:
            print(f"error: {err}", file=sys.stderr)
        if not args.quiet:
            print(e.report.summary())
        raise
    finally:
        project.close()
    for err in report.errors:
        print(f"error: {err}", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return 1 if report.errors else 0
