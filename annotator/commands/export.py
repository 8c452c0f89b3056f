"""annotator export --format F (--annotator NAME | --gold | --merged) --out PATH"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.formats.registry import INTERCHANGE_NAMES
from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.formats.units import UNITS
from annotator.services.exporting import ExportOptions, OutputExists, export

FORMATS = INTERCHANGE_NAMES  # the one list: annotator.formats.registry
SHOW_ISSUES = 20


def _fractions(s: str) -> list[float]:
    try:
        parts = [float(x) for x in s.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("give 2 or 3 fractions, e.g. 0.8,0.1,0.1") from None
    if not 2 <= len(parts) <= 3 or abs(sum(parts) - 1) > 1e-6 or min(parts) < 0:
        raise argparse.ArgumentTypeError("give 2 or 3 fractions that add up to 1, e.g. 0.8,0.1,0.1")
    return parts


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export annotations as training data (spaCy, Prodigy, doccano, CoNLL, brat, CSV, native)",
        description="Export one annotator's work, the gold set, or a majority-merged view. The file is "
                    "written under a temporary name and renamed into place when complete; an existing "
                    "file is never overwritten without --force. See docs/formats.md.")
    p.add_argument("--format", "-f", required=True, choices=FORMATS)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--annotator", "-a", metavar="NAME", help="this annotator's work")
    who.add_argument("--gold", action="store_true", help="the adjudicated gold set")
    who.add_argument("--merged", action="store_true",
                     help="what a strict majority of the annotators of each document agreed on")
    p.add_argument("--out", "-o", required=True, type=Path,
                   help="output file (a folder for brat, for --split and for --shard-size)")
    add_project_arg(p)
    p.add_argument("--split", type=_fractions, metavar="TRAIN,DEV[,TEST]",
                   help="split into train/dev(/test) files inside --out, e.g. 0.8,0.1,0.1")
    p.add_argument("--seed", type=int, default=0, help="seed of the split's shuffle (default 0)")
    p.add_argument("--stratify", action="store_true", help="keep each part's stance mix like the whole")
    p.add_argument("--align", choices=("expand", "contract", "skip"), default="expand",
                   help="spans off token boundaries (spacy, prodigy, conll): grow to whole tokens (default), "
                        "shrink to whole tokens, or leave out; each is reported")
    p.add_argument("--all-documents", action="store_true",
                   help="also export documents the chosen view has not worked on")
    p.add_argument("--include-suggestions", action="store_true",
                   help="also export machine suggestions nobody has accepted yet (origin pattern/model)")
    p.add_argument("--shard-size", type=int, default=0, metavar="DOCS",
                   help="spacy: write a folder of .spacy files of this many documents each (bounded memory)")
    p.add_argument("--language", help="spaCy language of the blank tokenizer (default: the project's)")
    p.add_argument("--offsets", choices=UNITS, default=None,
                   help="doccano: the unit to count offsets in (default utf16, what doccano's front end counts)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.stratify and not args.split:
        print("annotator: --stratify needs --split", file=sys.stderr)
        return 2
    if args.offsets and args.format != "doccano":
        print("annotator: --offsets applies to --format doccano only", file=sys.stderr)
        return 2
    project = open_project(args)
    opts = ExportOptions(args.format, args.out, annotator=args.annotator, gold=args.gold, merged=args.merged,
                         split=args.split, seed=args.seed, stratify=args.stratify, align=args.align,
                         force=args.force, all_documents=args.all_documents, shard_docs=args.shard_size,
                         suggestions=args.include_suggestions,
                         language=args.language, offsets=args.offsets or "utf16")
    existed = args.out.exists()
    try:
        with progress_bar("exporting", unit="doc") as progress:
            try:
                report = export(project, opts, progress=progress)
            except OutputExists as e:
                print(f"annotator: {e}", file=sys.stderr)
                return 1
            except OSError as e:  # full disk, I/O error, no permission: the temporary file is gone
                why = "the disk is full" if e.errno in (errno.ENOSPC, errno.EDQUOT) else (e.strerror or str(e))
                kept = "the previous export there is unchanged" if existed else "nothing was written under that name"
                raise ProjectError(f"cannot write {args.out}: {why}; {kept}") from None
    finally:
        project.close()
    for issue in report.issues[:SHOW_ISSUES]:
        print(f"note: {issue}", file=sys.stderr)
    if len(report.issues) > SHOW_ISSUES:
        print(f"note: … and {len(report.issues) - SHOW_ISSUES} more", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return 0
