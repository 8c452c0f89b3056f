"""Open a project of N documents (default 100,000) the way a user does: a new process runs
``annotator --project FILE --annotator alice`` (the real entry point), and the clock stops
when the document list has painted its first rows. Measured from before the process is
started, so Python, PySide6 and the project's schema check are all included.

Baseline, same run: the same command on an empty project (what N documents cost on top of the
app's own start). Reference, no target: a bare PySide6 window with a list (Python + Qt floor).

Memory: peak RSS of the app process (getrusage) after the window is shown, and again after a
session: scroll the whole list to the bottom (every page fetched) and run a search.

    python benchmarks/bench_open.py [--docs 100000] [--repeat 3]

Targets: shown in < 1 s; peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import cached_project, fresh_copy  # noqa: E402
from _report import emit  # noqa: E402

CHILD = r"""
import json, resource, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

mode, path, session = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
out = {}

def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def after_shown(window):
    out["shown"] = time.time()
    out["rss_shown"] = rss_mb()
    if session and window is not None:
        m = window.doc_model
        out["rows_shown"] = m.rowCount()
        t = time.perf_counter()
        while m.canFetchMore():
            m.fetchMore()
            QApplication.processEvents()
        window.doc_list.scrollToBottom()
        QApplication.processEvents()
        out["scroll_all_s"] = time.perf_counter() - t
        out["rows_all"] = m.rowCount()
        t = time.perf_counter()
        window.search.setText("budget")
        QApplication.processEvents()
        out["search_s"] = time.perf_counter() - t
    out["rss_peak"] = rss_mb()
    print("RESULT " + json.dumps(out), flush=True)
    QApplication.instance().quit()

class Watch(QObject):
    done = False
    def eventFilter(self, obj, ev):
        if not self.done and ev.type() == QEvent.Type.Paint:
            lst = obj.parent()
            if lst is not None and lst.objectName() == "documentList":
                win = lst.window()
                if mode == "empty" or lst.model().rowCount() > 0:
                    self.done = True
                    QTimer.singleShot(0, lambda: after_shown(win))
        return False

if mode == "floor":
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView, QMainWindow
    app = QApplication(sys.argv[:1])
    w = QMainWindow(); lst = QListView(objectName="documentList"); lst.setModel(QStringListModel(["a", "b"]))
    w.setCentralWidget(lst); w.resize(1200, 800)
    watch = Watch(); app.installEventFilter(watch)
    w.show(); app.exec()
else:
    from annotator.qt.app import make_app
    app = make_app()
    watch = Watch(); app.installEventFilter(watch)
    from annotator.cli import main
    sys.exit(main(["--project", path, "--annotator", "alice"]))
"""


def launch(mode: str, path: Path, session: bool, data_dir: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               ANNOTATOR_DATA_DIR=str(data_dir))
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), "1" if session else "0"],
                          capture_output=True, text=True, env=env, timeout=600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"open benchmark child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    res = json.loads(lines[-1][7:])
    res["seconds"] = res["shown"] - t0
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    from annotator.core.schema import load_schema
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    src = cached_project(args.docs)
    with tempfile.TemporaryDirectory(prefix="bench-open-") as tmp:
        tmp = Path(tmp)
        big = fresh_copy(src, tmp)
        empty = tmp / "empty.annotator"
        with Project.create(empty, load_schema(default_schema_path())) as p:
            p.ensure_annotator("alice")
        launch("project", big, False, tmp)  # warm the page cache: we time a re-open, not the disk
        floor, base, ours = [], [], []
        for _ in range(args.repeat):
            floor.append(launch("floor", empty, False, tmp)["seconds"])
            base.append(launch("empty", empty, False, tmp)["seconds"])
            ours.append(launch("project", big, False, tmp)["seconds"])
        session = launch("project", big, True, tmp)
    med = statistics.median
    print(f"open: {args.docs:,} documents; median of {args.repeat}; bare PySide6 window {med(floor):.2f} s")
    emit("open: window shown with list", med(ours), "s", baseline=med(base), baseline_label="empty project",
         target=1.0, better="lower", docs=args.docs, runs=ours, baseline_runs=base, floor_s=med(floor),
         note=f"bare PySide6 window {med(floor):.2f} s")
    emit("open: peak RSS after shown", session["rss_shown"], "MB", target=300, better="lower")
    emit("open: peak RSS after scrolling all rows + search", session["rss_peak"], "MB", target=300,
         better="lower",
         note=f"{session['rows_all']:,} rows fetched in {session['scroll_all_s']:.2f} s; "
              f"search 'budget' {session['search_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
