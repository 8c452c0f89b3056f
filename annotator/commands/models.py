"""annotator models list | delete NAME: the models stored beside the project."""

from __future__ import annotations

import argparse
import sys

from annotator.commands._common import add_project_arg, open_project
from annotator.commands._training import dumps


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list or delete the models trained for this project",
                       description="Models live in a folder beside the project file (<project>.models/), one "
                                   "folder each with the spaCy pipeline, its config, the view, the data hash, the "
                                   "scores and the date.")
    ms = p.add_subparsers(dest="models_command", metavar="{list,delete}", required=True)
    ls = ms.add_parser("list", help="stored models, newest first")
    add_project_arg(ls)
    ls.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    ls.set_defaults(func=run_list)
    rm = ms.add_parser("delete", help="delete a stored model")
    add_project_arg(rm)
    rm.add_argument("name")
    rm.set_defaults(func=run_delete)


def run_list(args: argparse.Namespace) -> int:
    from annotator.services.training.evaluate import Evaluation
    from annotator.services.training.store import list_models

    with open_project(args) as project:
        models = list_models(project)
    if args.fmt == "json":
        sys.stdout.write(dumps([{"name": m.name, "path": str(m.path), "view": m.view, "components": m.components,
                                 "base": m.base, "data_hash": m.data_hash, "created": m.created,
                                 "documents": m.documents, "scores": m.scores} for m in models]))
        return 0
    if not models:
        print("no models yet (annotator train)")
        return 0
    print(f"{'name':<32} {'created':<25} {'view':<18} {'components':<22} {'ent F':>6} {'claim F':>7} {'stance F':>8}")
    for m in models:
        ev = Evaluation.from_dict(m.scores)
        figs = [f"{100 * ev.total(lay).f:.1f}" if ev.layer(lay) else "-" for lay in ("entity", "claim", "stance")]
        print(f"{m.name:<32} {m.created:<25} {m.view[:18]:<18} {','.join(m.components):<22} {figs[0]:>6} "
              f"{figs[1]:>7} {figs[2]:>8}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from annotator.services.training.store import delete_model

    with open_project(args) as project:
        m = delete_model(project, args.name)
    print(f"deleted model {m.name}")
    return 0
