"""annotator import PATH… --project P"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_new_project_args, add_project_arg, open_project, progress_bar
from annotator.formats.units import UNITS
from annotator.services.importing import ImportStopped, describe_cuts, import_paths, preview_paths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import articles (.txt and .html files, folders, JSONL, CSV)",
                       description="Import articles. Folders are searched for .txt, .html, .jsonl and .csv files. "
                                   "Text is stored with CRLF turned into LF and Unicode NFC; documents "
                                   "already in the project (same text) are skipped. Bad records are "
                                   "reported with file and line, and the rest still imports. "
                                   "Articles in .txt and .html files get their headline, date, byline, outlet "
                                   "and dateline from the text, and web page boilerplate (comment forms, "
                                   "'Related' teasers, share and read-time badges, footers) is left out of the "
                                   "text you annotate; the file's own text is kept with the document.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_project_arg(p)
    p.add_argument("--format", choices=["text", "html", "jsonl", "csv"],
                   help="read every file in this format (default: by file name)")
    p.add_argument("--text-column", help="CSV: the column with the article text (default: 'text')")
    p.add_argument("--as", dest="as_annotator", default="imported",
                   help="store spans found in the input as this annotator's work (default: 'imported')")
    p.add_argument("--add-labels", action="store_true", help="create labels the project does not have yet")
    p.add_argument("--offsets", choices=UNITS, default=None,
                   help="JSONL: the unit span offsets count (default: doccano lines utf16, Prodigy lines codepoints)")
    p.add_argument("--keep-boilerplate", action="store_true",
                   help="keep every line of .txt and .html articles in the annotatable text (no cuts)")
    p.add_argument("--show-cuts", action="store_true", help="print every line left out, with file, line and why")
    p.add_argument("--preview", action="store_true",
                   help="import nothing: print each article's title, date, outlet, byline and the lines "
                        "that would be left out")
    add_new_project_args(p)
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.preview:
        return _preview(args)
    project = open_project(args, create=True, write=True)
    try:
        with progress_bar("importing") as progress:
            report = import_paths(project, args.paths, fmt=args.format, text_column=args.text_column,
                                  annotator=args.as_annotator, add_labels=args.add_labels, progress=progress,
                                  offsets=args.offsets, keep_boilerplate=args.keep_boilerplate)
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
    if args.show_cuts:
        for line in describe_cuts(report.cuts):
            print(f"cut: {line}")
    if not args.quiet:
        print(report.summary())
        if report.cuts and not args.show_cuts:
            print("(list the lines left out with --show-cuts; keep them with --keep-boilerplate)")
    return 1 if report.errors else 0


def _preview(args: argparse.Namespace) -> int:
    items, errors = preview_paths(args.paths, fmt=args.format, text_column=args.text_column,
                                  keep_boilerplate=args.keep_boilerplate, limit=10**9)
    for it in items:
        print(it.where)
        print(f"  title:     {it.title}")
        for name, value in (("published", it.published), ("outlet", it.source), ("byline", it.meta.get("byline")),
                            ("dateline", it.meta.get("dateline")), ("standfirst", it.meta.get("standfirst"))):
            if value:
                print(f"  {name + ':':<10} {value}")
        print(f"  text:      {it.characters:,} characters; {len(it.cuts)} line{'s' if len(it.cuts) != 1 else ''} "
              "left out")
        for line in describe_cuts((it.where, c) for c in it.cuts):
            print(f"    cut {line.removeprefix(it.where + ':')}")
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    return 1 if errors else 0
