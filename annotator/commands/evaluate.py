"""annotator evaluate [--model NAME] [--gold | --merged | --annotator NAME] [--format table|json|html]

Per-label precision, recall and F1 with counts (tp, fp, fn), the same figures spaCy's Scorer
gives; on the model's held-out split by default, or on a view of the project as it is now
(without the documents the model was trained on, unless --include-training).
"""

from __future__ import annotations

import argparse

from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.commands._training import add_view_args, dumps, view_of, write_out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="per-label P/R/F of a trained model, on its held-out split or the gold set",
                       description="Score a model stored by 'annotator train'. Without a view: its held-out "
                                   "split. With --gold (or another view): the project's annotations as they are "
                                   "now, leaving out the documents the model was trained on. See docs/training.md.")
    add_project_arg(p)
    p.add_argument("--model", "-m", default="latest", help="model name (default: the newest)")
    add_view_args(p, required=False)
    p.add_argument("--include-training", action="store_true",
                   help="with a view: also score documents the model was trained on")
    p.add_argument("--format", choices=("table", "json", "html"), default="table", dest="fmt")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.training import evaluate as E
    from annotator.services.training.store import get_model
    from annotator.services.training.train import evaluate_model

    with open_project(args) as project:
        model = get_model(project, args.model)
        with progress_bar("evaluating", unit="doc") as progress:
            ev = evaluate_model(project, model, view_of(args), include_training=args.include_training,
                                progress=progress)
    if args.fmt == "json":
        out = dumps({"model": model.name, **ev.as_dict()})
    elif args.fmt == "html":
        out = E.format_html(ev, f"Model {model.name}")
    else:
        out = f"model {model.name}\n" + E.format_table(ev) + "\n"
    write_out(out, args.output)
    return 0
