"""Training speed on N synthetic articles (annotator.services.training.synthetic), against
``spacy train`` itself on the same config and the same exported data, measured in the same run.

Ours is everything ``annotator train`` does: export the gold view with its split (the export
code), choose the components, write the config, train with spaCy's loop, evaluate the best
model on the held-out split, store the model. The baseline is ``spacy.cli.train.train`` on our
stored ``config.cfg`` and ``data/train.spacy``/``data/dev.spacy`` (so only spaCy's own work),
with the same number of steps.

    python benchmarks/bench_training.py [--docs 400] [--steps 300]

Target: our wall time <= 1.5 x spaCy's train alone (the wrapper adds export, evaluation and
storage, not a slower loop). We train on lean copies of the DocBins (no user data, only the
span keys used), which spaCy's reader would otherwise decode on every pass: that is why the
ratio can be below 1.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import emit

from annotator.core.schema import load_schema
from annotator.services.sample import default_schema_path
from annotator.services.training import synthetic
from annotator.services.training.fit import FitSettings
from annotator.services.training.train import TrainOptions, train_model
from annotator.storage import Project


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    import spacy  # noqa: F401  (import time is not what we measure)
    from spacy.cli.train import train as spacy_train

    with tempfile.TemporaryDirectory() as t:
        project = Project.create(Path(t) / "bench.annotator", load_schema(default_schema_path()))
        synthetic.build(project, args.docs, seed=0)
        settings = FitSettings(max_steps=args.steps, eval_frequency=max(1, args.steps // 3), patience=10 ** 6)
        t0 = time.perf_counter()
        info = train_model(project, TrainOptions(settings=settings, name="bench"))
        ours = time.perf_counter() - t0
        words = sum(len(d.text.split()) for d in project.documents())
        t0 = time.perf_counter()
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            spacy_train(info.path / "config.cfg", Path(t) / "spacy-out",
                        overrides={"paths.train": str(info.train_path), "paths.dev": str(info.dev_path)})
        base = time.perf_counter() - t0
        project.close()
    emit("training: annotator train (export, spaCy loop, evaluate, store)", ours, "s", baseline=base,
         baseline_label="spacy train alone", target=1.5, target_on="ratio",
         note=f"{args.docs} docs ({words:,} words), {args.steps} steps, components {','.join(info.components)}",
         docs=args.docs, steps=args.steps)
    emit("training: steps per second", args.steps / ours, "steps/s", better="higher")


if __name__ == "__main__":
    main()
