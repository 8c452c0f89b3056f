"""annotator preannotate --project P (--patterns F | --terms F | --model NAME|PATH) --annotator NAME

Store machine suggestions (origin pattern/model) for an annotator to accept or reject in the
window. See docs/preannotation.md.
"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project, progress_bar


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "preannotate", help="suggest spans from patterns, term lists or an installed spaCy pipeline",
        description="Match Prodigy-style pattern files (JSONL) and term lists (one term per line; the label "
                    "from a '# label: NAME' first line or the file name) with spaCy's Matcher/PhraseMatcher, "
                    "and/or run an installed spaCy pipeline (nothing is downloaded). Matches are stored as "
                    "suggestions of --annotator; spans it already has, and suggestions it rejected, are "
                    "skipped. Exports and agreement leave suggestions out until they are accepted.")
    add_project_arg(p)
    p.add_argument("--patterns", action="append", default=[], metavar="FILE",
                   help="pattern file, JSONL lines {\"label\": …, \"pattern\": \"phrase\" | [token dicts]} "
                        "(repeat the option for several)")
    p.add_argument("--terms", action="append", default=[], metavar="FILE",
                   help="term list, one term per line (repeat the option for several)")
    p.add_argument("--model", metavar="NAME|PATH", help="an installed spaCy pipeline (package name or folder)")
    p.add_argument("--annotator", "-a", required=True, metavar="NAME", help="whose suggestions these are")
    p.add_argument("--ignore-case", action="store_true", help="match phrases and terms case-insensitively")
    p.add_argument("--document", type=int, action="append", dest="documents", metavar="ID",
                   help="only this document (repeat the option); default: every document")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services import preannotate as pa

    if not (args.patterns or args.terms or args.model):
        print("annotator: give --patterns, --terms or --model", file=sys.stderr)
        return 2
    rules = [r for f in args.patterns for r in pa.load_patterns(f)] + \
            [r for f in args.terms for r in pa.load_terms(f)]
    with open_project(args, write=True) as project:
        suggester = pa.make_suggester(project, rules, args.model, ignore_case=args.ignore_case)
        who = project.ensure_annotator(args.annotator)
        with progress_bar("suggesting", unit="doc") as progress:
            report = pa.run(project, suggester, who.id, args.documents, progress=progress)
    if not args.quiet:
        print(report.summary())
    return 0
