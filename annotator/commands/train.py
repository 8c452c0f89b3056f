"""annotator train (--gold | --merged | --annotator NAME) [--components ner,spancat,textcat] [--base PIPELINE]
annotator train-curve (--gold | …): the same on 25/50/75/100 % of the training documents

Trains a spaCy pipeline with spaCy's own config and training loop from a view of the project
(exported exactly as ``annotator export --format spacy --split`` writes it), evaluates it on
the held-out split and stores it beside the project. See docs/training.md.
"""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project, progress_bar
from annotator.commands._training import add_fit_args, add_view_args, dumps, settings_of, view_of


def _components(s: str) -> list[str]:
    parts = [x.strip() for x in s.split(",") if x.strip()]
    bad = [x for x in parts if x not in ("ner", "spancat", "textcat")]
    if not parts or bad:
        raise argparse.ArgumentTypeError("components are ner, spancat and textcat, comma-separated")
    return parts


def _shares(s: str) -> list[float]:
    try:
        parts = [float(x) for x in s.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("give shares such as 0.25,0.5,0.75,1") from None
    if not parts or any(not 0 < x <= 1 for x in parts):
        raise argparse.ArgumentTypeError("each share is above 0 and at most 1")
    return parts


def _common(p: argparse.ArgumentParser) -> None:
    add_view_args(p)
    add_project_arg(p)
    p.add_argument("--components", type=_components, metavar="LIST",
                   help="ner (entities), spancat (claims), textcat (stance); default: what the data has")
    p.add_argument("--base", metavar="NAME|PATH",
                   help="start from an installed spaCy pipeline (package name or folder; never downloaded): its "
                        "language, vectors and ner; default: a blank pipeline of the project's language")
    p.add_argument("--dev", type=float, default=0.2, help="share of documents held out for evaluation (default 0.2)")
    p.add_argument("--name", help="model name (default: the view and the date)")
    add_fit_args(p)
    p.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    p.add_argument("--quiet", "-q", action="store_true")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a spaCy model (ner, spancat, textcat) from the annotations",
                       description="Train with spaCy's own config system and training loop on a view of the "
                                   "project, evaluate on a held-out split, store the model beside the project "
                                   "('annotator models list'). Nothing is downloaded. See docs/training.md.")
    _common(p)
    p.set_defaults(func=run, curve=())
    c = sub.add_parser("train-curve", help="train on 25/50/75/100 %% of the data: does more annotation still help?",
                       description="Train the same model on growing shares of the training documents and "
                                   "score each on the same held-out split. The model trained on all of them "
                                   "is stored like 'annotator train' stores it.")
    _common(c)
    c.add_argument("--shares", type=_shares, default=[0.25, 0.5, 0.75, 1.0], metavar="LIST",
                   help="shares of the training documents (default 0.25,0.5,0.75,1)")
    c.set_defaults(func=run_curve)


def _train(args: argparse.Namespace, curve) -> int:
    from annotator.services.training.evaluate import Evaluation, format_table
    from annotator.services.training.train import TrainOptions, train_model

    if not 0 < args.dev < 1:
        print("annotator: --dev is a share between 0 and 1, e.g. 0.2", file=sys.stderr)
        return 2
    opts = TrainOptions(view=view_of(args), components=args.components, base=args.base, dev=args.dev,
                        seed=args.seed, settings=settings_of(args), name=args.name, curve=curve)
    with open_project(args) as project, progress_bar("training", unit="step") as progress:
        info = train_model(project, opts, progress=progress)
    if args.fmt == "json":
        sys.stdout.write(dumps({"name": info.name, "path": str(info.path), "view": info.view,
                                "components": info.components, "documents": info.documents,
                                "data_hash": info.data_hash, "scores": info.scores, "curve": info.curve}))
        return 0
    if not args.quiet:
        print(f"model {info.name}: {', '.join(info.components)} from {info.view}, "
              f"{info.documents['train']} training and {info.documents['dev']} held-out documents "
              f"({info.seconds:.0f} s)\nstored in {info.path}\n")
        if info.curve:
            print(format_curve(info.curve) + "\n")
        print(format_table(Evaluation.from_dict(info.scores)))
    return 0


def format_curve(curve: list[dict]) -> str:
    from annotator.services.training.evaluate import Evaluation

    lines = [f"{'share':>6} {'docs':>5} " + " ".join(f"{lay + ' F':>10}" for lay in ("entity", "claim", "stance"))]
    for point in curve:
        ev = Evaluation.from_dict(point["scores"])
        figs = [f"{100 * ev.total(lay).f:10.1f}" if ev.layer(lay) else f"{'-':>10}" for lay in ("entity", "claim", "stance")]
        lines.append(f"{100 * point['share']:5.0f}% {point['documents']:>5} " + " ".join(figs))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    return _train(args, ())


def run_curve(args: argparse.Namespace) -> int:
    return _train(args, tuple(args.shares))
