"""Train a model from a view of the project, evaluate it, and draw a train curve.

Flow of :func:`train_model`: export the view with a seeded, stance-stratified train/dev split
(the export code, format ``spacy``) into a temporary model folder; pick the components the
data can teach; write spaCy's config; train with spaCy's loop; evaluate the best model on the
dev split; store everything and rename the folder into place (see :mod:`.store`).
"""

from __future__ import annotations

import datetime as _dt
import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.services.training import data as _data
from annotator.services.training import store
from annotator.services.training.evaluate import Evaluation, evaluate
from annotator.services.training.fit import (
    CLAIM_KEY,
    FitSettings,
    TrainingError,
    counting_step,
    fit,
    make_config,
)
from annotator.storage import Project

Progress = Callable[[int, int, str], None]
CURVE = (0.25, 0.5, 0.75, 1.0)


@dataclass
class TrainOptions:
    view: _data.ViewChoice = field(default_factory=lambda: _data.ViewChoice(gold=True))
    components: Sequence[str] | None = None  # default: whatever the data can teach
    base: str | None = None  # an installed pipeline (package name or folder); default a blank one
    dev: float = 0.2  # share of documents held out for evaluation
    seed: int = 0
    settings: FitSettings = field(default_factory=FitSettings)
    name: str | None = None
    curve: Sequence[float] = ()  # e.g. (0.25, 0.5, 0.75, 1.0): also train on these shares


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def default_name(view: _data.ViewChoice) -> str:
    stem = "gold" if view.gold else "merged" if view.merged else (view.annotator or "model")
    stem = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in stem).strip("-.") or "model"
    return f"{stem}-{_dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _load(path: Path) -> Any:
    import spacy

    return spacy.load(path)


def train_model(project: Project, opts: TrainOptions, *, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None) -> store.ModelInfo:
    t0 = time.perf_counter()
    if not 0 < opts.dev < 1:
        raise TrainingError("the held-out share is between 0 and 1, e.g. 0.2")
    name = store.check_name(opts.name or default_name(opts.view))
    if (store.models_dir(project) / name).exists():
        raise store.ModelError(f"a model named {name!r} exists; choose another name or delete it")
    tmp = store.temp_dir(project, name)
    try:
        if progress:
            progress(0, 0, "exporting the training data")
        _data.export_view(project, opts.view, tmp / "data", split=(1 - opts.dev, opts.dev), seed=opts.seed,
                          cancelled=cancelled)
        lang = opts.base and _load(opts.base).lang or project.language
        train_docs = _data.read_docs(tmp / "data" / "train.spacy", lang)
        dev_docs = _data.read_docs(tmp / "data" / "dev.spacy", lang)
        if not train_docs or not dev_docs:
            raise TrainingError(f"too little data: {len(train_docs)} training and {len(dev_docs)} held-out "
                                "documents (annotate more, or change the held-out share)")
        comps = _data.components_for(train_docs, opts.components)
        cfg = make_config(lang, comps, opts.settings, base=opts.base, claim_sizes=_data.claim_sizes(train_docs))
        cfg.to_disk(tmp / "config.cfg")
        shares = sorted(set(opts.curve)) if opts.curve else []
        if shares and not all(0 < s <= 1 for s in shares):
            raise TrainingError("train-curve shares are between 0 and 1, e.g. 0.25,0.5,0.75,1")
        runs = [s for s in shares if s < 1] + [1.0]
        steps = opts.settings.max_steps
        curve: list[dict[str, Any]] = []
        best: Path | None = None
        ev: Evaluation | None = None
        order = list(range(len(train_docs)))
        random.Random(opts.seed).shuffle(order)
        keys = [CLAIM_KEY] if "spancat" in comps else []
        dev_lean = _data.write_lean(dev_docs, tmp / "dev-lean.spacy", keys)
        for i, share in enumerate(runs):
            n = max(1, math.ceil(share * len(train_docs)))
            part = _data.write_lean([train_docs[j] for j in sorted(order[:n])], tmp / f"train-{i}.spacy", keys)
            what = f"{round(share * 100)} % of the data: " if len(runs) > 1 else ""
            out = fit(cfg, part, dev_lean, tmp / f"run-{i}",
                      step=counting_step(steps, progress, cancelled, i * steps, len(runs) * steps, what))
            nlp = _load(out)
            ev = evaluate(nlp, dev_docs, what=f"held-out split ({len(dev_docs)} documents)")
            curve.append({"share": share, "documents": n, "scores": ev.as_dict()})
            part.unlink(missing_ok=True)
            if share == 1.0:
                best = out
            else:
                shutil.rmtree(tmp / f"run-{i}", ignore_errors=True)
        assert best is not None and ev is not None
        shutil.move(str(best), str(tmp / "model"))
        shutil.rmtree(tmp / f"run-{len(runs) - 1}", ignore_errors=True)
        dev_lean.unlink()
        info = store.ModelInfo(
            name=name, path=tmp, view=opts.view.name, components=comps, base=opts.base, language=lang,
            data_hash=_data.data_hash({"train": train_docs, "dev": dev_docs}), created=_now(),
            documents={"train": len(train_docs), "dev": len(dev_docs)},
            settings={"seed": opts.seed, "dev": opts.dev, "max_steps": steps,
                      "eval_frequency": opts.settings.eval_frequency, "patience": opts.settings.patience,
                      "suggestions": opts.view.suggestions},
            scores=ev.as_dict(), curve=curve if len(runs) > 1 else [], seconds=time.perf_counter() - t0)
        return store.publish(tmp, info)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def evaluate_model(project: Project, model: store.ModelInfo, view: _data.ViewChoice | None = None, *,
                   include_training: bool = False, progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None) -> Evaluation:
    """Score a stored model on its held-out split (``view`` None) or on a view of the project as
    it is now (by default without the documents the model was trained on)."""
    import tempfile

    nlp = _load(model.model_path)
    if view is None:
        refs = _data.read_docs(model.dev_path, model.language)
        return evaluate(nlp, refs, what=f"held-out split of {model.view} ({len(refs)} documents)",
                        progress=progress)
    with tempfile.TemporaryDirectory(prefix="annotator-eval-") as t:
        _data.export_view(project, view, Path(t) / "view.spacy", cancelled=cancelled)
        refs = _data.read_docs(Path(t) / "view.spacy", model.language)
    left_out = 0
    if not include_training:
        seen = {_data.content_hash(d) for d in _data.read_docs(model.train_path, model.language)}
        kept = [d for d in refs if _data.content_hash(d) not in seen]
        left_out = len(refs) - len(kept)
        refs = kept
    if not refs:
        raise TrainingError(f"{view.name} has no documents to evaluate on"
                            + (f" ({left_out} were used in training)" if left_out else ""))
    what = f"{view.name} ({len(refs)} documents" + (f", {left_out} used in training left out" if left_out else "") + ")"
    return evaluate(nlp, refs, what=what, progress=progress)
