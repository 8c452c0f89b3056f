"""Options shared by the training commands (train, train-curve, evaluate, mistakes)."""

from __future__ import annotations

import argparse
import sys

import orjson


def add_view_args(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    who = p.add_mutually_exclusive_group(required=required)
    who.add_argument("--gold", action="store_true", help="the adjudicated gold set")
    who.add_argument("--merged", action="store_true",
                     help="what a strict majority of the annotators of each document agreed on")
    who.add_argument("--annotator", "-a", metavar="NAME", help="this annotator's work")
    p.add_argument("--include-suggestions", action="store_true",
                   help="also use machine suggestions nobody has accepted yet (origin pattern/model)")


def view_of(args: argparse.Namespace):
    from annotator.services.training.data import ViewChoice

    if not (args.gold or args.merged or args.annotator):
        return None
    return ViewChoice(annotator=args.annotator, gold=args.gold, merged=args.merged,
                      suggestions=args.include_suggestions)


def add_fit_args(p: argparse.ArgumentParser, steps: int = 2000) -> None:
    p.add_argument("--steps", type=int, default=steps, help=f"at most this many training steps (default {steps})")
    p.add_argument("--eval-frequency", type=int, default=200,
                   help="evaluate on the held-out split every N steps; the best model is kept (default 200)")
    p.add_argument("--patience", type=int, default=1600,
                   help="stop after N steps without improvement (default 1600)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split and of training (default 0)")


def settings_of(args: argparse.Namespace):
    from annotator.services.training.fit import FitSettings

    if args.steps < 1 or args.eval_frequency < 1:
        raise SystemExit("annotator: --steps and --eval-frequency are at least 1")
    return FitSettings(max_steps=args.steps, eval_frequency=min(args.eval_frequency, args.steps),
                       patience=args.patience, seed=args.seed)


def write_out(text: str, path: str | None) -> None:
    if path:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def dumps(obj: object) -> str:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode() + "\n"
