"""Train a spaCy pipeline with spaCy's own config system and training loop.

The config comes from ``spacy.cli.init_config.init_config`` (what ``spacy init config`` writes)
for the components the data has: ``ner`` for the entity layer (``doc.ents``), ``spancat`` for
claims (``doc.spans["claim"]``, overlaps allowed), ``textcat`` (exclusive) for the document
stance (``doc.cats``). A few values are then set: the corpus paths, the span key, a suggester
that covers the claim lengths seen in the data, the number of steps, the seed. Training is
``spacy.training.initialize.init_nlp`` + ``spacy.training.loop.train``, exactly what
``spacy train`` runs; the only addition is a ``before_update`` callback that reports the step
and stops when the user cancels.

A *base* pipeline (an installed package name or a folder, loaded with ``spacy.load``, never
downloaded) gives the language, the tokenizer settings and the vectors, and its ``ner``, when
it has one, is sourced and trained further (``replace_listeners`` makes it stand alone).
"""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.services.importing import Cancelled

CLAIM_KEY = "claim"  # doc.spans key of the claim layer, as the spaCy export writes it
ENTITY_KEY = "entity"
COMPONENTS = ("ner", "spancat", "textcat")
CALLBACK = "annotator.train_progress.v1"
MAX_SUGGESTED = 40  # longest claim (in tokens) the span suggester proposes

Step = Callable[[int], None]
_hooks = threading.local()


class TrainingError(AnnotatorError):
    pass


def _register() -> None:
    from spacy.util import registry

    if CALLBACK in registry.callbacks:
        return

    @registry.callbacks(CALLBACK)
    def make_progress() -> Callable[[Any, dict], None]:
        def before_update(_nlp: Any, args: dict) -> None:
            hook = getattr(_hooks, "step", None)
            if hook is not None:
                hook(int(args["step"]))

        return before_update


@dataclass
class FitSettings:
    max_steps: int = 2000
    eval_frequency: int = 200
    patience: int = 1600
    seed: int = 0
    dropout: float = 0.1


def make_config(lang: str, components: Sequence[str], settings: FitSettings, *, base: str | None = None,
                claim_sizes: tuple[int, int] = (1, 8), spancat_key: str = CLAIM_KEY,
                spancat_factory: str = "spancat") -> Any:
    """A spaCy training config (``confection.Config``) for these components."""
    from spacy.cli.init_config import init_config

    _register()
    wanted = [spancat_factory if c == "spancat" else c for c in components]
    cfg = init_config(lang=lang, pipeline=wanted, optimize="efficiency", gpu=False)
    T = cfg["training"]
    T["max_steps"] = settings.max_steps
    T["eval_frequency"] = settings.eval_frequency
    T["patience"] = settings.patience
    T["dropout"] = settings.dropout
    cfg["system"]["seed"] = settings.seed
    weights = T["score_weights"]
    for name in (spancat_factory,):
        if name in cfg["components"]:
            comp = cfg["components"][name]
            comp["spans_key"] = spancat_key
            lo, hi = claim_sizes
            comp["suggester"] = {"@misc": "spacy.ngram_range_suggester.v1", "min_size": max(1, lo),
                                 "max_size": max(lo, min(hi, MAX_SUGGESTED))}
            for k in list(weights):
                if k.startswith("spans_sc_"):
                    weights[k.replace("spans_sc_", f"spans_{spancat_key}_")] = weights.pop(k)
    if base:
        import spacy

        try:
            base_nlp = spacy.load(base)
        except OSError as e:
            raise TrainingError(f"no installed spaCy pipeline {base!r}: install it with pip, or give the folder "
                                f"of a trained pipeline ({e})") from None
        cfg["nlp"]["lang"] = base_nlp.lang
        if base_nlp.vocab.vectors.shape[0]:
            cfg["paths"]["vectors"] = str(base)
            cfg["initialize"]["vectors"] = str(base)
        if "ner" in components and "ner" in base_nlp.pipe_names:
            ner = {"source": str(base)}
            if any("tok2vec" in n for n in base_nlp.pipe_names):
                ner["replace_listeners"] = ["model.tok2vec"]
            cfg["components"]["ner"] = ner
    return cfg


def fit(config: Any, train_path: Path, dev_path: Path, out: Path, *, step: Step | None = None) -> Path:
    """Train with spaCy's loop; returns the folder of the best model (``out/model-best``).

    ``step(n)`` is called before each update; raising in it (``Cancelled``) stops training and
    the partial output is removed."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train

    _register()
    config = config.copy()
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    # progress and Cancel; only in the config trained here (the stored config.cfg runs with
    # plain `spacy train`, which knows nothing of this callback)
    config["training"]["before_update"] = {"@callbacks": CALLBACK}
    previous = getattr(_hooks, "step", None)
    _hooks.step = step
    out.mkdir(parents=True, exist_ok=True)
    log = io.StringIO()
    try:
        nlp = init_nlp(config)
        train(nlp, out, stdout=log, stderr=log)
    except BaseException:  # a cancel (Cancelled) or a failure: no half-trained model is left
        shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        _hooks.step = previous
    best = out / "model-best"
    if not best.is_dir():
        raise TrainingError("spaCy finished without saving a model:\n" + log.getvalue()[-2000:])
    return best


def fit_in_memory(config: Any, train_path: Path, dev_path: Path, *, step: Step | None = None) -> Any:
    """Train with spaCy's loop and return the trained ``Language`` (the last step's weights)
    without writing checkpoints: for short-lived models such as the k-fold ones."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train

    _register()
    config = config.copy()
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    config["training"]["before_update"] = {"@callbacks": CALLBACK}
    previous = getattr(_hooks, "step", None)
    _hooks.step = step
    log = io.StringIO()
    try:
        nlp = init_nlp(config)
        nlp, _ = train(nlp, None, stdout=log, stderr=log)
    finally:
        _hooks.step = previous
    return nlp


def counting_step(total: int, progress: Callable[[int, int, str], None] | None,
                  cancelled: Callable[[], bool] | None, done_before: int = 0, grand_total: int | None = None,
                  what: str = "") -> Step:
    """A ``step`` hook that reports progress and raises ``Cancelled`` when asked to stop."""
    gt = grand_total if grand_total is not None else total

    def step(n: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None and (n % 10 == 0 or n + 1 >= total):
            progress(done_before + min(n + 1, total), gt, f"{what}step {n + 1:,} of at most {total:,}")

    return step
