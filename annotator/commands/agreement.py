"""annotator agreement --project P [--layer entity|claim|stance|all] [--format table|json|csv|html]
[--resamples N] [--seed S] [--gamma [SAMPLES]] [--against-gold [--every N]]"""

from __future__ import annotations

import argparse
import sys

import orjson

from annotator.commands._common import add_project_arg, open_project

LAYERS = ("entity", "claim", "stance")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement", help="inter-annotator agreement: αu, span F1, kappas, alpha, AC1, with intervals and item counts",
        description="Agreement between annotators on documents at least two of them finished. Every figure "
                    "is printed with the number of items it rests on; undefined figures say why; the main "
                    "figures carry a 95 %% bootstrap interval over documents.")
    add_project_arg(p)
    p.add_argument("--layer", choices=LAYERS + ("all",), default="entity",
                   help="span layer (entity, claim), document stance, or all three (default: entity)")
    p.add_argument("--format", choices=("table", "json", "csv", "html"), default="table", dest="fmt",
                   help="output format (default: table); html is a self-contained report that prints on A4")
    p.add_argument("--include-unfinished", action="store_true",
                   help="count documents an annotator has started but not marked done")
    p.add_argument("--include-suggestions", action="store_true",
                   help="count machine suggestions nobody has accepted yet (origin pattern/model)")
    p.add_argument("--annotator", action="append", dest="annotators", metavar="NAME",
                   help="only these annotators (repeat the option); default: everyone")
    p.add_argument("--resamples", type=int, default=1000, metavar="N",
                   help="bootstrap resamples over documents for the intervals (default 1000; 0: no intervals)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed of the bootstrap and of γ's shuffled corpora (default: fixed ones)")
    p.add_argument("--gamma", type=int, nargs="?", const=30, default=0, metavar="SAMPLES",
                   help="also compute Mathet's γ on span layers; its expected disorder is the mean of at most "
                        "SAMPLES shuffled corpora (default 30; fewer once it is known to ± 1 %%). Slower: "
                        "seconds for 10,000 news articles, minutes where spans crowd (docs/agreement.md)")
    p.add_argument("--against-gold", action="store_true",
                   help="each annotator against the reviewed gold set: precision/recall/F1 per label and over time")
    p.add_argument("--every", type=int, metavar="N",
                   help="with --against-gold: a time point every N finished documents (default: per week)")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.core.agreement.bootstrap import SEED
    from annotator.core.agreement.gamma import SEED as GAMMA_SEED
    from annotator.services import agreement

    if args.resamples < 0:
        print("annotator: error: --resamples must be 0 or more", file=sys.stderr)
        return 2
    if args.gamma < 0:
        print("annotator: error: --gamma needs 1 or more samples", file=sys.stderr)
        return 2
    layers = list(LAYERS) if args.layer == "all" else [args.layer]
    with open_project(args) as project:
        if args.against_gold:
            reports = [agreement.gold_report(project, layer, by=args.every or "week", annotators=args.annotators,
                                             include_suggestions=args.include_suggestions) for layer in layers]
        else:
            reports = [agreement.compute(project, layer, include_unfinished=args.include_unfinished,
                                         annotators=args.annotators, include_suggestions=args.include_suggestions,
                                         resamples=args.resamples, seed=SEED if args.seed is None else args.seed,
                                         gamma_samples=args.gamma,
                                         gamma_seed=GAMMA_SEED if args.seed is None else args.seed)
                       for layer in layers]
    if args.fmt == "json":
        data = [r.to_dict() for r in reports]
        out = orjson.dumps(data[0] if len(data) == 1 else {"layers": data},
                           option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
    elif args.against_gold:
        if args.fmt != "table":
            print("annotator: error: --against-gold writes table or json", file=sys.stderr)
            return 2
        out = "\n".join(agreement.gold_table(r) for r in reports)
    elif args.fmt == "csv":
        out = "".join(agreement.to_csv(r) if i == 0 else agreement.to_csv(r).split("\n", 1)[1]
                      for i, r in enumerate(reports))
    elif args.fmt == "html":
        out = agreement.to_html(reports)
    else:
        out = "\n".join(agreement.to_table(r) for r in reports)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(out)
    else:
        sys.stdout.write(out)
    for r in reports:
        for w in r.warnings if args.fmt != "table" else []:
            print(f"annotator: warning: {r.layer}: {w}", file=sys.stderr)
    return 0
