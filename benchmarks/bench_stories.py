"""Story grouping over a project of N articles (default 2,000): ``group_stories`` end to end
(read documents and entity spans, TF-IDF + entity Jaccard + dates, average-linkage clustering,
store the stories).

Baseline, same run: the least work that gives a text-only grouping of the same texts — a
TF-IDF fit, the cosine matrix and the same clustering, on texts already in memory. Ratio =
ours / baseline (a time: lower is better).

    python benchmarks/bench_stories.py [--docs 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import cached_project, fresh_copy  # noqa: E402
from _report import emit  # noqa: E402

from annotator.services.stories import GROUP_THRESHOLD, _clusters, group_stories  # noqa: E402
from annotator.storage import Project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    args = ap.parse_args()
    src = cached_project(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        path = fresh_copy(src, Path(tmp))
        with Project.open(path) as p:
            texts = [f"{d.title}\n{d.title}\n{d.text}" for d in p.documents()]
            import numpy as np
            from sklearn.feature_extraction.text import TfidfVectorizer

            t0 = time.perf_counter()
            x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
            _clusters(np.asarray((x @ x.T).toarray()), GROUP_THRESHOLD)
            base = time.perf_counter() - t0
            t0 = time.perf_counter()
            stories = group_stories(p)
            ours = time.perf_counter() - t0
    emit("stories_group", ours, "s", baseline=base, baseline_label="TF-IDF + clustering in memory",
         note=f"{args.docs} documents, {len(stories)} stories")


if __name__ == "__main__":
    main()
