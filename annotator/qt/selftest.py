"""``annotator --self-test``: prove that this installation works, end to end, without a display.

It runs offscreen (``ANNOTATOR_SELF_TEST_PLATFORM=xcb`` shows the window on a real display)
in a temporary folder (the user's settings and projects are not touched): create a project
(Alembic migrations), import a sample article (resources), show the main window (Qt plugins,
extensions, Help → About), tag a span through the same undoable path as the window (spaCy's
tokenizer snaps the selection), undo and redo it, export it as a spaCy DocBin and read the
file back with spaCy. Each step prints one line; the exit code is 0 when all passed, 1 otherwise. The line ``window shown N s after process start`` measures start-up.

Packagers run it on the built bundle (see docs/packaging.md); so does CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_T0 = time.perf_counter()  # fallback origin where the process start time is unknown

SAMPLE_FILE = "01-border-troops-wire.txt"
# a selection that starts and ends inside tokens; token snapping must grow it to the whole quote
SAMPLE_QUOTE, SAMPLE_LABEL = "more than 10,000", "CARDINAL"
WHO = "self-test"


def seconds_since_process_start() -> tuple[float, str]:
    """Seconds since the OS started this process (Linux), else since this module was imported."""
    try:
        stat = Path("/proc/self/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime, in clock ticks since boot
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK"), "process start"
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _T0, "self-test import"


class SelfTestFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailed(message)


class Runner:
    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.failed: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        except Exception as e:  # noqa: BLE001  (reported, and the run fails)
            self.failed = name
            self.out(f"FAIL {name}: {type(e).__name__}: {e}")
            self.out(traceback.format_exc().rstrip())
            raise
        self.out(f"ok   {name} ({time.perf_counter() - t:.2f} s)")


def wait_until(app: Any, condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


def run(args: argparse.Namespace | None = None, out: Callable[[str], None] = print) -> int:
    # before any Qt import: no display is needed, and nothing appears on one. Packagers who
    # want the start-up time on a real display set ANNOTATOR_SELF_TEST_PLATFORM=xcb (or wayland).
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("ANNOTATOR_SELF_TEST_PLATFORM") or "offscreen"
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="annotator-selftest-") as tmp:
        old = os.environ.get("ANNOTATOR_DATA_DIR")
        os.environ["ANNOTATOR_DATA_DIR"] = str(Path(tmp) / "data")
        try:
            code = _run(Path(tmp), Runner(out), out)
        finally:
            if old is None:
                os.environ.pop("ANNOTATOR_DATA_DIR", None)
            else:
                os.environ["ANNOTATOR_DATA_DIR"] = old
    if code == 0:
        out(f"self-test passed in {time.perf_counter() - t_start:.2f} s")
    return code


def _run(tmp: Path, r: Runner, out: Callable[[str], None]) -> int:
    import annotator

    out(f"annotator {annotator.__version__} self-test ({'bundle' if getattr(sys, 'frozen', False) else 'source'})")
    project = window = None
    try:
        with r.step("create a project (migrations)"):
            from annotator.core.schema import load_schema
            from annotator.services.sample import default_schema_path
            from annotator.storage import Project, db

            project = Project.create(tmp / "self-test.annotator", load_schema(default_schema_path()))
            with project.read() as c:
                check(db.current_revision(c) == db.head_revision(), "the project is not at the head revision")
            check(project.label_by_name(SAMPLE_LABEL) is not None, f"the news schema has no {SAMPLE_LABEL} label")

        with r.step("import a sample article"):
            from annotator.resources import resource
            from annotator.services.importing import import_paths

            report = import_paths(project, [resource("sample", SAMPLE_FILE)])
            check(not report.errors, "; ".join(map(str, report.errors)))
            check(report.added == 1, f"expected 1 document imported, got {report.added}")
            doc = project.document(report.document_ids[0])
            check(SAMPLE_QUOTE in doc.text, f"{SAMPLE_QUOTE!r} is not in the imported text")

        with r.step("show the main window"):
            from PySide6.QtCore import qInstallMessageHandler

            from annotator.qt.app import make_app

            previous: Any = None

            def quiet(mode: Any, context: Any, message: str) -> None:
                if "propagateSizeHints" in message:  # the offscreen plugin says this for every window
                    return
                if previous is not None:
                    previous(mode, context, message)
                else:
                    sys.stderr.write(message + "\n")

            previous = qInstallMessageHandler(quiet)  # chained: pytest-qt's handler still sees the rest
            from annotator.qt.main_window import MainWindow

            app = make_app()
            who = project.ensure_annotator(WHO)
            window = MainWindow(project, who)
            window.show()
            check(wait_until(app, lambda: window.windowHandle() is not None and window.windowHandle().isExposed()),
                  "the window was not exposed within 30 s")
            shown, origin = seconds_since_process_start()
            check(window.current_document_id == doc.id, "the window did not open the imported document")

        with r.step("Help → About"):
            from PySide6.QtGui import QAction

            about = window.findChild(QAction, "actionAbout")
            check(about is not None, "no Help → About action")
            about.trigger()
            dialog = window.feature("about_dialog")
            check(dialog is not None and wait_until(app, dialog.isVisible, 10), "the About dialog did not open")
            check(dialog.info["annotator"] == annotator_version(), "About shows the wrong version")
            check(dialog.info["Project"] == str(project.path), "About shows the wrong project path")
            dialog.close()

        with r.step("the lead's tools load (agreement dashboard charts, story grouping, team driver)"):
            import importlib

            for mod in ("annotator.qt.dashboard", "annotator.qt.train_window", "sklearn.feature_extraction.text",
                        "psycopg"):
                try:
                    importlib.import_module(mod)
                except ImportError as e:
                    check(False, f"{mod} cannot be imported: {e}")
            from annotator.services import stories

            check(callable(stories.group_stories), "story grouping is missing")

        with r.step("tag a span (undoable, snapped to spaCy tokens)"):
            span = _tag_span(window, project, who, doc)

        with r.step("export as a spaCy DocBin"):
            from annotator.services.exporting import ExportOptions, export

            target = tmp / "self-test.spacy"
            rep = export(project, ExportOptions(fmt="spacy", out=target, annotator=WHO))
            check(target.exists(), f"{target} was not written")
            check((rep.documents, rep.spans) == (1, 1), f"expected 1 document and 1 span, got {rep.summary()}")

        with r.step("read the export back with spaCy"):
            import spacy
            from spacy.tokens import DocBin

            docs = list(DocBin().from_disk(target).get_docs(spacy.blank("en").vocab))
            check(len(docs) == 1, f"expected 1 document in the DocBin, got {len(docs)}")
            check(docs[0].text == doc.text, "the exported text differs from the project's")
            ents = [(e.start_char, e.end_char, e.label_) for e in docs[0].ents]
            check(ents == [(span.start, span.end, SAMPLE_LABEL)], f"exported entities {ents}")
    except Exception:  # noqa: BLE001  (already reported by the step)
        return 1
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        if project is not None:
            project.close()
    out(f"window shown {shown:.2f} s after {origin}")
    return 0


def annotator_version() -> str:
    import annotator

    return annotator.__version__


def _tag_span(window: Any, project: Any, who: Any, doc: Any) -> Any:
    """Tag SAMPLE_QUOTE from a sloppy selection the way the window does, then undo and redo."""
    from annotator.qt.controller import DocumentController

    controller = getattr(window, "controller", None)
    if not isinstance(controller, DocumentController):
        controller = window.findChild(DocumentController) or DocumentController(project, who, window)
    if controller.document_id != doc.id:
        controller.open(doc.id)
    label = project.label_by_name(SAMPLE_LABEL)
    start = doc.text.index(SAMPLE_QUOTE)
    end = start + len(SAMPLE_QUOTE)
    span = controller.create_span(label.id, start + 2, end - 2)  # "re than 10,0": inside the first/last tokens
    check(span is not None, "the span was refused")
    check(doc.text[span.start:span.end] == SAMPLE_QUOTE,
          f"snapping gave {doc.text[span.start:span.end]!r}, expected {SAMPLE_QUOTE!r}")
    stored = [(s.start, s.end, s.label_id) for s in project.spans(doc.id, who.id)]
    check(stored == [(start, end, label.id)], f"stored spans {stored}")
    controller.session.undo()
    check(project.spans(doc.id, who.id) == [], "undo did not remove the span")
    controller.session.redo()
    check([(s.start, s.end) for s in project.spans(doc.id, who.id)] == [(start, end)], "redo did not restore it")
    return span
