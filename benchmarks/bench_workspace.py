"""Workspace speed: open a 1 MB article with 20,000 spans, create a span in it, scroll it.

Prints p50/p95 in milliseconds and ratios against baselines measured in the same run:
  open    vs. a bare QPlainTextEdit.setPlainText of the same text + first paint
  create  vs. the bare Project.add_span + delete_span round trip (the database commit alone)
  scroll  vs. scrolling a bare QPlainTextEdit with the same text
The frame budget for an edit is 16 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_workspace.py [--quick]

Targets (issue 20): all spans drawn <= 100 ms after open (median); create span p95 <= 16 ms;
the token index read (stored with the document, not built) <= 100 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANNOTATOR_DATA_DIR", tempfile.mkdtemp(prefix="bench-ws-"))

WORDS = ("the minister said troops border Veldoria Ostrava officials on Tuesday more than 10,000 report "
         "ceasefire 東京 Nováková 😀 claimed vehicles near Brezno about kilometres from frontier").split()


def make_text(size: int, rng: random.Random) -> str:
    paras, n = [], 0
    while n < size:
        p = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))) + "."
        paras.append(p)
        n += len(p) + 2
    return "\n\n".join(paras)[:size]


def pct(xs: list[float]) -> tuple[float, float]:
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    quick = "--quick" in sys.argv
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication.instance() or QApplication([])
    from annotator.core.model import Layer, NewDocument
    from annotator.core.schema import load_schema
    from annotator.core.tokens import TokenIndex
    from annotator.qt.main_window import MainWindow
    from annotator.services.importing import import_documents
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    rng = random.Random(7)
    size, n_spans = (200_000, 4_000) if quick else (1_000_000, 20_000)
    text = make_text(size, rng)
    project = Project.create(Path(tempfile.mkdtemp()) / "bench.annotator", load_schema(default_schema_path()))
    import_documents(project, [NewDocument("short", title="a"), NewDocument(text, title="big")])
    big = [d for d in project.documents() if d.title == "big"][0]
    text = big.text
    who = project.ensure_annotator("bench")
    labels = project.labels(Layer.ENTITY)
    claim = project.labels(Layer.CLAIM)[0]
    t0 = time.perf_counter()
    tokens = TokenIndex(text)
    t_tokens = (time.perf_counter() - t0) * 1000
    picks = sorted(rng.sample(range(len(tokens)), n_spans))
    rows = []
    for k, i in enumerate(picks):
        end = tokens.ends[min(i + rng.randint(0, 2), len(tokens) - 1)]
        lab = claim if k % 20 == 0 else rng.choice(labels)
        if lab is claim:
            end = tokens.ends[min(i + 12, len(tokens) - 1)]
        rows.append((big.id, who.id, lab.id, tokens.starts[i], end, {}, "manual"))
    project.add_spans(rows)

    # the token index as the workspace gets it: made and stored on the first open, read after
    from annotator.storage.tokens import token_index

    token_index(project, big.id, text, project.language)
    reads = []
    for _ in range(5):
        t0 = time.perf_counter()
        token_index(project, big.id, text, project.language)
        reads.append((time.perf_counter() - t0) * 1000)
    t_read = statistics.median(reads)

    w = MainWindow(project, who)
    w.resize(1400, 900)
    w.show()
    app.processEvents()
    reps = 5 if quick else 9

    # ---- open
    opens, loaded, base_opens = [], [], []
    for _ in range(reps):
        w.open_document(1)
        app.processEvents()
        t0 = time.perf_counter()
        w.open_document(big.id)
        w.text_view.viewport().repaint()
        opens.append((time.perf_counter() - t0) * 1000)
        while w.controller.loading:  # spans arrive from the background load
            app.processEvents()
            time.sleep(0.001)
        w.text_view.viewport().repaint()
        loaded.append((time.perf_counter() - t0) * 1000)
    plain = QPlainTextEdit()
    plain.resize(700, 800)
    plain.show()
    for _ in range(reps):
        plain.setPlainText("x")
        app.processEvents()
        t0 = time.perf_counter()
        plain.setPlainText(text)
        plain.viewport().repaint()
        base_opens.append((time.perf_counter() - t0) * 1000)

    # ---- create a span (selection -> hotkey handler -> DB commit -> view, list update -> paint)
    w.controller.tokens()  # built in the background after the spans (cached per document)
    creates, undos, base_creates = [], [], []
    view = w.text_view
    lab_id = labels[0].id
    for _ in range(20 if quick else 40):
        i = rng.randrange(len(tokens) - 2)
        s, e = tokens.starts[i], tokens.ends[i + 1]
        view.scroll_to(s)
        app.processEvents()
        view.select_range(s, e)
        t0 = time.perf_counter()
        w.tag(lab_id)  # default path: snapped to tokens
        view.viewport().repaint()
        creates.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        w.undo_stack.undo()
        view.viewport().repaint()
        undos.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        sp = project.add_span(big.id, who.id, lab_id, s, e)
        project.delete_span(sp.id)
        base_creates.append((time.perf_counter() - t0) * 1000 / 2)

    # ---- scroll (jump to random places, paint synchronously)
    def scroll_times(editor) -> list[float]:
        sb = editor.verticalScrollBar()
        out = []
        r = random.Random(3)
        for _ in range(30 if quick else 60):
            v = r.randrange(sb.maximum() or 1)
            t0 = time.perf_counter()
            sb.setValue(v)
            editor.viewport().repaint()
            out.append((time.perf_counter() - t0) * 1000)
        return out

    scrolls = scroll_times(view)
    base_scrolls = scroll_times(plain)
    page = []
    sb = view.verticalScrollBar()
    sb.setValue(0)
    for _ in range(40):
        t0 = time.perf_counter()
        sb.setValue(sb.value() + sb.pageStep())
        view.viewport().repaint()
        page.append((time.perf_counter() - t0) * 1000)

    print(f"document: {len(text):,} characters, {len(w.controller.spans):,} spans; "
          f"token index built in {t_tokens:.0f} ms (once per document, cached)")
    print(f"{'measure':<36}{'p50 ms':>9}{'p95 ms':>9}{'baseline p50':>14}{'ratio':>8}")
    for name, xs, base in (("open: text shown + first paint", opens, base_opens),
                           ("open: all spans drawn (background)", loaded, base_opens),
                           ("create span (hotkey to painted)", creates, base_creates),
                           ("undo create (to painted)", undos, base_creates),
                           ("scroll jump + paint", scrolls, base_scrolls),
                           ("page down + paint", page, base_scrolls)):
        p50, p95 = pct(xs)
        b50 = pct(base)[0]
        print(f"{name:<36}{p50:>9.1f}{p95:>9.1f}{b50:>14.1f}{p50 / b50 if b50 else float('nan'):>8.2f}")
    print("baselines: open = bare QPlainTextEdit.setPlainText + paint; create/undo = Project.add_span "
          "(one committed write, synchronous=FULL); scroll = bare QPlainTextEdit")
    from _report import emit

    emit("workspace: token index read (1 MB)", t_read, "ms", baseline=t_tokens,
         baseline_label="built by spaCy's tokenizer", target=100, better="lower", tokens=len(tokens))
    emit("workspace: all spans drawn after open", pct(loaded)[0], "ms", baseline=pct(base_opens)[0],
         baseline_label="bare QPlainTextEdit setPlainText+paint", target=100, better="lower",
         note=f"p95 {pct(loaded)[1]:.0f} ms; {len(w.controller.spans):,} spans", spans=len(w.controller.spans))
    emit("workspace: create span p95", pct(creates)[1], "ms", baseline=pct(base_creates)[1],
         baseline_label="Project.add_span alone", target=16, better="lower", note=f"p50 {pct(creates)[0]:.1f} ms")
    emit("workspace: undo create p95", pct(undos)[1], "ms", baseline=pct(base_creates)[1],
         baseline_label="Project.add_span alone", better="lower")
    emit("workspace: scroll jump + paint p95", pct(scrolls)[1], "ms", baseline=pct(base_scrolls)[1],
         baseline_label="bare QPlainTextEdit", better="lower")
    w.close()
    project.close()


if __name__ == "__main__":
    main()
